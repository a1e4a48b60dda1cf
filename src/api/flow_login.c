/* Password login: POST /auth/login (auth code), POST /auth/login-token (tokens at
 * once) and POST /auth/token (code for tokens). docs/design.md section 5. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_auth_code.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_purge.h"
#include "authsvc_regulation.h"
#include "authsvc_tokens.h"

#define ARG(v) authsvc_db_int_arg(req->pool, (v))

static const char *body_string(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req->body, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* ASCII lower case: the key users are found by (usernames are case-insensitive). */
static const char *login_username_key(apr_pool_t *p, const char *username)
{
    char *key = apr_pstrdup(p, username), *c;

    for (c = key; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return key;
}

/* Checks the password of user_id (NULL: no such user), spending the time of one check
 * when there is no stored hash, and rehashes a matching hash that is weaker than the
 * configuration. AUTHSVC_OK, AUTHSVC_INVALID or AUTHSVC_UNAVAILABLE. */
static authsvc_status_t login_password_check(authsvc_request_t *req, authsvc_db_t *db,
                                             const char *user_id, const char *password)
{
    const char *args[] = {user_id};
    apr_dbd_row_t *row = NULL;
    const char *stored = NULL;
    int needs_rehash = 0;
    authsvc_status_t st;

    if (user_id && authsvc_db_select_one(db, req->pool, "authsvc_credential_internal_by_user",
                                         &row, 1, args) == AUTHSVC_OK)
        stored = authsvc_db_column(db, row, 3);
    st = authsvc_flow_password_check(req, stored, password, &needs_rehash);
    if (st == AUTHSVC_OK && needs_rehash
        && authsvc_flow_password_store(req, db, user_id, password) != AUTHSVC_OK)
        req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0602) "password rehash not stored");
    return st;
}

/* A refused attempt: counted, recorded when the user exists, answered as bad credentials
 * whatever the reason (unknown user, wrong password, locked username). */
static authsvc_principal_t *login_refused(authsvc_request_t *req, authsvc_db_t *db,
                                         const authsvc_regulation_attempt_t *attempt,
                                         const char *user_id, const char *home_tenant,
                                         const authsvc_client_t *client,
                                         authsvc_regulation_reason_t reason)
{
    authsvc_regulation_refused(authsvc_request_context(req), db, attempt, reason);
    if (user_id) /* in the user's default tenant, where its administrators can see it */
        authsvc_activity_record(authsvc_request_context(req), db, "FAILED", user_id,
                                home_tenant, client->client_id, NULL);
    authsvc_respond_error(req, AUTHSVC_E_INVALID_CREDENTIALS);
    return NULL;
}

/* The client named in the body with its secret: 0, or the answer is set (503, or 401
 * counted against the address). */
static int login_client_refused(authsvc_request_t *req, authsvc_db_t *db,
                                const authsvc_regulation_attempt_t *attempt,
                                authsvc_client_t **client)
{
    authsvc_status_t st = authsvc_client_load(req, db, body_string(req, "client_id"), client);

    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND) {
        authsvc_regulation_released(authsvc_request_context(req), db, attempt);
        return authsvc_respond_unavailable(req);
    }
    if (st == AUTHSVC_NOT_FOUND
        || !authsvc_client_secret_ok(*client, body_string(req, "client_secret"))) {
        authsvc_regulation_refused(authsvc_request_context(req), db, attempt,
                                   AUTHSVC_REFUSED_BAD_CLIENT);
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_VERIFICATION_FAILED);
    }
    return 0;
}

/* The client IP's limit first (429), then the client, the user, the username's lockout
 * and the password, then membership and status. Each limit counts the attempt before
 * the password is checked (authsvc_regulation.h). On failure the answer is already set
 * and NULL is returned. */
