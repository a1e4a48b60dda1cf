/* Revocation, introspection and UserInfo (authsvc_oidc_token_state.h). */
#include <string.h>

#include "authsvc_bearer.h"
#include "authsvc_db_oidc_tokens.h"
#include "authsvc_db_tokens.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_log.h"
#include "authsvc_oidc_id_token.h"
#include "authsvc_oidc_token_state.h"
#include "authsvc_oidc_tokens.h"

static const char *state_claim(const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static long long state_claim_number(const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    return cJSON_IsNumber(item) ? (long long)item->valuedouble : 0;
}

/* The claims of one of our access tokens, genuine and unexpired (revocation aside). */
static cJSON *state_access_claims(authsvc_context_t *ctx, const char *token)
{
    authsvc_jwt_expect_t expect;
    cJSON *claims = NULL;

    if (!ctx->config->keyring || strlen(token) > AUTHSVC_JWT_LENGTH_MAX)
        return NULL;
    memset(&expect, 0, sizeof(expect));
    expect.issuer = ctx->issuer;
    expect.now = authsvc_db_now_ms() / 1000;
    expect.leeway = authsvc_config_leeway(ctx->config);
    return authsvc_jwt_verify(ctx->pool, ctx->config->keyring, token, &expect, &claims)
                   == AUTHSVC_JWT_VALID
               ? claims
               : NULL;
}

authsvc_oauth_status_t authsvc_oidc_revoke(authsvc_context_t *ctx,
                                           const authsvc_oidc_client_t *c, const char *token)
{
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_db_refresh_t rt;
    authsvc_status_t st;
    const char *aud, *jti;
    cJSON *claims;

    if (!db)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    st = authsvc_db_refresh_get(db, ctx->pool, authsvc_token_hash(ctx->pool, token), &rt);
    if (st == AUTHSVC_OK) {
        if (strcmp(rt.client_id, c->client->client_id) != 0)
            return AUTHSVC_OAUTH_OK; /* another client's: nothing happens */
        return authsvc_tokens_revoke_family(ctx, db, rt.family_id) == AUTHSVC_OK
                   ? AUTHSVC_OAUTH_OK
                   : AUTHSVC_OAUTH_UNAVAILABLE;
    }
    if (st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    claims = state_access_claims(ctx, token);
    aud = state_claim(claims, "aud");
    jti = state_claim(claims, "jti");
    if (!aud || !jti || strcmp(aud, c->client->client_id) != 0)
        return AUTHSVC_OAUTH_OK;
    return authsvc_tokens_revoke_jti(ctx, db, jti, state_claim_number(claims, "exp") * 1000)
                   == AUTHSVC_OK
               ? AUTHSVC_OAUTH_OK
               : AUTHSVC_OAUTH_UNAVAILABLE;
}

/* A refresh token's answer: live, unconsumed, unrevoked; scope NULL for the service's own
 * API's tokens (left out). 0 when it is not active. */
static int state_refresh_active(authsvc_context_t *ctx, authsvc_db_t *db, const char *token,
                                cJSON *answer, authsvc_status_t *st)
{
    const char *hash = authsvc_token_hash(ctx->pool, token);
    long long now = authsvc_db_now_ms();
    authsvc_db_oidc_refresh_t meta;
    authsvc_db_refresh_t rt;

    *st = authsvc_db_refresh_get(db, ctx->pool, hash, &rt);
    if (*st == AUTHSVC_OK)
        *st = authsvc_db_oidc_refresh_get(db, ctx->pool, hash, &meta);
    if (*st != AUTHSVC_OK || rt.consumed || rt.revoked || rt.expires <= now
        || rt.family_expires <= now)
        return 0;
    cJSON_AddBoolToObject(answer, "active", 1);
    if (meta.scope)
        cJSON_AddStringToObject(answer, "scope", meta.scope);
    cJSON_AddStringToObject(answer, "client_id", rt.client_id);
    cJSON_AddStringToObject(answer, "sub", rt.user_id);
    cJSON_AddNumberToObject(answer, "exp", (double)(rt.expires / 1000));
    cJSON_AddNumberToObject(answer, "iat", (double)(meta.created_ms / 1000));
    cJSON_AddStringToObject(answer, "iss", ctx->issuer);
    cJSON_AddStringToObject(answer, "token_type", "refresh_token");
    return 1;
}

/* An access token's answer: genuine, unexpired, unrevoked, its audience a client of its
 * subject (or its own client: client_credentials), as the service's routes check it. */
static int state_access_active(authsvc_context_t *ctx, const char *token, cJSON *answer,
                               authsvc_bearer_result_t *rv)
{
    static const char *const copied[] = {"scope", "sub", "iss", "jti", "username"};
    cJSON *claims = NULL;
    apr_size_t i;

    *rv = strlen(token) > AUTHSVC_JWT_LENGTH_MAX
              ? AUTHSVC_BEARER_INVALID
              : authsvc_bearer_verify(ctx, token, 0, &claims);
    if (*rv != AUTHSVC_BEARER_OK)
        return 0;
    cJSON_AddBoolToObject(answer, "active", 1);
    cJSON_AddStringToObject(answer, "client_id", state_claim(claims, "aud"));
    for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
        if (state_claim(claims, copied[i]))
            cJSON_AddStringToObject(answer, copied[i], state_claim(claims, copied[i]));
    cJSON_AddNumberToObject(answer, "exp", (double)state_claim_number(claims, "exp"));
    cJSON_AddNumberToObject(answer, "iat", (double)state_claim_number(claims, "iat"));
    cJSON_AddStringToObject(answer, "token_type", "Bearer");
    return 1;
}

authsvc_oauth_status_t authsvc_oidc_introspect(authsvc_context_t *ctx, const char *token,
                                               cJSON **answer)
{
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_bearer_result_t rv = AUTHSVC_BEARER_INVALID;
    authsvc_status_t st = AUTHSVC_OK;

    *answer = authsvc_json_own(ctx->pool, cJSON_CreateObject());
    if (!db)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    if (state_refresh_active(ctx, db, token, *answer, &st))
        return AUTHSVC_OAUTH_OK;
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    if (st == AUTHSVC_NOT_FOUND && state_access_active(ctx, token, *answer, &rv))
        return AUTHSVC_OAUTH_OK;
    if (rv == AUTHSVC_BEARER_UNAVAILABLE)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    cJSON_AddBoolToObject(*answer, "active", 0);
    return AUTHSVC_OAUTH_OK;
}

authsvc_status_t authsvc_oidc_userinfo(authsvc_context_t *ctx, const cJSON *access_claims,
                                       cJSON **answer)
{
    const char *sub = state_claim(access_claims, "sub");
    const char *scope = state_claim(access_claims, "scope");
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_db_user_t user;
    authsvc_status_t st;

    *answer = NULL;
    if (!db)
        return AUTHSVC_UNAVAILABLE;
    /* a client's own token names no user; a token of this surface without openid is no
     * OpenID Connect token (the old surface's tokens carry the whole profile already) */
    if (!sub || state_claim(access_claims, "client_id")
        || (scope && !authsvc_oidc_scope_has(scope, "openid")))
        return AUTHSVC_NOT_FOUND;
    st = authsvc_db_user_by_id(db, ctx->pool, sub, &user);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? AUTHSVC_NOT_FOUND : AUTHSVC_UNAVAILABLE;
    *answer = authsvc_json_own(ctx->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(*answer, "sub", sub);
    authsvc_oidc_user_claims(*answer, &user, scope ? scope : AUTHSVC_OIDC_SCOPES);
    return AUTHSVC_OK;
}
