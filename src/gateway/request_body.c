/* The body of a request, read into memory up to a limit: for the API's gate (handler.c)
 * and the gateway's login form (login_page.c). */
#include <string.h>

#include <httpd.h>
#include <apr_buckets.h>
#include <apr_strings.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "authsvc_request_body.h"

static int body_error(apr_status_t rv)
{
    if (APR_STATUS_IS_TIMEUP(rv) || APR_STATUS_IS_ETIMEDOUT(rv))
        return HTTP_REQUEST_TIME_OUT;
    return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
}

/* Appends the data buckets of bb to data (used bytes of limit + 1); 1 at the end of the
 * body, 0 for more, -1 with *rc set when the body is too large or cannot be read. */
static int body_take(apr_bucket_brigade *bb, char *data, apr_size_t limit, apr_size_t *used,
                     int *rc)
{
    apr_bucket *e;

    for (e = APR_BRIGADE_FIRST(bb); e != APR_BRIGADE_SENTINEL(bb); e = APR_BUCKET_NEXT(e)) {
        const char *chunk;
        apr_size_t n;
        apr_status_t rv;

        if (APR_BUCKET_IS_EOS(e))
            return 1;
        if (APR_BUCKET_IS_METADATA(e))
            continue;
        rv = apr_bucket_read(e, &chunk, &n, APR_BLOCK_READ);
        if (rv != APR_SUCCESS) {
            *rc = body_error(rv);
            return -1;
        }
        if (n > limit - *used) {
            *rc = HTTP_REQUEST_ENTITY_TOO_LARGE;
            return -1;
        }
        memcpy(data + *used, chunk, n);
        *used += n;
    }
    return 0;
}

/* Reads at most limit bytes of body. 413 when there is more; the connection is then
 * closed instead of draining what may be an endless stream. 408 when it comes too
 * slowly. */
int authsvc_request_body_read(request_rec *r, apr_size_t limit, char **buf, apr_size_t *len)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_bucket_brigade *bb;
    apr_size_t used = 0;
    char *data;
    int done = 0, rc = OK;

    *buf = NULL;
    *len = 0;
    if (cl && (apr_size_t)apr_atoi64(cl) > limit)
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK)
        return HTTP_BAD_REQUEST;
    if (!ap_should_client_block(r))
        return OK;
    data = apr_palloc(r->pool, limit + 1);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!done) {
        apr_status_t rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                                         APR_BLOCK_READ, HUGE_STRING_LEN);

        if (rv != APR_SUCCESS)
            return body_error(rv);
        done = body_take(bb, data, limit, &used, &rc);
        apr_brigade_cleanup(bb);
        if (done < 0)
            return rc;
    }
    data[used] = '\0';
    *buf = data;
    *len = used;
    return OK;
}
