/* The OpenID Connect authorization endpoint's decisions (see authsvc_oidc_authorize.h). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_auth_code.h"
#include "authsvc_bearer.h"
#include "authsvc_db_users.h"
#include "authsvc_jwt.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_oidc_authorize.h"
#include "authsvc_password.h"

/* The scopes this provider understands, in the order they are stored. */
static const char *const oidc_scopes[] = {"openid", "profile", "email", "offline_access", NULL};

static authsvc_oidc_authz_status_t oidc_error(authsvc_oidc_authorize_t *out, const char *error,
                                              const char *description)
{
    out->error = error;
    out->error_description = description;
    return AUTHSVC_OIDC_AUTHZ_ERROR;
}

/* 1 when word is one of the space-separated words of list. */
static int oidc_has_word(apr_pool_t *p, const char *list, const char *word)
{
    char *copy = apr_pstrdup(p, list ? list : ""), *last = NULL, *w;

    for (w = apr_strtok(copy, " ", &last); w; w = apr_strtok(NULL, " ", &last))
        if (strcmp(w, word) == 0)
            return 1;
    return 0;
}

/* The known scopes of the request, in a fixed order; NULL without openid. */
static const char *oidc_kept_scopes(apr_pool_t *p, const char *scope)
{
    const char *out = NULL;
    int i;

    if (!scope || !oidc_has_word(p, scope, "openid"))
        return NULL;
    for (i = 0; oidc_scopes[i]; i++)
        if (oidc_has_word(p, scope, oidc_scopes[i]))
            out = out ? apr_pstrcat(p, out, " ", oidc_scopes[i], NULL) : oidc_scopes[i];
    return out;
}

/* RFC 7636 4.2: 43 to 128 characters of [A-Za-z0-9-._~]. */
static int oidc_challenge_ok(const char *c)
{
    apr_size_t n = strlen(c);

    return n >= 43 && n <= 128
           && strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
                  == n;
}

/* A non-negative decimal of at most 10 digits; -1 otherwise. */
static long long oidc_max_age(const char *s)
{
    apr_size_t n = strlen(s);

    if (n == 0 || n > 10 || strspn(s, "0123456789") != n)
        return -1;
    return apr_atoi64(s);
}

static authsvc_oidc_authz_status_t oidc_check_pkce(const authsvc_oidc_authorize_params_t *in,
                                                   int is_public, authsvc_oidc_authorize_t *out)
{
    if (!in->code_challenge) {
        if (in->code_challenge_method)
            return oidc_error(out, "invalid_request",
                              "code_challenge_method without code_challenge");
        return is_public ? oidc_error(out, "invalid_request",
                                      "a public client must send a PKCE code_challenge (S256)")
                         : AUTHSVC_OIDC_AUTHZ_OK;
    }
    if (!in->code_challenge_method || strcmp(in->code_challenge_method, "S256") != 0)
        return oidc_error(out, "invalid_request", "code_challenge_method must be S256");
    if (!oidc_challenge_ok(in->code_challenge))
        return oidc_error(out, "invalid_request", "code_challenge is malformed");
    return AUTHSVC_OIDC_AUTHZ_OK;
}

static authsvc_oidc_authz_status_t oidc_check_prompt(const authsvc_oidc_authorize_params_t *in,
                                                     authsvc_oidc_authorize_t *out)
{
    out->max_age = -1;
    if (in->prompt) {
        out->prompt_login = strcmp(in->prompt, "login") == 0;
        out->prompt_none = strcmp(in->prompt, "none") == 0;
        if (!out->prompt_login && !out->prompt_none)
            return oidc_error(out, "invalid_request", "prompt must be login or none");
    }
    if (in->max_age && (out->max_age = oidc_max_age(in->max_age)) < 0)
        return oidc_error(out, "invalid_request", "max_age must be a non-negative integer");
    return AUTHSVC_OIDC_AUTHZ_OK;
}

static const char *oidc_duplicate(apr_pool_t *p, const char *name)
{
    apr_size_t n = strlen(name);

    return n <= 32 && strspn(name, "abcdefghijklmnopqrstuvwxyz_") == n
               ? apr_psprintf(p, "parameter %s appears more than once", name)
               : "a parameter appears more than once";
}

