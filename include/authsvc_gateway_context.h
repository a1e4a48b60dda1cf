/* The gateway's pages (browser session, login page) as a service context: the request's
 * pool, the server's configuration, who is asking, its mod_dbd connection, its error log
 * and this node's revocation set. */
#ifndef AUTHSVC_GATEWAY_CONTEXT_H
#define AUTHSVC_GATEWAY_CONTEXT_H

#include <httpd.h>

#include "authsvc_context.h"

/* A context for r (its db() acquires the request's mod_dbd connection when asked). */
authsvc_context_t *authsvc_gateway_context(request_rec *r);

#endif
