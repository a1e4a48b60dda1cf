/* Clients, principals, token pairs, revocation and login activity: the pieces every
 * token flow shares. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>

#include "authsvc_db_clients.h"
#include "authsvc_db_principals.h"
#include "authsvc_db_revocations.h"
#include "authsvc_db_tokens.h"
#include "authsvc_db_users.h"
#include "authsvc_iso8601.h"
#include "authsvc_metrics.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_keys.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_tokens.h"

static int tokens_min(int a, int b)
{
    return a < b ? a : b;
}

/* A client's TTL in seconds capped at max; dflt when the row has none (0: the columns
 * are NOT NULL and positive, so only a missing value reads as 0). */
static int tokens_ttl(long long value, int dflt, int max)
{
    return tokens_min(value != 0 ? (int)value : dflt, max);
}

authsvc_status_t authsvc_client_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const char *client_id, authsvc_client_t **out)
{
    authsvc_db_client_t row;
    authsvc_client_t *c;
    authsvc_status_t st = authsvc_db_client_by_id(db, ctx->pool, client_id, &row);

    *out = NULL;
    if (st != AUTHSVC_OK)
        return st;
    c = apr_pcalloc(ctx->pool, sizeof(*c));
    c->client_id = row.client_id;
    c->secret_hash = row.secret_hash;
    c->is_public = c->secret_hash == NULL || (row.type && strcmp(row.type, "public") == 0);
    c->redirect_url = row.redirect_url;
    c->access_ttl = tokens_ttl(row.access_ttl, AUTHSVC_ACCESS_TTL_DEFAULT,
                               AUTHSVC_ACCESS_TTL_MAX);
    c->refresh_ttl = tokens_ttl(row.refresh_ttl, AUTHSVC_REFRESH_TTL_DEFAULT,
                                AUTHSVC_REFRESH_TTL_MAX);
    c->auth_code_ttl = tokens_ttl(row.code_ttl, AUTHSVC_AUTH_CODE_TTL_DEFAULT,
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
 * (user NULL: read by user_id). */
static authsvc_status_t login_principal(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *user_id, const authsvc_db_user_t *user,
                                        const authsvc_client_t *client,
                                        authsvc_principal_t **out)
{
    authsvc_principal_t *pr = NULL;
    authsvc_status_t st;

    *out = NULL;
    if (authsvc_db_user_client_member(db, ctx->pool, user_id, client->client_id) != AUTHSVC_OK)
        return AUTHSVC_NOT_FOUND;
    st = user ? authsvc_principal_from_user(ctx, db, user, NULL, &pr)
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
                                                   const authsvc_db_user_t *user,
                                                   const authsvc_client_t *client,
                                                   authsvc_principal_t **out)
{
    return login_principal(ctx, db, user->id, user, client, out);
}

/* Effective permissions: the role's, plus the user's allowed, minus the user's denied
 * (the role's rows come first). */
static cJSON *principal_permissions(authsvc_context_t *ctx, authsvc_db_t *db,
                                    const char *role_id, const char *user_tenant_id)
{
    apr_hash_t *set = apr_hash_make(ctx->pool);
    apr_array_header_t *rows = NULL;
    apr_hash_index_t *hi;
    cJSON *out = cJSON_CreateArray();
    int i;

    if (authsvc_db_principal_permissions(db, ctx->pool, role_id, user_tenant_id, &rows)
        == AUTHSVC_OK)
        for (i = 0; i < rows->nelts; i++) {
            const authsvc_db_permission_t *perm = &APR_ARRAY_IDX(rows, i,
                                                                 authsvc_db_permission_t);
            apr_hash_set(set, perm->permission, APR_HASH_KEY_STRING, perm->allowed ? "" : NULL);
        }
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

/* The old service's user claims, from a user's row. lastLogin is ISO 8601 like every
 * other time the API answers (the previous login: this one is recorded after). */
static cJSON *principal_user_claims(apr_pool_t *p, const authsvc_db_user_t *u)
{
    const struct {
        const char *claim, *value;
        int nullable;
    } map[] = {{"id", u->id, 0},
               {"username", u->username, 0},
               {"email", u->email, 1},
               {"firstName", u->first_name, 1},
               {"middleName", u->middle_name, 1},
               {"lastName", u->last_name, 1},
               {"phone", u->phone, 1},
               {"dob", u->dob, 1},
               {"gender", u->gender, 1},
               {"photoUrl", u->photo_url, 1},
               {"designation", u->designation, 1},
               {"defaultTenantId", u->default_tenant_id, 0}};
    cJSON *claims = cJSON_CreateObject(), *prefs;
    apr_size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        claims_add_column(claims, map[i].claim, map[i].value, map[i].nullable);
    prefs = cJSON_AddObjectToObject(claims, "userPreferences");
    cJSON_AddStringToObject(prefs, "locale", u->locale ? u->locale : "en");
    if (u->external_groups)
        cJSON_AddItemToObject(claims, "groups", cJSON_Parse(u->external_groups));
    /* last_login 0: never (the column is NULL until the first login) */
    claims_add_column(claims, "lastLogin",
                      u->last_login ? authsvc_iso8601_format(p, u->last_login) : NULL, 1);
    return claims;
}

/* A principal's user part. */
static authsvc_principal_t *principal_user(authsvc_context_t *ctx, const authsvc_db_user_t *u)
{
    authsvc_principal_t *pr = apr_pcalloc(ctx->pool, sizeof(*pr));

    pr->user_id = u->id;
    pr->username = u->username;
    pr->mfa_required = u->mfa_required;
    pr->claims = authsvc_json_own(ctx->pool, principal_user_claims(ctx->pool, u));
    return pr;
}

/* The membership part; NOT_FOUND when there is no such membership (m->id NULL). */
static authsvc_status_t principal_membership(authsvc_context_t *ctx, authsvc_db_t *db,
                                             authsvc_principal_t *pr,
                                             const authsvc_db_membership_t *m)
{
    pr->user_tenant_id = m->id;
    if (!pr->user_tenant_id)
        return AUTHSVC_NOT_FOUND;
    pr->tenant_id = m->tenant_id;
    pr->role_name = m->role_name;
    pr->status = m->status;
    cJSON_AddStringToObject(pr->claims, "tenantId", pr->tenant_id);
    cJSON_AddStringToObject(pr->claims, "userTenantId", pr->user_tenant_id);
    cJSON_AddStringToObject(pr->claims, "role", pr->role_name ? pr->role_name : "");
    cJSON_AddNumberToObject(pr->claims, "status", pr->status);
    cJSON_AddItemToObject(pr->claims, "permissions",
                          principal_permissions(ctx, db, m->role_id, pr->user_tenant_id));
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_principal_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *user_id, const char *tenant_id,
                                        authsvc_principal_t **out)
{
    authsvc_db_user_t user;
    authsvc_db_membership_t m;
    authsvc_status_t st = authsvc_db_principal_by_user(db, ctx->pool, user_id, tenant_id, &user,
                                                       &m);
    authsvc_principal_t *pr;

    *out = NULL;
    if (st != AUTHSVC_OK)
        return st;
    pr = principal_user(ctx, &user);
    st = principal_membership(ctx, db, pr, &m);
    if (st == AUTHSVC_OK)
        *out = pr;
    return st;
}

authsvc_status_t authsvc_principal_from_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const authsvc_db_user_t *user,
                                             const char *tenant_id, authsvc_principal_t **out)
{
    authsvc_principal_t *pr = principal_user(ctx, user);
    authsvc_db_membership_t m;
    authsvc_status_t st;

    *out = NULL;
    if (!tenant_id)
        tenant_id = user->default_tenant_id;
    if (!tenant_id)
        return AUTHSVC_NOT_FOUND;
    st = authsvc_db_membership_get(db, ctx->pool, pr->user_id, tenant_id, &m);
    if (st == AUTHSVC_OK)
        st = principal_membership(ctx, db, pr, &m);
    if (st == AUTHSVC_OK)
        *out = pr;
    return st;
}

int authsvc_principal_may_login(const authsvc_principal_t *pr)
{
    return pr->status == AUTHSVC_USER_ACTIVE
           || pr->status == AUTHSVC_USER_PASSWORD_CHANGE_NEEDED;
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

/* Everything of an issue but its row: the access token is signed here, before any
 * transaction begins, so that a writer never holds the database's write lock (SQLite's
 * is one for the whole file) through an RSA signature (docs/design.md). */
authsvc_status_t authsvc_tokens_prepare(authsvc_context_t *ctx, const authsvc_client_t *client,
                                        const authsvc_principal_t *pr, const char *family_id,
                                        long long family_expires_ms, authsvc_token_pair_t *out,
                                        authsvc_tokens_prepared_t *prep)
{
    const authsvc_key_t *signer = ctx->config->keyring
                                      ? authsvc_keyring_signer(ctx->config->keyring)
                                      : NULL;
    long long now_ms = authsvc_db_now_ms(), now_s = now_ms / 1000, refresh_exp;
    authsvc_db_refresh_t *row = &prep->row;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    memset(prep, 0, sizeof(*prep));
    if (!signer || !signer->can_sign) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(0401) "no signing key configured "
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
    prep->rotated = family_id != NULL;
    if (!family_id) {
        family_id = authsvc_uuid_v4(ctx->pool);
        family_expires_ms = now_ms + (long long)authsvc_config_family_ttl(ctx->config) * 1000;
    }
    out->family_id = family_id;
    refresh_exp = now_ms + (long long)client->refresh_ttl * 1000;
    if (refresh_exp > family_expires_ms)
        refresh_exp = family_expires_ms;
    row->hash = authsvc_token_hash(ctx->pool, out->refresh_token);
    row->family_id = family_id;
    row->family_expires = family_expires_ms;
    row->user_id = pr->user_id;
    row->client_id = client->client_id;
    row->tenant_id = pr->tenant_id;
    row->access_jti = out->jti;
    row->access_exp = out->expires_ms;
    row->expires = refresh_exp;
    prep->now_ms = now_ms;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_tokens_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const authsvc_tokens_prepared_t *prep)
{
    authsvc_status_t st = authsvc_db_refresh_insert(db, ctx->pool, &prep->row, prep->now_ms);

    if (st == AUTHSVC_OK)
        authsvc_metrics_count(ctx->config->metrics, prep->rotated
                                                        ? AUTHSVC_METRIC_TOKENS_REFRESHED
                                                        : AUTHSVC_METRIC_TOKENS_ISSUED);
    return st;
}

authsvc_status_t authsvc_tokens_rotate(authsvc_context_t *ctx, authsvc_db_t *db,
                                       const authsvc_db_refresh_t *rt,
                                       const authsvc_client_t *client,
                                       const authsvc_principal_t *pr,
                                       authsvc_tokens_rotation_step_t step, const void *arg,
                                       authsvc_token_pair_t *pair)
{
    authsvc_tokens_prepared_t prep;
    authsvc_status_t st = authsvc_tokens_prepare(ctx, client, pr, rt->family_id,
                                                 rt->family_expires, pair, &prep);

    if (st == AUTHSVC_OK) /* signed before: the transaction holds no signature */
        st = authsvc_db_begin(db, ctx->pool);
    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_db_refresh_consume(db, ctx->pool, rt->hash, authsvc_db_now_ms());
    if (st == AUTHSVC_OK)
        st = authsvc_tokens_revocation_store(ctx, db, rt->access_jti, rt->access_exp);
    if (st == AUTHSVC_OK)
        st = authsvc_tokens_store(ctx, db, &prep);
    if (st == AUTHSVC_OK)
        st = step(ctx, db, client, pr, pair, arg);
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st;
    }
    st = authsvc_db_commit(db);
    if (st == AUTHSVC_OK && ctx->revoked) /* a rolled back revocation is never announced */
        ctx->revoked(ctx, rt->access_jti, rt->access_exp);
    return st;
}

authsvc_status_t authsvc_tokens_revocation_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                                 const char *jti, long long expires_ms)
{
    authsvc_status_t st = authsvc_db_revocation_insert(db, ctx->pool, jti, expires_ms,
                                                       authsvc_db_now_ms());

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

/* Revokes the access tokens listed (authsvc_db_access_token_t), stopping at the first
 * that fails. */
static authsvc_status_t tokens_revoke_listed(authsvc_context_t *ctx, authsvc_db_t *db,
                                             authsvc_status_t st,
                                             const apr_array_header_t *tokens)
{
    int i;

    for (i = 0; st == AUTHSVC_OK && i < tokens->nelts; i++) {
        const authsvc_db_access_token_t *t = &APR_ARRAY_IDX(tokens, i,
                                                            authsvc_db_access_token_t);
        st = authsvc_tokens_revoke_jti(ctx, db, t->jti, t->expires_at);
    }
    return st;
}

authsvc_status_t authsvc_tokens_revoke_family(authsvc_context_t *ctx, authsvc_db_t *db,
                                              const char *family_id)
{
    long long now = authsvc_db_now_ms();
    apr_array_header_t *tokens = NULL;
    authsvc_status_t st = authsvc_db_refresh_family_access(db, ctx->pool, family_id, now,
                                                           &tokens);

    st = tokens_revoke_listed(ctx, db, st, tokens);
    return st == AUTHSVC_OK ? authsvc_db_refresh_revoke_family(db, ctx->pool, family_id, now)
                            : st;
}

authsvc_status_t authsvc_tokens_revoke_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *user_id, const char *keep_family)
{
    long long now = authsvc_db_now_ms();
    apr_array_header_t *tokens = NULL;
    authsvc_status_t st = authsvc_db_refresh_user_other_access(db, ctx->pool, user_id,
                                                               keep_family, now, &tokens);

    st = tokens_revoke_listed(ctx, db, st, tokens);
    return st == AUTHSVC_OK
               ? authsvc_db_refresh_revoke_user_other(db, ctx->pool, user_id, keep_family, now)
               : st;
}
