/* Clients, principals, token pairs, revocation and login activity: the pieces every
 * token flow shares. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>

#include "authsvc_db_tokens.h"
#include "authsvc_iso8601.h"
#include "authsvc_metrics.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_keys.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_tokens.h"

#define ARG(v) authsvc_db_int_arg(ctx->pool, (v))

static int tokens_min(int a, int b)
{
    return a < b ? a : b;
}

authsvc_status_t authsvc_client_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const char *client_id, authsvc_client_t **out)
{
    const char *args[] = {client_id};
    apr_dbd_row_t *row = NULL;
    authsvc_client_t *c;
    authsvc_status_t st = authsvc_db_select_one(db, ctx->pool, "authsvc_client_by_client_id",
                                                &row, 1, args);

    *out = NULL;
    if (st != AUTHSVC_OK)
        return st;
    c = apr_pcalloc(ctx->pool, sizeof(*c));
    c->client_id = authsvc_db_column(db, row, 0);
    c->secret_hash = authsvc_db_column(db, row, 1);
    c->is_public = c->secret_hash == NULL || strcmp(authsvc_db_column(db, row, 2), "public") == 0;
    c->redirect_url = authsvc_db_column(db, row, 3);
    c->access_ttl = tokens_min((int)authsvc_db_column_int(db, row, 4, AUTHSVC_ACCESS_TTL_DEFAULT),
                               AUTHSVC_ACCESS_TTL_MAX);
    c->refresh_ttl = tokens_min(
        (int)authsvc_db_column_int(db, row, 5, AUTHSVC_REFRESH_TTL_DEFAULT), AUTHSVC_REFRESH_TTL_MAX);
    c->auth_code_ttl = tokens_min(
        (int)authsvc_db_column_int(db, row, 6, AUTHSVC_AUTH_CODE_TTL_DEFAULT),
        AUTHSVC_AUTH_CODE_TTL_MAX);
    *out = c;
    return AUTHSVC_OK;
}

int authsvc_client_secret_ok(const authsvc_client_t *client, const char *secret)
{
    if (client->is_public)
        return 1;
    if (!secret)
        return 0;
    return authsvc_secret_verify(client->secret_hash, secret, strlen(secret));
}

const char *authsvc_token_hash(apr_pool_t *p, const char *secret)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    char *hex;
    unsigned int i;

    if (!EVP_Digest(secret, strlen(secret), md, &len, EVP_sha256(), NULL))
        return NULL;
    hex = apr_palloc(p, len * 2 + 1);
    for (i = 0; i < len; i++)
        apr_snprintf(hex + i * 2, 3, "%02x", md[i]);
    return hex;
}

/* authsvc_login_principal, from the user's row when the caller has read it already
 * (user_row NULL: read by user_id). */
static authsvc_status_t login_principal(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *user_id, apr_dbd_row_t *user_row,
                                        const authsvc_client_t *client,
                                        authsvc_principal_t **out)
{
    const char *member[] = {user_id, client->client_id};
    apr_dbd_row_t *row = NULL;
    authsvc_principal_t *pr = NULL;
    authsvc_status_t st;

    *out = NULL;
    if (authsvc_db_select_one(db, ctx->pool, "authsvc_user_client_member", &row, 2, member)
        != AUTHSVC_OK)
        return AUTHSVC_NOT_FOUND;
    st = user_row ? authsvc_principal_from_user(ctx, db, user_row, NULL, &pr)
                  : authsvc_principal_load(ctx, db, user_id, NULL, &pr);
    if (st == AUTHSVC_OK && authsvc_principal_may_login(pr)) {
        *out = pr;
        return AUTHSVC_OK;
    }
    return st == AUTHSVC_OK || st == AUTHSVC_NOT_FOUND ? AUTHSVC_INVALID : AUTHSVC_UNAVAILABLE;
}

authsvc_status_t authsvc_login_principal(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const char *user_id, const authsvc_client_t *client,
                                         authsvc_principal_t **out)
{
    return login_principal(ctx, db, user_id, NULL, client, out);
}

authsvc_status_t authsvc_login_principal_from_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   apr_dbd_row_t *user_row,
                                                   const authsvc_client_t *client,
                                                   authsvc_principal_t **out)
{
    return login_principal(ctx, db, authsvc_db_column(db, user_row, AUTHSVC_USER_COL_ID),
                           user_row, client, out);
}

/* Effective permissions: the role's, plus the user's allowed, minus the user's denied
 * (the role's rows come first). */
