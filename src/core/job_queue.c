/* The per-child job queue (see authsvc_job_queue.h): a ring of pointers under one
 * mutex, a condition the worker waits on, and a stop flag set by the pool cleanup. */
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>

#include "authsvc_job_queue.h"

struct authsvc_job_queue {
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *ready;
    apr_thread_t *thread;
    void **ring;
    apr_size_t capacity, head, count;
    int stopping;
    authsvc_job_fn run, discard;
    void *baton;
};

/* The next job, or NULL once the queue stops. */
static void *queue_take(authsvc_job_queue_t *q)
{
    void *job = NULL;

    apr_thread_mutex_lock(q->lock);
    while (!q->stopping && q->count == 0)
        apr_thread_cond_wait(q->ready, q->lock);
    if (!q->stopping) {
        job = q->ring[q->head];
        q->head = (q->head + 1) % q->capacity;
        q->count--;
    }
    apr_thread_mutex_unlock(q->lock);
    return job;
}

static void *APR_THREAD_FUNC queue_worker(apr_thread_t *thread, void *arg)
{
    authsvc_job_queue_t *q = arg;
    void *job;

    while ((job = queue_take(q)) != NULL)
        q->run(job, q->baton);
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

static apr_status_t queue_stop(void *arg)
{
    authsvc_job_queue_t *q = arg;
    apr_status_t rv;

    apr_thread_mutex_lock(q->lock);
    q->stopping = 1;
    apr_thread_cond_broadcast(q->ready);
    apr_thread_mutex_unlock(q->lock);
    apr_thread_join(&rv, q->thread);
    while (q->count > 0) {
        q->discard(q->ring[q->head], q->baton);
        q->head = (q->head + 1) % q->capacity;
        q->count--;
    }
    return APR_SUCCESS;
}

authsvc_status_t authsvc_job_queue_start(apr_pool_t *p, apr_size_t capacity, authsvc_job_fn run,
                                         authsvc_job_fn discard, void *baton,
                                         authsvc_job_queue_t **out)
{
    authsvc_job_queue_t *q = apr_pcalloc(p, sizeof(*q));

    *out = NULL;
    if (capacity == 0)
        return AUTHSVC_INVALID;
    q->ring = apr_pcalloc(p, capacity * sizeof(void *));
    q->capacity = capacity;
    q->run = run;
    q->discard = discard;
    q->baton = baton;
    if (apr_thread_mutex_create(&q->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS
        || apr_thread_cond_create(&q->ready, p) != APR_SUCCESS
        || apr_thread_create(&q->thread, NULL, queue_worker, q, p) != APR_SUCCESS)
        return AUTHSVC_UNAVAILABLE;
    /* a pre-cleanup: it must join the thread before p destroys the thread's own subpool,
     * the mutex and the condition */
    apr_pool_pre_cleanup_register(p, q, queue_stop);
    *out = q;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_job_queue_push(authsvc_job_queue_t *q, void *job)
{
    authsvc_status_t st = AUTHSVC_OK;

    apr_thread_mutex_lock(q->lock);
    if (q->stopping)
        st = AUTHSVC_UNAVAILABLE;
    else if (q->count == q->capacity)
        st = AUTHSVC_TOO_LARGE;
    else {
        q->ring[(q->head + q->count) % q->capacity] = job;
        q->count++;
        apr_thread_cond_signal(q->ready);
    }
    apr_thread_mutex_unlock(q->lock);
    return st;
}

apr_size_t authsvc_job_queue_length(authsvc_job_queue_t *q)
{
    apr_size_t n;

    apr_thread_mutex_lock(q->lock);
    n = q->count;
    apr_thread_mutex_unlock(q->lock);
    return n;
}
