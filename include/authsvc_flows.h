/* Route handlers, one flow_*.c file per family. The route table names them. */
#ifndef AUTHSVC_FLOWS_H
#define AUTHSVC_FLOWS_H

#include "authsvc_request.h"
#include "authsvc_answer_tokens.h"
#include "authsvc_tokens.h"

/* flow_discovery.c: what the service says about itself */
int authsvc_flow_openid_configuration(authsvc_request_t *req);
int authsvc_flow_jwks(authsvc_request_t *req);
int authsvc_flow_openapi(authsvc_request_t *req);
int authsvc_flow_health_live(authsvc_request_t *req);
int authsvc_flow_health_ready(authsvc_request_t *req);

/* flow_login.c: password login and the code exchange */
int authsvc_flow_login(authsvc_request_t *req);
int authsvc_flow_login_token(authsvc_request_t *req);
int authsvc_flow_token(authsvc_request_t *req);

/* flow_social.c: social login through one OAuth 2.0 / OpenID Connect engine */
int authsvc_flow_social_start(authsvc_request_t *req);
int authsvc_flow_social_callback(authsvc_request_t *req);
int authsvc_flow_social_logout(authsvc_request_t *req);

/* flow_session.c: a signed-in session */
int authsvc_flow_me(authsvc_request_t *req);
int authsvc_flow_token_refresh(authsvc_request_t *req);
int authsvc_flow_switch_token(authsvc_request_t *req);
int authsvc_flow_logout(authsvc_request_t *req);
int authsvc_flow_change_password(authsvc_request_t *req);

/* flow_activity.c: login-activity reports, within the caller's tenant */
int authsvc_flow_activity_find(authsvc_request_t *req);
int authsvc_flow_activity_count(authsvc_request_t *req);
int authsvc_flow_activity_find_by_id(authsvc_request_t *req);
int authsvc_flow_active_users(authsvc_request_t *req);

/* flow_otp.c: the second factor with an authenticator app */
int authsvc_flow_create_qr_code(authsvc_request_t *req);
int authsvc_flow_check_qr_code(authsvc_request_t *req);
int authsvc_flow_verify_otp(authsvc_request_t *req);
int authsvc_flow_send_otp(authsvc_request_t *req);
/* flow_reset.c: forgot / reset password by mailed link */
int authsvc_flow_forget_password(authsvc_request_t *req);
int authsvc_flow_verify_reset_link(authsvc_request_t *req);
int authsvc_flow_reset_password(authsvc_request_t *req);

/* flow_signup.c: sign-up by mailed invite */
int authsvc_flow_signup_create_token(authsvc_request_t *req);
int authsvc_flow_signup_verify_token(authsvc_request_t *req);
int authsvc_flow_signup_create_user(authsvc_request_t *req);

/* flow_saml.c: SAML 2.0 single sign-on (this service as the service provider) */
int authsvc_flow_saml_start(authsvc_request_t *req);
int authsvc_flow_saml_acs(authsvc_request_t *req);
int authsvc_flow_saml_metadata(authsvc_request_t *req);

/* flow_oidc_token.c, flow_oidc_userinfo.c, flow_oidc_revoke.c: the OAuth 2.0 / OpenID
 * Connect token endpoint, UserInfo, revocation and introspection */
int authsvc_flow_oidc_token(authsvc_request_t *req);
int authsvc_flow_oidc_userinfo(authsvc_request_t *req);
int authsvc_flow_oidc_revoke(authsvc_request_t *req);
int authsvc_flow_oidc_introspect(authsvc_request_t *req);
/* flow_oidc_authorize.c, flow_oidc_logout.c: the OpenID Connect authorization and
 * end-session endpoints (routes with AUTHSVC_ROUTE_OWN_PARAMS). params: the query and form
 * pairs, every value kept, *duplicate the first name sent twice; -1 when malformed. page:
 * a small HTML page for a browser (Accept: text/html), else JSON {error,
 * error_description} (or {message} when error is NULL). */
int authsvc_flow_oidc_authorize(authsvc_request_t *req);
int authsvc_flow_oidc_logout(authsvc_request_t *req);
int authsvc_flow_oidc_params(authsvc_request_t *req, apr_table_t **params,
                             const char **duplicate);
int authsvc_flow_oidc_page(authsvc_request_t *req, int status, const char *title,
                           const char *error, const char *text);

/* flow_password.c: the passwords service (authsvc_passwords.h) for a flow, the time it
 * spends added to req->password_time. acceptable: AUTHSVC_OK or AUTHSVC_INVALID with a
 * reason for the client. check: AUTHSVC_OK on a match (*needs_rehash: store a fresh hash),
 * AUTHSVC_INVALID, AUTHSVC_UNAVAILABLE (no turn to hash in time); stored NULL costs one
 * hash and refuses. store: hashes password and stores it as the user's internal
 * credential. */
authsvc_status_t authsvc_flow_password_acceptable(authsvc_request_t *req, const char *username,
                                                  const char *password, const char **why);
authsvc_status_t authsvc_flow_password_hash(authsvc_request_t *req, const char *password,
                                            const char **encoded);
authsvc_status_t authsvc_flow_password_check(authsvc_request_t *req, const char *stored,
                                             const char *password, int *needs_rehash);
authsvc_status_t authsvc_flow_password_store(authsvc_request_t *req, authsvc_db_t *db,
                                             const char *user_id, const char *password);

#endif
