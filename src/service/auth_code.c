/* Our own auth codes (see authsvc_auth_code.h). */
#include <string.h>

#include "authsvc_auth_code.h"
#include "authsvc_limits.h"
#include "authsvc_password.h"

#define ARG(v) authsvc_db_int_arg(ctx->pool, (v))

/* columns of authsvc_auth_code_by_hash */
enum { AC_HASH, AC_CLIENT, AC_USER, AC_TENANT, AC_USER_TENANT, AC_MFA, AC_EXPIRES = 9,
       AC_USED = 10, AC_FAMILY = 12, AC_OTP_FAILURES = 13 };

authsvc_status_t authsvc_auth_code_issue(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const authsvc_client_t *client,
                                         const char *user_id, const char *tenant_id,
                                         const char *user_tenant_id, int mfa_pending,
                                         const char **code)
{
    long long now = authsvc_db_now_ms();
    const char *args[11];
    const char *secret = authsvc_random_token(ctx->pool, AUTHSVC_AUTH_CODE_BYTES);
    /* a pending code waits for a mailed code: it lives as long as one (it buys no tokens) */
    int ttl = mfa_pending ? authsvc_config_otp_ttl(ctx->config) : client->auth_code_ttl;

    *code = NULL;
    if (!secret)
        return AUTHSVC_NO_MEMORY;
    args[0] = authsvc_token_hash(ctx->pool, secret);
    args[1] = client->client_id;
    args[2] = user_id;
    args[3] = tenant_id;
    args[4] = user_tenant_id;
    args[5] = mfa_pending ? "1" : "0";
    args[6] = args[7] = args[8] = NULL;
    args[9] = ARG(now + (long long)ttl * 1000);
    args[10] = ARG(now);
    if (authsvc_db_exec(db, ctx->pool, "authsvc_auth_code_insert", NULL, 11, args) != AUTHSVC_OK)
        return AUTHSVC_UNAVAILABLE;
    *code = secret;
    return AUTHSVC_OK;
}

/* 1 when AuthsvcMfaRequiredTenants names the principal's tenant (by its key). */
static int auth_code_mfa_tenant(authsvc_context_t *ctx, const authsvc_principal_t *pr)
{
    authsvc_db_t *db;
    apr_dbd_row_t *row = NULL;
    const char *args[] = {pr->tenant_id};

    if (!ctx->config->mfa_tenants || !(db = ctx->db(ctx)))
        return 0;
    return authsvc_db_select_one(db, ctx->pool, "authsvc_tenant_by_id", &row, 1, args) == AUTHSVC_OK
           && authsvc_config_mfa_tenant(ctx->config, authsvc_db_column(db, row, 1));
}

int authsvc_auth_code_mfa_owed(authsvc_context_t *ctx, const authsvc_principal_t *pr,
                               const authsvc_client_t *client)
{
    return pr->mfa_required || authsvc_config_mfa_client(ctx->config, client->client_id)
           || auth_code_mfa_tenant(ctx, pr);
}

authsvc_status_t authsvc_auth_code_issue_for(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const authsvc_client_t *client,
                                             const authsvc_principal_t *pr, const char **code)
{
    return authsvc_auth_code_issue(ctx, db, client, pr->user_id, pr->tenant_id,
                                   pr->user_tenant_id, authsvc_auth_code_mfa_owed(ctx, pr, client),
                                   code);
}

authsvc_status_t authsvc_auth_code_find(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *code, authsvc_auth_code_t *out)
{
    const char *args[] = {authsvc_token_hash(ctx->pool, code ? code : "")};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    if (!code || !*code)
        return AUTHSVC_NOT_FOUND;
    st = authsvc_db_select_one(db, ctx->pool, "authsvc_auth_code_by_hash", &row, 1, args);
    if (st != AUTHSVC_OK)
        return st;
    out->hash = args[0];
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

int authsvc_auth_code_live(const authsvc_auth_code_t *c)
{
    return c->hash && !c->used && c->expires_at > authsvc_db_now_ms();
}

authsvc_status_t authsvc_auth_code_consume(authsvc_context_t *ctx, authsvc_db_t *db,
                                           const char *hash)
{
    long long now = authsvc_db_now_ms();
    const char *args[] = {ARG(now), hash, ARG(now)};
    int nrows = 0;

    if (authsvc_db_exec(db, ctx->pool, "authsvc_auth_code_consume", &nrows, 3, args) != AUTHSVC_OK)
        return AUTHSVC_UNAVAILABLE;
    return nrows == 1 ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}
