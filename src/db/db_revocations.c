/* Typed helpers for revoked tokens as the gateway's cache reads them. */
#include "authsvc_db_revocations.h"

/* Columns of authsvc_revoked_live_since. */
enum { REVOKED_JTI, REVOKED_EXPIRES_AT, REVOKED_AT };

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

authsvc_status_t authsvc_db_revocation_check(authsvc_db_t *db, apr_pool_t *p,
                                             const char *jti)
{
    const char *args[] = {jti};
    apr_dbd_row_t *row = NULL;

    return authsvc_db_select_one(db, p, "authsvc_revoked_check", &row, 1, args);
}
