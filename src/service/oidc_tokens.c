/* The token endpoint's grants (authsvc_oidc_tokens.h): the pieces of the service's own
 * sessions (tokens.c, auth_code.c) with a scope claim in the access token, the scope,
 * auth_time and amr stored beside the refresh token, and an ID token. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "authsvc_auth_code.h"
#include "authsvc_base64url.h"
#include "authsvc_db_oidc_tokens.h"
#include "authsvc_db_principals.h"
#include "authsvc_db_tokens.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_log.h"
#include "authsvc_metrics.h"
#include "authsvc_oidc_id_token.h"
#include "authsvc_oidc_tokens.h"
#include "authsvc_password.h"

static authsvc_oauth_status_t tokens_refuse(const char **why, const char *text,
                                            authsvc_oauth_status_t st)
{
    *why = text;
    return st;
}

/* 1 when every word of asked is one of granted's. */
static int tokens_scope_within(apr_pool_t *p, const char *asked, const char *granted)
{
    char *copy = apr_pstrdup(p, asked ? asked : ""), *last = NULL, *word;

    for (word = apr_strtok(copy, " ", &last); word; word = apr_strtok(NULL, " ", &last))
        if (!authsvc_oidc_scope_has(granted, word))
            return 0;
    return 1;
}

/* RFC 7636 §4.1: 43 to 128 characters of the unreserved set; then §4.6 for S256, the
 * challenge compared in constant time. */
static int tokens_pkce_ok(apr_pool_t *p, const char *challenge, const char *verifier)
{
    static const char unreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789-._~";
    apr_size_t n = verifier ? strlen(verifier) : 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const char *expected;

    if (n < 43 || n > 128 || strspn(verifier, unreserved) != n)
        return 0;
    if (!EVP_Digest(verifier, n, md, &len, EVP_sha256(), NULL))
        return 0;
    expected = authsvc_b64url_encode(p, md, len);
    return strlen(expected) == strlen(challenge)
           && CRYPTO_memcmp(expected, challenge, strlen(expected)) == 0;
}

/* The principal with the scope claim its access tokens carry here. */
static authsvc_principal_t *tokens_scoped(apr_pool_t *p, const authsvc_principal_t *pr,
                                          const char *scope)
{
    authsvc_principal_t *copy = apr_pmemdup(p, pr, sizeof(*pr));

    copy->claims = authsvc_json_own(p, cJSON_Duplicate(pr->claims, 1));
    cJSON_AddStringToObject(copy->claims, "scope", scope ? scope : "");
    return copy;
}

/* The ID token of an answer whose scope holds openid (none otherwise). */
static authsvc_status_t tokens_id_token(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const authsvc_client_t *client, const char *user_id,
                                        const char *nonce,
                                        const authsvc_db_oidc_refresh_t *meta,
                                        authsvc_oidc_tokens_t *out)
{
    authsvc_oidc_id_token_in_t in;
    authsvc_db_user_t user;

    if (!authsvc_oidc_scope_has(meta->scope, "openid"))
        return AUTHSVC_OK;
    if (authsvc_db_user_by_id(db, ctx->pool, user_id, &user) != AUTHSVC_OK)
        return AUTHSVC_UNAVAILABLE;
    memset(&in, 0, sizeof(in));
    in.client_id = client->client_id;
    in.user = &user;
    in.scope = meta->scope;
    in.nonce = nonce;
    in.auth_time_ms = meta->auth_time_ms;
    in.amr = meta->amr;
    in.access_token = out->access_token;
    in.ttl = client->access_ttl;
    return authsvc_oidc_id_token(ctx, &in, &out->id_token);
}

/* The answer's pair: the refresh token only for a client that may use refresh_token. */
static void tokens_answer(const authsvc_oidc_client_t *c, const authsvc_token_pair_t *pair,
                          const char *scope, authsvc_oidc_tokens_t *out)
{
    out->access_token = pair->access_token;
    out->refresh_token = authsvc_db_oidc_grant_listed(c->reg.grant_types, "refresh_token")
                             ? pair->refresh_token
                             : NULL;
    out->scope = scope;
    out->expires_in = c->client->access_ttl;
}