static authsvc_principal_t *login_authenticate(authsvc_request_t *req, authsvc_db_t *db,
                                               authsvc_client_t **client)
{
    const char *key = login_username_key(req->pool, body_string(req, "username"));
    const char *user_id = NULL, *home_tenant = NULL;
    authsvc_regulation_attempt_t attempt;
    authsvc_regulation_t verdict;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;
    long retry_after = 0;

    authsvc_regulation_attempt_init(&attempt, body_string(req, "username"),
                                    req->device_user_id, req->device_id);
    verdict = authsvc_regulation_reserve_address(authsvc_request_context(req), db, &attempt,
                                                 &retry_after);
    if (verdict == AUTHSVC_REGULATION_UNAVAILABLE) {
        authsvc_respond_unavailable(req);
        return NULL;
    }
    if (verdict == AUTHSVC_REGULATION_IP_LIMITED) {
        authsvc_regulation_refused(authsvc_request_context(req), db, &attempt,
                                   AUTHSVC_REFUSED_IP_LIMITED);
        apr_table_setn(req->headers_out, "Retry-After", apr_ltoa(req->pool, retry_after));
        authsvc_respond_error(req, AUTHSVC_E_TOO_MANY_ATTEMPTS);
        return NULL;
    }
    if (login_client_refused(req, db, &attempt, client))
        return NULL;
    if (authsvc_db_select_one(db, req->pool, "authsvc_user_by_username", &row, 1, &key)
        == AUTHSVC_OK) {
        user_id = authsvc_db_column(db, row, AUTHSVC_USER_COL_ID);
        home_tenant = authsvc_db_column(db, row, AUTHSVC_USER_COL_DEFAULT_TENANT_ID);
    }
    verdict = authsvc_regulation_reserve_account(authsvc_request_context(req), db, &attempt,
                                                 key, user_id);
    if (verdict == AUTHSVC_REGULATION_UNAVAILABLE) {
        authsvc_regulation_released(authsvc_request_context(req), db, &attempt);
        authsvc_respond_unavailable(req);
        return NULL;
    }
    if (verdict == AUTHSVC_REGULATION_ACCOUNT_LOCKED) {
        /* the time of a check, and no check: a locked username learns nothing */
        authsvc_flow_password_check(req, NULL, body_string(req, "password"), NULL);
        return login_refused(req, db, &attempt, user_id, home_tenant, *client,
                             AUTHSVC_REFUSED_LOCKED);
    }
    st = login_password_check(req, db, user_id, body_string(req, "password"));
    if (st == AUTHSVC_UNAVAILABLE) {
        authsvc_regulation_released(authsvc_request_context(req), db, &attempt);
        authsvc_respond_unavailable(req);
        return NULL;
    }
    if (st != AUTHSVC_OK)
        return login_refused(req, db, &attempt, user_id, home_tenant, *client,
                             user_id ? AUTHSVC_REFUSED_BAD_PASSWORD
                                     : AUTHSVC_REFUSED_UNKNOWN_USER);
    authsvc_regulation_succeeded(authsvc_request_context(req), db, &attempt);
    /* the row read above: the password check and the regulation write no users column */
    return authsvc_login_principal_from_user(req, db, row, *client);
}

static authsvc_status_t login_touch(authsvc_request_t *req, authsvc_db_t *db,
                                    const authsvc_principal_t *pr)
{
    long long now = authsvc_db_now_ms();
    const char *args[] = {ARG(now), ARG(now), pr->user_id};

    return authsvc_db_exec(db, req->pool, "authsvc_user_set_last_login", NULL, 3, args);
}

/* The code's redemption, the pair, the code's family, the last login and the activity
 * row, in one transaction: a login answered 200 has all of them stored, one answered 503
 * none (its code can be redeemed again). AUTHSVC_NOT_FOUND: the code was redeemed
 * meanwhile. */
