/* Bodies of the 401/403 answers on gateway locations. httpd writes its own HTML for
 * them; an error filter inserted for `AuthType authsvc` locations replaces it with the
 * JSON error envelope (or a short page for browsers), and turns the 401 that
 * mod_authz_core sends an authenticated user who fails `Require` into 403
 * (docs/design.md section 9), without `AuthzSendForbiddenOnFailure`. */
#include <string.h>

#include <httpd.h>
#include <apr_buckets.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "authsvc_bearer.h"
#include "authsvc_error.h"
#include "authsvc_gateway.h"
#include "authsvc_httpd.h"

#define ERRORS_FILTER "AUTHSVC_GATEWAY_ERROR"

static int errors_is_gateway(request_rec *r)
{
    const char *type = ap_auth_type(r);
    return type && strcasecmp(type, "authsvc") == 0;
}

static int errors_browser(request_rec *r)
{
    const authsvc_dir_config_t *d = ap_get_module_config(r->per_dir_config, &authsvc_module);
    const authsvc_gateway_dir_t *g = d->gateway;

    return g->mode != AUTHSVC_GATEWAY_BEARER && !authsvc_gateway_wants_json(r);
}

static const char *errors_page(request_rec *r)
{
    return r->status == HTTP_FORBIDDEN
               ? "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<title>Access denied</title></head><body><main><h1>Access denied</h1>"
                 "<p>Your account may not open this page.</p></main></body></html>\n"
               : "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<title>Sign-in required</title></head><body><main><h1>Sign-in required"
                 "</h1></main></body></html>\n";
}

/* Status and headers of the answer; returns its body. */
static const char *errors_prepare(request_rec *r)
{
    authsvc_bearer_result_t refusal = authsvc_gateway_refusal(r);
    const authsvc_error_t *e;

    if (r->status == HTTP_UNAUTHORIZED && r->user) {
        r->status = HTTP_FORBIDDEN; /* authenticated, but Require said no */
        r->status_line = NULL;
        apr_table_unset(r->headers_out, "WWW-Authenticate");
        apr_table_unset(r->err_headers_out, "WWW-Authenticate");
    }
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    if (errors_browser(r)) {
        ap_set_content_type(r, "text/html; charset=utf-8");
        return errors_page(r);
    }
    ap_set_content_type(r, "application/json; charset=utf-8");
    if (r->status == HTTP_FORBIDDEN) {
        e = authsvc_error_get(AUTHSVC_E_NOT_ALLOWED_ACCESS);
        return authsvc_error_envelope(r->pool, e->status, e->code, e->message, NULL);
    }
    /* the API's mapping (bearer.c); a missing token says so in its message */
    e = authsvc_error_get(authsvc_bearer_error(refusal));
    return authsvc_error_envelope(r->pool, HTTP_UNAUTHORIZED, e->code,
                                  refusal == AUTHSVC_BEARER_MISSING ? "Token Missing"
                                                                    : e->message,
                                  NULL);
}

/* Drops httpd's body and puts ours before the end of stream. */
static apr_status_t errors_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    apr_bucket *b, *next;

    if (!f->ctx)
        f->ctx = (void *)errors_prepare(f->r);
    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = next) {
        next = APR_BUCKET_NEXT(b);
        if (APR_BUCKET_IS_EOS(b)) {
            const char *body = f->ctx;
            APR_BUCKET_INSERT_BEFORE(b, apr_bucket_pool_create(body, strlen(body), f->r->pool,
                                                               bb->bucket_alloc));
            ap_remove_output_filter(f);
            break;
        }
        if (!APR_BUCKET_IS_METADATA(b))
            apr_bucket_delete(b);
    }
    return ap_pass_brigade(f->next, bb);
}

void authsvc_gateway_errors_insert(request_rec *r)
{
    if ((r->status == HTTP_UNAUTHORIZED || r->status == HTTP_FORBIDDEN) && errors_is_gateway(r))
        ap_add_output_filter(ERRORS_FILTER, NULL, r, r->connection);
}

void authsvc_gateway_errors_register(void)
{
    ap_register_output_filter(ERRORS_FILTER, errors_filter, NULL, AP_FTYPE_CONTENT_SET);
}