/* ---- authorization_code ------------------------------------------------------------ */

/* The code's redemption, the pair (signed before the transaction begins), the code's
 * family, scope/auth_time/amr on the refresh token, the last login and the activity row,
 * in one transaction (as session.c stores a login). AUTHSVC_NOT_FOUND: the code was
 * redeemed meanwhile. */
static authsvc_status_t tokens_code_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                          const authsvc_client_t *client,
                                          const authsvc_principal_t *pr, const char *code_hash,
                                          const authsvc_db_oidc_refresh_t *meta,
                                          authsvc_token_pair_t *pair)
{
    authsvc_tokens_prepared_t prep;
    authsvc_status_t st = authsvc_tokens_prepare(ctx, client, pr, NULL, 0, pair, &prep);

    if (st == AUTHSVC_OK) /* signed before: the transaction holds no signature */
        st = authsvc_db_begin(db, ctx->pool);
    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_auth_code_consume(ctx, db, code_hash);
    if (st == AUTHSVC_OK)
        st = authsvc_tokens_store(ctx, db, &prep);
    if (st == AUTHSVC_OK)
        st = authsvc_db_auth_code_set_family(db, ctx->pool, code_hash, pair->family_id);
    if (st == AUTHSVC_OK)
        st = authsvc_db_oidc_refresh_set(db, ctx->pool,
                                         authsvc_token_hash(ctx->pool, pair->refresh_token),
                                         meta);
    if (st == AUTHSVC_OK)
        st = authsvc_db_user_set_last_login(db, ctx->pool, pr->user_id, authsvc_db_now_ms());
    if (st == AUTHSVC_OK)
        st = authsvc_activity_store(ctx, db, "ACCESS", pr->user_id, pr->tenant_id,
                                    client->client_id, pr->claims);
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st;
    }
    return authsvc_db_commit(db);
}

/* A code redeemed before: what the first redemption got ends (RFC 6749 §4.1.2). */
static authsvc_oauth_status_t tokens_code_reused(authsvc_context_t *ctx, authsvc_db_t *db,
                                                 const authsvc_db_oidc_code_t *code,
                                                 const char **why)
{
    if (code->family_id && authsvc_tokens_revoke_family(ctx, db, code->family_id) != AUTHSVC_OK)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    /* the key=value shape of authsvc2001, for fail2ban (conf/fail2ban) */
    ctx->log(ctx, AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(3102) "token refused: reason=code-reuse client=%s family=%s",
             ctx->client_ip ? ctx->client_ip : "-", code->family_id ? code->family_id : "-");
    return tokens_refuse(why, "the code was used already", AUTHSVC_OAUTH_INVALID_GRANT);
}

/* The checks of a code against the request, before anything is written but a reuse's
 * revocation. */
static authsvc_oauth_status_t tokens_code_check(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const authsvc_oidc_client_t *c,
                                                const authsvc_oidc_grant_t *in,
                                                const authsvc_db_oidc_code_t *code,
                                                const char **why)
{
    if (strcmp(code->client_id, c->client->client_id) != 0)
        return tokens_refuse(why, "the code was issued to another client",
                             AUTHSVC_OAUTH_INVALID_GRANT);
    if (code->used)
        return tokens_code_reused(ctx, db, code, why);
    if (code->expires_ms <= authsvc_db_now_ms())
        return tokens_refuse(why, "the code has expired", AUTHSVC_OAUTH_INVALID_GRANT);
    if (strcmp(code->redirect_uri, in->redirect_uri) != 0)
        return tokens_refuse(why, "redirect_uri differs from the authorization request's",
                             AUTHSVC_OAUTH_INVALID_GRANT);
    if (code->code_challenge) {
        if (!tokens_pkce_ok(ctx->pool, code->code_challenge, in->code_verifier))
            return tokens_refuse(why, "the code_verifier does not match",
                                 AUTHSVC_OAUTH_INVALID_GRANT);
    } else if (c->client->is_public || in->code_verifier) {
        return tokens_refuse(why, "the code was issued without a PKCE challenge",
                             AUTHSVC_OAUTH_INVALID_GRANT);
    }
    return AUTHSVC_OAUTH_OK;
}

