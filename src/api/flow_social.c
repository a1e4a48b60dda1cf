/* Social login routes: start (client check, state, 303 to the provider), the provider's
 * redirect (state, code exchange, ID token, user link, our own auth code, 303 to the
 * client) and logout at the provider. One engine; the provider is data
 * (AuthsvcSocialProvider) chosen by the route. */
#include <string.h>

#include <apr_escape.h>
#include <apr_strings.h>

#include "authsvc_auth_code.h"
#include "authsvc_binding_cookie.h"
#include "authsvc_federation.h"
#include "authsvc_flows.h"
#include "authsvc_identity_link.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_oidc.h"
#include "authsvc_social_exchange.h"
#include "authsvc_social_store.h"

#define BINDING_COOKIE "authsvc_social_"

/* The path of the provider's callback route (the route table's provider column). */
static const char *social_callback_path(const authsvc_request_t *req, const char *provider)
{
    const authsvc_route_t *routes = req->routes;
    apr_size_t i;

    for (i = 0; i < req->route_count; i++)
        if (routes[i].handler == authsvc_flow_social_callback && routes[i].provider
            && strcmp(routes[i].provider, provider) == 0)
            return routes[i].path;
    return NULL;
}

static const authsvc_social_provider_t *social_provider_of_route(const authsvc_request_t *req)
{
    return req->route->provider
               ? authsvc_social_provider_find(req->server_config->social_providers,
                                              req->route->provider)
               : NULL;
}

/* The route's provider, or NULL with the answer (404) set. */
static const authsvc_social_provider_t *social_provider(authsvc_request_t *req)
{
    const authsvc_social_provider_t *p = social_provider_of_route(req);

    if (!p)
        authsvc_respond_error(req, AUTHSVC_E_SOCIAL_PROVIDER_UNKNOWN);
    return p;
}

static const char *social_redirect_uri(const authsvc_request_t *req,
                                       const authsvc_social_provider_t *provider)
{
    const char *callback = social_callback_path(req, req->route->provider);

    if (provider->redirect_uri)
        return provider->redirect_uri;
    return callback ? apr_pstrcat(req->pool, req->base_url, callback, NULL) : NULL;
}

/* A parameter of the request: the form body for POST, the query for GET. */
static const char *social_param(const authsvc_request_t *req, const char *name)
{
    const cJSON *item;

    if (!req->body)
        return req->query ? apr_table_get(req->query, name) : NULL;
    item = cJSON_GetObjectItemCaseSensitive(req->body, name);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* ---- the browser binding cookie (docs/design.md section 8): authsvc_binding_cookie.h ---- */

static void social_cookie_set(authsvc_request_t *req, const char *provider, const char *value,
                              int max_age)
{
    apr_table_add(req->headers_out, "Set-Cookie",
                  authsvc_binding_cookie_header(req->pool, req->base_url,
                                                apr_pstrcat(req->pool, BINDING_COOKIE, provider,
                                                            NULL),
                                                value, max_age));
}

static const char *social_cookie_get(const authsvc_request_t *req, const char *provider)
{
    return authsvc_binding_cookie_find(req->pool, req->base_url,
                                       apr_table_get(req->headers_in, "Cookie"),
                                       apr_pstrcat(req->pool, BINDING_COOKIE, provider, NULL));
}

/* ---- start ---------------------------------------------------------------------- */

/* The caller's own fields besides the client's credentials (Keycloak), as a query. */
static const char *social_kept_params(authsvc_request_t *req)
{
    const cJSON *item;
    const char *out = NULL;
    int n = 0;

    cJSON_ArrayForEach(item, req->body)
    {
        if (!cJSON_IsString(item) || strcmp(item->string, "client_id") == 0
            || strcmp(item->string, "client_secret") == 0 || strcmp(item->string, "code") == 0
            || ++n > AUTHSVC_SOCIAL_KEPT_PARAMS_MAX)
            continue;
        out = apr_pstrcat(req->pool, out ? out : "", out ? "&" : "",
                          authsvc_oidc_form_field(req->pool, item->string, item->valuestring),
                          NULL);
    }
    return out;
}

/* The client from the start's credentials; NULL with the answer set. */
static authsvc_client_t *social_start_client(authsvc_request_t *req, authsvc_db_t *db)
{
    authsvc_client_t *client = NULL;
    authsvc_status_t st = authsvc_client_load(authsvc_request_context(req), db,
                                              social_param(req, "client_id"), &client);

    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND) {
        authsvc_respond_unavailable(req);
        return NULL;
    }
    if (st == AUTHSVC_NOT_FOUND
        || !authsvc_client_secret_ok(client, social_param(req, "client_secret"))) {
        authsvc_respond_error(req, AUTHSVC_E_CLIENT_VERIFICATION_FAILED);
        return NULL;
    }
    if (!client->redirect_url || !*client->redirect_url) {
        authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
        return NULL;
    }
    return client;
}

