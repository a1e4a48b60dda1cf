/* Route handlers, one flow_*.c file per family. The route table names them. */
#ifndef AUTHSVC_FLOWS_H
#define AUTHSVC_FLOWS_H

#include "authsvc_request.h"

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

/* flow_password.c: the password policy as configured, with a reason for the client. */
authsvc_status_t authsvc_flow_password_acceptable(authsvc_request_t *req, const char *username,
                                                  const char *password, const char **why);

#endif
