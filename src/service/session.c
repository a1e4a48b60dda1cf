/* Sessions: password login to a token pair, token refresh and logout, over a context
 * (authsvc_session.h). What the API's login and session flows did, with statuses instead
 * of answers. docs/design.md section 5. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_auth_code.h"
#include "authsvc_bearer.h"
#include "authsvc_db_credentials.h"
#include "authsvc_db_principals.h"
#include "authsvc_db_tokens.h"
#include "authsvc_db_users.h"
#include "authsvc_log.h"
#include "authsvc_passwords.h"
#include "authsvc_purge.h"
#include "authsvc_session.h"
#include "authsvc_activity.h"
#include "authsvc_regulation.h"

typedef authsvc_db_refresh_t refresh_row_t;

/* ---- passwords ---------------------------------------------------------------------- */

/* The password of user_id (NULL: no such user), rehashing a matching hash that is
 * weaker than the configuration. AUTHSVC_OK, AUTHSVC_INVALID or AUTHSVC_UNAVAILABLE. */
static authsvc_status_t session_password_login(authsvc_context_t *ctx, authsvc_db_t *db,
                                               const char *user_id, const char *password,
                                               apr_interval_time_t *spent)
{
    const char *stored = NULL, *rehashed = NULL;
    int needs_rehash = 0;
    authsvc_status_t st;

    /* no credential, or one that cannot be read: no hash, refused */
    if (user_id
        && authsvc_db_credential_password(db, ctx->pool, user_id, &stored) != AUTHSVC_OK)
        stored = NULL;
    st = authsvc_passwords_check(ctx, stored, password, &needs_rehash, spent);
    if (st != AUTHSVC_OK || !needs_rehash)
        return st;
    if (authsvc_passwords_hash(ctx, password, &rehashed, spent) != AUTHSVC_OK
        || authsvc_db_credential_password_set(db, ctx->pool, user_id, rehashed,
                                              authsvc_db_now_ms())
               != AUTHSVC_OK)
        ctx->log(ctx, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0602) "password rehash not stored");
    return st;
}

/* ---- login -------------------------------------------------------------------------- */

/* ASCII lower case: the key users are found by (usernames are case-insensitive). */
static const char *session_username_key(apr_pool_t *p, const char *username)
{
    char *key = apr_pstrdup(p, username), *c;

    for (c = key; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return key;
}

/* A refused attempt: counted, recorded when the user exists (in the user's default
 * tenant, where its administrators can see it), refused as bad credentials whatever the
 * reason (unknown user, wrong password, locked username). */
static authsvc_session_status_t session_refused(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const authsvc_regulation_attempt_t *attempt,
                                                const char *user_id, const char *home_tenant,
                                                const authsvc_client_t *client,
                                                authsvc_regulation_reason_t reason)
{
    authsvc_regulation_refused(ctx, db, attempt, reason);
    if (user_id)
        authsvc_activity_record(ctx, db, "FAILED", user_id, home_tenant, client->client_id,
                                NULL);
    return AUTHSVC_SESSION_BAD_CREDENTIALS;
}

/* The client with its secret; a refusal is counted against the address. */
static authsvc_session_status_t session_client(authsvc_context_t *ctx, authsvc_db_t *db,
                                               const authsvc_session_login_t *in,
                                               const authsvc_regulation_attempt_t *attempt,
                                               authsvc_client_t **client)
{
    authsvc_status_t st = authsvc_client_load(ctx, db, in->client_id, client);

    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND) {
        authsvc_regulation_released(ctx, db, attempt);
        return AUTHSVC_SESSION_UNAVAILABLE;
    }
    if (st == AUTHSVC_NOT_FOUND || !authsvc_client_secret_ok(*client, in->client_secret)) {
        authsvc_regulation_refused(ctx, db, attempt, AUTHSVC_REFUSED_BAD_CLIENT);
        return AUTHSVC_SESSION_BAD_CLIENT;
    }
    return AUTHSVC_SESSION_OK;
}