static cJSON *principal_permissions(authsvc_context_t *ctx, authsvc_db_t *db,
                                    const char *role_id, const char *user_tenant_id)
{
    apr_hash_t *set = apr_hash_make(ctx->pool);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *args[] = {role_id, user_tenant_id};
    apr_hash_index_t *hi;
    cJSON *out = cJSON_CreateArray();

    if (authsvc_db_select(db, ctx->pool, "authsvc_principal_permissions", &res, 2, args)
        == AUTHSVC_OK)
        while (authsvc_db_next_row(db, ctx->pool, res, &row))
            apr_hash_set(set, authsvc_db_column(db, row, 0), APR_HASH_KEY_STRING,
                         authsvc_db_column_int(db, row, 1, 1) ? "" : NULL);
    for (hi = apr_hash_first(ctx->pool, set); hi; hi = apr_hash_next(hi))
        cJSON_AddItemToArray(out, cJSON_CreateString(apr_hash_this_key(hi)));
    return out;
}

/* A profile value, or null when the user has none: the old service's user object
 * carries every profile key. */
static void claims_add_column(cJSON *claims, const char *name, const char *value, int nullable)
{
    if (value)
        cJSON_AddStringToObject(claims, name, value);
    else if (nullable)
        cJSON_AddNullToObject(claims, name);
}

/* The old service's user claims, from a users row. lastLogin is ISO 8601 like every
 * other time the API answers (the previous login: this one is recorded after). */
static cJSON *principal_user_claims(apr_pool_t *p, authsvc_db_t *db, apr_dbd_row_t *row)
{
    static const struct { const char *claim; int col, nullable; } map[] = {
        {"id", AUTHSVC_USER_COL_ID, 0}, {"username", AUTHSVC_USER_COL_USERNAME, 0},
        {"email", AUTHSVC_USER_COL_EMAIL, 1}, {"firstName", AUTHSVC_USER_COL_FIRST_NAME, 1},
        {"middleName", AUTHSVC_USER_COL_MIDDLE_NAME, 1},
        {"lastName", AUTHSVC_USER_COL_LAST_NAME, 1}, {"phone", AUTHSVC_USER_COL_PHONE, 1},
        {"dob", AUTHSVC_USER_COL_DOB, 1}, {"gender", AUTHSVC_USER_COL_GENDER, 1},
        {"photoUrl", AUTHSVC_USER_COL_PHOTO_URL, 1},
        {"designation", AUTHSVC_USER_COL_DESIGNATION, 1},
        {"defaultTenantId", AUTHSVC_USER_COL_DEFAULT_TENANT_ID, 0}};
    cJSON *claims = cJSON_CreateObject(), *prefs;
    apr_size_t i;
    const char *locale = authsvc_db_column(db, row, AUTHSVC_USER_COL_LOCALE);
    const char *last_login = NULL;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        claims_add_column(claims, map[i].claim, authsvc_db_column(db, row, map[i].col),
                          map[i].nullable);
    prefs = cJSON_AddObjectToObject(claims, "userPreferences");
    cJSON_AddStringToObject(prefs, "locale", locale ? locale : "en");
    if (authsvc_db_column(db, row, AUTHSVC_USER_COL_EXTERNAL_GROUPS))
        cJSON_AddItemToObject(claims, "groups",
                              cJSON_Parse(authsvc_db_column(db, row, AUTHSVC_USER_COL_EXTERNAL_GROUPS)));
    if (authsvc_db_column(db, row, AUTHSVC_USER_COL_LAST_LOGIN))
        last_login = authsvc_iso8601_format(
            p, authsvc_db_column_int(db, row, AUTHSVC_USER_COL_LAST_LOGIN, 0));
    claims_add_column(claims, "lastLogin", last_login, 1);
    return claims;
}

/* The first column of the membership in authsvc_user_with_tenant. */
#define PRINCIPAL_MEMBERSHIP_COL (AUTHSVC_USER_COL_EXTERNAL_GROUPS + 1)

/* A principal's user part, from a row of USER_COLUMNS. */
static authsvc_principal_t *principal_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                           apr_dbd_row_t *row)
{
    authsvc_principal_t *pr = apr_pcalloc(ctx->pool, sizeof(*pr));

    pr->user_id = authsvc_db_column(db, row, AUTHSVC_USER_COL_ID);
    pr->username = authsvc_db_column(db, row, AUTHSVC_USER_COL_USERNAME);
    pr->mfa_required = (int)authsvc_db_column_int(db, row, AUTHSVC_USER_COL_MFA_REQUIRED, 0);
    pr->claims = authsvc_json_own(ctx->pool, principal_user_claims(ctx->pool, db, row));
    return pr;
}

