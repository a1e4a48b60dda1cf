/* A signed-in session: GET /auth/me, POST /auth/token-refresh, POST /auth/switch-token,
 * POST /logout, PATCH /auth/change-password. docs/design.md section 5. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_bearer.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_tokens.h"

#define ARG(v) authsvc_db_int_arg(req->pool, (v))

/* Columns of authsvc_refresh_by_hash. */
enum {
    RT_HASH, RT_FAMILY, RT_FAMILY_EXPIRES, RT_USER, RT_CLIENT, RT_TENANT, RT_ACCESS_JTI,
    RT_ACCESS_EXP, RT_EXPIRES, RT_CONSUMED, RT_REVOKED, RT_CREATED
};

typedef struct {
    const char *hash, *family_id, *user_id, *client_id, *tenant_id, *access_jti;
    long long family_expires, access_exp, expires;
    int consumed, revoked;
} refresh_row_t;

static const char *session_body_string(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req->body, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static const char *session_claim(const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The refresh token row of a presented token. */
static authsvc_status_t session_refresh_load(authsvc_request_t *req, authsvc_db_t *db,
                                             const char *token, refresh_row_t *rt)
{
    const char *args[] = {authsvc_token_hash(req->pool, token)};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, req->pool, "authsvc_refresh_by_hash", &row,
                                                1, args);

    if (st != AUTHSVC_OK)
        return st;
    rt->hash = args[0];
    rt->family_id = authsvc_db_column(db, row, RT_FAMILY);
    rt->family_expires = authsvc_db_column_int(db, row, RT_FAMILY_EXPIRES, 0);
    rt->user_id = authsvc_db_column(db, row, RT_USER);
    rt->client_id = authsvc_db_column(db, row, RT_CLIENT);
    rt->tenant_id = authsvc_db_column(db, row, RT_TENANT);
    rt->access_jti = authsvc_db_column(db, row, RT_ACCESS_JTI);
    rt->access_exp = authsvc_db_column_int(db, row, RT_ACCESS_EXP, 0);
    rt->expires = authsvc_db_column_int(db, row, RT_EXPIRES, 0);
    rt->consumed = authsvc_db_column(db, row, RT_CONSUMED) != NULL;
    rt->revoked = authsvc_db_column(db, row, RT_REVOKED) != NULL;
    return AUTHSVC_OK;
}

int authsvc_flow_me(authsvc_request_t *req)
{
    static const char *const registered[] = {"iss", "sub", "aud", "exp", "iat", "nbf", "jti"};
    cJSON *me = authsvc_json_own(req->pool, cJSON_Duplicate(req->claims, 1));
    apr_size_t i;

    for (i = 0; i < sizeof(registered) / sizeof(registered[0]); i++)
        cJSON_DeleteItemFromObjectCaseSensitive(me, registered[i]);
    return authsvc_respond_json(req, 200, me);
}

/* Consumes rt, revokes its access token and stores the successor in one transaction:
 * a child killed in between, or a write that fails, leaves rt valid, never a family
 * whose token is consumed without a successor. AUTHSVC_NOT_FOUND: rt was
 * consumed meanwhile (a concurrent refresh won) or expired. */
static authsvc_status_t session_rotate_store(authsvc_request_t *req, authsvc_db_t *db,
                                             const refresh_row_t *rt,
                                             const authsvc_client_t *client,
                                             const authsvc_principal_t *pr,
                                             authsvc_token_pair_t *pair)
{
    long long now = authsvc_db_now_ms();
    const char *args[] = {ARG(now), rt->hash, ARG(now), ARG(now)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_begin(db, req->pool);

    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_db_exec(db, req->pool, "authsvc_refresh_consume", &nrows, 4, args);
    if (st == AUTHSVC_OK && nrows != 1)
        st = AUTHSVC_NOT_FOUND;
    if (st == AUTHSVC_OK)
        st = authsvc_tokens_revocation_store(req, db, rt->access_jti, rt->access_exp);
    if (st == AUTHSVC_OK)
        st = authsvc_tokens_issue(req, db, client, pr, rt->family_id, rt->family_expires, pair);
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st;
    }
    st = authsvc_db_commit(db);
    if (st == AUTHSVC_OK && req->revoked) /* a rolled back revocation is never announced */
        req->revoked(req, rt->access_jti, rt->access_exp);
    return st;
}

/* Consumes rt and issues its successor in the same family, for tenant_id. */
static int session_rotate(authsvc_request_t *req, authsvc_db_t *db, const refresh_row_t *rt,
                          const char *tenant_id, int unknown_tenant_error)
{
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr = NULL;
    authsvc_token_pair_t pair;
    authsvc_status_t st;

    st = authsvc_principal_load(req, db, rt->user_id, tenant_id, &pr);
    if (st == AUTHSVC_NOT_FOUND || (st == AUTHSVC_OK && !authsvc_principal_may_login(pr)))
        return authsvc_respond_error(req, unknown_tenant_error);
    if (st != AUTHSVC_OK || authsvc_client_load(req, db, rt->client_id, &client) != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    st = session_rotate_store(req, db, rt, client, pr, &pair);
    if (st == AUTHSVC_NOT_FOUND) /* lost a race with another refresh of the same token */
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_EXPIRED);
    if (st != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    authsvc_activity_record(authsvc_request_context(req), db, "RELOGIN", pr->user_id,
                            pr->tenant_id, client->client_id, pr->claims);
    return authsvc_tokens_respond(req, &pair);
}

/* The refresh token named in the body, checked against the access token it was issued
 * with. On failure the answer is set and a non-zero status returned. */
static int session_refresh_checked(authsvc_request_t *req, authsvc_db_t *db,
                                   const cJSON *claims, refresh_row_t *rt)
{
    const char *jti = session_claim(claims, "jti");
    authsvc_status_t st = session_refresh_load(req, db, session_body_string(req, "refreshToken"), rt);

    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? authsvc_respond_error(req, AUTHSVC_E_TOKEN_EXPIRED)
                                       : authsvc_respond_unavailable(req);
    if (!jti || strcmp(jti, rt->access_jti) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_INVALID);
    if (rt->consumed || rt->revoked) {
        /* Reuse of a rotated token: the whole family ends (RFC 9700 4.14.2). */
        if (rt->consumed && !rt->revoked)
            authsvc_tokens_revoke_family(req, db, rt->family_id);
        /* the key=value shape of authsvc2001, for fail2ban (conf/fail2ban) */
        req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0604) "token refused: reason=%s "
                 "client=%s family=%s", rt->consumed ? "refresh-reuse" : "refresh-revoked",
                 req->client_ip ? req->client_ip : "-", rt->family_id);
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_EXPIRED);
    }
    if (rt->expires <= authsvc_db_now_ms() || rt->family_expires <= authsvc_db_now_ms())
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_EXPIRED);
    return 0;
}

