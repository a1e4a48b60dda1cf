/* The PostgreSQL session behind a pooled mod_dbd connection. apr_dbd's PostgreSQL
 * driver reconnects a broken connection (PQreset) into a new server session that has
 * none of the connection's prepared statements, and mod_dbd keeps it in its pool. So
 * each connection remembers the backend of the session its statements were prepared
 * in, and a connection lent out in another session gets the catalogue prepared again
 * before anything runs on it. An idle connection with input waiting is one the server
 * ended (restart, pg_terminate_backend): it is reconnected before it is lent. */
#ifndef AUTHSVC_DBD_SESSION_H
#define AUTHSVC_DBD_SESSION_H

#include <httpd.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include "authsvc_status.h"

#include <libpq-fe.h>

/* text on one line (line breaks and tabs as spaces, no trailing blanks), in p; none when
 * nothing is left. A driver's message goes into one log line that way. */
const char *authsvc_dbd_one_line(apr_pool_t *p, const char *text, const char *none);

/* libpq's last message of pg on one line, in p; none when it has none (or pg is NULL). */
const char *authsvc_dbd_session_message(apr_pool_t *p, const PGconn *pg, const char *none);

/* 1 when conn is a PostgreSQL connection (the rest of this header applies to it). */
int authsvc_dbd_session_is_pgsql(const ap_dbd_t *conn);

/* Notes the session conn's statements were just prepared in (mod_dbd's post_connect). */
void authsvc_dbd_session_connected(ap_dbd_t *conn);

/* Makes conn ready to lend: reconnects a session the server ended and prepares the
 * catalogue again in a new session. AUTHSVC_OK, or AUTHSVC_UNAVAILABLE with *why in
 * libpq's words (never a password) when the database cannot be reached. */
authsvc_status_t authsvc_dbd_session_check(ap_dbd_t *conn, apr_pool_t *p, server_rec *s,
                                           const char **why);

#endif
