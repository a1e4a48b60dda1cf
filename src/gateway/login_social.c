/* The sign-in page's social buttons and their callback (see authsvc_login_social.h). */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <openssl/crypto.h>
#include <util_cookies.h>

#include "authsvc_auth_code.h"
#include "authsvc_binding_cookie.h"
#include "authsvc_federation.h"
#include "authsvc_form.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_httpd.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_login_form.h"
#include "authsvc_login_buttons.h"
#include "authsvc_login_mfa.h"
#include "authsvc_login_saml.h"
#include "authsvc_login_social.h"
#include "authsvc_login_steps.h"
#include "authsvc_oidc.h"
#include "authsvc_portal.h"
#include "authsvc_social_provider.h"

APLOG_USE_MODULE(authsvc);

#define FED_COOKIE "authsvc-fed"
#define FED_BYTES 32
#define BINDING_COOKIE "authsvc_social_"

static int social_unavailable(request_rec *r)
{
    return authsvc_page_message(r, HTTP_SERVICE_UNAVAILABLE, "Cannot sign in",
                                "Signing in is not possible right now. Try again later.");
}

/* 1 when the gateway client sends its codes to this vhost's <portal>/callback. */
static int social_client_ready(request_rec *r, authsvc_context_t *ctx, authsvc_db_t *db,
                               const char *client_id, int *rc)
{
    authsvc_client_t *client = NULL;
    const char *want = authsvc_page_url(r, "/callback"), *url;
    apr_size_t n = strlen(want);

    if (authsvc_client_load(ctx, db, client_id, &client) != AUTHSVC_OK)
        return (*rc = social_unavailable(r), 0);
    url = client->redirect_url ? client->redirect_url : "";
    if (strlen(url) > n && strcmp(url + strlen(url) - n, want) == 0)
        return 1;
    ctx->log(ctx, AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(3251) "sign-in page: the buttons need the redirect_url of client "
                                 "%s to end with %s",
             client_id, want);
    return (*rc = social_unavailable(r), 0);
}

/* The browser's own value for the round trip (FED_COOKIE), with the return address. */
static void social_fed_cookie(const authsvc_page_t *pg, const char *fed)
{
    authsvc_gateway_cookie_set(pg->r, authsvc_gateway_cookie_name(pg->r, FED_COOKIE),
                               apr_pstrcat(pg->r->pool, fed, ".",
                                           ap_escape_urlencoded(pg->r->pool, pg->ret), NULL),
                               AUTHSVC_SOCIAL_STATE_TTL, "Lax");
}

static int social_go(request_rec *r, const char *location)
{
    apr_table_setn(r->headers_out, "Location", location);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    r->status = HTTP_SEE_OTHER;
    return OK;
}

/* The provider's authorization request for a new state bound to this browser twice: the
 * API's binding cookie (its callback checks it) and ours (the callback here does). */
static int social_redirect(const authsvc_page_t *pg, authsvc_context_t *ctx, authsvc_db_t *db,
                           const authsvc_social_provider_t *provider,
                           const authsvc_login_button_t *button, const char *fed)
{
    request_rec *r = pg->r;
    const char *state = NULL, *binding = NULL;
    authsvc_social_start_t start;
    authsvc_db_social_state_t s;

    start.provider = provider->name;
    start.client_id = authsvc_portal_config(r->server)->client_id;
    start.nonce = provider->openid;
    start.pkce = provider->pkce;
    start.kept_params = apr_pstrcat(r->pool, "portal_state=", fed, NULL);
    if (authsvc_federation_social_state_new(ctx, db, &start, &state, &binding, &s)
        != AUTHSVC_OK)
        return social_unavailable(r);
    apr_table_add(r->err_headers_out, "Set-Cookie",
                  authsvc_binding_cookie_header(r->pool, ctx->issuer,
                                                apr_pstrcat(r->pool, BINDING_COOKIE,
                                                            provider->name, NULL),
                                                binding, AUTHSVC_SOCIAL_STATE_TTL));
    social_fed_cookie(pg, fed);
    return social_go(r,
                     authsvc_oidc_authorize_url(
                         r->pool, provider,
                         provider->redirect_uri
                             ? provider->redirect_uri
                             : apr_pstrcat(r->pool, ctx->issuer, button->callback, NULL),
                         state, s.nonce,
                         s.code_verifier ? authsvc_oidc_pkce_challenge(r->pool, s.code_verifier)
                                         : NULL));
}

