/* The revocation listener of one httpd child (see authsvc_gateway_listen.h). One thread,
 * one libpq connection of its own (mod_dbd's pooled connections serve requests and
 * cannot wait for notifications). The thread wakes at least every LISTEN_TICK_MS to see
 * whether the child is stopping, so a graceful stop never waits on it for long. */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <http_log.h>
#include <libpq-fe.h>

#include "authsvc_dbd_session.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_listen.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"

APLOG_USE_MODULE(authsvc);

#define LISTEN_TICK_MS 250
#define LISTEN_BACKOFF_FIRST_MS 500
#define LISTEN_BACKOFF_MAX_MS 30000
#define LISTEN_APPLICATION "authsvc-revocation-listener"

typedef struct {
    server_rec *server;
    const char *conninfo;
    atomic_int stopping;
    apr_thread_t *thread;
    PGconn *conn;
    int down_logged; /* the current outage was logged */
    long backoff_ms;
} listen_state_t;

/* A notification's payload, "<expires_ms> <jti>": 1 and the two parts, or 0. */
static int listen_payload(const char *payload, long long *expires_ms, const char **jti)
{
    char *end = NULL;
    long long v;

    if (!payload || *payload < '0' || *payload > '9')
        return 0;
    errno = 0;
    v = strtoll(payload, &end, 10);
    if (errno || !end || *end != ' ' || end[1] == '\0')
        return 0;
    *expires_ms = v;
    *jti = end + 1;
    return 1;
}

/* Sleeps ms in ticks, returning early when the child stops. */
static void listen_pause(listen_state_t *st, long ms)
{
    while (ms > 0 && !atomic_load(&st->stopping)) {
        long step = ms < LISTEN_TICK_MS ? ms : LISTEN_TICK_MS;
        apr_sleep(apr_time_from_msec(step));
        ms -= step;
    }
}

static void listen_drop(listen_state_t *st, const char *why)
{
    if (!st->down_logged && !atomic_load(&st->stopping))
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, st->server,
            AUTHSVC_LOGNO(
                0211) "revocation listener: %s; revocations from other "
                      "nodes arrive by the poll until it is back (reconnecting with a growing "
                      "pause, logged once)",
            why);
    st->down_logged = 1;
    if (st->conn)
        PQfinish(st->conn);
    st->conn = NULL;
}

/* libpq's last message on one line, in p. */
static const char *listen_error(apr_pool_t *p, PGconn *conn)
{
    return conn ? authsvc_dbd_session_message(p, conn, "") : "out of memory";
}

/* Opens the connection and LISTENs; 1 on success. */
static int listen_connect(listen_state_t *st, apr_pool_t *p)
{
    const char *keys[] = {"dbname", "application_name", NULL};
    const char *values[] = {st->conninfo, LISTEN_APPLICATION, NULL};
    PGresult *res;
    int ok;

    /* expand_dbname: the first dbname value is the whole DBDParams string */
    st->conn = PQconnectdbParams(keys, values, 1);
    if (!st->conn || PQstatus(st->conn) != CONNECTION_OK) {
        listen_drop(st, apr_pstrcat(p, "cannot connect: ", listen_error(p, st->conn), NULL));
        return 0;
    }
    res = PQexec(st->conn, "LISTEN " AUTHSVC_REVOCATION_CHANNEL);
    ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) {
        listen_drop(st, apr_pstrcat(p, "LISTEN failed: ", listen_error(p, st->conn), NULL));
        return 0;
    }
    ap_log_error(APLOG_MARK, st->down_logged ? APLOG_NOTICE : APLOG_INFO, 0, st->server,
                 AUTHSVC_LOGNO(0212) "revocation listener: listening%s",
                 st->down_logged ? " again" : "");
    st->down_logged = 0;
    st->backoff_ms = LISTEN_BACKOFF_FIRST_MS;
    return 1;
}

/* Reads what arrived and adds every announced revocation to the node's set. */
static int listen_receive(listen_state_t *st, apr_pool_t *p)
{
    PGnotify *n;

    if (!PQconsumeInput(st->conn)) {
        listen_drop(st, apr_pstrcat(p, "connection lost: ", listen_error(p, st->conn), NULL));
        return 0;
    }
    while ((n = PQnotifies(st->conn)) != NULL) {
        long long expires_ms;
        const char *jti;

        if (listen_payload(n->extra, &expires_ms, &jti))
            authsvc_gateway_revocation_note(st->server, jti, expires_ms);
        PQfreemem(n);
    }
    return 1;
}

static void *APR_THREAD_FUNC listen_main(apr_thread_t *thread, void *arg)
{
    listen_state_t *st = arg;
    apr_pool_t *p = NULL;

    if (apr_pool_create_unmanaged_ex(&p, NULL, NULL) != APR_SUCCESS) {
        apr_thread_exit(thread, APR_ENOMEM);
        return NULL;
    }
    st->backoff_ms = LISTEN_BACKOFF_FIRST_MS;
    while (!atomic_load(&st->stopping)) {
        struct pollfd pfd;

        apr_pool_clear(p);
        if (!st->conn && !listen_connect(st, p)) {
            listen_pause(st, st->backoff_ms);
            st->backoff_ms = st->backoff_ms * 2 > LISTEN_BACKOFF_MAX_MS ? LISTEN_BACKOFF_MAX_MS
                                                                        : st->backoff_ms * 2;
            continue;
        }
        memset(&pfd, 0, sizeof(pfd));
        pfd.fd = PQsocket(st->conn);
        pfd.events = POLLIN;
        if (poll(&pfd, 1, LISTEN_TICK_MS) > 0)
            listen_receive(st, p);
    }
    if (st->conn)
        PQfinish(st->conn);
    st->conn = NULL;
    apr_pool_destroy(p);
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

static apr_status_t listen_stop(void *arg)
{
    listen_state_t *st = arg;
    apr_status_t rv;

    atomic_store(&st->stopping, 1);
    apr_thread_join(&rv, st->thread);
    return APR_SUCCESS;
}

void authsvc_gateway_listen_child_init(apr_pool_t *pchild, server_rec *s)
{
    const char *conninfo = NULL;
    server_rec *each;
    listen_state_t *st;

    if (!authsvc_gateway_has_revocation_set(s))
        return;
    for (each = s; each && !conninfo; each = each->next)
        conninfo = authsvc_dbd_pgsql_params(pchild, each);
    if (!conninfo)
        return;
    st = apr_pcalloc(pchild, sizeof(*st));
    st->server = s;
    st->conninfo = conninfo;
    if (apr_thread_create(&st->thread, NULL, listen_main, st, pchild) != APR_SUCCESS) {
        ap_log_error(
            APLOG_MARK, APLOG_ERR, 0, s,
            AUTHSVC_LOGNO(
                0213) "revocation listener: "
                      "cannot start its thread; revocations from other nodes arrive by the poll");
        return;
    }
    /* before pchild's subpools go: the thread's own pool is one of them */
    apr_pool_pre_cleanup_register(pchild, st, listen_stop);
}
