/* The login activity authsvc-admin reports: every login since a time, with the actor's
 * username and the tenant's key where they still exist. A catalogue statement only. */
#ifndef AUTHSVC_DB_ACTIVITY_REPORT_H
#define AUTHSVC_DB_ACTIVITY_REPORT_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* One login; text NULL for SQL NULL. */
typedef struct {
    const char *id;
    const char *actor;    /* the username, else the actor's id */
    const char *tenant;   /* the tenant's key, else its id */
    long long login_time; /* epoch ms */
    const char *type;
    const char *ip;
    const char *client_id;
} authsvc_db_activity_entry_t;

/* The logins at or after since_ms in time order: authsvc_db_activity_entry_t elements. */
authsvc_status_t authsvc_db_activity_report(authsvc_db_t *db, apr_pool_t *p, long long since_ms,
                                            apr_array_header_t **rows);

#endif
