/* How flows answer: they fill the request record, the glue writes it out. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_request.h"

int authsvc_respond_text(authsvc_request_t *req, int status, const char *content_type,
                         const char *text, apr_size_t len)
{
    req->status = status;
    req->content_type = content_type;
    req->body_out = text;
    req->body_out_len = len;
    return status;
}

int authsvc_respond_json(authsvc_request_t *req, int status, const cJSON *item)
{
    const char *text = authsvc_json_print(req->pool, item);

    if (!text)
        return authsvc_respond_error(req, AUTHSVC_E_INTERNAL);
    return authsvc_respond_text(req, status, NULL, text, strlen(text));
}

int authsvc_respond_error_message(authsvc_request_t *req, authsvc_error_id_t id,
                                  const char *message, const cJSON *details)
{
    const authsvc_error_t *e = authsvc_error_get(id);
    const char *text = authsvc_error_envelope(req->pool, e->status, e->code,
                                              message ? message : e->message, details);

    return authsvc_respond_text(req, e->status, NULL, text, strlen(text));
}

int authsvc_respond_error(authsvc_request_t *req, authsvc_error_id_t id)
{
    return authsvc_respond_error_message(req, id, NULL, NULL);
}

int authsvc_respond_unavailable(authsvc_request_t *req)
{
    apr_table_setn(req->headers_out, "Retry-After", AUTHSVC_RETRY_AFTER_SECONDS);
    return authsvc_respond_error(req, AUTHSVC_E_SERVICE_UNAVAILABLE);
}

int authsvc_respond_no_content(authsvc_request_t *req)
{
    return authsvc_respond_text(req, 204, NULL, NULL, 0);
}

const char *authsvc_request_capture(const authsvc_request_t *req, const char *name)
{
    int i;

    for (i = 0; i < req->ncaptures; i++)
        if (strcmp(req->captures[i].name, name) == 0)
            return req->captures[i].value;
    return NULL;
}
