/* What one httpd process knows of its database's availability. While the database does
 * not answer, requests get 503 at once instead of each one waiting for a connection
 * attempt; one request a second tries again, so the service is back within about a
 * second of the database. The outage is logged once per process when it starts and
 * once when it ends, not once per request. */
#ifndef AUTHSVC_DBD_HEALTH_H
#define AUTHSVC_DBD_HEALTH_H

#include <apr_atomic.h>
#include <httpd.h>

typedef struct {
    volatile apr_uint32_t down;        /* 1 while this process sees no database */
    volatile apr_uint64_t next_try_us; /* while down: no attempt before this time */
    volatile apr_uint64_t down_since_us;
} authsvc_dbd_health_t;

/* A fresh state in p (the configuration pool: each child has its own copy). */
authsvc_dbd_health_t *authsvc_dbd_health_make(apr_pool_t *p);

/* 1 when the caller should answer 503 without trying the database now; 0 when it
 * may try (always while the database is up; once a second while it is down). */
int authsvc_dbd_health_wait(authsvc_dbd_health_t *h);

/* The database could not be reached: why says how (no secret); logged once. */
void authsvc_dbd_health_failed(authsvc_dbd_health_t *h, server_rec *s, const char *why);

/* A connection worked: ends an outage (logged once). */
void authsvc_dbd_health_ok(authsvc_dbd_health_t *h, server_rec *s);

#endif