int authsvc_flow_token_refresh(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    const char *token = NULL, *tenant_id;
    cJSON *claims = NULL;
    refresh_row_t rt;
    authsvc_bearer_result_t rv;

    rv = authsvc_bearer_token(req->headers_in, &token);
    if (rv == AUTHSVC_BEARER_OK)
        rv = authsvc_bearer_verify_refresh(req, token, &claims);
    if (rv == AUTHSVC_BEARER_UNAVAILABLE)
        return authsvc_respond_unavailable(req);
    if (rv != AUTHSVC_BEARER_OK)
        return authsvc_bearer_respond(req, AUTHSVC_BEARER_INVALID);
    if (session_refresh_checked(req, db, claims, &rt))
        return req->status;
    tenant_id = session_body_string(req, "tenantId");
    /* without a tenantId the session stays in the tenant it was in */
    return session_rotate(req, db, &rt, tenant_id && *tenant_id ? tenant_id : rt.tenant_id,
                          AUTHSVC_E_USER_DOES_NOT_EXIST);
}

int authsvc_flow_switch_token(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    const char *tenant_id = session_body_string(req, "tenantId");
    refresh_row_t rt;

    if (!tenant_id || !*tenant_id)
        return authsvc_respond_error_message(req, AUTHSVC_E_BAD_REQUEST,
                                             "Tenant ID is required", NULL);
    if (!db)
        return authsvc_respond_unavailable(req);
    if (session_refresh_checked(req, db, req->claims, &rt))
        return req->status;
    return session_rotate(req, db, &rt, tenant_id, AUTHSVC_E_USER_DOES_NOT_EXIST);
}

