/* ISO 8601 times in UTC for the API: parsing what clients send, formatting what the
 * database keeps (epoch milliseconds), and the calendar buckets of reports (day, ISO
 * week, month). Pure: computed in C so that SQLite and PostgreSQL agree. */
#ifndef AUTHSVC_ISO8601_H
#define AUTHSVC_ISO8601_H

#include <apr_pools.h>
#include "authsvc_status.h"

/* Largest time accepted: 9999-12-31T23:59:59.999Z, in epoch milliseconds. */
#define AUTHSVC_ISO8601_MS_MAX 253402300799999LL

typedef enum {
    AUTHSVC_BUCKET_DAY,  /* "2024-12-30" */
    AUTHSVC_BUCKET_WEEK, /* ISO week, "2025-W01" */
    AUTHSVC_BUCKET_MONTH /* "2024-12" */
} authsvc_bucket_t;

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.fff...]]" with "Z", "+HH:MM" or "-HH:MM"
 * (no zone: UTC). AUTHSVC_INVALID for anything else, impossible dates included, and
 * for times before 1970 or after AUTHSVC_ISO8601_MS_MAX. */
authsvc_status_t authsvc_iso8601_parse(const char *text, long long *ms);

/* "2019-08-24T14:15:22.000Z" */
const char *authsvc_iso8601_format(apr_pool_t *p, long long ms);

/* The bucket's label for a time. */
const char *authsvc_iso8601_bucket(apr_pool_t *p, long long ms, authsvc_bucket_t bucket);

#endif