static authsvc_session_status_t session_principal_status(authsvc_status_t st)
{
    switch (st) {
    case AUTHSVC_OK: return AUTHSVC_SESSION_OK;
    case AUTHSVC_NOT_FOUND: return AUTHSVC_SESSION_CLIENT_INVALID;
    case AUTHSVC_INVALID: return AUTHSVC_SESSION_USER_INACTIVE;
    default: return AUTHSVC_SESSION_FAILED;
    }
}

/* The user's account counter, lockout and password, then membership and status. */
static authsvc_session_status_t session_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const authsvc_session_login_t *in,
                                             authsvc_regulation_attempt_t *attempt,
                                             authsvc_session_tokens_t *out)
{
    const char *key = session_username_key(ctx->pool, in->username);
    const char *user_id, *home_tenant;
    authsvc_principal_t *pr = NULL;
    authsvc_regulation_t verdict;
    authsvc_db_user_t user;
    authsvc_status_t st;

    /* not found or not readable: *user is zeroed, an unknown user */
    authsvc_db_user_by_username(db, ctx->pool, in->username, &user);
    user_id = user.id;
    home_tenant = user.default_tenant_id;
    verdict = authsvc_regulation_reserve_account(ctx, db, attempt, key, user_id);
    if (verdict == AUTHSVC_REGULATION_UNAVAILABLE) {
        authsvc_regulation_released(ctx, db, attempt);
        return AUTHSVC_SESSION_UNAVAILABLE;
    }
    if (verdict == AUTHSVC_REGULATION_ACCOUNT_LOCKED) {
        int ignored;

        /* the time of a check, and no check: a locked username learns nothing */
        authsvc_passwords_check(ctx, NULL, in->password, &ignored, &out->password_time);
        return session_refused(ctx, db, attempt, user_id, home_tenant, out->client,
                               AUTHSVC_REFUSED_LOCKED);
    }
    st = session_password_login(ctx, db, user_id, in->password, &out->password_time);
    if (st == AUTHSVC_UNAVAILABLE) {
        authsvc_regulation_released(ctx, db, attempt);
        return AUTHSVC_SESSION_UNAVAILABLE;
    }
    if (st != AUTHSVC_OK)
        return session_refused(ctx, db, attempt, user_id, home_tenant, out->client,
                               user_id ? AUTHSVC_REFUSED_BAD_PASSWORD
                                       : AUTHSVC_REFUSED_UNKNOWN_USER);
    authsvc_regulation_succeeded(ctx, db, attempt);
    /* the row read above: the password check and the regulation write no users column */
    st = authsvc_login_principal_from_user(ctx, db, &user, out->client, &pr);
    out->principal = pr;
    out->user_id = pr ? pr->user_id : NULL;
    return session_principal_status(st);
}

/* The client IP's limit first, then the client, the user, the username's lockout and
 * the password, then membership and status. Each limit counts the attempt before the
 * password is checked (authsvc_regulation.h). */
authsvc_session_status_t authsvc_session_authenticate(authsvc_context_t *ctx,
                                                      const authsvc_session_login_t *in,
                                                      authsvc_session_tokens_t *out)
{
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_client_t *client = NULL;
    authsvc_regulation_attempt_t attempt;
    authsvc_regulation_t verdict;
    authsvc_session_status_t st;

    memset(out, 0, sizeof(*out));
    if (!db) /* the API's gate checked already; the login page did not */
        return AUTHSVC_SESSION_UNAVAILABLE;
    authsvc_regulation_attempt_init(&attempt, in->username, in->device_user_id, in->device_id);
    verdict = authsvc_regulation_reserve_address(ctx, db, &attempt, &out->retry_after);
    if (verdict == AUTHSVC_REGULATION_UNAVAILABLE)
        return AUTHSVC_SESSION_UNAVAILABLE;
    if (verdict == AUTHSVC_REGULATION_IP_LIMITED) {
        authsvc_regulation_refused(ctx, db, &attempt, AUTHSVC_REFUSED_IP_LIMITED);
        return AUTHSVC_SESSION_TOO_MANY_ATTEMPTS;
    }
    st = session_client(ctx, db, in, &attempt, &client);
    out->client = client;
    if (st != AUTHSVC_SESSION_OK)
        return st;
    return session_user(ctx, db, in, &attempt, out);
}

