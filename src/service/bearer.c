/* Bearer tokens on the service's own routes: header parsing, signature and claims
 * (jwt.c), then revocation by jti in the database. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_bearer.h"
#include "authsvc_db_clients.h"
#include "authsvc_db_revocations.h"
#include "authsvc_jwt.h"
#include "authsvc_keys.h"
#include "authsvc_log.h"

/* 1 for the characters a token may hold (token68 of RFC 7235 without '='), by byte
 * value: one look-up a character. Bytes from 128 up are 0 (the rest of the array). */
static const unsigned char bearer_token68[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
};

/* The length of token when every character is one of token68 and there are at most
 * max, else 0. */
static apr_size_t bearer_token68_length(const char *token, apr_size_t max)
{
    const unsigned char *s = (const unsigned char *)token;
    apr_size_t n = 0;

    while (n <= max && bearer_token68[s[n]])
        n++;
    return s[n] == '\0' && n <= max ? n : 0;
}

authsvc_bearer_result_t authsvc_bearer_candidate(const apr_table_t *headers, const char **token)
{
    const char *value = apr_table_get(headers, "Authorization");

    *token = NULL;
    if (!value)
        return AUTHSVC_BEARER_MISSING;
    if (strncasecmp(value, "Bearer ", 7) != 0)
        return AUTHSVC_BEARER_INVALID;
    *token = value + 7;
    return AUTHSVC_BEARER_OK;
}

int authsvc_bearer_token_ok(const char *token)
{
    return bearer_token68_length(token, AUTHSVC_JWT_LENGTH_MAX) != 0;
}

authsvc_bearer_result_t authsvc_bearer_token(const apr_table_t *headers, const char **token)
{
    authsvc_bearer_result_t rv = authsvc_bearer_candidate(headers, token);

    if (rv == AUTHSVC_BEARER_OK && !authsvc_bearer_token_ok(*token)) {
        *token = NULL;
        return AUTHSVC_BEARER_INVALID;
    }
    return rv;
}

