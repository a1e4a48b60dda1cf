/* Keeps the PostgreSQL session behind a pooled mod_dbd connection usable (see
 * authsvc_dbd_session.h). Runs in a request's thread on a connection that thread holds,
 * so the per-connection record needs no lock. */
#include <poll.h>
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_log.h>
#include <libpq-fe.h>

#include "authsvc_db.h"
#include "authsvc_dbd_session.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"

APLOG_USE_MODULE(authsvc);

#define SESSION_KEY "authsvc_dbd_session"

typedef struct {
    int backend_pid; /* the server process of the session the statements are in */
} dbd_session_t;

int authsvc_dbd_session_is_pgsql(const ap_dbd_t *conn)
{
    authsvc_dialect_t dialect;

    return authsvc_db_dialect_from_driver(apr_dbd_name(conn->driver), &dialect) == AUTHSVC_OK
           && dialect == AUTHSVC_DIALECT_PGSQL;
}

/* The record of conn, kept in its pool (it lives and dies with the connection). */
static dbd_session_t *session_of(ap_dbd_t *conn)
{
    void *data = NULL;

    apr_pool_userdata_get(&data, SESSION_KEY, conn->pool);
    if (!data) {
        data = apr_pcalloc(conn->pool, sizeof(dbd_session_t));
        apr_pool_userdata_setn(data, SESSION_KEY, NULL, conn->pool);
    }
    return data;
}

void authsvc_dbd_session_connected(ap_dbd_t *conn)
{
    PGconn *pg = apr_dbd_native_handle(conn->driver, conn->handle);

    if (pg && PQstatus(pg) == CONNECTION_OK)
        session_of(conn)->backend_pid = PQbackendPID(pg);
}

/* An idle session has nothing to say; input waiting on it is the server's goodbye
 * (a termination notice, or the end of the stream). */
static int session_ended_by_server(PGconn *pg)
{
    struct pollfd pfd;

    if (PQstatus(pg) != CONNECTION_OK || PQtransactionStatus(pg) != PQTRANS_IDLE)
        return 0;
    memset(&pfd, 0, sizeof(pfd));
    pfd.fd = PQsocket(pg);
    pfd.events = POLLIN;
    return pfd.fd >= 0 && poll(&pfd, 1, 0) > 0;
}

const char *authsvc_dbd_one_line(apr_pool_t *p, const char *text, const char *none)
{
    char *msg = apr_pstrdup(p, text ? text : ""), *c;
    apr_size_t len;

    for (c = msg; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    for (len = strlen(msg); len > 0 && msg[len - 1] == ' '; len--)
        msg[len - 1] = '\0';
    return *msg ? msg : none;
}

const char *authsvc_dbd_session_message(apr_pool_t *p, const PGconn *pg, const char *none)
{
    return authsvc_dbd_one_line(p, pg ? PQerrorMessage(pg) : NULL, none);
}

static const char *session_error(apr_pool_t *p, PGconn *pg)
{
    return authsvc_dbd_session_message(p, pg, "connection lost");
}

/* Prepares the whole catalogue into conn in its current session. Statements a failed
 * earlier attempt left in this session go first (DEALLOCATE ALL), so this can be
 * repeated. The new statement records live in the connection's pool. */
static authsvc_status_t session_prepare_catalogue(ap_dbd_t *conn, const char **failed)
{
    apr_size_t i, count;
    const authsvc_db_statement_t *all = authsvc_db_statements(&count);
    int nrows = 0;

    *failed = "DEALLOCATE ALL";
    if (apr_dbd_query(conn->driver, conn->handle, &nrows, "DEALLOCATE ALL") != 0)
        return AUTHSVC_UNAVAILABLE;
    for (i = 0; i < count; i++) {
        apr_dbd_prepared_t *stmt = NULL;

        *failed = all[i].label;
        if (apr_dbd_prepare(conn->driver, conn->pool, conn->handle,
                            authsvc_db_statement_sql(&all[i], AUTHSVC_DIALECT_PGSQL),
                            all[i].label, &stmt)
            != 0)
            return AUTHSVC_UNAVAILABLE;
        apr_hash_set(conn->prepared, all[i].label, APR_HASH_KEY_STRING, stmt);
    }
    *failed = NULL;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_dbd_session_check(ap_dbd_t *conn, apr_pool_t *p, server_rec *s,
                                           const char **why)
{
    PGconn *pg = apr_dbd_native_handle(conn->driver, conn->handle);
    dbd_session_t *session = session_of(conn);
    const char *failed = NULL;
    int pid;

    *why = NULL;
    if (!pg)
        return AUTHSVC_UNAVAILABLE;
    if (session_ended_by_server(pg))
        PQreset(pg);
    if (PQstatus(pg) != CONNECTION_OK) {
        *why = session_error(p, pg);
        return AUTHSVC_UNAVAILABLE;
    }
    pid = PQbackendPID(pg);
    ap_log_error(APLOG_MARK, APLOG_TRACE1, 0, s, "database session: backend %d, prepared in %d",
                 pid, session->backend_pid);
    if (session->backend_pid == pid)
        return AUTHSVC_OK;
    if (session_prepare_catalogue(conn, &failed) != AUTHSVC_OK) {
        *why = apr_psprintf(p, "preparing %s in a new session: %s", failed,
                            session_error(p, pg));
        return AUTHSVC_UNAVAILABLE;
    }
    session->backend_pid = pid;
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 AUTHSVC_LOGNO(0208) "database session renewed: statements prepared again");
    return AUTHSVC_OK;
}