/* The code of in, read. */
static authsvc_oauth_status_t tokens_code_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                               const authsvc_oidc_grant_t *in,
                                               authsvc_db_oidc_code_t *code, const char **why)
{
    authsvc_status_t st;

    if (!in->code || !*in->code)
        return tokens_refuse(why, "code is required", AUTHSVC_OAUTH_INVALID_REQUEST);
    if (!in->redirect_uri || !*in->redirect_uri)
        return tokens_refuse(why, "redirect_uri is required", AUTHSVC_OAUTH_INVALID_REQUEST);
    st = authsvc_db_oidc_code_get(db, ctx->pool, authsvc_token_hash(ctx->pool, in->code), code);
    if (st == AUTHSVC_NOT_FOUND)
        return tokens_refuse(why, "unknown code", AUTHSVC_OAUTH_INVALID_GRANT);
    return st == AUTHSVC_OK ? AUTHSVC_OAUTH_OK : AUTHSVC_OAUTH_UNAVAILABLE;
}

/* The principal the code's user logs in as: still a member of the client, active. */
static authsvc_oauth_status_t tokens_code_principal(authsvc_context_t *ctx, authsvc_db_t *db,
                                                    const authsvc_oidc_client_t *c,
                                                    const authsvc_db_oidc_code_t *code,
                                                    authsvc_principal_t **pr, const char **why)
{
    switch (authsvc_login_principal(ctx, db, code->user_id, c->client, pr)) {
    case AUTHSVC_OK: return AUTHSVC_OAUTH_OK;
    case AUTHSVC_NOT_FOUND:
    case AUTHSVC_INVALID:
        return tokens_refuse(why, "the user may no longer use this client",
                             AUTHSVC_OAUTH_INVALID_GRANT);
    default: return AUTHSVC_OAUTH_UNAVAILABLE;
    }
}

authsvc_oauth_status_t authsvc_oidc_grant_code(authsvc_context_t *ctx,
                                               const authsvc_oidc_client_t *c,
                                               const authsvc_oidc_grant_t *in,
                                               authsvc_oidc_tokens_t *out, const char **why)
{
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_db_oidc_refresh_t meta;
    authsvc_db_oidc_code_t code;
    authsvc_principal_t *pr = NULL;
    authsvc_token_pair_t pair;
    authsvc_oauth_status_t rv;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    if (!db)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    rv = tokens_code_load(ctx, db, in, &code, why);
    if (rv == AUTHSVC_OAUTH_OK)
        rv = tokens_code_check(ctx, db, c, in, &code, why);
    if (rv == AUTHSVC_OAUTH_OK)
        rv = tokens_code_principal(ctx, db, c, &code, &pr, why);
    if (rv != AUTHSVC_OAUTH_OK)
        return rv;
    meta.scope = code.scope ? code.scope : "";
    meta.auth_time_ms = code.auth_time_ms;
    meta.amr = code.amr;
    st = tokens_code_store(ctx, db, c->client, tokens_scoped(ctx->pool, pr, meta.scope),
                           code.hash, &meta, &pair);
    if (st == AUTHSVC_NOT_FOUND) /* another redemption won the race */
        return tokens_refuse(why, "the code was used already", AUTHSVC_OAUTH_INVALID_GRANT);
    if (st != AUTHSVC_OK)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    authsvc_activity_purge_maybe(ctx, db);
    tokens_answer(c, &pair, meta.scope, out);
    return tokens_id_token(ctx, db, c->client, pr->user_id, code.nonce, &meta, out)
                   == AUTHSVC_OK
               ? AUTHSVC_OAUTH_OK
               : AUTHSVC_OAUTH_SERVER_ERROR;
}

