/* The metrics' httpd side (see authsvc_metrics_httpd.h). */
#include <string.h>

#include <httpd.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>

#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_metrics.h"
#include "authsvc_metrics_httpd.h"
#include "authsvc_route.h"

APLOG_USE_MODULE(authsvc);

#define METRICS_KEY "authsvc_metrics_shm"

/* The block of this httpd parent: made at its first configuration, found again at
 * every later one (graceful restarts), in the process pool that outlives them. */
static authsvc_metrics_t *metrics_block(server_rec *s)
{
    apr_pool_t *process_pool = s->process->pool;
    apr_shm_t *shm = NULL;
    void *data = NULL;
    apr_size_t count = 0;
    const char *const *tags;
    int fresh = 0;

    apr_pool_userdata_get(&data, METRICS_KEY, process_pool);
    shm = data;
    if (!shm) {
        if (apr_shm_create(&shm, authsvc_metrics_bytes(), NULL, process_pool) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         AUTHSVC_LOGNO(0214) "no shared "
                                             "memory for the metrics: they are not counted");
            return NULL;
        }
        apr_pool_userdata_set(shm, METRICS_KEY, apr_pool_cleanup_null, process_pool);
        fresh = 1;
    }
    tags = authsvc_routes_tags(s->process->pconf, &count); /* count before it is read */
    return authsvc_metrics_init(apr_shm_baseaddr_get(shm), fresh, tags, count);
}

int authsvc_metrics_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s)
{
    authsvc_metrics_t *m = metrics_block(s);

    (void)pconf;
    (void)plog;
    (void)ptemp;
    for (; s; s = s->next) {
        authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
        c->metrics = m;
    }
    return OK;
}

int authsvc_metrics_handler(request_rec *r)
{
    const authsvc_server_config_t *c;
    authsvc_metrics_gauges_t gauges;
    const char *text;

    if (!r->handler || strcmp(r->handler, "authsvc-metrics") != 0)
        return DECLINED;
    r->allowed = (AP_METHOD_BIT << M_GET);
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    c = ap_get_module_config(r->server->module_config, &authsvc_module);
    if (!c->metrics)
        return HTTP_SERVICE_UNAVAILABLE;
    gauges.revocation_set_live = -1;
    gauges.revocation_set_slots = 0;
    authsvc_gateway_revocation_fill(r->server, &gauges.revocation_set_live,
                                    &gauges.revocation_set_slots);
    gauges.database_up = authsvc_dbd_up(r->server);
    text = authsvc_metrics_text(r->pool, c->metrics, &gauges);
    ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, (apr_off_t)strlen(text));
    if (!r->header_only)
        ap_rputs(text, r);
    return OK;
}
