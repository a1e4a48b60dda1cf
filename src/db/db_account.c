/* Typed helpers for the account page (see authsvc_db_account.h). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_account.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

/* Columns of authsvc_account_sessions. */
enum {
    AS_ID_HASH,
    AS_ORIGIN,
    AS_USER_AGENT,
    AS_CLIENT_IP,
    AS_CREATED,
    AS_LAST_SEEN,
    AS_ACCESS,
    AS_REFRESH,
    AS_AUTH_TIME,
    AS_AMR
};

authsvc_status_t authsvc_db_account_session_device(authsvc_db_t *db, apr_pool_t *p,
                                                   const char *id_hash, const char *user_agent,
                                                   const char *client_ip)
{
    const char *args[] = {user_agent, client_ip, id_hash};

    return authsvc_db_exec(db, p, "authsvc_account_session_device", NULL, 3, args);
}

authsvc_status_t authsvc_db_account_sessions(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, long long now_ms,
                                             apr_array_header_t **rows)
{
    const char *args[] = {user_id, ARG(now_ms), ARG(now_ms)};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_account_sessions", &res, 3, args);

    *rows = apr_array_make(p, 4, sizeof(authsvc_db_account_session_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_account_session_t *s = apr_array_push(*rows);

        s->id_hash = authsvc_db_column(db, row, AS_ID_HASH);
        s->origin = authsvc_db_column(db, row, AS_ORIGIN);
        s->user_agent = authsvc_db_column(db, row, AS_USER_AGENT);
        s->client_ip = authsvc_db_column(db, row, AS_CLIENT_IP);
        s->created_ms = authsvc_db_column_int(db, row, AS_CREATED, 0);
        s->last_seen_ms = authsvc_db_column_int(db, row, AS_LAST_SEEN, 0);
        s->access_token = authsvc_db_column(db, row, AS_ACCESS);
        s->refresh_token = authsvc_db_column(db, row, AS_REFRESH);
        s->auth_time_ms = authsvc_db_column_int(db, row, AS_AUTH_TIME, s->created_ms);
        s->amr = authsvc_db_column(db, row, AS_AMR);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_account_session_delete(authsvc_db_t *db, apr_pool_t *p,
                                                   const char *id_hash, const char *user_id)
{
    const char *args[] = {id_hash, user_id};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_account_session_delete", &nrows, 2,
                                          args);

    if (st != AUTHSVC_OK)
        return st;
    return nrows > 0 ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_account_totp_pending_set(authsvc_db_t *db, apr_pool_t *p,
                                                     const char *id_hash, const char *user_id,
                                                     const char *secret)
{
    const char *args[] = {secret, id_hash, user_id};

    return authsvc_db_exec(db, p, "authsvc_account_totp_pending_set", NULL, 3, args);
}

authsvc_status_t authsvc_db_account_totp_pending_get(authsvc_db_t *db, apr_pool_t *p,
                                                     const char *id_hash, const char *user_id,
                                                     const char **secret)
{
    const char *args[] = {id_hash, user_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_account_totp_pending_get", &row,
                                                2, args);

    *secret = st == AUTHSVC_OK ? authsvc_db_column(db, row, 0) : NULL;
    return st == AUTHSVC_OK && !*secret ? AUTHSVC_NOT_FOUND : st;
}