/* ---- refresh_token ------------------------------------------------------------------ */

/* The OAuth refresh token's scope, auth_time and amr (meta), in the rotation's
 * transaction (authsvc_tokens_rotate). */
static authsvc_status_t tokens_rotation_meta(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const authsvc_client_t *client,
                                             const authsvc_principal_t *pr,
                                             const authsvc_token_pair_t *pair, const void *arg)
{
    (void)client;
    (void)pr;
    return authsvc_db_oidc_refresh_set(db, ctx->pool,
                                       authsvc_token_hash(ctx->pool, pair->refresh_token), arg);
}

/* The refresh token of in, of this client and this endpoint, live; a rotated one used
 * again ends its family (as session.c does for the service's own refresh). */
static authsvc_oauth_status_t tokens_refresh_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                                  const authsvc_oidc_client_t *c,
                                                  const char *token, authsvc_db_refresh_t *rt,
                                                  authsvc_db_oidc_refresh_t *meta,
                                                  const char **why)
{
    const char *hash = authsvc_token_hash(ctx->pool, token);
    authsvc_status_t st = authsvc_db_refresh_get(db, ctx->pool, hash, rt);
    long long now = authsvc_db_now_ms();

    if (st == AUTHSVC_OK)
        st = authsvc_db_oidc_refresh_get(db, ctx->pool, hash, meta);
    if (st == AUTHSVC_NOT_FOUND || (st == AUTHSVC_OK && !meta->scope))
        return tokens_refuse(why, "unknown refresh token", AUTHSVC_OAUTH_INVALID_GRANT);
    if (st != AUTHSVC_OK)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    if (strcmp(rt->client_id, c->client->client_id) != 0)
        return tokens_refuse(why, "the refresh token was issued to another client",
                             AUTHSVC_OAUTH_INVALID_GRANT);
    if (rt->consumed || rt->revoked) {
        if (rt->consumed && !rt->revoked
            && authsvc_tokens_revoke_family(ctx, db, rt->family_id) != AUTHSVC_OK)
            return AUTHSVC_OAUTH_UNAVAILABLE;
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(3103) "token refused: reason=%s client=%s family=%s",
                 rt->consumed ? "refresh-reuse" : "refresh-revoked",
                 ctx->client_ip ? ctx->client_ip : "-", rt->family_id);
        return tokens_refuse(why, "the refresh token is no longer valid",
                             AUTHSVC_OAUTH_INVALID_GRANT);
    }
    if (rt->expires <= now || rt->family_expires <= now)
        return tokens_refuse(why, "the refresh token has expired", AUTHSVC_OAUTH_INVALID_GRANT);
    return AUTHSVC_OAUTH_OK;
}

