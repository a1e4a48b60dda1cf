/* Deferred work: a flow hands the part of its work that must not delay (or time) its
 * answer to this child's background worker (job_queue.c). The job runs later with a
 * request record of its own: a pool, the same server configuration, a database
 * connection from mod_dbd, the error log, and args as its body. */
#ifndef AUTHSVC_DEFERRED_H
#define AUTHSVC_DEFERRED_H

#include <httpd.h>
#include <cjson/cJSON.h>

#include "authsvc_request.h"

/* Queues fn(job) with a copy of args: AUTHSVC_OK, or AUTHSVC_UNAVAILABLE (no worker in
 * this child, or its queue is full: logged, the work is dropped). */
authsvc_status_t authsvc_deferred_submit(authsvc_request_t *req, authsvc_deferred_fn fn,
                                         const cJSON *args);

/* Starts this child's worker (and libcurl) when some server sends mail. */
void authsvc_deferred_child_init(apr_pool_t *pchild, server_rec *s);

#endif
