/* Identity headers: what the gateway tells the backend, and the stripping of every
 * client-sent header that could pass for it. Headers with the configured prefix are
 * removed on every request of a server where the module is loaded, in
 * post_read_request (before other modules look at them) and again right before the
 * gateway sets its own. '_' counts as '-' (CGI, PHP and WSGI map both to the same
 * variable), and names compare case-insensitively. */
#include <string.h>

#include <httpd.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>

#include "authsvc_claims.h"
#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"

APLOG_USE_MODULE(authsvc);

/* Identity headers and variables: suffix, claim, environment variable; in the order of
 * authsvc_gateway_identity_t's values. */
static const struct {
    const char *suffix;
    const char *claim;
    const char *env;
} identity_fields[AUTHSVC_GATEWAY_IDENTITY_FIELDS] = {
    {"User", AUTHSVC_GATEWAY_USER_CLAIM_DEFAULT, "AUTHSVC_USER"}, /* or the configured one */
    {"User-Id", "id", "AUTHSVC_USER_ID"},
    {"Email", "email", "AUTHSVC_EMAIL"},
    {"Tenant", "tenantId", "AUTHSVC_TENANT"},
    {"Role", "role", "AUTHSVC_ROLE"},
    {"Permissions", "permissions", "AUTHSVC_PERMISSIONS"},
};

static const char *headers_prefix(request_rec *r)
{
    const authsvc_server_config_t *sc = ap_get_module_config(r->server->module_config,
                                                             &authsvc_module);
    const authsvc_gateway_server_t *g = sc->gateway;

    return g->header_prefix_set ? g->header_prefix : AUTHSVC_GATEWAY_HEADER_PREFIX_DEFAULT;
}

/* 1 when name starts with prefix, case-insensitively, with '_' read as '-'. */
static int headers_name_has_prefix(const char *name, const char *prefix)
{
    for (; *prefix; prefix++, name++) {
        char a = *name == '_' ? '-' : *name;
        if (!*name || apr_tolower(a) != apr_tolower(*prefix))
            return 0;
    }
    return 1;
}

typedef struct {
    const char *prefix;
    int with_remote_user;
    apr_array_header_t *doomed;
} strip_ctx_t;

static int headers_collect(void *data, const char *key, const char *value)
{
    strip_ctx_t *ctx = data;

    (void)value;
    if (headers_name_has_prefix(key, ctx->prefix)
        || (ctx->with_remote_user && headers_name_has_prefix(key, "Remote-User")
            && strlen(key) == strlen("Remote-User")))
        APR_ARRAY_PUSH(ctx->doomed, const char *) = key;
    return 1;
}

static void headers_strip_table(request_rec *r, int with_remote_user)
{
    strip_ctx_t ctx = {headers_prefix(r), with_remote_user,
                       apr_array_make(r->pool, 4, sizeof(const char *))};
    int i;

    apr_table_do(headers_collect, &ctx, r->headers_in, NULL);
    for (i = 0; i < ctx.doomed->nelts; i++) {
        const char *name = APR_ARRAY_IDX(ctx.doomed, i, const char *);
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      AUTHSVC_LOGNO(1101) "removed client-sent header %s", name);
        apr_table_unset(r->headers_in, name);
    }
}

int authsvc_gateway_headers_post_read_request(request_rec *r)
{
    headers_strip_table(r, 0);
    return DECLINED;
}

/* On a gateway location, also "Remote-User", which some backends trust. */
void authsvc_gateway_headers_strip(request_rec *r)
{
    headers_strip_table(r, 1);
}

/* Each vhost's header names (prefix and suffix), made once instead of on every request. */
int authsvc_gateway_headers_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                        server_rec *s)
{
    (void)plog;
    (void)ptemp;
    for (; s; s = s->next) {
        const authsvc_server_config_t *sc = ap_get_module_config(s->module_config,
                                                                 &authsvc_module);
        authsvc_gateway_server_t *g = sc->gateway;
        const char *prefix = g->header_prefix_set ? g->header_prefix
                                                  : AUTHSVC_GATEWAY_HEADER_PREFIX_DEFAULT;
        const char **names = apr_palloc(pconf, sizeof(identity_fields)
                                                   / sizeof(identity_fields[0])
                                                   * sizeof(*names));
        apr_size_t i;

        for (i = 0; i < sizeof(identity_fields) / sizeof(identity_fields[0]); i++)
            names[i] = apr_pstrcat(pconf, prefix, identity_fields[i].suffix, NULL);
        g->identity_headers = names;
    }
    return OK;
}

void authsvc_gateway_identity_values(apr_pool_t *p, authsvc_gateway_identity_t *id)
{
    apr_size_t i;

    for (i = 0; i < sizeof(identity_fields) / sizeof(identity_fields[0]); i++)
        id->values[i] = authsvc_claim_text(p, id->claims, identity_fields[i].claim);
}

static const char *headers_name(request_rec *r, apr_size_t i)
{
    const authsvc_server_config_t *sc = ap_get_module_config(r->server->module_config,
                                                             &authsvc_module);
    const authsvc_gateway_server_t *g = sc->gateway;

    return g->identity_headers
               ? g->identity_headers[i]
               : apr_pstrcat(r->pool, headers_prefix(r), identity_fields[i].suffix, NULL);
}

void authsvc_gateway_headers_export(request_rec *r, const authsvc_gateway_identity_t *id,
                                    const char *user)
{
    apr_size_t i;

    for (i = 0; i < sizeof(identity_fields) / sizeof(identity_fields[0]); i++) {
        const char *value = i == 0 ? user : id->values[i];
        if (!value)
            continue;
        apr_table_setn(r->headers_in, headers_name(r, i), value);
        apr_table_setn(r->subprocess_env, identity_fields[i].env, value);
    }
}