authsvc_session_status_t authsvc_session_login(authsvc_context_t *ctx,
                                               const authsvc_session_login_t *in,
                                               authsvc_session_tokens_t *out)
{
    authsvc_session_status_t st = authsvc_session_authenticate(ctx, in, out);

    if (st != AUTHSVC_SESSION_OK)
        return st;
    if (authsvc_auth_code_mfa_owed(ctx, out->principal, out->client))
        return AUTHSVC_SESSION_SECOND_FACTOR;
    return authsvc_session_issue(ctx, out->client, out->principal, NULL, out);
}

/* ---- issuing ------------------------------------------------------------------------ */

static authsvc_status_t session_touch(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const authsvc_principal_t *pr)
{
    return authsvc_db_user_set_last_login(db, ctx->pool, pr->user_id, authsvc_db_now_ms());
}

/* The code's redemption, the pair, the code's family, the last login and the activity
 * row, in one transaction: a login that succeeds has all of them stored, one that fails
 * none (its code can be redeemed again). AUTHSVC_NOT_FOUND: the code was redeemed
 * meanwhile. */
static authsvc_status_t session_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const authsvc_client_t *client,
                                      const authsvc_principal_t *pr, const char *code_hash,
                                      authsvc_token_pair_t *pair)
{
    authsvc_tokens_prepared_t prep;
    authsvc_status_t st = authsvc_tokens_prepare(ctx, client, pr, NULL, 0, pair, &prep);

    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_db_begin(db, ctx->pool);
    if (st == AUTHSVC_OK && code_hash)
        st = authsvc_auth_code_consume(ctx, db, code_hash);
    if (st == AUTHSVC_OK)
        st = authsvc_tokens_store(ctx, db, &prep);
    if (st == AUTHSVC_OK && code_hash)
        st = authsvc_db_auth_code_set_family(db, ctx->pool, code_hash, pair->family_id);
    if (st == AUTHSVC_OK)
        st = session_touch(ctx, db, pr);
    if (st == AUTHSVC_OK)
        st = authsvc_activity_store(ctx, db, "ACCESS", pr->user_id, pr->tenant_id,
                                    client->client_id, pr->claims);
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st;
    }
    return authsvc_db_commit(db);
}

authsvc_session_status_t authsvc_session_issue(authsvc_context_t *ctx,
                                               const authsvc_client_t *client,
                                               const authsvc_principal_t *pr,
                                               const char *code_hash,
                                               authsvc_session_tokens_t *out)
{
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_status_t st = session_store(ctx, db, client, pr, code_hash, &out->pair);

    if (st == AUTHSVC_NOT_FOUND && code_hash)
        return AUTHSVC_SESSION_CODE_EXPIRED;
    if (st != AUTHSVC_OK)
        return AUTHSVC_SESSION_UNAVAILABLE;
    out->client = client;
    out->principal = pr;
    out->user_id = pr->user_id;
    authsvc_activity_purge_maybe(ctx, db);
    if (authsvc_purge_due()
        && authsvc_purge_expired(db, ctx->pool, authsvc_db_now_ms(), NULL) != AUTHSVC_OK)
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(0603) "purge of expired rows failed: %s",
                 db->error ? db->error : "database error");
    return AUTHSVC_SESSION_OK;
}

/* ---- refresh and logout ------------------------------------------------------------- */

/* The refresh token row of a presented token. */
static authsvc_status_t session_refresh_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const char *token, refresh_row_t *rt)
{
    return authsvc_db_refresh_get(db, ctx->pool, authsvc_token_hash(ctx->pool, token), rt);
}

