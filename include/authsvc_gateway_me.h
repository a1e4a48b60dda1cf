/* The API's signed-in gate through the gateway's verified-token caches: GET /auth/me and
 * every SIGNED_IN or PERMISSION route answered from memory when the token was checked
 * before (docs/design.md, "/auth/me from memory"). */
#ifndef AUTHSVC_GATEWAY_ME_H
#define AUTHSVC_GATEWAY_ME_H

#include <httpd.h>
#include <cjson/cJSON.h>

#include "authsvc_bearer.h"
#include "authsvc_context.h"

/* authsvc_bearer_verify(ctx, token, 0, claims) with the same answers, through this
 * process's cache of tokens checked (signature, claims, audience membership, revocation)
 * and the node's socache of verified signatures. *claims (on AUTHSVC_BEARER_OK, and
 * AUTHSVC_BEARER_REVOKED for the log) is read-only: a cached one is shared with other
 * requests, and stays valid as long as r->pool. Without the node's socache, exactly
 * authsvc_bearer_verify. */
authsvc_bearer_result_t authsvc_gateway_me_verify(request_rec *r, authsvc_context_t *ctx,
                                                  const char *token, cJSON **claims);

#endif
