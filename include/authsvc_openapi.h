/* The OpenAPI 3 document, generated from the route table and its schemas, so it
 * cannot drift from the code. */
#ifndef AUTHSVC_OPENAPI_H
#define AUTHSVC_OPENAPI_H

#include <apr_pools.h>
#include <cjson/cJSON.h>
#include "authsvc_route.h"

/* Pool-owned document. server_url may be NULL. */
cJSON *authsvc_openapi_document(apr_pool_t *p, const authsvc_route_t *table, apr_size_t count,
                                const char *server_url);

#endif
