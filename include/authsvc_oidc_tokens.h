/* The token endpoint's grants, revocation and introspection (README, "Use it as an
 * OpenID Connect provider"): the service's usual access tokens with a scope claim, its
 * usual refresh tokens (rotation, reuse detection) with scope, auth_time and amr stored,
 * and ID tokens. The client is authenticated already (authsvc_oidc_client_auth.h). */
#ifndef AUTHSVC_OIDC_TOKENS_H
#define AUTHSVC_OIDC_TOKENS_H

#include <cjson/cJSON.h>

#include "authsvc_oidc_client_auth.h"

/* The scopes this provider supports. */
#define AUTHSVC_OIDC_SCOPES "openid profile email"

/* The parameters of a token request (NULL when absent). */
typedef struct {
    const char *code;
    const char *redirect_uri;
    const char *code_verifier;
    const char *refresh_token;
    const char *scope;
} authsvc_oidc_grant_t;

typedef struct {
    const char *access_token;
    const char *refresh_token; /* NULL: none for this client or grant */
    const char *id_token;      /* NULL: no openid scope */
    const char *scope;         /* NULL or "": none granted */
    int expires_in;            /* seconds */
} authsvc_oidc_tokens_t;

/* A code of the authorization endpoint for tokens: the client's code, its redirect_uri
 * exactly, the PKCE verifier (RFC 7636 §4.1 syntax; BASE64URL(SHA256(verifier)) equal to
 * the challenge), live and unused. A second redemption revokes what the first one got.
 * Login activity is recorded as /auth/token does. */
authsvc_oauth_status_t authsvc_oidc_grant_code(authsvc_context_t *ctx,
                                               const authsvc_oidc_client_t *client,
                                               const authsvc_oidc_grant_t *in,
                                               authsvc_oidc_tokens_t *out, const char **why);

/* A refresh token of this endpoint, of the same client, rotated; a token used twice ends
 * its family. scope, when sent, must be within the one granted. */
authsvc_oauth_status_t authsvc_oidc_grant_refresh(authsvc_context_t *ctx,
                                                  const authsvc_oidc_client_t *client,
                                                  const authsvc_oidc_grant_t *in,
                                                  authsvc_oidc_tokens_t *out, const char **why);

/* client_credentials: a confidential client's own access token (sub = aud = client_id,
 * a client_id claim, the scope asked within AUTHSVC_OIDC_SCOPES); no refresh token, no
 * ID token. */
authsvc_oauth_status_t authsvc_oidc_grant_client_credentials(
    authsvc_context_t *ctx, const authsvc_oidc_client_t *client, const authsvc_oidc_grant_t *in,
    authsvc_oidc_tokens_t *out, const char **why);

#endif
