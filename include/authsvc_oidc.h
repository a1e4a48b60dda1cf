/* The OAuth 2.0 / OpenID Connect client side, as a pure layer over a provider record:
 * PKCE, the authorization request, the token request (client_secret_basic / post or
 * Apple's ES256 client_secret), the token response, and ID-token validation against a
 * key ring. No request_rec, no network. */
#ifndef AUTHSVC_OIDC_H
#define AUTHSVC_OIDC_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <cjson/cJSON.h>

#include "authsvc_keys.h"
#include "authsvc_social_provider.h"
#include "authsvc_status.h"

/* RFC 7636 4.2: BASE64URL(SHA256(ASCII(verifier))). NULL when verifier is not 43 to 128
 * characters of [A-Za-z0-9-._~]. */
const char *authsvc_oidc_pkce_challenge(apr_pool_t *p, const char *verifier);

/* 1 when verifier is a valid RFC 7636 4.1 code_verifier. */
int authsvc_oidc_pkce_verifier_valid(const char *verifier);

/* The authorization request: authorization_endpoint with response_type=code, client_id,
 * redirect_uri, scope, state, and (when set) nonce, code_challenge + S256,
 * response_mode and the provider's extra parameters. */
const char *authsvc_oidc_authorize_url(apr_pool_t *p, const authsvc_social_provider_t *provider,
                                       const char *redirect_uri, const char *state,
                                       const char *nonce, const char *code_challenge);

/* Apple's client_secret: an ES256 JWT {iss: team id, sub: client id, aud, iat, exp}
 * with header kid = the key id, valid for five minutes. */
authsvc_status_t authsvc_oidc_apple_client_secret(apr_pool_t *p,
                                                  const authsvc_social_provider_t *provider,
                                                  long long now, const char **jwt);

/* The token request of the authorization-code grant: a form *body and request
 * *headers (Authorization for client_secret_basic, Accept, Content-Type). verifier NULL:
 * no PKCE. */
authsvc_status_t authsvc_oidc_token_request(apr_pool_t *p,
                                            const authsvc_social_provider_t *provider,
                                            const char *code, const char *redirect_uri,
                                            const char *verifier, long long now,
                                            const char **body, apr_array_header_t **headers);

/* Any other call to the provider's back channel (refresh, revocation, logout): fields
 * ("name=value&...", encoded) plus our client authentication, as *body and *headers. */
authsvc_status_t authsvc_oidc_client_request(apr_pool_t *p,
                                             const authsvc_social_provider_t *provider,
                                             const char *fields, long long now,
                                             const char **body, apr_array_header_t **headers);

/* "name=value" with value form-encoded, in p. */
const char *authsvc_oidc_form_field(apr_pool_t *p, const char *name, const char *value);

typedef struct {
    const char *access_token;
    const char *id_token;      /* NULL when the answer has none */
    const char *refresh_token; /* NULL when the answer has none */
} authsvc_oidc_tokens_t;

/* Reads a successful token response: access_token is required. */
authsvc_status_t authsvc_oidc_token_response(apr_pool_t *p, const char *body, apr_size_t len,
                                             authsvc_oidc_tokens_t *out);

/* The "kid" of a compact JWS's protected header, or NULL. */
const char *authsvc_oidc_token_kid(apr_pool_t *p, const char *token);

typedef enum {
    AUTHSVC_OIDC_VALID = 0,
    AUTHSVC_OIDC_SIGNATURE, /* malformed, alg none/unknown, unknown kid, bad signature */
    AUTHSVC_OIDC_ISSUER,
    AUTHSVC_OIDC_AUDIENCE,
    AUTHSVC_OIDC_AZP,
    AUTHSVC_OIDC_EXPIRED, /* exp passed, or iat/nbf in the future */
    AUTHSVC_OIDC_NONCE,
    AUTHSVC_OIDC_CLAIMS /* sub or iat missing */
} authsvc_oidc_result_t;

/* "valid", "issuer", ...: for logs. */
const char *authsvc_oidc_result_name(authsvc_oidc_result_t r);

/* OpenID Connect Core 3.1.3.7: signature by the ring, iss equal to the provider's
 * issuer, aud holding our client id, azp (when present, and required with several
 * audiences) equal to it, exp/iat with leeway, nonce equal to the one we sent.
 * *claims (in p) only when valid. */
authsvc_oidc_result_t authsvc_oidc_id_token_check(apr_pool_t *p,
                                                  const authsvc_social_provider_t *provider,
                                                  const authsvc_keyring_t *ring,
                                                  const char *id_token, const char *nonce,
                                                  long long now, int leeway, cJSON **claims);

/* A claim as text: a string, or a whole number (Facebook ids sometimes come as numbers)
 * when it is exact in a double. NULL otherwise. */
const char *authsvc_oidc_claim_text(apr_pool_t *p, const cJSON *claims, const char *name);

/* 1 when the claim is true or "true" (Apple sends booleans as strings). */
int authsvc_oidc_claim_true(const cJSON *claims, const char *name);

#endif
