/* The sign-in page's SAML button (see authsvc_login_saml.h). */
#include <httpd.h>
#include <http_config.h>

#include "authsvc_binding_cookie.h"
#include "authsvc_federation.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_login_saml.h"
#include "authsvc_password.h"
#include "authsvc_saml_config.h"
#include "authsvc_saml_sp.h"

APLOG_USE_MODULE(authsvc);

#define SAML_BINDING_COOKIE "authsvc_saml" /* the API's (docs/design.md section 8) */
#define SAML_BINDING_BYTES 16

static const authsvc_saml_config_t *saml_config(const request_rec *r)
{
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);

    return authsvc_saml_configured(c->saml) ? c->saml : NULL;
}

int authsvc_login_saml_offered(const request_rec *r)
{
    const authsvc_saml_config_t *c = saml_config(r);

    /* the POST binding needs a page that posts to the IdP: not from these pages yet */
    return c && !c->post_binding;
}

int authsvc_login_saml_request(request_rec *r, authsvc_context_t *ctx, authsvc_db_t *db,
                               const char *client_id, const char *relay_state, const char **url,
                               const char **set_cookie)
{
    const authsvc_saml_config_t *c = saml_config(r);
    const char *binding = authsvc_random_token(r->pool, SAML_BINDING_BYTES), *why = NULL;
    authsvc_saml_sp_t *sp = NULL;
    authsvc_saml_authn_t authn;
    authsvc_saml_request_t stored;

    if (!c || !binding || authsvc_saml_sp_open(r->pool, c, &sp, &why) != AUTHSVC_OK
        || authsvc_saml_sp_authn_request(sp, r->pool, &authn, &why) != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(3255) "sign-in page: SAML AuthnRequest: %s",
                 why ? why : "no binding value");
        return 0;
    }
    stored.request_id = authn.request_id;
    stored.client_id = client_id;
    stored.idp_entity_id = c->idp_entity_id;
    stored.relay_state = relay_state;
    stored.ttl = authsvc_saml_request_ttl(c);
    stored.binding = binding;
    if (authsvc_federation_saml_request_store(ctx, db, &stored) != AUTHSVC_OK)
        return 0;
    *url = authn.url;
    *set_cookie = authsvc_binding_cookie_header(r->pool, ctx->issuer, SAML_BINDING_COOKIE,
                                                binding, stored.ttl);
    return 1;
}
