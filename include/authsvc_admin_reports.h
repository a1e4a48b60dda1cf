/* The admin console's reports (the gateway's admin pages): active users per bucket and
 * a page of login activity, over the caller's tenant only, as the LoginActivity API
 * answers them (the same queries and the same report). */
#ifndef AUTHSVC_ADMIN_REPORTS_H
#define AUTHSVC_ADMIN_REPORTS_H

#include <apr_tables.h>
#include <cjson/cJSON.h>

#include "authsvc_context.h"
#include "authsvc_iso8601.h"
#include "authsvc_status.h"

/* Active users between start_ms and end_ms (inclusive) per bucket, as GET
 * /active-users/{range} answers them: {"<bucket>": {"<loginType>": [users]}} (owned by
 * ctx->pool). */
authsvc_status_t authsvc_console_active_users(authsvc_context_t *ctx, const char *tenant_id,
                                              authsvc_bucket_t bucket, long long start_ms,
                                              long long end_ms, cJSON **report);

/* Which login activity: an actor id and a login type (NULL: any), a time range (0: open)
 * and a page, newest first. */
typedef struct {
    const char *actor;
    const char *login_type;
    long long from_ms, to_ms;
    int limit, offset;
} authsvc_admin_activity_query_t;

/* The rows (authsvc_db_activity_t elements) and how many match in all. */
authsvc_status_t authsvc_console_activity(authsvc_context_t *ctx, const char *tenant_id,
                                          const authsvc_admin_activity_query_t *q,
                                          apr_array_header_t **rows, long long *total);

#endif
