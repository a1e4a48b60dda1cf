/* The ID token of the token endpoint (OpenID Connect Core §2) and the user claims the
 * scopes profile and email release, shared with UserInfo (README, "Use it as an OpenID
 * Connect provider"). */
#ifndef AUTHSVC_OIDC_ID_TOKEN_H
#define AUTHSVC_OIDC_ID_TOKEN_H

#include <cjson/cJSON.h>

#include "authsvc_context.h"
#include "authsvc_db_users.h"
#include "authsvc_keys.h"

typedef struct {
    const char *client_id;         /* aud */
    const authsvc_db_user_t *user; /* sub and the claims of the scope */
    const char *scope;             /* space-separated */
    const char *nonce;             /* NULL: none sent */
    long long auth_time_ms;        /* 0: unknown (no auth_time claim) */
    const char *amr;               /* space-separated RFC 8176 values, or NULL */
    const char *access_token;      /* for at_hash, or NULL */
    int ttl;                       /* seconds */
} authsvc_oidc_id_token_in_t;

/* The key that signs ID tokens: the key ring's first RS256 key that can sign, else its
 * signer (the configured algorithm). NULL when the ring has none. */
const authsvc_key_t *authsvc_oidc_signer(const authsvc_keyring_t *ring);

/* 1 when the space-separated scope holds word. */
int authsvc_oidc_scope_has(const char *scope, const char *word);

/* Adds to claims what scope releases of user: email (email); preferred_username, name,
 * given_name, middle_name, family_name, picture, locale, updated_at (profile). Columns the
 * user has no value for are left out. */
void authsvc_oidc_user_claims(cJSON *claims, const authsvc_db_user_t *user, const char *scope);

/* at_hash: base64url of the left half of SHA-256 of the access token, in p; NULL on
 * failure. */
const char *authsvc_oidc_at_hash(apr_pool_t *p, const char *access_token);

/* Signs the ID token of in: iss, sub, aud, exp, iat, auth_time, nonce, amr (an array),
 * acr ("1": one factor, "2": a second factor in amr), at_hash, and the user claims of
 * the scope. */
authsvc_status_t authsvc_oidc_id_token(authsvc_context_t *ctx,
                                       const authsvc_oidc_id_token_in_t *in,
                                       const char **token);

#endif
