/* Typed helpers for mail tokens and mail counters (see authsvc_db_mail_tokens.h). */
#include <string.h>

#include "authsvc_db_mail_tokens.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

/* Columns of authsvc_mail_token_by_hash. */
enum {
    MT_HASH,
    MT_PURPOSE,
    MT_USER,
    MT_CLIENT,
    MT_EMAIL,
    MT_EXPIRES,
    MT_USED
};

authsvc_status_t authsvc_db_mail_token_insert(authsvc_db_t *db, apr_pool_t *p,
                                              const authsvc_db_mail_token_t *t)
{
    const char *args[] = {t->hash,  t->purpose,         t->user_id,        t->client_id,
                          t->email, ARG(t->expires_ms), ARG(t->created_ms)};

    return authsvc_db_exec(db, p, "authsvc_mail_token_insert", NULL, 7, args);
}

authsvc_status_t authsvc_db_mail_token_by_hash(authsvc_db_t *db, apr_pool_t *p,
                                               const char *hash, const char *purpose,
                                               authsvc_db_mail_token_t *t)
{
    const char *args[] = {hash, purpose};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_mail_token_by_hash", &row, 2,
                                                args);

    memset(t, 0, sizeof(*t));
    if (st != AUTHSVC_OK)
        return st;
    t->hash = authsvc_db_column(db, row, MT_HASH);
    t->purpose = authsvc_db_column(db, row, MT_PURPOSE);
    t->user_id = authsvc_db_column(db, row, MT_USER);
    t->client_id = authsvc_db_column(db, row, MT_CLIENT);
    t->email = authsvc_db_column(db, row, MT_EMAIL);
    t->expires_ms = authsvc_db_column_int(db, row, MT_EXPIRES, 0);
    t->used = authsvc_db_column(db, row, MT_USED) != NULL;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_mail_token_consume(authsvc_db_t *db, apr_pool_t *p,
                                               const char *hash, const char *purpose,
                                               long long now_ms)
{
    const char *args[] = {ARG(now_ms), hash, purpose, ARG(now_ms)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_mail_token_consume", &nrows, 4, args);

    if (st != AUTHSVC_OK)
        return st;
    return nrows == 1 ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_mail_token_retire_user(authsvc_db_t *db, apr_pool_t *p,
                                                   const char *user_id, long long now_ms)
{
    const char *args[] = {ARG(now_ms), user_id};

    return authsvc_db_exec(db, p, "authsvc_mail_token_retire_user", NULL, 2, args);
}

authsvc_status_t authsvc_db_mail_limit_hit(authsvc_db_t *db, apr_pool_t *p, const char *scope,
                                           const char *subject, long long now_ms,
                                           long long window_ms, long long *count,
                                           long long *window_start)
{
    const char *cutoff = ARG(now_ms - window_ms);
    const char *args[] = {scope, subject, ARG(now_ms), cutoff, cutoff};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_mail_limit_hit", &row, 5, args);

    if (st != AUTHSVC_OK)
        return st;
    *count = authsvc_db_column_int(db, row, 0, 0);
    *window_start = authsvc_db_column_int(db, row, 1, now_ms);
    return AUTHSVC_OK;
}