int authsvc_flow_logout(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    const char *token = session_body_string(req, "refreshToken");
    const char *args[2];
    refresh_row_t rt;
    cJSON *body;
    authsvc_status_t st;

    if (!token || !*token)
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_MISSING);
    if (!db)
        return authsvc_respond_unavailable(req);
    st = session_refresh_load(req, db, token, &rt);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? authsvc_respond_error(req, AUTHSVC_E_TOKEN_EXPIRED)
                                       : authsvc_respond_unavailable(req);
    if (strcmp(rt.access_jti, session_claim(req->claims, "jti")) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_INVALID);
    args[0] = ARG(authsvc_db_now_ms());
    args[1] = rt.hash;
    if (authsvc_db_exec(db, req->pool, "authsvc_refresh_revoke", NULL, 2, args) != AUTHSVC_OK
        || authsvc_tokens_revoke_jti(req, db, rt.access_jti, rt.access_exp) != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    authsvc_activity_record(authsvc_request_context(req), db, "LOGOUT", rt.user_id,
                            rt.tenant_id, rt.client_id, NULL);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(body, "success", 1);
    cJSON_AddStringToObject(body, "key", rt.user_id);
    return authsvc_respond_json(req, 200, body);
}

/* The family of the caller's own session, when it named its refresh token. */
static const char *session_own_family(authsvc_request_t *req, authsvc_db_t *db)
{
    const char *token = session_body_string(req, "refreshToken");
    refresh_row_t rt;

    if (!token || session_refresh_load(req, db, token, &rt) != AUTHSVC_OK
        || strcmp(rt.access_jti, session_claim(req->claims, "jti")) != 0)
        return NULL;
    return rt.family_id;
}

int authsvc_flow_change_password(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    const char *user_id = session_claim(req->claims, "id");
    const char *username = session_claim(req->claims, "username");
    const char *password = session_body_string(req, "password");
    const char *old = session_body_string(req, "oldPassword");
    const char *args[] = {user_id}, *stored, *why = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;
    cJSON *body;

    if (!username || strcasecmp(username, session_body_string(req, "username")) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_INVALID_CREDENTIALS);
    if (!db)
        return authsvc_respond_unavailable(req);
    if (authsvc_db_select_one(db, req->pool, "authsvc_credential_internal_by_user", &row, 1, args)
            != AUTHSVC_OK
        || !(stored = authsvc_db_column(db, row, 3)))
        return authsvc_respond_error(req, AUTHSVC_E_PASSWORD_EXTERNAL_USER);
    st = authsvc_flow_password_check(req, stored, old, NULL);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_INVALID ? authsvc_respond_error(req, AUTHSVC_E_WRONG_PASSWORD)
                                     : authsvc_respond_unavailable(req);
    if (authsvc_flow_password_acceptable(req, username, password, &why) != AUTHSVC_OK)
        return authsvc_respond_error_message(req, AUTHSVC_E_PASSWORD_INVALID, why, NULL);
    st = authsvc_flow_password_check(req, stored, password, NULL);
    if (st != AUTHSVC_INVALID)
        return st == AUTHSVC_OK ? authsvc_respond_error(req, AUTHSVC_E_PASSWORD_REUSED)
                                : authsvc_respond_unavailable(req);
    if (authsvc_flow_password_store(req, db, user_id, password) != AUTHSVC_OK
        || authsvc_tokens_revoke_user(req, db, user_id, session_own_family(req, db))
               != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(body, "success", 1);
    return authsvc_respond_json(req, 200, body);
}