authsvc_oidc_authz_status_t authsvc_oidc_authorize_check_params(
    apr_pool_t *p, const authsvc_oidc_authorize_params_t *in, int is_public,
    authsvc_oidc_authorize_t *out)
{
    authsvc_oidc_authz_status_t st;

    out->state = in->state;
    if (in->duplicate) /* named only when it is a plain word: the description is logged */
        return oidc_error(out, "invalid_request", oidc_duplicate(p, in->duplicate));
    if (in->state && strlen(in->state) > AUTHSVC_OIDC_STATE_MAX)
        return oidc_error(out, "invalid_request", "state is too long");
    if (in->request)
        return oidc_error(out, "request_not_supported", "request objects are not supported");
    if (in->request_uri)
        return oidc_error(out, "request_uri_not_supported", "request_uri is not supported");
    if (!in->response_type)
        return oidc_error(out, "invalid_request", "response_type is required");
    if (strcmp(in->response_type, "code") != 0)
        return oidc_error(out, "unsupported_response_type", "only response_type=code");
    if (in->response_mode && strcmp(in->response_mode, "query") != 0)
        return oidc_error(out, "invalid_request", "only response_mode=query");
    if (!(out->scope = oidc_kept_scopes(p, in->scope)))
        return oidc_error(out, "invalid_scope", "scope must contain openid");
    if (in->nonce && (!*in->nonce || strlen(in->nonce) > AUTHSVC_OIDC_NONCE_MAX))
        return oidc_error(out, "invalid_request", "nonce is empty or too long");
    if ((st = oidc_check_pkce(in, is_public, out)) != AUTHSVC_OIDC_AUTHZ_OK)
        return st;
    return oidc_check_prompt(in, out);
}

/* The client and its registration; redirect_uri listed exactly. Never an error for the
 * redirect URI: until both are known good nothing may be sent there. */
static authsvc_oidc_authz_status_t oidc_check_client(authsvc_context_t *ctx, authsvc_db_t *db,
                                                     const authsvc_oidc_authorize_params_t *in,
                                                     authsvc_oidc_authorize_t *out)
{
    authsvc_db_oidc_client_t reg;
    authsvc_status_t st;

    if (!in->client_id || !*in->client_id
        || (in->duplicate && strcmp(in->duplicate, "client_id") == 0))
        return AUTHSVC_OIDC_AUTHZ_BAD_CLIENT;
    st = authsvc_client_load(ctx, db, in->client_id, &out->client);
    if (st == AUTHSVC_OK)
        st = authsvc_db_oidc_client_get(db, ctx->pool, in->client_id, &reg);
    if (st == AUTHSVC_NOT_FOUND)
        return AUTHSVC_OIDC_AUTHZ_BAD_CLIENT;
    if (st != AUTHSVC_OK)
        return AUTHSVC_OIDC_AUTHZ_UNAVAILABLE;
    if (!in->redirect_uri || (in->duplicate && strcmp(in->duplicate, "redirect_uri") == 0)
        || !authsvc_db_oidc_uri_listed(reg.redirect_uris, in->redirect_uri))
        return AUTHSVC_OIDC_AUTHZ_BAD_REDIRECT;
    out->redirect_uri = in->redirect_uri;
    if (!authsvc_db_oidc_grant_listed(reg.grant_types, "authorization_code"))
        return oidc_error(out, "unauthorized_client",
                          "the client may not use the authorization code grant");
    return AUTHSVC_OIDC_AUTHZ_OK;
}

authsvc_oidc_authz_status_t authsvc_oidc_authorize_check(
    authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_oidc_authorize_params_t *in,
    authsvc_oidc_authorize_t *out)
{
    authsvc_oidc_authz_status_t st;

    memset(out, 0, sizeof(*out));
    out->max_age = -1;
    out->state = in->state;
    st = oidc_check_client(ctx, db, in, out);
    if (st != AUTHSVC_OIDC_AUTHZ_OK)
        return st;
    return authsvc_oidc_authorize_check_params(ctx->pool, in, out->client->is_public, out);
}

authsvc_oidc_next_t authsvc_oidc_authorize_next(authsvc_oidc_authorize_t *req,
                                                const authsvc_oidc_session_t *session,
                                                long long now_ms, int *end_session)
{
    int live = session && session->user_id;
    int too_old = live && req->max_age >= 0
                  && (now_ms - session->auth_time_ms) / 1000 >= req->max_age;

    *end_session = 0;
    if (req->prompt_none) {
        if (live && !too_old)
            return AUTHSVC_OIDC_ISSUE_CODE;
        oidc_error(req, "login_required", "the user is not signed in (prompt=none)");
        return AUTHSVC_OIDC_REFUSE;
    }
    if (req->prompt_login || too_old) {
        *end_session = live;
        return AUTHSVC_OIDC_SIGN_IN;
    }
    return live ? AUTHSVC_OIDC_ISSUE_CODE : AUTHSVC_OIDC_SIGN_IN;
}

/* The user in the session's tenant, else in their default one; NULL (req->error set)
 * when they may not sign in through the client. */
static authsvc_status_t oidc_principal(authsvc_context_t *ctx, authsvc_db_t *db,
                                       authsvc_oidc_authorize_t *req,
                                       const authsvc_oidc_session_t *session,
                                       authsvc_principal_t **pr)
{
    authsvc_status_t st = authsvc_db_user_client_member(db, ctx->pool, session->user_id,
                                                        req->client->client_id);

    *pr = NULL;
    if (st == AUTHSVC_OK && session->tenant_id) {
        st = authsvc_principal_load(ctx, db, session->user_id, session->tenant_id, pr);
        if (st == AUTHSVC_NOT_FOUND)
            *pr = NULL;
    }
    if (st == AUTHSVC_OK && !*pr)
        st = authsvc_principal_load(ctx, db, session->user_id, NULL, pr);
    if (st == AUTHSVC_OK && !authsvc_principal_may_login(*pr))
        st = AUTHSVC_NOT_FOUND;
    if (st == AUTHSVC_NOT_FOUND) {
        oidc_error(req, "access_denied", "the user may not sign in to this client");
        return AUTHSVC_INVALID;
    }
    return st == AUTHSVC_OK ? AUTHSVC_OK : AUTHSVC_UNAVAILABLE;
}

