/* Typed helpers for the token endpoint's refresh-token columns (authsvc_db_oidc_tokens.h). */
#include <string.h>

#include "authsvc_db_oidc_tokens.h"

/* Columns of authsvc_oidc_refresh_get. */
enum {
    REFRESH_SCOPE,
    REFRESH_AUTH_TIME,
    REFRESH_AMR,
    REFRESH_CREATED
};

authsvc_status_t authsvc_db_oidc_refresh_set(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                             const authsvc_db_oidc_refresh_t *in)
{
    const char *args[] = {in->scope, authsvc_db_int_arg(p, in->auth_time_ms), in->amr, hash};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_oidc_refresh_set", &nrows, 4, args);

    return st == AUTHSVC_OK && nrows == 0 ? AUTHSVC_NOT_FOUND : st;
}

authsvc_status_t authsvc_db_oidc_refresh_get(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                             authsvc_db_oidc_refresh_t *out)
{
    const char *args[] = {hash};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    st = authsvc_db_select_one(db, p, "authsvc_oidc_refresh_get", &row, 1, args);
    if (st != AUTHSVC_OK)
        return st;
    out->scope = authsvc_db_column(db, row, REFRESH_SCOPE);
    out->auth_time_ms = authsvc_db_column_int(db, row, REFRESH_AUTH_TIME, 0);
    out->amr = authsvc_db_column(db, row, REFRESH_AMR);
    out->created_ms = authsvc_db_column_int(db, row, REFRESH_CREATED, 0);
    return AUTHSVC_OK;
}
