/* The OAuth 2.0 endpoints' client authentication (README, "Use it as an OpenID Connect
 * provider"): client_secret_basic, client_secret_post, or none for a public client (which
 * proves PKCE instead); and the OAuth 2.0 outcomes the token services answer. No HTTP: the
 * API reads the credentials off the request. */
#ifndef AUTHSVC_OIDC_CLIENT_AUTH_H
#define AUTHSVC_OIDC_CLIENT_AUTH_H

#include "authsvc_context.h"
#include "authsvc_db_oidc.h"
#include "authsvc_tokens.h"

/* RFC 6749 §5.2 error codes (and the two of RFC 6749 §4.1.2.1 for outages). */
typedef enum {
    AUTHSVC_OAUTH_OK = 0,
    AUTHSVC_OAUTH_INVALID_REQUEST,
    AUTHSVC_OAUTH_INVALID_CLIENT,
    AUTHSVC_OAUTH_INVALID_GRANT,
    AUTHSVC_OAUTH_UNAUTHORIZED_CLIENT,
    AUTHSVC_OAUTH_UNSUPPORTED_GRANT_TYPE,
    AUTHSVC_OAUTH_INVALID_SCOPE,
    AUTHSVC_OAUTH_UNAVAILABLE, /* temporarily_unavailable: the database */
    AUTHSVC_OAUTH_SERVER_ERROR
} authsvc_oauth_status_t;

/* "invalid_request", ...; "server_error" for anything unknown. */
const char *authsvc_oauth_status_name(authsvc_oauth_status_t st);

/* What a client presented. */
typedef struct {
    const char *client_id;
    const char *secret; /* NULL: none sent */
    int basic;          /* sent in an Authorization: Basic header */
} authsvc_oidc_client_creds_t;

/* The authenticated client: the client's row and its OpenID Connect registration (when
 * it has one: reg->client_id NULL otherwise). */
typedef struct {
    authsvc_client_t *client;
    authsvc_db_oidc_client_t reg;
} authsvc_oidc_client_t;

/* Authenticates creds: an unknown client, a wrong or missing secret of a confidential
 * client, or a secret sent by a public one: INVALID_CLIENT (*why says which, for the
 * log only). The secret is compared in constant time against the stored hash. With
 * grant set, the client must also have a registration listing it (UNAUTHORIZED_CLIENT). */
authsvc_oauth_status_t authsvc_oidc_client_authenticate(
    authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_oidc_client_creds_t *creds,
    const char *grant, authsvc_oidc_client_t *out, const char **why);

#endif
