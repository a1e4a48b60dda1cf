/* Outbound HTTP through libcurl, for calls to identity providers: http(s) only, TLS
 * verification always on (an optional CA file), no redirects followed, a time limit
 * for the whole call and a cap on the answer's size. No request_rec here. */
#ifndef AUTHSVC_HTTP_FETCH_H
#define AUTHSVC_HTTP_FETCH_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_status.h"

typedef struct {
    const char *ca_file;  /* NULL: the system's trust store */
    long timeout_ms;      /* the whole call, connection included */
    apr_size_t max_bytes; /* a longer answer fails the call */
} authsvc_http_options_t;

typedef struct {
    long status;      /* HTTP status of the answer */
    const char *body; /* NUL-terminated, in the caller's pool */
    apr_size_t len;
} authsvc_http_response_t;

/* Calls method ("GET" / "POST") on url with the given request headers (NULL or a
 * table of "Name: value" lines) and body (NULL for none; sent as a form). Any answer
 * the server gave is AUTHSVC_OK, whatever its status; AUTHSVC_UNAVAILABLE when no answer
 * came (connection, TLS, timeout), AUTHSVC_TOO_LARGE when it was over max_bytes,
 * AUTHSVC_INVALID for a URL that is not http(s). *why (in p) says what went wrong, in
 * libcurl's words; it never holds the body or the headers sent. */
authsvc_status_t authsvc_http_call(apr_pool_t *p, const authsvc_http_options_t *options,
                                   const char *method, const char *url,
                                   const apr_array_header_t *headers, const char *body,
                                   authsvc_http_response_t *out, const char **why);

/* Once per process before any call (libcurl's global state). */
authsvc_status_t authsvc_http_global_init(void);

#endif
