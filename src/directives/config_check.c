/* Mistakes between directives that configtest can see: check_config runs for
 * `apachectl configtest` as well as at every start and graceful restart (post_config
 * does not run for configtest), after httpd merged every vhost's records. Each message
 * names the directive, its file and line, and what to set. */
#include <string.h>

#include <apr_strings.h>

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <util_cfgtree.h>

#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_keys.h"
#include "authsvc_log.h"

APLOG_USE_MODULE(authsvc);

/* The directives of one server's scope that need something of the server. */
typedef struct {
    const ap_directive_t *gateway; /* AuthType authsvc */
    const ap_directive_t *browser; /* AuthsvcGatewayMode browser|both */
    const ap_directive_t *api;     /* SetHandler authsvc */
} check_scope_t;

/* 1 when the first word of d's arguments is one of the two words (b may be NULL). */
static int check_first_word(apr_pool_t *p, const ap_directive_t *d, const char *a,
                            const char *b)
{
    const char *args = d->args, *word = ap_getword_conf(p, &args);

    return strcasecmp(word, a) == 0 || (b && strcasecmp(word, b) == 0);
}

/* Collects the first of each into out, from d and its sections; <VirtualHost> sections
 * are other servers' (a vhost's own is walked from its first child). */
static void check_walk(apr_pool_t *p, const ap_directive_t *d, check_scope_t *out)
{
    for (; d; d = d->next) {
        if (strcasecmp(d->directive, "<VirtualHost") == 0)
            continue;
        if (!out->gateway && strcasecmp(d->directive, "AuthType") == 0
            && check_first_word(p, d, "authsvc", NULL))
            out->gateway = d;
        else if (!out->browser && strcasecmp(d->directive, "AuthsvcGatewayMode") == 0
                 && check_first_word(p, d, "browser", "both"))
            out->browser = d;
        else if (!out->api && strcasecmp(d->directive, "SetHandler") == 0
                 && check_first_word(p, d, "authsvc", NULL))
            out->api = d;
        if (d->first_child)
            check_walk(p, d->first_child, out);
    }
}

/* "the <VirtualHost> at FILE:LINE" or "the main server". */
static const char *check_server_name(apr_pool_t *p, const server_rec *s)
{
    return s->is_virtual ? apr_psprintf(p, "the <VirtualHost> at %s:%d", s->defn_name,
                                        (int)s->defn_line_number)
                         : "the main server";
}

static int check_server(apr_pool_t *ptemp, server_rec *s, const check_scope_t *main_scope)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    const authsvc_gateway_server_t *g = c->gateway;
    const ap_directive_t *vhost = authsvc_dbd_vhost_section(s);
    const authsvc_key_t *signer = c->keyring ? authsvc_keyring_signer(c->keyring) : NULL;
    check_scope_t scope = *main_scope, own = {0};
    const ap_directive_t *d;
    int level;

    if (!s->is_virtual && !s->next)
        own = *main_scope; /* no vhost: the main server serves everything */
    if (vhost) {
        check_walk(ptemp, vhost->first_child, &own);
        scope.gateway = own.gateway ? own.gateway : scope.gateway;
        scope.browser = own.browser ? own.browser : scope.browser;
        scope.api = own.api ? own.api : scope.api;
    }
    /* A section of the vhost itself that cannot work is refused. One of the main server's
     * sections reaches every vhost, also those that never serve it (Debian's 000-default
     * next to the vhost with the keys): a warning there, not a refusal to start. */
    if ((d = scope.gateway) && !signer && !(g && g->jwks_set)) {
        level = d == own.gateway ? APLOG_CRIT : APLOG_WARNING;
        ap_log_error(
            APLOG_MARK, level, 0, s,
            AUTHSVC_LOGNO(
                2711) "AuthType authsvc (%s:%d) "
                      "in %s: no keys to verify tokens with; set AuthsvcSigningKey, "
                      "AuthsvcSigningSecretFile, AuthsvcGatewayJWKSFile or AuthsvcGatewayJWKSURL "
                      "in that server (or in the main server, outside any <VirtualHost>)",
            d->filename, d->line_num, check_server_name(ptemp, s));
        if (level == APLOG_CRIT)
            return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((d = scope.browser) && d == own.browser
        && (!c->use_database || !authsvc_dbd_server_directive(s, "DBDriver"))) {
        ap_log_error(
            APLOG_MARK, APLOG_CRIT, 0, s,
            AUTHSVC_LOGNO(
                2712) "AuthsvcGatewayMode %s "
                      "(%s:%d) in %s keeps its sessions in the database, and that server has "
                      "none: %s",
            d->args, d->filename, d->line_num, check_server_name(ptemp, s),
            c->use_database ? "set DBDriver and DBDParams in it (or in the main "
                              "server, outside any <VirtualHost>)"
                            : "remove AuthsvcDatabase Off");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((d = scope.api) && (!signer || !signer->can_sign))
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            AUTHSVC_LOGNO(
                2713) "SetHandler authsvc "
                      "(%s:%d) in %s, which has no signing key: its token endpoints answer 503; "
                      "set AuthsvcSigningKey (or AuthsvcSigningSecretFile)",
            d->filename, d->line_num, check_server_name(ptemp, s));
    return OK;
}

int authsvc_config_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s)
{
    check_scope_t main_scope = {0};
    int rc = OK;

    (void)pconf;
    (void)plog;
    check_walk(ptemp, ap_conftree, &main_scope);
    for (; s && rc == OK; s = s->next)
        rc = check_server(ptemp, s, &main_scope);
    return rc;
}