int authsvc_flow_social_start(authsvc_request_t *req)
{
    const authsvc_social_provider_t *provider = social_provider(req);
    authsvc_db_t *db = provider ? req->db(req) : NULL;
    authsvc_social_start_t start;
    authsvc_social_state_t s;
    authsvc_client_t *client;
    const char *state = NULL, *binding = NULL;
    authsvc_status_t st;

    if (!provider)
        return req->status;
    if (!db)
        return authsvc_respond_unavailable(req);
    client = social_start_client(req, db);
    if (!client)
        return req->status;
    start.provider = provider->name;
    start.client_id = client->client_id;
    start.nonce = provider->openid;
    start.pkce = provider->pkce;
    start.kept_params = provider->keep_state_params && req->body ? social_kept_params(req)
                                                                 : NULL;
    st = authsvc_federation_social_state_new(authsvc_request_context(req), db, &start, &state,
                                             &binding, &s);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NO_MEMORY ? authsvc_respond_error(req, AUTHSVC_E_INTERNAL)
                                       : authsvc_respond_unavailable(req);
    social_cookie_set(req, provider->name, binding, AUTHSVC_SOCIAL_STATE_TTL);
    apr_table_setn(req->headers_out, "Location",
                   authsvc_oidc_authorize_url(
                       req->pool, provider, social_redirect_uri(req, provider), state, s.nonce,
                       s.code_verifier ? authsvc_oidc_pkce_challenge(req->pool, s.code_verifier)
                                       : NULL));
    return authsvc_respond_text(req, 303, NULL, NULL, 0);
}

/* ---- the provider's redirect ---------------------------------------------------- */

/* Checks and uses up the state: known, this provider's (a state of another provider
 * is a mix-up), unused, unexpired, bound to this browser. 0 when it passes, else the
 * answer (400) is set. */
static int social_state_take(authsvc_request_t *req, authsvc_db_t *db,
                             const authsvc_social_provider_t *provider, const char *state,
                             authsvc_social_state_t *s)
{
    const char *why = NULL;
    authsvc_status_t st = authsvc_federation_social_state_take(
        authsvc_request_context(req), db, provider->name, state,
        social_cookie_get(req, provider->name), s, &why);

    if (st == AUTHSVC_OK)
        return 0;
    if (st == AUTHSVC_INVALID)
        req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(0811) "%s callback refused: %s",
                 provider->name, why);
    return st == AUTHSVC_INVALID || st == AUTHSVC_NOT_FOUND
               ? authsvc_respond_error(req, AUTHSVC_E_SOCIAL_STATE_INVALID)
               : authsvc_respond_unavailable(req);
}

static int social_failed(authsvc_request_t *req, const authsvc_social_provider_t *provider,
                         const char *why)
{
    req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(0812) "%s login failed: %s", provider->name,
             why);
    return authsvc_respond_error(req, AUTHSVC_E_SOCIAL_LOGIN_FAILED);
}

/* What the redirect itself says before any exchange: the provider's error, an "iss"
 * of another issuer (RFC 9207; optional, most providers send none), no code. */
static const char *social_redirect_problem(authsvc_request_t *req,
                                           const authsvc_social_provider_t *provider)
{
    const char *error = social_param(req, "error");
    const char *iss = social_param(req, "iss");

    if (error)
        return apr_psprintf(req->pool, "the provider answered error=%.64s", error);
    if (iss && (!provider->issuer || strcmp(iss, provider->issuer) != 0))
        return "the redirect's iss is not this provider's issuer";
    if (!social_param(req, "code") || !*social_param(req, "code"))
        return "the redirect has no code";
    return NULL;
}

/* The user, linked and allowed to log in through client; NULL with the answer set. */
static authsvc_principal_t *social_principal(authsvc_request_t *req, authsvc_db_t *db,
                                             const authsvc_social_provider_t *provider,
                                             const authsvc_client_t *client,
                                             const authsvc_social_profile_t *profile)
{
    const char *user_id = NULL, *how = NULL;
    authsvc_principal_t *pr;
    authsvc_status_t st = authsvc_social_user_resolve(authsvc_request_context(req), db,
                                                      provider, client, profile, &user_id,
                                                      &how);

    if (st == AUTHSVC_INVALID) /* identity_link.c logged why */
        authsvc_respond_error(req, AUTHSVC_E_IDENTITY_LINK_REFUSED);
    else if (st == AUTHSVC_NOT_FOUND)
        social_failed(req, provider, "no user is linked to this subject");
    else if (st != AUTHSVC_OK)
        authsvc_respond_unavailable(req);
    if (st != AUTHSVC_OK)
        return NULL;
    req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(0813) "%s login of user %s (%s)",
             provider->name, user_id, how);
    pr = authsvc_answer_login_principal(req, db, user_id, client);
    /* sign-up wrote the profile just now */
    if (pr && provider->update_profile && strcmp(how, "signup") != 0)
        authsvc_identity_profile_store(authsvc_request_context(req), db, user_id,
                                       profile->email_verified ? profile->email : NULL,
                                       profile->given_name, profile->family_name, NULL);
    return pr;
}

