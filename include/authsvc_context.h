/* What a service sees: a pool, the effective configuration, who is asking, a database
 * connection and a logger; never HTTP. The API's flows (authsvc_request_context), the
 * gateway's pages and deferred jobs each provide one, so a service is called the same way
 * from all of them and is unit tested with a context of the test's own. */
#ifndef AUTHSVC_CONTEXT_H
#define AUTHSVC_CONTEXT_H

#include <apr_pools.h>
#include <apr_time.h>

#include "authsvc_config.h"
#include "authsvc_db.h"

typedef enum {
    AUTHSVC_LOG_ERROR,
    AUTHSVC_LOG_WARNING,
    AUTHSVC_LOG_NOTICE,
    AUTHSVC_LOG_INFO,
    AUTHSVC_LOG_DEBUG
} authsvc_log_level_t;

typedef struct authsvc_context authsvc_context_t;

struct authsvc_context {
    apr_pool_t *pool; /* lifetime of everything a service returns */
    const authsvc_server_config_t *config;
    const char *client_ip; /* NULL outside a request */
    const char *user_agent;
    const char *issuer; /* the service's base URL, from configuration */
    /* The connection of this context, NULL when no database can be reached now. */
    authsvc_db_t *(*db)(authsvc_context_t *ctx);
    void (*log)(authsvc_context_t *ctx, authsvc_log_level_t level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    /* Tells this node's gateway cache at once that a token was revoked (may be NULL). */
    void (*revoked)(authsvc_context_t *ctx, const char *jti, long long expires_ms);
    void *glue; /* the provider's own state */
};

#endif