authsvc_oauth_status_t authsvc_oidc_grant_refresh(authsvc_context_t *ctx,
                                                  const authsvc_oidc_client_t *c,
                                                  const authsvc_oidc_grant_t *in,
                                                  authsvc_oidc_tokens_t *out, const char **why)
{
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_db_oidc_refresh_t meta;
    authsvc_db_refresh_t rt;
    authsvc_principal_t *pr = NULL;
    authsvc_token_pair_t pair;
    authsvc_oauth_status_t rv;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    if (!db)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    if (!in->refresh_token || !*in->refresh_token)
        return tokens_refuse(why, "refresh_token is required", AUTHSVC_OAUTH_INVALID_REQUEST);
    rv = tokens_refresh_load(ctx, db, c, in->refresh_token, &rt, &meta, why);
    if (rv != AUTHSVC_OAUTH_OK)
        return rv;
    if (in->scope && !tokens_scope_within(ctx->pool, in->scope, meta.scope))
        return tokens_refuse(why, "scope exceeds the one granted", AUTHSVC_OAUTH_INVALID_SCOPE);
    if (in->scope)
        meta.scope = in->scope;
    st = authsvc_principal_load(ctx, db, rt.user_id, rt.tenant_id, &pr);
    if (st == AUTHSVC_NOT_FOUND || (st == AUTHSVC_OK && !authsvc_principal_may_login(pr)))
        return tokens_refuse(why, "the user may no longer sign in",
                             AUTHSVC_OAUTH_INVALID_GRANT);
    if (st != AUTHSVC_OK)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    st = authsvc_tokens_rotate(ctx, db, &rt, c->client,
                               tokens_scoped(ctx->pool, pr, meta.scope), tokens_rotation_meta,
                               &meta, &pair);
    if (st == AUTHSVC_NOT_FOUND) /* lost a race with another refresh of the same token */
        return tokens_refuse(why, "the refresh token is no longer valid",
                             AUTHSVC_OAUTH_INVALID_GRANT);
    if (st != AUTHSVC_OK)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    authsvc_activity_record(ctx, db, "RELOGIN", pr->user_id, pr->tenant_id,
                            c->client->client_id, pr->claims);
    tokens_answer(c, &pair, meta.scope, out);
    return tokens_id_token(ctx, db, c->client, pr->user_id, NULL, &meta, out) == AUTHSVC_OK
               ? AUTHSVC_OAUTH_OK
               : AUTHSVC_OAUTH_SERVER_ERROR;
}

/* ---- client_credentials ------------------------------------------------------------- */

/* A client's own access token: sub and aud the client, and a client_id claim, which is
 * what tells the bearer check (bearer.c) it names no user. */
static cJSON *tokens_client_claims(authsvc_context_t *ctx, const authsvc_client_t *client,
                                   const char *scope, const char *jti, long long now_s)
{
    cJSON *claims = authsvc_json_own(ctx->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(claims, "iss", ctx->issuer);
    cJSON_AddStringToObject(claims, "sub", client->client_id);
    cJSON_AddStringToObject(claims, "aud", client->client_id);
    cJSON_AddStringToObject(claims, "client_id", client->client_id);
    cJSON_AddNumberToObject(claims, "iat", (double)now_s);
    cJSON_AddNumberToObject(claims, "exp", (double)(now_s + client->access_ttl));
    cJSON_AddStringToObject(claims, "jti", jti);
    cJSON_AddStringToObject(claims, "scope", scope);
    return claims;
}

authsvc_oauth_status_t authsvc_oidc_grant_client_credentials(authsvc_context_t *ctx,
                                                             const authsvc_oidc_client_t *c,
                                                             const authsvc_oidc_grant_t *in,
                                                             authsvc_oidc_tokens_t *out,
                                                             const char **why)
{
    const authsvc_key_t *signer = ctx->config->keyring
                                      ? authsvc_keyring_signer(ctx->config->keyring)
                                      : NULL;
    const char *scope = in->scope ? in->scope : "", *jti = authsvc_uuid_v4(ctx->pool);

    memset(out, 0, sizeof(*out));
    if (c->client->is_public)
        return tokens_refuse(why, "a public client has no credentials of its own",
                             AUTHSVC_OAUTH_UNAUTHORIZED_CLIENT);
    if (!tokens_scope_within(ctx->pool, scope, AUTHSVC_OIDC_SCOPES))
        return tokens_refuse(why, "unsupported scope", AUTHSVC_OAUTH_INVALID_SCOPE);
    if (!signer || !signer->can_sign || !jti)
        return AUTHSVC_OAUTH_SERVER_ERROR;
    if (authsvc_jwt_sign(ctx->pool, signer,
                         tokens_client_claims(ctx, c->client, scope, jti,
                                              authsvc_db_now_ms() / 1000),
                         &out->access_token)
        != AUTHSVC_OK)
        return AUTHSVC_OAUTH_SERVER_ERROR;
    authsvc_metrics_count(ctx->config->metrics, AUTHSVC_METRIC_TOKENS_ISSUED);
    out->scope = scope;
    out->expires_in = c->client->access_ttl;
    return AUTHSVC_OAUTH_OK;
}