/* The SAML button: an AuthnRequest whose RelayState is our value (the ACS hands it
 * back as "state"). */
static int social_saml(const authsvc_page_t *pg, authsvc_context_t *ctx, authsvc_db_t *db,
                       const char *fed)
{
    const char *url = NULL, *set_cookie = NULL;

    if (!authsvc_login_saml_request(pg->r, ctx, db,
                                    authsvc_portal_config(pg->r->server)->client_id, fed, &url,
                                    &set_cookie))
        return social_unavailable(pg->r);
    apr_table_add(pg->r->err_headers_out, "Set-Cookie", set_cookie);
    social_fed_cookie(pg, fed);
    return social_go(pg->r, url);
}

int authsvc_login_social_start(const authsvc_page_t *pg, apr_table_t *form)
{
    request_rec *r = pg->r;
    authsvc_context_t *ctx = authsvc_gateway_context(r);
    const char *name = apr_table_get(form, "provider");
    const authsvc_social_provider_t *provider = NULL;
    const authsvc_login_button_t *button = authsvc_login_button(r, name, &provider);
    int saml = name && strcmp(name, "saml") == 0 && authsvc_login_saml_offered(r), rc;
    const char *fed = authsvc_random_token(r->pool, FED_BYTES);
    authsvc_db_t *db;

    if (!button && !saml)
        return authsvc_page_message(r, HTTP_BAD_REQUEST, "Cannot sign in",
                                    "The form was not sent as expected.");
    if (!fed || !ctx->issuer || !(db = ctx->db(ctx)))
        return social_unavailable(r);
    if (!social_client_ready(r, ctx, db, authsvc_portal_config(r->server)->client_id, &rc))
        return rc;
    ctx->log(ctx, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(3252) "sign-in page: sign-in with %s started",
             saml ? "saml" : provider->name);
    return saml ? social_saml(pg, ctx, db, fed)
                : social_redirect(pg, ctx, db, provider, button, fed);
}

/* The callback's refusal: the sign-in page again, with why. */
static int social_refused(const authsvc_page_t *pg, authsvc_context_t *ctx, const char *why)
{
    ctx->log(ctx, AUTHSVC_LOG_INFO,
             AUTHSVC_LOGNO(3253) "sign-in page: external sign-in refused: %s", why);
    return authsvc_login_form_page(pg, HTTP_BAD_REQUEST, NULL,
                                   "This sign-in has expired or was started elsewhere. Sign in "
                                   "again.",
                                   "username");
}

/* The return address our cookie carries when the query's portal_state is its value:
 * pg->ret set, 1; else 0. The cookie is spent either way. */
static int social_state_ok(request_rec *r, authsvc_page_t *pg, const char *state)
{
    const char *name = authsvc_gateway_cookie_name(r, FED_COOKIE);
    const char *cookie = NULL, *dot;
    char *ret;

    /* not authsvc_gateway_cookie_get: this value carries the return address too */
    if (ap_cookie_read(r, name, &cookie, 0) != APR_SUCCESS || !cookie || !*cookie)
        return 0;
    authsvc_gateway_cookie_set(r, name, "", 0, "Lax");
    dot = strchr(cookie, '.');
    if (!dot || !state || strlen(state) != (apr_size_t)(dot - cookie)
        || CRYPTO_memcmp(state, cookie, strlen(state)) != 0)
        return 0;
    ret = apr_pstrdup(r->pool, dot + 1);
    if (ap_unescape_urlencoded(ret) != OK)
        return 0;
    pg->ret = authsvc_portal_return(r, ret);
    return pg->ret != NULL;
}

