/* Typed helpers for the gateway's browser sessions (see authsvc_db_browser_sessions.h). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_browser_sessions.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

/* Columns of authsvc_gateway_session_get. */
enum {
    BS_ORIGIN,
    BS_USER,
    BS_ACCESS,
    BS_REFRESH,
    BS_ACCESS_EXPIRES,
    BS_REMEMBER,
    BS_LAST_SEEN,
    BS_IDLE_EXPIRES,
    BS_EXPIRES,
    BS_CREATED,
    BS_AUTH_TIME,
    BS_AMR
};

authsvc_status_t authsvc_db_browser_session_insert(authsvc_db_t *db, apr_pool_t *p,
                                                   const authsvc_db_browser_session_t *s)
{
    const char *args[] = {s->id_hash,
                          s->origin,
                          s->user_id,
                          s->access_token,
                          s->refresh_token,
                          ARG(s->access_expires_ms),
                          ARG(s->remember ? 1 : 0),
                          ARG(s->created_ms),
                          ARG(s->last_seen_ms),
                          ARG(s->idle_expires_ms),
                          ARG(s->expires_ms),
                          ARG(s->auth_time_ms ? s->auth_time_ms : s->created_ms),
                          s->amr ? s->amr : "pwd"};

    return authsvc_db_exec(db, p, "authsvc_gateway_session_insert", NULL, 13, args);
}

static void session_from_row(authsvc_db_t *db, apr_dbd_row_t *row,
                             authsvc_db_browser_session_t *s)
{
    s->origin = authsvc_db_column(db, row, BS_ORIGIN);
    s->user_id = authsvc_db_column(db, row, BS_USER);
    s->access_token = authsvc_db_column(db, row, BS_ACCESS);
    s->refresh_token = authsvc_db_column(db, row, BS_REFRESH);
    s->access_expires_ms = authsvc_db_column_int(db, row, BS_ACCESS_EXPIRES, 0);
    s->remember = (int)authsvc_db_column_int(db, row, BS_REMEMBER, 0);
    s->last_seen_ms = authsvc_db_column_int(db, row, BS_LAST_SEEN, 0);
    s->idle_expires_ms = authsvc_db_column_int(db, row, BS_IDLE_EXPIRES, 0);
    s->expires_ms = authsvc_db_column_int(db, row, BS_EXPIRES, 0);
    s->created_ms = authsvc_db_column_int(db, row, BS_CREATED, 0);
    /* sessions older than migration 013 signed in with a password when they were made */
    s->auth_time_ms = authsvc_db_column_int(db, row, BS_AUTH_TIME, s->created_ms);
    s->amr = authsvc_db_column(db, row, BS_AMR);
    if (!s->amr)
        s->amr = "pwd";
}

authsvc_status_t authsvc_db_browser_session_get(authsvc_db_t *db, apr_pool_t *p,
                                                const char *id_hash,
                                                authsvc_db_browser_session_t *s)
{
    const char *args[] = {id_hash};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_gateway_session_get", &res, 1,
                                            args);
    int found = 0;

    memset(s, 0, sizeof(*s));
    if (st != AUTHSVC_OK)
        return st;
    /* the primary key answers one row at most; the set is read to its end all the same */
    while (authsvc_db_next_row(db, p, res, &row))
        if (!found++)
            session_from_row(db, row, s);
    if (!found)
        return AUTHSVC_NOT_FOUND;
    s->id_hash = apr_pstrdup(p, id_hash);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_browser_session_claim(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *id_hash, long long now_ms,
                                                  long long until_ms)
{
    const char *args[] = {ARG(until_ms), id_hash, ARG(now_ms)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_gateway_session_claim_refresh",
                                          &nrows, 3, args);

    if (st != AUTHSVC_OK)
        return st;
    return nrows == 1 ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_browser_session_set_tokens(authsvc_db_t *db, apr_pool_t *p,
                                                       const char *id_hash,
                                                       const char *access_token,
                                                       const char *refresh_token,
                                                       long long access_expires_ms)
{
    const char *args[] = {access_token, refresh_token, ARG(access_expires_ms), id_hash};

    return authsvc_db_exec(db, p, "authsvc_gateway_session_set_tokens", NULL, 4, args);
}

authsvc_status_t authsvc_db_browser_session_touch(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *id_hash, long long now_ms,
                                                  long long idle_expires_ms)
{
    const char *args[] = {ARG(now_ms), ARG(idle_expires_ms), id_hash};

    return authsvc_db_exec(db, p, "authsvc_gateway_session_touch", NULL, 3, args);
}

authsvc_status_t authsvc_db_browser_session_delete(authsvc_db_t *db, apr_pool_t *p,
                                                   const char *id_hash)
{
    const char *args[] = {id_hash};

    return authsvc_db_exec(db, p, "authsvc_gateway_session_delete", NULL, 1, args);
}

authsvc_status_t authsvc_db_browser_session_purge(authsvc_db_t *db, apr_pool_t *p,
                                                  long long now_ms)
{
    const char *args[] = {ARG(now_ms), ARG(now_ms)};

    return authsvc_db_exec(db, p, "authsvc_purge_gateway_sessions", NULL, 2, args);
}
