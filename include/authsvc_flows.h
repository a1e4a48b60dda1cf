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

#endif