/* The membership part, from the columns of authsvc_user_tenant_by_user_tenant starting
 * at column first; NOT_FOUND when they are NULL (no such membership). */
static authsvc_status_t principal_membership(authsvc_context_t *ctx, authsvc_db_t *db,
                                             authsvc_principal_t *pr, apr_dbd_row_t *row,
                                             int first)
{
    const char *role_id;

    pr->user_tenant_id = authsvc_db_column(db, row, first);
    if (!pr->user_tenant_id)
        return AUTHSVC_NOT_FOUND;
    pr->tenant_id = authsvc_db_column(db, row, first + 2);
    role_id = authsvc_db_column(db, row, first + 3);
    pr->role_name = authsvc_db_column(db, row, first + 4);
    pr->status = (int)authsvc_db_column_int(db, row, first + 5, AUTHSVC_USER_REGISTERED);
    cJSON_AddStringToObject(pr->claims, "tenantId", pr->tenant_id);
    cJSON_AddStringToObject(pr->claims, "userTenantId", pr->user_tenant_id);
    cJSON_AddStringToObject(pr->claims, "role", pr->role_name ? pr->role_name : "");
    cJSON_AddNumberToObject(pr->claims, "status", pr->status);
    cJSON_AddItemToObject(pr->claims, "permissions",
                          principal_permissions(ctx, db, role_id, pr->user_tenant_id));
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_principal_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *user_id, const char *tenant_id,
                                        authsvc_principal_t **out)
{
    const char *args[] = {user_id, tenant_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, ctx->pool, "authsvc_user_with_tenant", &row,
                                                2, args);
    authsvc_principal_t *pr;

    *out = NULL;
    if (st != AUTHSVC_OK)
        return st;
    pr = principal_user(ctx, db, row);
    st = principal_membership(ctx, db, pr, row, PRINCIPAL_MEMBERSHIP_COL);
    if (st == AUTHSVC_OK)
        *out = pr;
    return st;
}

authsvc_status_t authsvc_principal_from_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                             apr_dbd_row_t *row, const char *tenant_id,
                                             authsvc_principal_t **out)
{
    authsvc_principal_t *pr = principal_user(ctx, db, row);
    const char *targs[2];
    authsvc_status_t st;

    *out = NULL;
    if (!tenant_id)
        tenant_id = authsvc_db_column(db, row, AUTHSVC_USER_COL_DEFAULT_TENANT_ID);
    if (!tenant_id)
        return AUTHSVC_NOT_FOUND;
    targs[0] = pr->user_id;
    targs[1] = tenant_id;
    row = NULL;
    st = authsvc_db_select_one(db, ctx->pool, "authsvc_user_tenant_by_user_tenant", &row, 2, targs);
    if (st == AUTHSVC_OK)
        st = principal_membership(ctx, db, pr, row, 0);
    if (st == AUTHSVC_OK)
        *out = pr;
    return st;
}

int authsvc_principal_may_login(const authsvc_principal_t *pr)
{
    return pr->status == AUTHSVC_USER_ACTIVE || pr->status == AUTHSVC_USER_PASSWORD_CHANGE_NEEDED;
}

/* The access token's claims: the principal's, plus the registered ones. */
static cJSON *tokens_access_claims(authsvc_context_t *ctx, const authsvc_client_t *client,
                                   const authsvc_principal_t *pr, const char *jti,
                                   long long now_s)
{
    cJSON *claims = authsvc_json_own(ctx->pool, cJSON_Duplicate(pr->claims, 1));

    cJSON_AddStringToObject(claims, "iss", ctx->issuer);
    cJSON_AddStringToObject(claims, "sub", pr->user_id);
    cJSON_AddStringToObject(claims, "aud", client->client_id);
    cJSON_AddNumberToObject(claims, "iat", (double)now_s);
    cJSON_AddNumberToObject(claims, "exp", (double)(now_s + client->access_ttl));
    cJSON_AddStringToObject(claims, "jti", jti);
    return claims;
}

