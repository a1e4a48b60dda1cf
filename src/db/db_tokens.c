/* Typed helpers for refresh tokens and auth codes (authsvc_db_tokens.h) over the
 * catalogue's authsvc_refresh_* and authsvc_auth_code_* statements. */
#include <string.h>

#include "authsvc_db_tokens.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

/* Columns of authsvc_refresh_by_hash. */
enum {
    RT_HASH,
    RT_FAMILY,
    RT_FAMILY_EXPIRES,
    RT_USER,
    RT_CLIENT,
    RT_TENANT,
    RT_ACCESS_JTI,
    RT_ACCESS_EXP,
    RT_EXPIRES,
    RT_CONSUMED,
    RT_REVOKED,
    RT_CREATED
};

authsvc_status_t authsvc_db_refresh_get(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                        authsvc_db_refresh_t *out)
{
    const char *args[] = {hash};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    st = authsvc_db_select_one(db, p, "authsvc_refresh_by_hash", &row, 1, args);
    if (st != AUTHSVC_OK)
        return st;
    out->hash = hash;
    out->family_id = authsvc_db_column(db, row, RT_FAMILY);
    out->family_expires = authsvc_db_column_int(db, row, RT_FAMILY_EXPIRES, 0);
    out->user_id = authsvc_db_column(db, row, RT_USER);
    out->client_id = authsvc_db_column(db, row, RT_CLIENT);
    out->tenant_id = authsvc_db_column(db, row, RT_TENANT);
    out->access_jti = authsvc_db_column(db, row, RT_ACCESS_JTI);
    out->access_exp = authsvc_db_column_int(db, row, RT_ACCESS_EXP, 0);
    out->expires = authsvc_db_column_int(db, row, RT_EXPIRES, 0);
    out->consumed = authsvc_db_column(db, row, RT_CONSUMED) != NULL;
    out->revoked = authsvc_db_column(db, row, RT_REVOKED) != NULL;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_refresh_insert(authsvc_db_t *db, apr_pool_t *p,
                                           const authsvc_db_refresh_t *rt, long long now_ms)
{
    const char *args[] = {rt->hash,       rt->family_id,       ARG(rt->family_expires),
                          rt->user_id,    rt->client_id,       rt->tenant_id,
                          rt->access_jti, ARG(rt->access_exp), ARG(rt->expires),
                          ARG(now_ms)};

    return authsvc_db_exec(db, p, "authsvc_refresh_insert", NULL, 10, args);
}

authsvc_status_t authsvc_db_refresh_consume(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                            long long now_ms)
{
    const char *args[] = {ARG(now_ms), hash, ARG(now_ms), ARG(now_ms)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_refresh_consume", &nrows, 4, args);

    return st == AUTHSVC_OK && nrows != 1 ? AUTHSVC_NOT_FOUND : st;
}

authsvc_status_t authsvc_db_refresh_revoke(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                           long long now_ms)
{
    const char *args[] = {ARG(now_ms), hash};

    return authsvc_db_exec(db, p, "authsvc_refresh_revoke", NULL, 2, args);
}

/* The rows of a select of (access_jti, access_exp) into authsvc_db_access_token_t
 * elements, read to the end. */
static authsvc_status_t access_tokens_read(authsvc_db_t *db, apr_pool_t *p, authsvc_status_t st,
                                           apr_dbd_results_t *res, long long now_ms,
                                           apr_array_header_t **tokens)
{
    apr_dbd_row_t *row = NULL;

    *tokens = apr_array_make(p, 4, sizeof(authsvc_db_access_token_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_access_token_t *t = apr_array_push(*tokens);
        t->jti = authsvc_db_column(db, row, 0);
        t->expires_at = authsvc_db_column_int(db, row, 1, now_ms);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_refresh_family_access(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *family_id, long long now_ms,
                                                  apr_array_header_t **tokens)
{
    const char *args[] = {family_id, ARG(now_ms)};
    apr_dbd_results_t *res = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_refresh_family_access", &res, 2,
                                            args);

    return access_tokens_read(db, p, st, res, now_ms, tokens);
}

authsvc_status_t authsvc_db_refresh_revoke_family(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *family_id, long long now_ms)
{
    const char *args[] = {ARG(now_ms), family_id};

    return authsvc_db_exec(db, p, "authsvc_refresh_revoke_family", NULL, 2, args);
}

authsvc_status_t authsvc_db_refresh_user_other_access(authsvc_db_t *db, apr_pool_t *p,
                                                      const char *user_id,
                                                      const char *keep_family, long long now_ms,
                                                      apr_array_header_t **tokens)
{
    const char *args[] = {user_id, keep_family ? keep_family : "", ARG(now_ms)};
    apr_dbd_results_t *res = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_refresh_user_other_access", &res, 3,
                                            args);

    return access_tokens_read(db, p, st, res, now_ms, tokens);
}

authsvc_status_t authsvc_db_refresh_revoke_user_other(authsvc_db_t *db, apr_pool_t *p,
                                                      const char *user_id,
                                                      const char *keep_family, long long now_ms)
{
    const char *args[] = {ARG(now_ms), user_id, keep_family ? keep_family : ""};

    return authsvc_db_exec(db, p, "authsvc_refresh_revoke_user_other", NULL, 3, args);
}

/* Columns of authsvc_auth_code_by_hash. */
enum {
    AC_HASH,
    AC_CLIENT,
    AC_USER,
    AC_TENANT,
    AC_USER_TENANT,
    AC_MFA,
    AC_EXPIRES = 9,
    AC_USED = 10,
    AC_FAMILY = 12,
    AC_OTP_FAILURES = 13
};

authsvc_status_t authsvc_db_auth_code_insert(authsvc_db_t *db, apr_pool_t *p,
                                             const authsvc_db_auth_code_t *code,
                                             long long now_ms)
{
    /* no PKCE challenge or nonce: those columns stay NULL */
    const char *args[] = {code->hash,
                          code->client_id,
                          code->user_id,
                          code->tenant_id,
                          code->user_tenant_id,
                          code->mfa_pending ? "1" : "0",
                          NULL,
                          NULL,
                          NULL,
                          ARG(code->expires_at),
                          ARG(now_ms)};

    return authsvc_db_exec(db, p, "authsvc_auth_code_insert", NULL, 11, args);
}

authsvc_status_t authsvc_db_auth_code_get(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                          authsvc_db_auth_code_t *out)
{
    const char *args[] = {hash};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    st = authsvc_db_select_one(db, p, "authsvc_auth_code_by_hash", &row, 1, args);
    if (st != AUTHSVC_OK)
        return st;
    out->hash = hash;
    out->client_id = authsvc_db_column(db, row, AC_CLIENT);
    out->user_id = authsvc_db_column(db, row, AC_USER);
    out->tenant_id = authsvc_db_column(db, row, AC_TENANT);
    out->user_tenant_id = authsvc_db_column(db, row, AC_USER_TENANT);
    out->mfa_pending = (int)authsvc_db_column_int(db, row, AC_MFA, 0);
    out->expires_at = authsvc_db_column_int(db, row, AC_EXPIRES, 0);
    out->used = authsvc_db_column(db, row, AC_USED) != NULL;
    out->family_id = authsvc_db_column(db, row, AC_FAMILY);
    out->otp_failures = (int)authsvc_db_column_int(db, row, AC_OTP_FAILURES, 0);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_auth_code_consume(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                              long long now_ms)
{
    const char *args[] = {ARG(now_ms), hash, ARG(now_ms)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_auth_code_consume", &nrows, 3, args);

    return st == AUTHSVC_OK && nrows != 1 ? AUTHSVC_NOT_FOUND : st;
}

authsvc_status_t authsvc_db_auth_code_set_family(authsvc_db_t *db, apr_pool_t *p,
                                                 const char *hash, const char *family_id)
{
    const char *args[] = {family_id, hash};

    return authsvc_db_exec(db, p, "authsvc_auth_code_set_family", NULL, 2, args);
}
