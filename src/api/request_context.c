/* A flow's request seen as a service context: the context's db(), log() and revoked()
 * hand over to the request's own, which the glue (handler.c, deferred.c, the unit tests)
 * provides, so a connection taken by either is the same one. */
#include <stdarg.h>

#include <apr_strings.h>

#include "authsvc_request.h"

static authsvc_db_t *request_context_db(authsvc_context_t *ctx)
{
    authsvc_request_t *req = ctx->glue;

    return req->db ? req->db(req) : NULL;
}

static void request_context_log(authsvc_context_t *ctx, authsvc_log_level_t level,
                                const char *fmt, ...)
{
    authsvc_request_t *req = ctx->glue;
    va_list ap;
    char *msg;

    if (!req->log)
        return;
    va_start(ap, fmt);
    msg = apr_pvsprintf(ctx->pool, fmt, ap);
    va_end(ap);
    req->log(req, level, "%s", msg);
}

static void request_context_revoked(authsvc_context_t *ctx, const char *jti,
                                    long long expires_ms)
{
    authsvc_request_t *req = ctx->glue;

    if (req->revoked)
        req->revoked(req, jti, expires_ms);
}

authsvc_context_t *authsvc_request_context(authsvc_request_t *req)
{
    authsvc_context_t *ctx = &req->ctx;

    if (ctx->glue == req)
        return ctx;
    ctx->pool = req->pool;
    ctx->config = req->server_config;
    ctx->client_ip = req->client_ip;
    ctx->user_agent = req->user_agent;
    ctx->issuer = req->base_url;
    ctx->db = request_context_db;
    ctx->log = request_context_log;
    ctx->revoked = request_context_revoked;
    ctx->glue = req;
    return ctx;
}
