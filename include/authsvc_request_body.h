/* A request's body read into memory (request_body.c). */
#ifndef AUTHSVC_REQUEST_BODY_H
#define AUTHSVC_REQUEST_BODY_H

#include <httpd.h>

/* At most limit bytes of body, NUL-terminated (*buf NULL when there is none): OK,
 * HTTP_REQUEST_ENTITY_TOO_LARGE (the connection is then closed by the caller rather than
 * drained), HTTP_REQUEST_TIME_OUT or HTTP_BAD_REQUEST. */
int authsvc_request_body_read(request_rec *r, apr_size_t limit, char **buf, apr_size_t *len);

#endif