/* The refresh token, checked against the access token (jti) it was issued with. */
static authsvc_session_status_t session_refresh_checked(authsvc_context_t *ctx,
                                                        authsvc_db_t *db, const char *jti,
                                                        const char *token, refresh_row_t *rt)
{
    authsvc_status_t st = session_refresh_load(ctx, db, token, rt);

    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? AUTHSVC_SESSION_TOKEN_EXPIRED
                                       : AUTHSVC_SESSION_UNAVAILABLE;
    if (!jti || strcmp(jti, rt->access_jti) != 0)
        return AUTHSVC_SESSION_TOKEN_INVALID;
    if (rt->consumed || rt->revoked) {
        /* Reuse of a rotated token: the whole family ends (RFC 9700 4.14.2). */
        if (rt->consumed && !rt->revoked)
            authsvc_tokens_revoke_family(ctx, db, rt->family_id);
        /* the key=value shape of authsvc2001, for fail2ban (conf/fail2ban) */
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(0604) "token refused: reason=%s "
                                     "client=%s family=%s",
                 rt->consumed ? "refresh-reuse" : "refresh-revoked",
                 ctx->client_ip ? ctx->client_ip : "-", rt->family_id);
        return AUTHSVC_SESSION_TOKEN_EXPIRED;
    }
    if (rt->expires <= authsvc_db_now_ms() || rt->family_expires <= authsvc_db_now_ms())
        return AUTHSVC_SESSION_TOKEN_EXPIRED;
    return AUTHSVC_SESSION_OK;
}

/* The RELOGIN activity row, in the rotation's transaction as a login's ACCESS row is in
 * its own: one write, one sync. */
static authsvc_status_t session_rotation_activity(authsvc_context_t *ctx, authsvc_db_t *db,
                                                  const authsvc_client_t *client,
                                                  const authsvc_principal_t *pr,
                                                  const authsvc_token_pair_t *pair,
                                                  const void *arg)
{
    (void)pair;
    (void)arg;
    return authsvc_activity_store(ctx, db, "RELOGIN", pr->user_id, pr->tenant_id,
                                  client->client_id, pr->claims);
}

/* Consumes rt and issues its successor in the same family, for tenant_id. */
static authsvc_session_status_t session_rotate(authsvc_context_t *ctx, authsvc_db_t *db,
                                               const refresh_row_t *rt, const char *tenant_id,
                                               authsvc_session_tokens_t *out)
{
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr = NULL;
    authsvc_status_t st;

    st = authsvc_principal_load(ctx, db, rt->user_id, tenant_id, &pr);
    if (st == AUTHSVC_NOT_FOUND || (st == AUTHSVC_OK && !authsvc_principal_may_login(pr)))
        return AUTHSVC_SESSION_UNKNOWN_USER;
    if (st != AUTHSVC_OK || authsvc_client_load(ctx, db, rt->client_id, &client) != AUTHSVC_OK)
        return AUTHSVC_SESSION_UNAVAILABLE;
    st = authsvc_tokens_rotate(ctx, db, rt, client, pr, session_rotation_activity, NULL,
                               &out->pair);
    if (st == AUTHSVC_NOT_FOUND) /* lost a race with another refresh of the same token */
        return AUTHSVC_SESSION_TOKEN_EXPIRED;
    if (st != AUTHSVC_OK)
        return AUTHSVC_SESSION_UNAVAILABLE;
    authsvc_activity_purge_maybe(ctx, db);
    out->client = client;
    out->principal = pr;
    out->user_id = pr->user_id;
    return AUTHSVC_SESSION_OK;
}

/* The jti of the access token presented with a refresh: expired tokens pass, and the
 * revocation is not looked up (a revoked access token comes along with its refresh
 * token). */
