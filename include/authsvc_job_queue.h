/* A bounded queue of jobs and the one thread that runs them, per httpd child: work a
 * request hands off so that its answer never waits for it (mail delivery). Jobs are
 * opaque; run and discard own them from the moment push succeeds. Pure APR. */
#ifndef AUTHSVC_JOB_QUEUE_H
#define AUTHSVC_JOB_QUEUE_H

#include <apr_pools.h>

#include "authsvc_status.h"

typedef struct authsvc_job_queue authsvc_job_queue_t;

/* run: does the job and frees it. discard: frees a job that will never run (the queue
 * stops with it still waiting). Both are called on the worker thread or at stop. */
typedef void (*authsvc_job_fn)(void *job, void *baton);

/* Starts the worker thread. The queue stops when pool p is cleared: the job running
 * then finishes, waiting ones are discarded, and the thread is joined. */
authsvc_status_t authsvc_job_queue_start(apr_pool_t *p, apr_size_t capacity, authsvc_job_fn run,
                                         authsvc_job_fn discard, void *baton,
                                         authsvc_job_queue_t **out);

/* Queues job: AUTHSVC_OK, or AUTHSVC_TOO_LARGE when capacity jobs wait already, or
 * AUTHSVC_UNAVAILABLE when the queue is stopping (the caller still owns job then). */
authsvc_status_t authsvc_job_queue_push(authsvc_job_queue_t *q, void *job);

/* Jobs waiting now (not counting the one running). */
apr_size_t authsvc_job_queue_length(authsvc_job_queue_t *q);

#endif
