/* Our own auth codes (see authsvc_auth_code.h). */
#include <string.h>

#include "authsvc_auth_code.h"
#include "authsvc_db_tenants.h"
#include "authsvc_db_tokens.h"
#include "authsvc_limits.h"
#include "authsvc_password.h"

authsvc_status_t authsvc_auth_code_issue(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const authsvc_client_t *client, const char *user_id,
                                         const char *tenant_id, const char *user_tenant_id,
                                         int mfa_pending, const char **code)
{
    long long now = authsvc_db_now_ms();
    authsvc_db_auth_code_t row;
    const char *secret = authsvc_random_token(ctx->pool, AUTHSVC_AUTH_CODE_BYTES);
    /* a pending code waits for a mailed code: it lives as long as one (it buys no tokens) */
    int ttl = mfa_pending ? authsvc_config_otp_ttl(ctx->config) : client->auth_code_ttl;

    *code = NULL;
    if (!secret)
        return AUTHSVC_NO_MEMORY;
    memset(&row, 0, sizeof(row));
    row.hash = authsvc_token_hash(ctx->pool, secret);
    row.client_id = client->client_id;
    row.user_id = user_id;
    row.tenant_id = tenant_id;
    row.user_tenant_id = user_tenant_id;
    row.mfa_pending = mfa_pending;
    row.expires_at = now + (long long)ttl * 1000;
    if (authsvc_db_auth_code_insert(db, ctx->pool, &row, now) != AUTHSVC_OK)
        return AUTHSVC_UNAVAILABLE;
    *code = secret;
    return AUTHSVC_OK;
}

/* 1 when AuthsvcMfaRequiredTenants names the principal's tenant (by its key). */
static int auth_code_mfa_tenant(authsvc_context_t *ctx, const authsvc_principal_t *pr)
{
    authsvc_db_t *db;
    authsvc_db_tenant_t tenant;

    if (!ctx->config->mfa_tenants || !(db = ctx->db(ctx)))
        return 0;
    return authsvc_db_tenant_by_id(db, ctx->pool, pr->tenant_id, &tenant) == AUTHSVC_OK
           && authsvc_config_mfa_tenant(ctx->config, tenant.key);
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
                                   pr->user_tenant_id,
                                   authsvc_auth_code_mfa_owed(ctx, pr, client), code);
}

authsvc_status_t authsvc_auth_code_find(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *code, authsvc_auth_code_t *out)
{
    authsvc_db_auth_code_t row;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    if (!code || !*code)
        return AUTHSVC_NOT_FOUND;
    st = authsvc_db_auth_code_get(db, ctx->pool, authsvc_token_hash(ctx->pool, code), &row);
    if (st != AUTHSVC_OK)
        return st;
    out->hash = row.hash;
    out->client_id = row.client_id;
    out->user_id = row.user_id;
    out->tenant_id = row.tenant_id;
    out->user_tenant_id = row.user_tenant_id;
    out->mfa_pending = row.mfa_pending;
    out->expires_at = row.expires_at;
    out->used = row.used;
    out->family_id = row.family_id;
    out->otp_failures = row.otp_failures;
    return AUTHSVC_OK;
}

int authsvc_auth_code_live(const authsvc_auth_code_t *c)
{
    return c->hash && !c->used && c->expires_at > authsvc_db_now_ms();
}

authsvc_status_t authsvc_auth_code_consume(authsvc_context_t *ctx, authsvc_db_t *db,
                                           const char *hash)
{
    authsvc_status_t st = authsvc_db_auth_code_consume(db, ctx->pool, hash,
                                                       authsvc_db_now_ms());

    return st == AUTHSVC_OK || st == AUTHSVC_NOT_FOUND ? st : AUTHSVC_UNAVAILABLE;
}
