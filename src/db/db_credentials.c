/* A user's internal credential (see authsvc_db_credentials.h). */
#include "authsvc_db_credentials.h"

/* Column of authsvc_credential_internal_by_user: id, provider, external_id,
 * password_hash, totp_secret. */
#define CREDENTIAL_COL_PASSWORD_HASH 3

authsvc_status_t authsvc_db_credential_password(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, const char **hash)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_credential_internal_by_user",
                                                &row, 1, &user_id);

    *hash = st == AUTHSVC_OK ? authsvc_db_column(db, row, CREDENTIAL_COL_PASSWORD_HASH) : NULL;
    return st;
}

authsvc_status_t authsvc_db_credential_password_set(authsvc_db_t *db, apr_pool_t *p,
                                                    const char *user_id, const char *hash,
                                                    long long now_ms)
{
    const char *args[] = {hash, authsvc_db_int_arg(p, now_ms), user_id};

    return authsvc_db_exec(db, p, "authsvc_credential_set_password", NULL, 3, args);
}
