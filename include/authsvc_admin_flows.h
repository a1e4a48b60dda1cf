/* The administration API (flow_admin.c): users, lockouts and clients of the caller's
 * tenant, and the user actions (ManageUsers; see README "Admin console"). */
#ifndef AUTHSVC_ADMIN_FLOWS_H
#define AUTHSVC_ADMIN_FLOWS_H

#include "authsvc_request.h"

int authsvc_flow_admin_users(authsvc_request_t *req);
int authsvc_flow_admin_user_disable(authsvc_request_t *req);
int authsvc_flow_admin_user_enable(authsvc_request_t *req);
int authsvc_flow_admin_user_unlock(authsvc_request_t *req);
int authsvc_flow_admin_lockouts(authsvc_request_t *req);
int authsvc_flow_admin_clients(authsvc_request_t *req);

#endif