authsvc_status_t authsvc_tokens_issue(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const authsvc_client_t *client,
                                      const authsvc_principal_t *pr, const char *family_id,
                                      long long family_expires_ms, authsvc_token_pair_t *out)
{
    const authsvc_key_t *signer = ctx->config->keyring
                                      ? authsvc_keyring_signer(ctx->config->keyring)
                                      : NULL;
    long long now_ms = authsvc_db_now_ms(), now_s = now_ms / 1000, refresh_exp;
    authsvc_db_refresh_t row;
    authsvc_status_t st;
    int rotated;

    memset(out, 0, sizeof(*out));
    memset(&row, 0, sizeof(row));
    if (!signer || !signer->can_sign) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR, AUTHSVC_LOGNO(0401) "no signing key configured "
                 "(AuthsvcSigningKey)");
        return AUTHSVC_UNAVAILABLE;
    }
    out->jti = authsvc_uuid_v4(ctx->pool);
    out->refresh_token = authsvc_random_token(ctx->pool, AUTHSVC_REFRESH_TOKEN_BYTES);
    if (!out->jti || !out->refresh_token)
        return AUTHSVC_CRYPTO_ERROR;
    out->expires_ms = (now_s + client->access_ttl) * 1000;
    st = authsvc_jwt_sign(ctx->pool, signer,
                          tokens_access_claims(ctx, client, pr, out->jti, now_s),
                          &out->access_token);
    if (st != AUTHSVC_OK)
        return st;
    rotated = family_id != NULL;
    if (!family_id) {
        family_id = authsvc_uuid_v4(ctx->pool);
        family_expires_ms = now_ms + (long long)authsvc_config_family_ttl(ctx->config) * 1000;
    }
    out->family_id = family_id;
    refresh_exp = now_ms + (long long)client->refresh_ttl * 1000;
    if (refresh_exp > family_expires_ms)
        refresh_exp = family_expires_ms;
    row.hash = authsvc_token_hash(ctx->pool, out->refresh_token);
    row.family_id = family_id;
    row.family_expires = family_expires_ms;
    row.user_id = pr->user_id;
    row.client_id = client->client_id;
    row.tenant_id = pr->tenant_id;
    row.access_jti = out->jti;
    row.access_exp = out->expires_ms;
    row.expires = refresh_exp;
    st = authsvc_db_refresh_insert(db, ctx->pool, &row, now_ms);
    if (st == AUTHSVC_OK)
        authsvc_metrics_count(ctx->config->metrics, rotated ? AUTHSVC_METRIC_TOKENS_REFRESHED
                                                                   : AUTHSVC_METRIC_TOKENS_ISSUED);
    return st;
}

authsvc_status_t authsvc_tokens_revocation_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                                 const char *jti, long long expires_ms)
{
    const char *args[] = {jti, ARG(expires_ms), ARG(authsvc_db_now_ms())};
    authsvc_status_t st = authsvc_db_exec(db, ctx->pool, "authsvc_revoked_insert", NULL, 3, args);

    if (st == AUTHSVC_OK)
        authsvc_metrics_count(ctx->config->metrics, AUTHSVC_METRIC_TOKENS_REVOKED);
    return st;
}

authsvc_status_t authsvc_tokens_revoke_jti(authsvc_context_t *ctx, authsvc_db_t *db,
                                           const char *jti, long long expires_ms)
{
    authsvc_status_t st = authsvc_tokens_revocation_store(ctx, db, jti, expires_ms);

    if (st == AUTHSVC_OK && ctx->revoked)
        ctx->revoked(ctx, jti, expires_ms);
    return st;
}

/* Revokes the access tokens (jti, expiry) a select lists, then runs the statement that
 * marks their refresh tokens revoked. */
static authsvc_status_t tokens_revoke_listed(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const char *list, int nlist, const char **largs,
                                             const char *mark, int nmark, const char **margs)
{
    long long now = authsvc_db_now_ms();
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, ctx->pool, list, &res, nlist, largs);

    while (st == AUTHSVC_OK && authsvc_db_next_row(db, ctx->pool, res, &row))
        st = authsvc_tokens_revoke_jti(ctx, db, authsvc_db_column(db, row, 0),
                                       authsvc_db_column_int(db, row, 1, now));
    if (st != AUTHSVC_OK)
        return st;
    return authsvc_db_exec(db, ctx->pool, mark, NULL, nmark, margs);
}

authsvc_status_t authsvc_tokens_revoke_family(authsvc_context_t *ctx, authsvc_db_t *db,
                                              const char *family_id)
{
    const char *now = ARG(authsvc_db_now_ms());
    const char *fargs[] = {family_id, now}, *rargs[] = {now, family_id};

    return tokens_revoke_listed(ctx, db, "authsvc_refresh_family_access", 2, fargs,
                                "authsvc_refresh_revoke_family", 2, rargs);
}

authsvc_status_t authsvc_tokens_revoke_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *user_id, const char *keep_family)
{
    const char *now = ARG(authsvc_db_now_ms()), *keep = keep_family ? keep_family : "";
    const char *sargs[] = {user_id, keep, now}, *rargs[] = {now, user_id, keep};

    return tokens_revoke_listed(ctx, db, "authsvc_refresh_user_other_access", 3, sargs,
                                "authsvc_refresh_revoke_user_other", 3, rargs);
}
