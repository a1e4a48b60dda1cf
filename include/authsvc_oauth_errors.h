/* How the OAuth 2.0 endpoints (/oauth2/token, /oauth2/revoke, /oauth2/introspect) read
 * their client and answer an error: RFC 6749 §5.2 JSON {"error","error_description"},
 * never the old service's envelope (README, "Use it as an OpenID Connect provider"). */
#ifndef AUTHSVC_OAUTH_ERRORS_H
#define AUTHSVC_OAUTH_ERRORS_H

#include "authsvc_oidc_client_auth.h"
#include "authsvc_request.h"

/* Answers st as §5.2 JSON: 400, or 401 for invalid_client (with WWW-Authenticate: Basic
 * when the client used Basic), 503 temporarily_unavailable, 500 server_error. The
 * description (may be NULL) must hold no secret. Returns the status. */
int authsvc_oauth_error(authsvc_request_t *req, authsvc_oauth_status_t st, int basic,
                        const char *description);

/* The gate's refusal of a request to a route flagged AUTHSVC_ROUTE_OAUTH_ERRORS (wrong
 * content type, a parameter twice, a value too long, ...) as invalid_request (400; 413
 * stays 413, 5xx become server_error or temporarily_unavailable). */
int authsvc_oauth_gate_error(authsvc_request_t *req, authsvc_error_id_t id,
                             const char *message);

/* The client credentials of a request: HTTP Basic (RFC 6749 §2.3.1: client id and secret
 * form-urlencoded inside it) or client_id / client_secret in the form body (an id alone:
 * a public client). Both at once, or a malformed Basic header: INVALID_REQUEST with *why. */
authsvc_oauth_status_t authsvc_oauth_client_creds(authsvc_request_t *req,
                                                  authsvc_oidc_client_creds_t *out,
                                                  const char **why);

/* A form parameter of the validated body, or NULL. */
const char *authsvc_oauth_param(const authsvc_request_t *req, const char *name);

#endif
