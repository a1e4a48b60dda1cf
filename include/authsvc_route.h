/* The route table: one row per route, data only. The router does matching, content
 * type, size, syntax and schema checks centrally, deny by default, then calls the
 * row's handler. A row without a handler answers 501 (flow not built yet). */
#ifndef AUTHSVC_ROUTE_H
#define AUTHSVC_ROUTE_H

#include <apr_pools.h>
#include "authsvc_limits.h"
#include "authsvc_schema.h"

typedef struct authsvc_request authsvc_request_t;
typedef int (*authsvc_handler_fn)(authsvc_request_t *req);

typedef enum {
    AUTHSVC_BODY_NONE, /* no body is read */
    AUTHSVC_BODY_JSON, /* application/json, validated by the row's schema */
    AUTHSVC_BODY_FORM  /* application/x-www-form-urlencoded, validated by the schema */
} authsvc_body_kind_t;

/* Who may call: exactly one of these per row. */
typedef enum {
    AUTHSVC_ACCESS_PUBLIC,     /* no bearer token (client credentials checked by the flow) */
    AUTHSVC_ACCESS_SIGNED_IN,  /* any valid access token */
    AUTHSVC_ACCESS_PERMISSION, /* a valid access token holding the row's permission */
    AUTHSVC_ACCESS_INVITE      /* bearer is a sign-up invite token, checked by the flow */
} authsvc_access_t;

typedef enum {
    AUTHSVC_PARAM_QUERY,
    AUTHSVC_PARAM_HEADER,
    AUTHSVC_PARAM_PATH
} authsvc_param_in_t;

typedef struct {
    const char *name;
    authsvc_param_in_t in;
    int required; /* a missing required query parameter answers 400 */
    const char *description;
} authsvc_param_t;

#define AUTHSVC_ROUTE_DEPRECATED 0x01u /* kept for old clients (secrets in the query) */
#define AUTHSVC_ROUTE_REDIRECTS 0x02u  /* success is a 303 redirect, not JSON */
#define AUTHSVC_ROUTE_NEEDS_DB 0x04u   /* the gate answers 503 before the flow without one */
/* the gate answers its refusals (415, duplicate parameters, ...) as RFC 6749 §5.2 JSON
 * (authsvc_oauth_errors.h), not in the old service's envelope: the OAuth 2.0 routes */
#define AUTHSVC_ROUTE_OAUTH_ERRORS 0x08u
/* The gate leaves the query string and a form body undecoded to the flow (req->args,
 * req->form_text): OAuth 2.0 endpoints answer repeated or unknown parameters in their own
 * format (an error sent to the client's redirect URI), not in the service's envelope. */
#define AUTHSVC_ROUTE_OWN_PARAMS 0x10u

typedef struct {
    const char *method;         /* "GET", "POST", "PATCH" */
    const char *path;           /* template: "{id}" captures one segment */
    authsvc_handler_fn handler; /* NULL: 501, the flow is not built yet */
    authsvc_access_t access;
    const char *permission; /* set exactly when access is PERMISSION */
    authsvc_body_kind_t body;
    const authsvc_schema_t *schema; /* set exactly when body is not NONE */
    const authsvc_param_t *params;  /* NULL or ends with a row whose name is NULL */
    unsigned flags;
    int success_status; /* 200, 204 or 303, for the OpenAPI document */
    const char *name;   /* operation id, e.g. "LoginController.login" */
    const char *tag;    /* OpenAPI tag, e.g. "LoginController" */
    const char *summary;
    const char *provider; /* social login routes: the provider they serve */
} authsvc_route_t;

typedef struct {
    const char *name;
    const char *value;
} authsvc_capture_t;

typedef enum {
    AUTHSVC_ROUTE_MATCHED,
    AUTHSVC_ROUTE_NO_PATH,  /* 404 */
    AUTHSVC_ROUTE_NO_METHOD /* 405, allow is set */
} authsvc_route_result_t;

typedef struct {
    const authsvc_route_t *route;
    authsvc_capture_t captures[AUTHSVC_PATH_CAPTURES_MAX];
    int ncaptures;
    const char *allow; /* "GET, POST" when the path is known */
} authsvc_route_match_t;

/* The service's table (routes.c). */
const authsvc_route_t *authsvc_routes(apr_size_t *count);

/* The table's metric tags, one per row (NULL where a row has none), for the metrics. */
const char *const *authsvc_routes_tags(apr_pool_t *p, apr_size_t *count);

/* Matches method + path against table. HEAD matches GET rows. Captures are
 * pool-allocated and never contain '/'. */
authsvc_route_result_t authsvc_router_match(apr_pool_t *p, const authsvc_route_t *table,
                                            apr_size_t count, const char *method,
                                            const char *path, authsvc_route_match_t *out);

/* 1 when path matches template, filling captures (may be NULL). */
int authsvc_router_template_match(apr_pool_t *p, const char *template_path, const char *path,
                                  authsvc_capture_t *captures, int *ncaptures);

#endif
