/* Operational metrics in the Prometheus text format, on a location the administrator
 * chooses (`SetHandler authsvc-metrics`; nothing is exposed unless configured). Counters
 * live in one block of shared memory made once per httpd parent, so they are summed
 * over all children and kept across graceful restarts (a full restart starts them at
 * zero, which Prometheus's rate() handles). Every update is one atomic add. */
#ifndef AUTHSVC_METRICS_H
#define AUTHSVC_METRICS_H

#include <apr_pools.h>

typedef struct authsvc_metrics authsvc_metrics_t;

/* Single counters, by what they count. */
typedef enum {
    AUTHSVC_METRIC_LOGIN_SUCCESS,
    AUTHSVC_METRIC_LOGIN_BAD_PASSWORD,
    AUTHSVC_METRIC_LOGIN_UNKNOWN_USER,
    AUTHSVC_METRIC_LOGIN_LOCKED,
    AUTHSVC_METRIC_LOGIN_IP_LIMITED,
    AUTHSVC_METRIC_LOGIN_OTHER_FAILURE,
    AUTHSVC_METRIC_TOKENS_ISSUED,
    AUTHSVC_METRIC_TOKENS_REFRESHED,
    AUTHSVC_METRIC_TOKENS_REVOKED,
    AUTHSVC_METRIC_GATEWAY_CACHE_LOCAL_HIT,
    AUTHSVC_METRIC_GATEWAY_CACHE_SHARED_HIT,
    AUTHSVC_METRIC_GATEWAY_CACHE_MISS,
    AUTHSVC_METRIC_GATEWAY_ALLOWED,
    AUTHSVC_METRIC_GATEWAY_REFUSED,
    AUTHSVC_METRIC_DB_UNAVAILABLE,
    AUTHSVC_METRIC_DB_ERRORS,
    AUTHSVC_METRIC_MAIL_QUEUED,
    AUTHSVC_METRIC_MAIL_SENT,
    AUTHSVC_METRIC_MAIL_FAILED,
    AUTHSVC_METRIC_COUNT
} authsvc_metric_t;

/* Bytes of the shared block. */
apr_size_t authsvc_metrics_bytes(void);

/* The metrics in mem (authsvc_metrics_bytes() bytes, aligned as malloc aligns): laid
 * out empty when fresh, else kept (a graceful restart); either way every tag (the route
 * table's, NULL entries skipped) gets its family. Run in the parent, before children exist. */
authsvc_metrics_t *authsvc_metrics_init(void *mem, int fresh, const char *const *tags,
                                        apr_size_t count);

/* One more of what metric counts (m may be NULL: metrics not configured). */
void authsvc_metrics_count(authsvc_metrics_t *m, authsvc_metric_t metric);

/* An API answer: the route's family (its tag; NULL when no route matched), its status
 * and how long it took. */
void authsvc_metrics_request(authsvc_metrics_t *m, const char *family, int status,
                             long long micros);

/* Values read at scrape time, not counted. */
typedef struct {
    long long revocation_set_live; /* -1: no revocation set */
    long long revocation_set_slots;
    int database_up; /* -1: no database; 0 down; 1 up (this child's view) */
} authsvc_metrics_gauges_t;

/* The whole exposition text, in p. */
char *authsvc_metrics_text(apr_pool_t *p, const authsvc_metrics_t *m,
                           const authsvc_metrics_gauges_t *gauges);

#endif