/* Our code to the client's registered redirect_url, plus the kept parameters. */
static int social_finish(authsvc_request_t *req, authsvc_db_t *db,
                         const authsvc_social_provider_t *provider,
                         const authsvc_client_t *client, const authsvc_principal_t *pr,
                         const authsvc_social_state_t *s)
{
    const char *code = NULL, *url = client->redirect_url;
    authsvc_status_t st = authsvc_auth_code_issue_for(authsvc_request_context(req), db, client,
                                                      pr, &code);

    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NO_MEMORY ? authsvc_respond_error(req, AUTHSVC_E_INTERNAL)
                                       : authsvc_respond_unavailable(req);
    url = apr_pstrcat(req->pool, url, strchr(url, '?') ? "&" : "?",
                      authsvc_oidc_form_field(req->pool, "code", code),
                      s->kept_params ? "&" : "", s->kept_params ? s->kept_params : "", NULL);
    social_cookie_set(req, provider->name, "", 0);
    apr_table_setn(req->headers_out, "Location", url);
    return authsvc_respond_text(req, 303, NULL, NULL, 0);
}

int authsvc_flow_social_callback(authsvc_request_t *req)
{
    const authsvc_social_provider_t *provider = social_provider(req);
    authsvc_db_t *db = provider ? req->db(req) : NULL;
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr;
    authsvc_social_state_t s;
    authsvc_social_login_t login;
    authsvc_social_session_t session;
    const char *why;

    if (!provider)
        return req->status;
    if (!db)
        return authsvc_respond_unavailable(req);
    if (social_state_take(req, db, provider, social_param(req, "state"), &s))
        return req->status;
    why = social_redirect_problem(req, provider);
    if (why)
        return social_failed(req, provider, why);
    if (authsvc_client_load(authsvc_request_context(req), db, s.client_id, &client)
        != AUTHSVC_OK)
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
    if (authsvc_social_exchange(authsvc_request_context(req), provider,
                                social_param(req, "code"), social_redirect_uri(req, provider),
                                &s, social_param(req, "user"), &login, &why)
        != AUTHSVC_OK)
        return social_failed(req, provider, why ? why : "exchange failed");
    pr = social_principal(req, db, provider, client, &login.profile);
    if (!pr)
        return req->status;
    session.access_token = login.tokens.access_token;
    session.refresh_token = login.tokens.refresh_token;
    session.id_token = login.tokens.id_token;
    if (authsvc_social_session_save(authsvc_request_context(req), db, pr->user_id,
                                    provider->name, &session)
        != AUTHSVC_OK)
        req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0814) "%s: provider tokens not stored",
                 provider->name);
    return social_finish(req, db, provider, client, pr, &s);
}

/* ---- logout at the provider ----------------------------------------------------- */

/* As /logout; then, when that succeeded, the provider ends the session the user's
 * latest login through it opened. Its outcome is logged and never changes the answer. */
int authsvc_flow_social_logout(authsvc_request_t *req)
{
    const authsvc_social_provider_t *provider = social_provider_of_route(req);
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(req->claims, "sub");
    authsvc_context_t *ctx = authsvc_request_context(req);
    authsvc_social_session_t session;
    authsvc_db_t *db;
    const char *why = NULL;
    authsvc_status_t st;

    if (authsvc_flow_logout(req) != 200 || !provider || !cJSON_IsString(sub)
        || !(db = req->db(req)))
        return req->status;
    if (authsvc_social_session_get(ctx, db, sub->valuestring, provider->name, &session)
        != AUTHSVC_OK)
        return req->status;
    st = authsvc_social_provider_logout(ctx, provider, &session, &why);
    req->log(req, st == AUTHSVC_OK ? AUTHSVC_LOG_INFO : AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(0815) "%s logout at the provider for user %s: %s%s%s",
             provider->name, sub->valuestring, authsvc_status_name(st), why ? ": " : "",
             why ? why : "");
    authsvc_social_session_delete(ctx, db, sub->valuestring, provider->name);
    return req->status;
}