static authsvc_status_t login_store(authsvc_request_t *req, authsvc_db_t *db,
                                    const authsvc_client_t *client,
                                    const authsvc_principal_t *pr, const char *code_hash,
                                    authsvc_token_pair_t *pair)
{
    authsvc_status_t st = authsvc_db_begin(db, req->pool);

    if (st == AUTHSVC_OK && code_hash)
        st = authsvc_auth_code_consume(req, db, code_hash);
    if (st == AUTHSVC_OK)
        st = authsvc_tokens_issue(req, db, client, pr, NULL, 0, pair);
    if (st == AUTHSVC_OK && code_hash) {
        const char *args[] = {pair->family_id, code_hash};
        st = authsvc_db_exec(db, req->pool, "authsvc_auth_code_set_family", NULL, 2, args);
    }
    if (st == AUTHSVC_OK)
        st = login_touch(req, db, pr);
    if (st == AUTHSVC_OK)
        st = authsvc_activity_store(authsvc_request_context(req), db, "ACCESS", pr->user_id,
                                    pr->tenant_id, client->client_id, pr->claims);
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st;
    }
    return authsvc_db_commit(db);
}

/* Issues a pair, records the login, answers the TokenResponse. */
static int login_issue(authsvc_request_t *req, authsvc_db_t *db, const authsvc_client_t *client,
                       const authsvc_principal_t *pr, const char *code_hash)
{
    authsvc_token_pair_t pair;
    authsvc_status_t st = login_store(req, db, client, pr, code_hash, &pair);

    if (st == AUTHSVC_NOT_FOUND && code_hash)
        return authsvc_respond_error(req, AUTHSVC_E_CODE_EXPIRED);
    if (st != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    authsvc_activity_purge_maybe(authsvc_request_context(req), db);
    if (authsvc_purge_due() && authsvc_purge_expired(db, req->pool, authsvc_db_now_ms(), NULL)
                                   != AUTHSVC_OK)
        req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0603) "purge of expired rows failed: %s",
                 db->error ? db->error : "database error");
    return authsvc_tokens_respond(req, &pair);
}

int authsvc_flow_login(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr;
    const char *code = NULL;
    cJSON *body;

    pr = login_authenticate(req, db, &client);
    if (!pr)
        return req->status;
    if (authsvc_auth_code_issue_for(req, db, client, pr, &code) != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "code", code);
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_login_token(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr;

    pr = login_authenticate(req, db, &client);
    if (!pr)
        return req->status;
    if (authsvc_auth_code_mfa_owed(req, pr, client))
        return authsvc_respond_error(req, AUTHSVC_E_USER_VERIFICATION_FAILED);
    return login_issue(req, db, client, pr, NULL);
}

/* A second redemption of a code revokes what the first one issued (RFC 6749 4.1.2). */
static int token_code_reused(authsvc_request_t *req, authsvc_db_t *db, const char *family_id)
{
    if (family_id)
        authsvc_tokens_revoke_family(req, db, family_id);
    req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0601) "auth code presented again; "
             "its tokens are revoked");
    return authsvc_respond_error(req, AUTHSVC_E_CODE_EXPIRED);
}

int authsvc_flow_token(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr = NULL;
    authsvc_auth_code_t code;
    authsvc_status_t st;

    st = authsvc_client_load(req, db, body_string(req, "clientId"), &client);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID)
                                       : authsvc_respond_unavailable(req);
    st = authsvc_auth_code_find(req, db, body_string(req, "code"), &code);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? authsvc_respond_error(req, AUTHSVC_E_CODE_EXPIRED)
                                       : authsvc_respond_unavailable(req);
    if (strcmp(code.client_id, client->client_id) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
    if (code.mfa_pending)
        return authsvc_respond_error(req, AUTHSVC_E_USER_VERIFICATION_FAILED);
    if (code.used)
        return token_code_reused(req, db, code.family_id);
    st = authsvc_principal_load(req, db, code.user_id, code.tenant_id, &pr);
    if (st == AUTHSVC_OK && authsvc_principal_may_login(pr))
        return login_issue(req, db, client, pr, code.hash); /* redeems it, or nothing */
    /* the user may no longer log in: the code is spent all the same */
    switch (authsvc_auth_code_consume(req, db, code.hash)) {
    case AUTHSVC_OK: break;
    case AUTHSVC_NOT_FOUND: return authsvc_respond_error(req, AUTHSVC_E_CODE_EXPIRED);
    default: return authsvc_respond_unavailable(req);
    }
    return authsvc_respond_error(req, AUTHSVC_E_USER_INACTIVE);
}
