/* The metrics' httpd side: the shared block (made once per httpd parent, in its process
 * pool, so graceful restarts keep it) and the `authsvc-metrics` handler. */
#ifndef AUTHSVC_METRICS_HTTPD_H
#define AUTHSVC_METRICS_HTTPD_H

#include <httpd.h>

/* post_config: attaches every server to the node's metrics. */
int authsvc_metrics_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s);

/* SetHandler authsvc-metrics: the Prometheus text of the node (GET and HEAD only). */
int authsvc_metrics_handler(request_rec *r);

#endif
