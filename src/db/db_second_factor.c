/* Authenticators, e-mailed one-time codes, wrong codes (see
 * authsvc_db_second_factor.h). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_second_factor.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

/* OK when exactly one row changed, else NOT_FOUND (a race lost, a limit reached). */
static authsvc_status_t one_row(authsvc_status_t st, int nrows)
{
    if (st != AUTHSVC_OK)
        return st;
    return nrows == 1 ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_totp_secret(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                        const char **secret)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_totp_by_user", &row, 1,
                                                &user_id);

    *secret = st == AUTHSVC_OK ? authsvc_db_column(db, row, 0) : NULL;
    return st == AUTHSVC_OK && !*secret ? AUTHSVC_NOT_FOUND : st;
}

authsvc_status_t authsvc_db_totp_create(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                        const char *user_id, const char *secret,
                                        long long now_ms)
{
    const char *now = ARG(now_ms);
    const char *args[] = {id, user_id, "totp", NULL, NULL, secret, now, now};

    return authsvc_db_exec(db, p, "authsvc_credential_insert", NULL, 8, args);
}

authsvc_status_t authsvc_db_totp_use_step(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                          long long step, long long now_ms)
{
    const char *args[] = {ARG(step), ARG(now_ms), user_id, ARG(step)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_totp_use_step", &nrows, 4, args);

    return one_row(st, nrows);
}

authsvc_status_t authsvc_db_otp_pending_failure(authsvc_db_t *db, apr_pool_t *p,
                                                const char *code_hash)
{
    return authsvc_db_exec(db, p, "authsvc_auth_code_otp_failure", NULL, 1, &code_hash);
}

authsvc_status_t authsvc_db_otp_retire(authsvc_db_t *db, apr_pool_t *p, const char *code_hash,
                                       long long now_ms)
{
    const char *args[] = {ARG(now_ms), code_hash};

    return authsvc_db_exec(db, p, "authsvc_otp_retire", NULL, 2, args);
}

authsvc_status_t authsvc_db_otp_insert(authsvc_db_t *db, apr_pool_t *p,
                                       const authsvc_db_otp_t *otp)
{
    const char *args[] = {otp->id,       otp->code_hash,       otp->user_id,
                          otp->otp_hash, ARG(otp->expires_ms), ARG(otp->created_ms)};

    return authsvc_db_exec(db, p, "authsvc_otp_insert", NULL, 6, args);
}

authsvc_status_t authsvc_db_otp_latest(authsvc_db_t *db, apr_pool_t *p, const char *code_hash,
                                       authsvc_db_otp_t *otp)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_otp_latest", &row, 1,
                                                &code_hash);

    memset(otp, 0, sizeof(*otp));
    if (st != AUTHSVC_OK)
        return st;
    otp->id = authsvc_db_column(db, row, 0);
    otp->code_hash = code_hash;
    otp->otp_hash = authsvc_db_column(db, row, 1);
    otp->expires_ms = authsvc_db_column_int(db, row, 4, 0);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_otp_attempt(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                        int max, long long now_ms)
{
    const char *args[] = {id, apr_itoa(p, max), ARG(now_ms)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_otp_attempt", &nrows, 3, args);

    return one_row(st, nrows);
}

authsvc_status_t authsvc_db_otp_use(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                    long long now_ms)
{
    const char *args[] = {ARG(now_ms), id};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_otp_use", &nrows, 2, args);

    return one_row(st, nrows);
}
