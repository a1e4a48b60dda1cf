/* Password login: POST /auth/login (auth code), POST /auth/login-token (tokens at
 * once) and POST /auth/token (code for tokens). docs/design.md section 5. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_answer_session.h"
#include "authsvc_auth_code.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_session.h"
#include "authsvc_tokens.h"

static const char *body_string(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req->body, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The login the body asks for. */
static void login_input(const authsvc_request_t *req, authsvc_session_login_t *in)
{
    memset(in, 0, sizeof(*in));
    in->client_id = body_string(req, "client_id");
    in->client_secret = body_string(req, "client_secret");
    in->username = body_string(req, "username");
    in->password = body_string(req, "password");
}

int authsvc_flow_login(authsvc_request_t *req)
{
    authsvc_session_login_t in;
    authsvc_session_tokens_t out;
    authsvc_session_status_t st;
    const char *code = NULL;
    cJSON *body;

    login_input(req, &in);
    st = authsvc_session_authenticate(authsvc_request_context(req), &in, &out);
    if (st != AUTHSVC_SESSION_OK)
        return authsvc_session_respond(req, st, &out);
    req->password_time += out.password_time;
    if (authsvc_auth_code_issue_for(authsvc_request_context(req), req->db(req), out.client,
                                    out.principal, &code)
        != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "code", code);
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_login_token(authsvc_request_t *req)
{
    authsvc_session_login_t in;
    authsvc_session_tokens_t out;

    login_input(req, &in);
    return authsvc_session_respond(
        req, authsvc_session_login(authsvc_request_context(req), &in, &out), &out);
}

/* A second redemption of a code revokes what the first one issued (RFC 6749 4.1.2). */
static int token_code_reused(authsvc_request_t *req, authsvc_db_t *db, const char *family_id)
{
    if (family_id)
        authsvc_tokens_revoke_family(authsvc_request_context(req), db, family_id);
    req->log(req, AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(0601) "auth code presented again; "
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

    st = authsvc_client_load(authsvc_request_context(req), db, body_string(req, "clientId"),
                             &client);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID)
                                       : authsvc_respond_unavailable(req);
    st = authsvc_auth_code_find(authsvc_request_context(req), db, body_string(req, "code"),
                                &code);
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? authsvc_respond_error(req, AUTHSVC_E_CODE_EXPIRED)
                                       : authsvc_respond_unavailable(req);
    if (strcmp(code.client_id, client->client_id) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
    if (code.mfa_pending)
        return authsvc_respond_error(req, AUTHSVC_E_USER_VERIFICATION_FAILED);
    if (code.used)
        return token_code_reused(req, db, code.family_id);
    st = authsvc_principal_load(authsvc_request_context(req), db, code.user_id, code.tenant_id,
                                &pr);
    if (st == AUTHSVC_OK && authsvc_principal_may_login(pr)) {
        authsvc_session_tokens_t out;

        memset(&out, 0, sizeof(out));
        return authsvc_session_respond(req,
                                       authsvc_session_issue(authsvc_request_context(req),
                                                             client, pr, code.hash, &out),
                                       &out); /* redeems it, or nothing */
    }
    /* the user may no longer log in: the code is spent all the same */
    switch (authsvc_auth_code_consume(authsvc_request_context(req), db, code.hash)) {
    case AUTHSVC_OK: break;
    case AUTHSVC_NOT_FOUND: return authsvc_respond_error(req, AUTHSVC_E_CODE_EXPIRED);
    default: return authsvc_respond_unavailable(req);
    }
    return authsvc_respond_error(req, AUTHSVC_E_USER_INACTIVE);
}
