/* A service context over a request_rec, for the gateway's pages (authsvc_gateway_context.h):
 * what the API's glue (handler.c) gives its flows, without a request record. */
#include <stdarg.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>

#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_httpd.h"

APLOG_USE_MODULE(authsvc);

typedef struct {
    authsvc_context_t ctx;
    request_rec *r;
    authsvc_db_t *db;
} gateway_context_t;

static const int gateway_log_levels[] = {APLOG_ERR, APLOG_WARNING, APLOG_NOTICE, APLOG_INFO,
                                         APLOG_DEBUG};

/* The request's mod_dbd connection (the same one whoever asks, kept once had). */
static authsvc_db_t *gateway_context_db(authsvc_context_t *ctx)
{
    gateway_context_t *g = ctx->glue;

    if (!g->db)
        g->db = authsvc_dbd_acquire(g->r);
    return g->db;
}

static void gateway_context_log(authsvc_context_t *ctx, authsvc_log_level_t level,
                                const char *fmt, ...)
{
    gateway_context_t *g = ctx->glue;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = apr_pvsprintf(ctx->pool, fmt, ap);
    va_end(ap);
    ap_log_rerror(APLOG_MARK, gateway_log_levels[level], 0, g->r, "%s", msg);
}

/* Revocations reach the revocation set of this node at once (gateway_cache.c). */
static void gateway_context_revoked(authsvc_context_t *ctx, const char *jti,
                                    long long expires_ms)
{
    gateway_context_t *g = ctx->glue;

    authsvc_gateway_revocation_note(g->r->server, jti, expires_ms);
}

authsvc_context_t *authsvc_gateway_context(request_rec *r)
{
    gateway_context_t *g = apr_pcalloc(r->pool, sizeof(*g));

    g->r = r;
    g->ctx.pool = r->pool;
    g->ctx.config = ap_get_module_config(r->server->module_config, &authsvc_module);
    g->ctx.client_ip = r->useragent_ip;
    g->ctx.user_agent = apr_table_get(r->headers_in, "User-Agent");
    g->ctx.issuer = g->ctx.config->issuer;
    g->ctx.db = gateway_context_db;
    g->ctx.log = gateway_context_log;
    g->ctx.revoked = gateway_context_revoked;
    g->ctx.glue = g;
    return &g->ctx;
}
