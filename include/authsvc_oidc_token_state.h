/* What the OAuth 2.0 endpoints tell about a token and do with it (README, "Use it as an
 * OpenID Connect provider"): revocation (RFC 7009), introspection (RFC 7662) and
 * UserInfo, over tokens of either surface. */
#ifndef AUTHSVC_OIDC_TOKEN_STATE_H
#define AUTHSVC_OIDC_TOKEN_STATE_H

#include <cjson/cJSON.h>

#include "authsvc_oidc_client_auth.h"

/* RFC 7009: a refresh token of client ends its family, an access token whose aud is client
 * is revoked by its jti; anything else (unknown, another client's, expired) is left as it
 * is, and still AUTHSVC_OAUTH_OK. */
authsvc_oauth_status_t authsvc_oidc_revoke(authsvc_context_t *ctx,
                                           const authsvc_oidc_client_t *client,
                                           const char *token);

/* RFC 7662: {"active":true, scope, client_id, sub, exp, iat, iss, token_type} for a live,
 * unrevoked access token (either surface) or refresh token, else {"active":false}.
 * *answer is owned by ctx->pool. */
authsvc_oauth_status_t authsvc_oidc_introspect(authsvc_context_t *ctx, const char *token,
                                               cJSON **answer);

/* UserInfo: the claims of a verified access token's user by the token's scope (sub
 * always). AUTHSVC_NOT_FOUND: the token names no user (a client's own token, or the user
 * is gone). */
authsvc_status_t authsvc_oidc_userinfo(authsvc_context_t *ctx, const cJSON *access_claims,
                                       cJSON **answer);

#endif
