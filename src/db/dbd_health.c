/* The per-process view of the database's availability (see authsvc_dbd_health.h). The
 * state lives in memory each child owns (its copy of the configuration pool) and is
 * changed with atomics only: the event MPM's threads share it. */
#include <httpd.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <http_log.h>

#include "authsvc_dbd_health.h"
#include "authsvc_httpd.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"

APLOG_USE_MODULE(authsvc);

authsvc_dbd_health_t *authsvc_dbd_health_make(apr_pool_t *p)
{
    return apr_pcalloc(p, sizeof(authsvc_dbd_health_t));
}

static apr_uint64_t health_now_us(void)
{
    return (apr_uint64_t)apr_time_now();
}

int authsvc_dbd_health_wait(authsvc_dbd_health_t *h)
{
    apr_uint64_t now, next;

    if (!apr_atomic_read32(&h->down))
        return 0;
    now = health_now_us();
    next = apr_atomic_read64(&h->next_try_us);
    if (now < next)
        return 1;
    /* one thread of the process tries; the others answer 503 meanwhile */
    return apr_atomic_cas64(&h->next_try_us, now + AUTHSVC_DB_RETRY_INTERVAL_MS * 1000ULL, next)
           != next;
}

void authsvc_dbd_health_failed(authsvc_dbd_health_t *h, server_rec *s, const char *why)
{
    apr_uint64_t now = health_now_us();

    apr_atomic_set64(&h->next_try_us, now + AUTHSVC_DB_RETRY_INTERVAL_MS * 1000ULL);
    if (apr_atomic_cas32(&h->down, 1, 0) != 0)
        return;
    apr_atomic_set64(&h->down_since_us, now);
    ap_log_error(
        APLOG_MARK, APLOG_ERR, 0, s,
        AUTHSVC_LOGNO(
            0206) "database unavailable: %s; answering 503 with Retry-After "
                  "and trying again every %d ms (logged once per process until it is back)",
        why ? why : "no connection", AUTHSVC_DB_RETRY_INTERVAL_MS);
}

void authsvc_dbd_health_ok(authsvc_dbd_health_t *h, server_rec *s)
{
    apr_uint64_t since;

    if (!apr_atomic_read32(&h->down) || apr_atomic_cas32(&h->down, 0, 1) != 1)
        return;
    since = apr_atomic_read64(&h->down_since_us);
    ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                 AUTHSVC_LOGNO(0207) "database available again after %.1f s",
                 (double)(health_now_us() - since) / 1e6);
}
