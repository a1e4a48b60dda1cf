/* The back channel to a provider: token exchange, ID-token verification, userinfo,
 * and logout / re-check with its tokens. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_config.h"
#include "authsvc_http_fetch.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_social_exchange.h"
#include "authsvc_social_jwks.h"

static authsvc_http_options_t exchange_options(const authsvc_social_provider_t *provider)
{
    authsvc_http_options_t o = {provider->ca_file, provider->timeout * 1000L,
                                AUTHSVC_SOCIAL_RESPONSE_BYTES_MAX};
    return o;
}

static long long exchange_now(void)
{
    return authsvc_db_now_ms() / 1000;
}

/* The provider's error code from an OAuth error answer, for the log: never the body. */
static const char *exchange_error_code(apr_pool_t *p, const authsvc_http_response_t *res)
{
    cJSON *doc = NULL;
    const cJSON *e;

    if (authsvc_json_parse(p, res->body, res->len, &doc) != AUTHSVC_JSON_VALID)
        return "-";
    e = cJSON_GetObjectItemCaseSensitive(doc, "error");
    if (cJSON_IsObject(e)) /* Facebook: {"error":{"type","code",...}} */
        e = cJSON_GetObjectItemCaseSensitive(e, "type");
    return cJSON_IsString(e) ? apr_pstrndup(p, e->valuestring, 64) : "-";
}

/* POSTs a back-channel form (client authentication included); *res is the answer. */
static authsvc_status_t exchange_post(authsvc_context_t *ctx,
                                      const authsvc_social_provider_t *provider,
                                      const char *url, const char *fields,
                                      authsvc_http_response_t *res, const char **why)
{
    authsvc_http_options_t o = exchange_options(provider);
    apr_array_header_t *headers;
    const char *body;

    if (authsvc_oidc_client_request(ctx->pool, provider, fields, exchange_now(), &body,
                                    &headers)
        != AUTHSVC_OK) {
        *why = "cannot make the client authentication";
        return AUTHSVC_INVALID;
    }
    return authsvc_http_call(ctx->pool, &o, "POST", url, headers, body, res, why);
}