/* A code that still owes a second factor: spent here, the code step of the sign-in page
 * takes over (login_mfa.c) as after a password. */
static int social_second_factor(const authsvc_page_t *pg, authsvc_context_t *ctx,
                                authsvc_db_t *db, const authsvc_auth_code_t *c)
{
    authsvc_session_tokens_t first;
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr = NULL;

    memset(&first, 0, sizeof(first));
    if (authsvc_client_load(ctx, db, c->client_id, &client) != AUTHSVC_OK
        || authsvc_principal_load(ctx, db, c->user_id, c->tenant_id, &pr) != AUTHSVC_OK)
        return social_unavailable(pg->r);
    if (authsvc_auth_code_consume(ctx, db, c->hash) != AUTHSVC_OK)
        return social_refused(pg, ctx, "the code was used meanwhile");
    first.client = client;
    first.principal = pr;
    first.user_id = pr->user_id;
    return authsvc_login_mfa_open(pg, &first, "ext");
}

/* Our auth code, redeemed as the gateway client: the browser session. */
static int social_redeem(const authsvc_page_t *pg, authsvc_context_t *ctx, const char *code)
{
    const char *client_id = authsvc_portal_config(pg->r->server)->client_id;
    authsvc_session_tokens_t out;
    authsvc_auth_code_t c;
    authsvc_session_status_t st;
    authsvc_status_t found;
    authsvc_db_t *db = ctx->db(ctx);

    if (!db)
        return social_unavailable(pg->r);
    found = authsvc_auth_code_find(ctx, db, code, &c);
    if (found == AUTHSVC_NOT_FOUND)
        return social_refused(pg, ctx, "unknown code");
    if (found != AUTHSVC_OK)
        return social_unavailable(pg->r);
    if (strcmp(c.client_id, client_id) != 0 || !authsvc_auth_code_live(&c))
        return social_refused(pg, ctx, "the code is another client's, used or expired");
    if (c.mfa_pending)
        return social_second_factor(pg, ctx, db, &c);
    st = authsvc_login_steps_finish(ctx, db, &c, &out);
    if (st == AUTHSVC_SESSION_CODE_EXPIRED)
        return social_refused(pg, ctx, "the code was used meanwhile");
    if (st == AUTHSVC_SESSION_USER_INACTIVE)
        return authsvc_login_form_page(pg, HTTP_FORBIDDEN, NULL,
                                       "This account cannot sign in here.", "username");
    if (st != AUTHSVC_SESSION_OK)
        return social_unavailable(pg->r);
    ctx->log(ctx, AUTHSVC_LOG_INFO,
             AUTHSVC_LOGNO(3254) "sign-in page: user %s signed in through an external "
                                 "provider",
             out.user_id);
    /* RFC 8176 has no value for a sign-in at another provider: "ext" (README, "Sign-in
     * pages") */
    return authsvc_login_form_signed_in(pg, &out, "ext");
}

int authsvc_login_social_callback(request_rec *r, const char *csrf)
{
    authsvc_context_t *ctx = authsvc_gateway_context(r);
    authsvc_page_t pg = {r, NULL, "/", 0};
    apr_table_t *query = NULL;
    const char *code, *state;

    pg.csrf = csrf;
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (authsvc_form_parse(r->pool, r->args ? r->args : "", r->args ? strlen(r->args) : 0,
                           &query)
        != AUTHSVC_FORM_VALID)
        return authsvc_page_message(r, HTTP_BAD_REQUEST, "Cannot sign in",
                                    "The form was not sent as expected.");
    /* portal_state after a social provider, state (the RelayState) after SAML */
    state = apr_table_get(query, "portal_state");
    if (!social_state_ok(r, &pg, state ? state : apr_table_get(query, "state"))) {
        pg.ret = "/";
        return social_refused(&pg, ctx, "no state of this browser");
    }
    code = apr_table_get(query, "code");
    if (!code || !*code)
        return social_refused(&pg, ctx, "no code");
    return social_redeem(&pg, ctx, code);
}