static authsvc_session_status_t session_access_jti(authsvc_context_t *ctx,
                                                   const authsvc_session_refresh_t *in,
                                                   const char **jti)
{
    cJSON *claims = NULL;
    const cJSON *item;
    authsvc_bearer_result_t rv;

    *jti = in->access_jti;
    if (in->access_jti)
        return AUTHSVC_SESSION_OK;
    rv = in->access_token ? authsvc_bearer_verify_refresh(ctx, in->access_token, &claims)
                          : AUTHSVC_BEARER_MISSING;
    if (rv == AUTHSVC_BEARER_UNAVAILABLE)
        return AUTHSVC_SESSION_UNAVAILABLE;
    if (rv != AUTHSVC_BEARER_OK)
        return AUTHSVC_SESSION_BEARER_INVALID;
    item = cJSON_GetObjectItemCaseSensitive(claims, "jti");
    *jti = cJSON_IsString(item) ? item->valuestring : NULL;
    return AUTHSVC_SESSION_OK;
}

authsvc_session_status_t authsvc_session_refresh(authsvc_context_t *ctx,
                                                 const authsvc_session_refresh_t *in,
                                                 authsvc_session_tokens_t *out)
{
    authsvc_db_t *db = ctx->db(ctx);
    const char *jti = NULL;
    refresh_row_t rt;
    authsvc_session_status_t st;

    memset(out, 0, sizeof(*out));
    if (!db)
        return AUTHSVC_SESSION_UNAVAILABLE;
    st = session_access_jti(ctx, in, &jti);
    if (st == AUTHSVC_SESSION_OK)
        st = session_refresh_checked(ctx, db, jti, in->refresh_token, &rt);
    if (st != AUTHSVC_SESSION_OK)
        return st;
    /* without a tenant the session stays in the tenant it was in */
    return session_rotate(ctx, db, &rt,
                          in->tenant_id && *in->tenant_id ? in->tenant_id : rt.tenant_id, out);
}

authsvc_session_status_t authsvc_session_logout(authsvc_context_t *ctx, const char *access_jti,
                                                const char *refresh_token, const char **user_id)
{
    authsvc_db_t *db = ctx->db(ctx);
    refresh_row_t rt;
    authsvc_status_t st;

    *user_id = NULL;
    if (!db)
        return AUTHSVC_SESSION_UNAVAILABLE;
    st = session_refresh_load(ctx, db, refresh_token, &rt);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? AUTHSVC_SESSION_TOKEN_EXPIRED
                                       : AUTHSVC_SESSION_UNAVAILABLE;
    if (!access_jti || strcmp(rt.access_jti, access_jti) != 0)
        return AUTHSVC_SESSION_TOKEN_INVALID;
    if (authsvc_db_refresh_revoke(db, ctx->pool, rt.hash, authsvc_db_now_ms()) != AUTHSVC_OK
        || authsvc_tokens_revoke_jti(ctx, db, rt.access_jti, rt.access_exp) != AUTHSVC_OK)
        return AUTHSVC_SESSION_UNAVAILABLE;
    authsvc_activity_record(ctx, db, "LOGOUT", rt.user_id, rt.tenant_id, rt.client_id, NULL);
    *user_id = rt.user_id;
    return AUTHSVC_SESSION_OK;
}

const char *authsvc_session_family(authsvc_context_t *ctx, const char *access_jti,
                                   const char *refresh_token)
{
    authsvc_db_t *db = ctx->db(ctx);
    refresh_row_t rt;

    if (!db || !refresh_token || !access_jti
        || session_refresh_load(ctx, db, refresh_token, &rt) != AUTHSVC_OK
        || strcmp(rt.access_jti, access_jti) != 0)
        return NULL;
    return rt.family_id;
}

const char *authsvc_session_status_name(authsvc_session_status_t st)
{
    static const char *const names[] = {"ok",
                                        "unavailable",
                                        "failed",
                                        "too-many-attempts",
                                        "bad-client",
                                        "bad-credentials",
                                        "client-invalid",
                                        "user-inactive",
                                        "second-factor",
                                        "code-expired",
                                        "bearer-invalid",
                                        "token-invalid",
                                        "token-expired",
                                        "unknown-user"};

    return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}