static authsvc_status_t exchange_code(authsvc_context_t *ctx,
                                      const authsvc_social_provider_t *provider,
                                      const char *code, const char *redirect_uri,
                                      const authsvc_social_state_t *state,
                                      authsvc_oidc_tokens_t *tokens, const char **why)
{
    apr_array_header_t *headers;
    authsvc_http_options_t o = exchange_options(provider);
    authsvc_http_response_t res;
    const char *body;
    authsvc_status_t st = authsvc_oidc_token_request(ctx->pool, provider, code, redirect_uri,
                                                     state->code_verifier, exchange_now(),
                                                     &body, &headers);

    if (st != AUTHSVC_OK) {
        *why = "cannot make the token request";
        return AUTHSVC_INVALID;
    }
    st = authsvc_http_call(ctx->pool, &o, "POST", provider->token_endpoint, headers, body, &res,
                           why);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_INVALID ? st : AUTHSVC_UNAVAILABLE;
    if (res.status != 200) {
        *why = apr_psprintf(ctx->pool, "token endpoint answered HTTP %ld (%s)", res.status,
                            exchange_error_code(ctx->pool, &res));
        return AUTHSVC_INVALID;
    }
    if (authsvc_oidc_token_response(ctx->pool, res.body, res.len, tokens) != AUTHSVC_OK) {
        *why = "the token response has no access_token";
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}

static authsvc_status_t exchange_id_token(authsvc_context_t *ctx,
                                          const authsvc_social_provider_t *provider,
                                          const char *id_token, const char *nonce,
                                          cJSON **claims, const char **why)
{
    const char *kid = authsvc_oidc_token_kid(ctx->pool, id_token);
    authsvc_keyring_t *ring = NULL;
    authsvc_status_t st;
    authsvc_oidc_result_t r;

    if (!id_token) {
        *why = "the token response has no id_token";
        return AUTHSVC_INVALID;
    }
    st = kid ? authsvc_social_jwks_key(ctx->pool, provider, kid, &ring, why)
             : AUTHSVC_NOT_FOUND;
    if (st != AUTHSVC_OK) {
        if (!*why)
            *why = "the id_token's kid is not in the provider's JWKS";
        return st == AUTHSVC_NOT_FOUND ? AUTHSVC_INVALID : AUTHSVC_UNAVAILABLE;
    }
    r = authsvc_oidc_id_token_check(ctx->pool, provider, ring, id_token, nonce, exchange_now(),
                                    authsvc_config_leeway(ctx->config), claims);
    if (r != AUTHSVC_OIDC_VALID) {
        *why = apr_pstrcat(ctx->pool, "id_token refused: ", authsvc_oidc_result_name(r), NULL);
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}

/* GET userinfo with the access token (a header, or a query parameter for providers
 * that want it so). */
static authsvc_status_t exchange_userinfo(authsvc_context_t *ctx,
                                          const authsvc_social_provider_t *provider,
                                          const char *access_token, cJSON **info,
                                          const char **why)
{
    authsvc_http_options_t o = exchange_options(provider);
    apr_array_header_t *headers = apr_array_make(ctx->pool, 2, sizeof(const char *));
    const char *url = provider->userinfo_endpoint;
    authsvc_http_response_t res;
    authsvc_status_t st;

    APR_ARRAY_PUSH(headers, const char *) = "Accept: application/json";
    if (provider->userinfo_token_param)
        url = apr_pstrcat(ctx->pool, url, strchr(url, '?') ? "&" : "?",
                          authsvc_oidc_form_field(ctx->pool, provider->userinfo_token_param,
                                                  access_token),
                          NULL);
    else
        APR_ARRAY_PUSH(headers, const char *) = apr_pstrcat(ctx->pool, "Authorization: Bearer ",
                                                            access_token, NULL);
    st = authsvc_http_call(ctx->pool, &o, "GET", url, headers, NULL, &res, why);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_INVALID ? st : AUTHSVC_UNAVAILABLE;
    if (res.status != 200
        || authsvc_json_parse(ctx->pool, res.body, res.len, info) != AUTHSVC_JSON_VALID
        || !cJSON_IsObject(*info)) {
        *why = apr_psprintf(ctx->pool, "userinfo answered HTTP %ld (%s)", res.status,
                            exchange_error_code(ctx->pool, &res));
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}

/* A claim from the ID token, else from userinfo. */
static const char *exchange_claim(apr_pool_t *p, const cJSON *id_claims, const cJSON *info,
                                  const char *name)
{
    const char *v = id_claims ? authsvc_oidc_claim_text(p, id_claims, name) : NULL;

    return v ? v : info ? authsvc_oidc_claim_text(p, info, name) : NULL;
}

/* Apple's "user" field: {"name":{"firstName","lastName"},"email"}; names only. */
static void exchange_apple_names(apr_pool_t *p, const char *apple_user,
                                 authsvc_social_profile_t *profile)
{
    cJSON *doc = NULL;
    const cJSON *name;

    if (!apple_user
        || authsvc_json_parse(p, apple_user, strlen(apple_user), &doc) != AUTHSVC_JSON_VALID)
        return;
    name = cJSON_GetObjectItemCaseSensitive(doc, "name");
    if (!profile->given_name)
        profile->given_name = authsvc_oidc_claim_text(p, name, "firstName");
    if (!profile->family_name)
        profile->family_name = authsvc_oidc_claim_text(p, name, "lastName");
}

static authsvc_status_t exchange_profile(authsvc_context_t *ctx,
                                         const authsvc_social_provider_t *provider,
                                         const cJSON *id_claims, const cJSON *info,
                                         authsvc_social_profile_t *profile, const char **why)
{
    apr_pool_t *p = ctx->pool;
    const cJSON *verified_from = id_claims
                                         && cJSON_GetObjectItemCaseSensitive(id_claims, "email")
                                     ? id_claims
                                     : info;

    /* OpenID Connect Core 5.3.4: userinfo must be about the ID token's subject. */
    if (id_claims && info
        && !(authsvc_oidc_claim_text(p, info, "sub")
             && strcmp(authsvc_oidc_claim_text(p, info, "sub"),
                       authsvc_oidc_claim_text(p, id_claims, "sub"))
                    == 0)) {
        *why = "userinfo is about another subject than the id_token";
        return AUTHSVC_INVALID;
    }
    profile->subject = exchange_claim(p, id_claims, info, provider->subject_claim);
    if (!profile->subject) {
        *why = apr_pstrcat(p, "no '", provider->subject_claim, "' claim", NULL);
        return AUTHSVC_INVALID;
    }
    profile->email = exchange_claim(p, id_claims, info, "email");
    profile->email_verified = verified_from
                              && authsvc_oidc_claim_true(verified_from, "email_verified");
    profile->given_name = exchange_claim(p, id_claims, info, "given_name");
    profile->family_name = exchange_claim(p, id_claims, info, "family_name");
    profile->username = exchange_claim(p, id_claims, info, "preferred_username");
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_social_exchange(authsvc_context_t *ctx,
                                         const authsvc_social_provider_t *provider,
                                         const char *code, const char *redirect_uri,
                                         const authsvc_social_state_t *state,
                                         const char *apple_user, authsvc_social_login_t *out,
                                         const char **why)
{
    cJSON *id_claims = NULL, *info = NULL;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    st = exchange_code(ctx, provider, code, redirect_uri, state, &out->tokens, why);
    if (st == AUTHSVC_OK && provider->openid)
        st = exchange_id_token(ctx, provider, out->tokens.id_token, state->nonce, &id_claims,
                               why);
    if (st == AUTHSVC_OK && provider->userinfo_endpoint)
        st = exchange_userinfo(ctx, provider, out->tokens.access_token, &info, why);
    if (st == AUTHSVC_OK)
        st = exchange_profile(ctx, provider, id_claims, info, &out->profile, why);
    if (st == AUTHSVC_OK)
        exchange_apple_names(ctx->pool, apple_user, &out->profile);
    return st;
}

/* ---- after the login ------------------------------------------------------------ */

authsvc_status_t authsvc_social_provider_logout(authsvc_context_t *ctx,
                                                const authsvc_social_provider_t *provider,
                                                const authsvc_social_session_t *session,
                                                const char **why)
{
    authsvc_http_response_t res;
    const char *url, *fields;
    authsvc_status_t st;

    *why = NULL;
    if (provider->end_session_endpoint && session->refresh_token) {
        url = provider->end_session_endpoint;
        fields = authsvc_oidc_form_field(ctx->pool, "refresh_token", session->refresh_token);
    } else if (provider->revocation_endpoint && session->access_token) {
        url = provider->revocation_endpoint;
        fields = apr_pstrcat(ctx->pool,
                             authsvc_oidc_form_field(ctx->pool, "token", session->access_token),
                             "&token_type_hint=access_token", NULL);
    } else
        return AUTHSVC_NOT_FOUND;
    st = exchange_post(ctx, provider, url, fields, &res, why);
    if (st != AUTHSVC_OK)
        return st;
    if (res.status != 200 && res.status != 204) {
        *why = apr_psprintf(ctx->pool, "answered HTTP %ld (%s)", res.status,
                            exchange_error_code(ctx->pool, &res));
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}