authsvc_status_t authsvc_oidc_authorize_issue(authsvc_context_t *ctx, authsvc_db_t *db,
                                              authsvc_oidc_authorize_t *req,
                                              const authsvc_oidc_authorize_params_t *in,
                                              const authsvc_oidc_session_t *session,
                                              const char **code)
{
    authsvc_principal_t *pr = NULL;
    authsvc_db_oidc_code_t row;
    const char *secret;
    long long now = authsvc_db_now_ms();
    authsvc_status_t st = oidc_principal(ctx, db, req, session, &pr);

    *code = NULL;
    if (st != AUTHSVC_OK)
        return st;
    /* a client that asks for a second factor gets no code from a session without one */
    if (authsvc_auth_code_mfa_owed(ctx, pr, req->client)
        && !oidc_has_word(ctx->pool, session->amr, "mfa")) {
        oidc_error(req, "access_denied", "this client requires a second factor");
        return AUTHSVC_INVALID;
    }
    if (!(secret = authsvc_random_token(ctx->pool, AUTHSVC_AUTH_CODE_BYTES)))
        return AUTHSVC_UNAVAILABLE;
    memset(&row, 0, sizeof(row));
    row.hash = authsvc_token_hash(ctx->pool, secret);
    row.client_id = req->client->client_id;
    row.user_id = pr->user_id;
    row.tenant_id = pr->tenant_id;
    row.user_tenant_id = pr->user_tenant_id;
    row.redirect_uri = req->redirect_uri;
    row.scope = req->scope;
    row.nonce = in->nonce;
    row.code_challenge = in->code_challenge;
    row.auth_time_ms = session->auth_time_ms;
    row.amr = session->amr ? session->amr : "pwd";
    row.created_ms = now;
    row.expires_ms = now + (long long)req->client->auth_code_ttl * 1000;
    if (authsvc_db_oidc_code_insert(db, ctx->pool, &row) != AUTHSVC_OK)
        return AUTHSVC_UNAVAILABLE;
    *code = secret;
    return AUTHSVC_OK;
}

/* The client an ID token was issued to: aud (a string, or the first of an array), or
 * azp when aud is an array of several. */
static const char *oidc_token_client(const cJSON *claims)
{
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(claims, "aud");
    const cJSON *azp = cJSON_GetObjectItemCaseSensitive(claims, "azp");

    if (cJSON_IsString(aud))
        return aud->valuestring;
    if (cJSON_IsString(azp))
        return azp->valuestring;
    if (cJSON_IsArray(aud) && cJSON_GetArraySize(aud) == 1
        && cJSON_IsString(cJSON_GetArrayItem(aud, 0)))
        return cJSON_GetArrayItem(aud, 0)->valuestring;
    return NULL;
}

authsvc_status_t authsvc_oidc_logout_target(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *hint,
                                            const char *post_logout_redirect_uri,
                                            const char **client_id, const char **target)
{
    authsvc_jwt_expect_t expect;
    authsvc_db_oidc_client_t reg;
    authsvc_jwt_result_t rv;
    authsvc_status_t st;
    cJSON *claims = NULL;

    *client_id = *target = NULL;
    if (!hint || !*hint || !ctx->config->keyring)
        return AUTHSVC_INVALID;
    memset(&expect, 0, sizeof(expect));
    expect.issuer = ctx->issuer;
    expect.now = authsvc_db_now_ms() / 1000;
    expect.leeway = authsvc_config_leeway(ctx->config);
    expect.allow_expired = 1; /* a hint names who signed in; its age does not matter */
    rv = authsvc_jwt_verify(ctx->pool, ctx->config->keyring, hint, &expect, &claims);
    if ((rv != AUTHSVC_JWT_VALID && rv != AUTHSVC_JWT_EXPIRED) || !claims
        || !(*client_id = oidc_token_client(claims))) {
        ctx->log(ctx, AUTHSVC_LOG_INFO,
                 AUTHSVC_LOGNO(3051) "oidc logout: id_token_hint refused: %s",
                 authsvc_jwt_result_name(rv));
        return AUTHSVC_INVALID;
    }
    if (!post_logout_redirect_uri)
        return AUTHSVC_OK;
    st = authsvc_db_oidc_client_get(db, ctx->pool, *client_id, &reg);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_UNAVAILABLE;
    if (st == AUTHSVC_OK
        && authsvc_db_oidc_uri_listed(reg.post_logout_uris, post_logout_redirect_uri))
        *target = post_logout_redirect_uri;
    return AUTHSVC_OK;
}
