/* Transitional (authsvc_session_bridge.h): the session service's context as the request
 * record regulation.c and activity.c still take. Only what they read is filled. */
#include <stdarg.h>

#include <apr_strings.h>

#include "authsvc_activity.h"
#include "authsvc_request.h"
#include "authsvc_session_bridge.h"

static authsvc_db_t *bridge_db(authsvc_request_t *req)
{
    authsvc_context_t *ctx = req->glue;

    return ctx->db ? ctx->db(ctx) : NULL;
}

static void bridge_log(authsvc_request_t *req, authsvc_log_level_t level, const char *fmt, ...)
{
    authsvc_context_t *ctx = req->glue;
    va_list ap;
    char *msg;

    if (!ctx->log)
        return;
    va_start(ap, fmt);
    msg = apr_pvsprintf(ctx->pool, fmt, ap);
    va_end(ap);
    ctx->log(ctx, level, "%s", msg);
}

static authsvc_request_t *bridge_request(authsvc_context_t *ctx)
{
    authsvc_request_t *req = apr_pcalloc(ctx->pool, sizeof(*req));

    req->pool = ctx->pool;
    req->server_config = ctx->config;
    req->client_ip = ctx->client_ip;
    req->user_agent = ctx->user_agent;
    req->base_url = ctx->issuer;
    req->db = bridge_db;
    req->log = bridge_log;
    req->glue = ctx;
    return req;
}

authsvc_regulation_t authsvc_session_bridge_reserve_address(
    authsvc_context_t *ctx, authsvc_db_t *db, authsvc_regulation_attempt_t *attempt,
    long *retry_after)
{
    return authsvc_regulation_reserve_address(bridge_request(ctx), db, attempt, retry_after);
}

authsvc_regulation_t authsvc_session_bridge_reserve_account(
    authsvc_context_t *ctx, authsvc_db_t *db, authsvc_regulation_attempt_t *attempt,
    const char *account_key, const char *user_id, const char *device_user_id,
    const char *device_id)
{
    authsvc_request_t *req = bridge_request(ctx);

    req->device_user_id = device_user_id;
    req->device_id = device_id;
    return authsvc_regulation_reserve_account(req, db, attempt, account_key, user_id);
}

void authsvc_session_bridge_succeeded(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const authsvc_regulation_attempt_t *attempt)
{
    authsvc_regulation_succeeded(bridge_request(ctx), db, attempt);
}

void authsvc_session_bridge_released(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const authsvc_regulation_attempt_t *attempt)
{
    authsvc_regulation_released(bridge_request(ctx), db, attempt);
}

void authsvc_session_bridge_refused(authsvc_context_t *ctx, authsvc_db_t *db,
                                    const authsvc_regulation_attempt_t *attempt,
                                    authsvc_regulation_reason_t reason)
{
    authsvc_regulation_refused(bridge_request(ctx), db, attempt, reason);
}

void authsvc_session_bridge_activity_record(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *type, const char *actor,
                                            const char *tenant_id, const char *client_id,
                                            const cJSON *payload)
{
    authsvc_activity_record(bridge_request(ctx), db, type, actor, tenant_id, client_id,
                            payload);
}

authsvc_status_t authsvc_session_bridge_activity_store(authsvc_context_t *ctx,
                                                       authsvc_db_t *db, const char *type,
                                                       const char *actor,
                                                       const char *tenant_id,
                                                       const char *client_id,
                                                       const cJSON *payload)
{
    return authsvc_activity_store(bridge_request(ctx), db, type, actor, tenant_id, client_id,
                                  payload);
}

void authsvc_session_bridge_activity_purge_maybe(authsvc_context_t *ctx, authsvc_db_t *db)
{
    authsvc_activity_purge_maybe(bridge_request(ctx), db);
}
