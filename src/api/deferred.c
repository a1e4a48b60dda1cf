/* The httpd side of deferred work (see authsvc_deferred.h): one queue and worker
 * thread per child, jobs with pools of their own, database connections opened through
 * mod_dbd for the job and closed with its pool. */
#include <httpd.h>
#include <http_log.h>
#include <apr_strings.h>

#include "authsvc_metrics.h"
#include "authsvc_config_mail.h"
#include "authsvc_deferred.h"
#include "authsvc_httpd.h"
#include "authsvc_job_queue.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_mail.h"

APLOG_USE_MODULE(authsvc);

typedef struct {
    apr_pool_t *pool; /* unmanaged: made in a request thread, freed in the worker */
    server_rec *server;
    authsvc_deferred_fn fn;
    cJSON *args;
    const char *client_ip;
    const char *route;
} deferred_job_t;

static const int deferred_levels[] = {APLOG_ERR, APLOG_WARNING, APLOG_NOTICE, APLOG_INFO,
                                      APLOG_DEBUG};

static void deferred_log(authsvc_request_t *req, authsvc_log_level_t level, const char *fmt,
                         ...)
{
    deferred_job_t *job = req->glue;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = apr_pvsprintf(req->pool, fmt, ap);
    va_end(ap);
    ap_log_error(APLOG_MARK, deferred_levels[level], 0, job->server, "%s (deferred %s)", msg,
                 job->route);
}

static authsvc_db_t *deferred_db(authsvc_request_t *req)
{
    deferred_job_t *job = req->glue;

    if (!req->db_conn) {
        req->db_conn = authsvc_dbd_open(req->pool, job->server);
        if (!req->db_conn)
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, job->server,
                         AUTHSVC_LOGNO(1615) "deferred %s not done: no database connection",
                         job->route);
    }
    return req->db_conn;
}

static void deferred_run(void *arg, void *baton)
{
    deferred_job_t *job = arg;
    authsvc_request_t *req = apr_pcalloc(job->pool, sizeof(*req));

    (void)baton;
    req->pool = job->pool;
    req->method = "DEFERRED";
    req->path = job->route;
    req->body = job->args;
    req->client_ip = job->client_ip;
    req->server_config = ap_get_module_config(job->server->module_config, &authsvc_module);
    req->base_url = req->server_config->issuer;
    req->db = deferred_db;
    req->log = deferred_log;
    req->glue = job;
    req->headers_out = apr_table_make(job->pool, 2);
    job->fn(req);
    apr_pool_destroy(job->pool);
}

static void deferred_discard(void *arg, void *baton)
{
    deferred_job_t *job = arg;

    (void)baton;
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, job->server,
                 AUTHSVC_LOGNO(1611) "deferred %s dropped: the child is stopping", job->route);
    apr_pool_destroy(job->pool);
}

authsvc_status_t authsvc_deferred_submit(authsvc_request_t *req, authsvc_deferred_fn fn,
                                         const cJSON *args)
{
    const authsvc_mail_config_t *mc = req->server_config->mail;
    request_rec *r = req->glue;
    deferred_job_t *job;
    apr_pool_t *pool;
    authsvc_status_t st;

    if (!mc->queue || apr_pool_create_unmanaged_ex(&pool, NULL, NULL) != APR_SUCCESS) {
        req->log(req, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(1612) "no background worker in this "
                                     "child: %s not done",
                 req->route->name);
        return AUTHSVC_UNAVAILABLE;
    }
    job = apr_pcalloc(pool, sizeof(*job));
    job->pool = pool;
    job->server = r->server;
    job->fn = fn;
    job->args = authsvc_json_own(pool, cJSON_Duplicate(args, 1));
    job->client_ip = req->client_ip ? apr_pstrdup(pool, req->client_ip) : NULL;
    job->route = req->route->name; /* static text of the route table */
    st = authsvc_job_queue_push(mc->queue, job);
    if (st == AUTHSVC_OK)
        authsvc_metrics_count(req->server_config->metrics, AUTHSVC_METRIC_MAIL_QUEUED);
    if (st != AUTHSVC_OK) {
        req->log(req, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(1613) "background queue full or "
                                     "stopping: %s not done",
                 req->route->name);
        apr_pool_destroy(pool);
        return AUTHSVC_UNAVAILABLE;
    }
    return AUTHSVC_OK;
}

void authsvc_deferred_child_init(apr_pool_t *pchild, server_rec *s)
{
    authsvc_job_queue_t *queue = NULL;
    server_rec *each;

    for (each = s; each && !queue; each = each->next) {
        authsvc_server_config_t *c = ap_get_module_config(each->module_config, &authsvc_module);
        if (!authsvc_config_mail_enabled(c->mail))
            continue;
        if (authsvc_mail_global_init(pchild) != AUTHSVC_OK
            || authsvc_job_queue_start(pchild, AUTHSVC_MAIL_QUEUE_MAX, deferred_run,
                                       deferred_discard, NULL, &queue)
                   != AUTHSVC_OK) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                         AUTHSVC_LOGNO(1614) "cannot start the background mail worker");
            return;
        }
    }
    for (each = s; each && queue; each = each->next) {
        authsvc_server_config_t *c = ap_get_module_config(each->module_config, &authsvc_module);
        c->mail->queue = queue;
    }
}
