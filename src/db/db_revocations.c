/* Typed helpers for revoked tokens (see authsvc_db_revocations.h). */
#include <sqlite3.h>

#include "authsvc_db_revocations.h"

/* Columns of authsvc_revoked_live_since. */
enum {
    REVOKED_JTI,
    REVOKED_EXPIRES_AT,
    REVOKED_AT
};

authsvc_status_t authsvc_db_revocations_since(authsvc_db_t *db, apr_pool_t *p,
                                              long long since_ms, long long now_ms,
                                              apr_array_header_t **rows)
{
    const char *args[] = {authsvc_db_int_arg(p, since_ms), authsvc_db_int_arg(p, now_ms)};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_revoked_live_since", &res, 2, args);

    *rows = apr_array_make(p, 4, sizeof(authsvc_db_revocation_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_revocation_t *r = apr_array_push(*rows);
        r->jti = authsvc_db_column(db, row, REVOKED_JTI);
        /* the statement answers only tokens that expire after now */
        r->expires_at = authsvc_db_column_int(db, row, REVOKED_EXPIRES_AT, now_ms);
        r->revoked_at = authsvc_db_column_int(db, row, REVOKED_AT, 0);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_revocation_check(authsvc_db_t *db, apr_pool_t *p, const char *jti)
{
    const char *args[] = {jti};
    apr_dbd_row_t *row = NULL;

    return authsvc_db_select_one(db, p, "authsvc_revoked_check", &row, 1, args);
}

authsvc_status_t authsvc_db_revocation_insert(authsvc_db_t *db, apr_pool_t *p, const char *jti,
                                              long long expires_ms, long long now_ms)
{
    const char *args[] = {jti, authsvc_db_int_arg(p, expires_ms),
                          authsvc_db_int_arg(p, now_ms)};

    return authsvc_db_exec(db, p, "authsvc_revoked_insert", NULL, 3, args);
}

/* Columns of authsvc_bearer_state (authsvc_bearer_audience: the first alone). */
enum {
    BEARER_MEMBER,
    BEARER_REVOKED
};

authsvc_status_t authsvc_db_bearer_state(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         const char *client_id, const char *jti,
                                         int *client_member, int *revoked)
{
    const char *args[] = {user_id, client_id, jti};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_bearer_state", &row, 3, args);

    *client_member = 0;
    *revoked = 1;
    if (st != AUTHSVC_OK)
        return st;
    *client_member = authsvc_db_column_int(db, row, BEARER_MEMBER, 0) != 0;
    /* a count that cannot be read counts as revoked */
    *revoked = authsvc_db_column_int(db, row, BEARER_REVOKED, 1) != 0;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_bearer_audience(authsvc_db_t *db, apr_pool_t *p,
                                            const char *user_id, const char *client_id,
                                            int *client_member)
{
    const char *args[] = {user_id, client_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_bearer_audience", &row, 2,
                                                args);

    *client_member = st == AUTHSVC_OK && authsvc_db_column_int(db, row, BEARER_MEMBER, 0) != 0;
    return st;
}

/* The API's token cache (gateway_me_stamp.c) looks at this file's times to see writes
 * made outside this node's shared memory (docs/design.md, "/auth/me from memory"). */
const char *authsvc_db_sqlite_file(authsvc_db_t *db)
{
    sqlite3 *native;
    const char *file;

    if (db->dialect != AUTHSVC_DIALECT_SQLITE)
        return NULL;
    native = apr_dbd_native_handle(db->driver, db->handle);
    file = native ? sqlite3_db_filename(native, "main") : NULL;
    return file ? file : "";
}