static const char *bearer_claim(const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* A client's own token (client_credentials at /oauth2/token, oidc_tokens.c): sub, aud
 * and its client_id claim name the same client. It names no user, so there is no
 * membership to check: the client must still exist, and the jti must not be revoked. */
static int bearer_client_token(const cJSON *claims, const char *sub, const char *aud)
{
    const char *client_id = bearer_claim(claims, "client_id");

    return client_id && strcmp(client_id, sub) == 0 && strcmp(client_id, aud) == 0;
}

static authsvc_bearer_result_t bearer_check_client(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   const char *client_id, const char *jti,
                                                   int revocation)
{
    authsvc_db_client_t row;
    authsvc_status_t st = authsvc_db_client_by_id(db, ctx->pool, client_id, &row);

    if (st == AUTHSVC_OK && revocation) {
        authsvc_status_t revoked = authsvc_db_revocation_check(db, ctx->pool, jti);

        if (revoked != AUTHSVC_NOT_FOUND)
            return revoked == AUTHSVC_OK ? AUTHSVC_BEARER_REVOKED : AUTHSVC_BEARER_UNAVAILABLE;
    }
    return st == AUTHSVC_OK          ? AUTHSVC_BEARER_OK
           : st == AUTHSVC_NOT_FOUND ? AUTHSVC_BEARER_INVALID
                                     : AUTHSVC_BEARER_UNAVAILABLE;
}

/* What only the database knows, in one round trip. The audience: the service issues a
 * token only for a client its subject may use, with aud that one client, so a genuine
 * signature over any other audience (another client's token, one minted by a service
 * sharing the HS256 secret) is refused (RFC 8725 §3.9). Then revocation: revoked jtis
 * are kept until the token's own expiry. */
static authsvc_bearer_result_t bearer_check_database(authsvc_context_t *ctx,
                                                     const cJSON *claims, int revocation)
{
    const char *sub = bearer_claim(claims, "sub"), *aud = bearer_claim(claims, "aud");
    const char *jti = bearer_claim(claims, "jti");
    authsvc_db_t *db = ctx->db(ctx);
    int member = 0, revoked = 0;

    if (!sub || !aud || !jti)
        return AUTHSVC_BEARER_INVALID;
    if (db && bearer_client_token(claims, sub, aud))
        return bearer_check_client(ctx, db, aud, jti, revocation);
    if (!db
        || (revocation
                ? authsvc_db_bearer_state(db, ctx->pool, sub, aud, jti, &member, &revoked)
                : authsvc_db_bearer_audience(db, ctx->pool, sub, aud, &member))
               != AUTHSVC_OK)
        return AUTHSVC_BEARER_UNAVAILABLE;
    if (!member) {
        ctx->log(ctx, AUTHSVC_LOG_INFO,
                 AUTHSVC_LOGNO(0502) "bearer token refused: its "
                                     "audience is not a client of its subject");
        return AUTHSVC_BEARER_INVALID;
    }
    return revoked ? AUTHSVC_BEARER_REVOKED : AUTHSVC_BEARER_OK;
}

static authsvc_bearer_result_t bearer_verify(authsvc_context_t *ctx, const char *token,
                                             int allow_expired, int revocation, cJSON **claims)
{
    authsvc_jwt_expect_t expect;
    authsvc_jwt_result_t rv;
    authsvc_bearer_result_t result;

    *claims = NULL;
    if (!ctx->config->keyring)
        return AUTHSVC_BEARER_INVALID;
    memset(&expect, 0, sizeof(expect));
    expect.issuer = ctx->issuer;
    expect.now = authsvc_db_now_ms() / 1000;
    expect.leeway = authsvc_config_leeway(ctx->config);
    expect.allow_expired = allow_expired;
    rv = authsvc_jwt_verify(ctx->pool, ctx->config->keyring, token, &expect, claims);
    if (rv == AUTHSVC_JWT_EXPIRED && !allow_expired)
        return AUTHSVC_BEARER_EXPIRED;
    if (rv != AUTHSVC_JWT_VALID && !(rv == AUTHSVC_JWT_EXPIRED && allow_expired)) {
        ctx->log(ctx, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(0501) "bearer token refused: %s",
                 authsvc_jwt_result_name(rv));
        *claims = NULL;
        return AUTHSVC_BEARER_INVALID;
    }
    result = bearer_check_database(ctx, *claims, revocation);
    if (result == AUTHSVC_BEARER_INVALID)
        *claims = NULL;
    return result;
}

authsvc_bearer_result_t authsvc_bearer_verify(authsvc_context_t *ctx, const char *token,
                                              int allow_expired, cJSON **claims)
{
    return bearer_verify(ctx, token, allow_expired, 1, claims);
}

authsvc_bearer_result_t authsvc_bearer_verify_refresh(authsvc_context_t *ctx, const char *token,
                                                      cJSON **claims)
{
    return bearer_verify(ctx, token, 1, 0, claims);
}

/* /auth/me from memory: a caller that verified the token itself (gateway_me.c, from the
 * verified-token caches) asks the database what only it knows, as authsvc_bearer_verify
 * does. */
authsvc_bearer_result_t authsvc_bearer_check_state(authsvc_context_t *ctx, const cJSON *claims)
{
    return bearer_check_database(ctx, claims, 1);
}

void authsvc_bearer_revoked_log(authsvc_context_t *ctx, const cJSON *claims)
{
    const char *jti = bearer_claim(claims, "jti");

    /* the key=value shape of authsvc2001, for fail2ban (conf/fail2ban); the jti names the
     * token without being it */
    ctx->log(ctx, AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(2501) "token refused: reason=revoked "
                                 "client=%s jti=%s",
             ctx->client_ip ? ctx->client_ip : "-", jti ? jti : "-");
}

authsvc_error_id_t authsvc_bearer_error(authsvc_bearer_result_t result)
{
    switch (result) {
    case AUTHSVC_BEARER_EXPIRED: return AUTHSVC_E_TOKEN_EXPIRED;
    case AUTHSVC_BEARER_REVOKED: return AUTHSVC_E_TOKEN_REVOKED;
    case AUTHSVC_BEARER_UNAVAILABLE: return AUTHSVC_E_SERVICE_UNAVAILABLE;
    default: /* missing, malformed, not ours */ return AUTHSVC_E_TOKEN_INVALID;
    }
}
