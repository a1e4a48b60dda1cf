/* The conversation with a provider after its redirect: the code for tokens, the ID
 * token verified against the provider's JWKS, the profile from the ID token and the
 * userinfo endpoint; and, at logout, revocation or end-session with its tokens.
 * Everything goes through libcurl with the provider's timeout and CA file. */
#ifndef AUTHSVC_SOCIAL_EXCHANGE_H
#define AUTHSVC_SOCIAL_EXCHANGE_H

#include "authsvc_context.h"
#include "authsvc_oidc.h"
#include "authsvc_social_provider.h"
#include "authsvc_social_store.h"

typedef struct {
    authsvc_oidc_tokens_t tokens;
    authsvc_social_profile_t profile;
} authsvc_social_login_t;

/* Redeems code (with the state's PKCE verifier and nonce) and builds the profile.
 * apple_user: Apple's first-login "user" field (names only; never trusted for e-mail).
 * AUTHSVC_OK, or AUTHSVC_INVALID when the provider refused or answered something that
 * does not verify, AUTHSVC_UNAVAILABLE when it did not answer in time; *why (no
 * secrets) for the log. */
authsvc_status_t authsvc_social_exchange(authsvc_context_t *ctx,
                                         const authsvc_social_provider_t *provider,
                                         const char *code, const char *redirect_uri,
                                         const authsvc_social_state_t *state,
                                         const char *apple_user, authsvc_social_login_t *out,
                                         const char **why);

/* Ends the user's session at the provider: end_session_endpoint with the refresh token
 * (Keycloak), else revocation_endpoint with the access token (Google). AUTHSVC_NOT_FOUND
 * when the provider has neither or there is no token to send. */
authsvc_status_t authsvc_social_provider_logout(authsvc_context_t *ctx,
                                                const authsvc_social_provider_t *provider,
                                                const authsvc_social_session_t *session,
                                                const char **why);

#endif
