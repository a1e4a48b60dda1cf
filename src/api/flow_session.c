/* A signed-in session: GET /auth/me, POST /auth/token-refresh, POST /auth/switch-token,
 * POST /logout, PATCH /auth/change-password. docs/design.md section 5. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_answer_session.h"
#include "authsvc_bearer.h"
#include "authsvc_db_credentials.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_session.h"
#include "authsvc_tokens.h"

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

int authsvc_flow_me(authsvc_request_t *req)
{
    static const char *const registered[] = {"iss", "sub", "aud", "exp", "iat", "nbf", "jti"};
    cJSON *me = authsvc_json_own(req->pool, cJSON_Duplicate(req->claims, 1));
    apr_size_t i;

    for (i = 0; i < sizeof(registered) / sizeof(registered[0]); i++)
        cJSON_DeleteItemFromObjectCaseSensitive(me, registered[i]);
    return authsvc_respond_json(req, 200, me);
}

int authsvc_flow_token_refresh(authsvc_request_t *req)
{
    authsvc_session_refresh_t in;
    authsvc_session_tokens_t out;

    memset(&in, 0, sizeof(in));
    if (authsvc_bearer_token(req->headers_in, &in.access_token) != AUTHSVC_BEARER_OK)
        in.access_token = NULL; /* refused as a bad bearer token */
    in.refresh_token = session_body_string(req, "refreshToken");
    in.tenant_id = session_body_string(req, "tenantId");
    return authsvc_session_respond(
        req, authsvc_session_refresh(authsvc_request_context(req), &in, &out), &out);
}

int authsvc_flow_switch_token(authsvc_request_t *req)
{
    authsvc_session_refresh_t in;
    authsvc_session_tokens_t out;

    memset(&in, 0, sizeof(in));
    in.tenant_id = session_body_string(req, "tenantId");
    if (!in.tenant_id || !*in.tenant_id)
        return authsvc_respond_error_message(req, AUTHSVC_E_BAD_REQUEST,
                                             "Tenant ID is required", NULL);
    if (!req->db(req))
        return authsvc_respond_unavailable(req);
    in.access_jti = session_claim(req->claims, "jti");
    if (!in.access_jti)
        in.access_jti = ""; /* verified by the gate: refused as not its refresh token's */
    in.refresh_token = session_body_string(req, "refreshToken");
    return authsvc_session_respond(
        req, authsvc_session_refresh(authsvc_request_context(req), &in, &out), &out);
}

int authsvc_flow_logout(authsvc_request_t *req)
{
    const char *token = session_body_string(req, "refreshToken"), *user_id = NULL;
    authsvc_session_status_t st;
    cJSON *body;

    if (!token || !*token)
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_MISSING);
    st = authsvc_session_logout(authsvc_request_context(req), session_claim(req->claims, "jti"),
                                token, &user_id);
    if (st != AUTHSVC_SESSION_OK)
        return authsvc_session_respond(req, st, NULL);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(body, "success", 1);
    cJSON_AddStringToObject(body, "key", user_id);
    return authsvc_respond_json(req, 200, body);
}

/* The family of the caller's own session, when it named its refresh token. */
static const char *session_own_family(authsvc_request_t *req)
{
    return authsvc_session_family(authsvc_request_context(req),
                                  session_claim(req->claims, "jti"),
                                  session_body_string(req, "refreshToken"));
}

int authsvc_flow_change_password(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    const char *user_id = session_claim(req->claims, "id");
    const char *username = session_claim(req->claims, "username");
    const char *password = session_body_string(req, "password");
    const char *old = session_body_string(req, "oldPassword");
    const char *stored = NULL, *why = NULL;
    authsvc_status_t st;
    cJSON *body;

    if (!username || strcasecmp(username, session_body_string(req, "username")) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_INVALID_CREDENTIALS);
    if (!db)
        return authsvc_respond_unavailable(req);
    if (authsvc_db_credential_password(db, req->pool, user_id, &stored) != AUTHSVC_OK
        || !stored)
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
        || authsvc_tokens_revoke_user(authsvc_request_context(req), db, user_id,
                                      session_own_family(req))
               != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(body, "success", 1);
    return authsvc_respond_json(req, 200, body);
}
