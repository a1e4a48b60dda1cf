/* The second factor: POST /auth/send-otp (a code by mail), POST /auth/create-qr-code
 * (authenticator enrolment), GET /auth/check-qr-code, and POST /auth/verify-otp, which
 * trades an MFA-pending auth code and a one-time code (the mailed one, else TOTP: RFC
 * 6238, each step used once) for a new, normal auth code (docs/design.md section 7). The
 * key of send-otp and verify-otp is that MFA-pending code, never a username, so a
 * one-time code alone never logs anyone in. The checks and the codes themselves are the
 * second-factor service's (authsvc_second_factor.h); these flows parse and answer. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_answer_mail_limit.h"
#include "authsvc_auth_code.h"
#include "authsvc_config_mail.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_regulation.h"
#include "authsvc_second_factor.h"

static const char *otp_body(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req->body, name);

    return cJSON_IsString(item) && *item->valuestring ? item->valuestring : NULL;
}

/* The client, then the live code issued through it (the old service's errors: no or
 * unknown client: ClientInvalid; no code: TokenInvalid; a bad code: InvalidCredentials).
 * Returns 0 with *code filled, or the status already answered. */
static int otp_client_code(authsvc_request_t *req, authsvc_db_t *db, const char *client_id,
                           const char *secret, authsvc_client_t **client,
                           authsvc_auth_code_t *code)
{
    authsvc_status_t st = client_id ? authsvc_client_load(authsvc_request_context(req), db,
                                                          client_id, client)
                                    : AUTHSVC_NOT_FOUND;

    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID)
                                       : authsvc_respond_unavailable(req);
    if (!secret)
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_INVALID);
    st = authsvc_auth_code_find(authsvc_request_context(req), db, secret, code);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (st == AUTHSVC_NOT_FOUND || !authsvc_auth_code_live(code)
        || strcmp(code->client_id, (*client)->client_id) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_INVALID_CREDENTIALS);
    return 0;
}

int authsvc_flow_create_qr_code(authsvc_request_t *req)
{
    authsvc_context_t *ctx = authsvc_request_context(req);
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_auth_code_t code;
    authsvc_principal_t *pr = NULL;
    const char *url = NULL;
    authsvc_status_t st;
    cJSON *body;
    int rc;

    if ((rc = otp_client_code(req, db, otp_body(req, "clientId"), otp_body(req, "code"),
                              &client, &code)))
        return rc;
    st = authsvc_second_factor_has_totp(ctx, db, code.user_id);
    if (st == AUTHSVC_OK)
        return authsvc_respond_error(req, AUTHSVC_E_TOTP_EXISTS);
    if (st != AUTHSVC_NOT_FOUND
        || authsvc_principal_load(authsvc_request_context(req), db, code.user_id,
                                  code.tenant_id, &pr)
               != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    st = authsvc_second_factor_enrol(ctx, db, code.user_id, pr->username, &url);
    if (st == AUTHSVC_CONFLICT)
        return authsvc_respond_error(req, AUTHSVC_E_TOTP_EXISTS);
    if (st != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(0701) "authenticator enrolled for user %s",
             code.user_id);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "qrCode", url);
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_check_qr_code(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_auth_code_t code;
    authsvc_status_t st;
    cJSON *body;
    int rc;

    if ((rc = otp_client_code(req, db, apr_table_get(req->headers_in, "clientId"),
                              apr_table_get(req->headers_in, "code"), &client, &code)))
        return rc;
    st = authsvc_second_factor_has_totp(authsvc_request_context(req), db, code.user_id);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(body, "isGenerated", st == AUTHSVC_OK);
    return authsvc_respond_json(req, 200, body);
}

/* Deferred: makes, stores and mails a code (body: codeHash, userId). */
static void otp_deliver(authsvc_request_t *job)
{
    authsvc_second_factor_mail_code(authsvc_request_context(job), job->db(job),
                                    otp_body(job, "codeHash"), otp_body(job, "userId"));
}

int authsvc_flow_send_otp(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_auth_code_t code;
    authsvc_status_t st;
    cJSON *args;

    if (authsvc_answer_mail_ip_limited(req, db))
        return req->status;
    st = authsvc_client_load(authsvc_request_context(req), db, otp_body(req, "client_id"),
                             &client);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (st == AUTHSVC_NOT_FOUND
        || !authsvc_client_secret_ok(client, otp_body(req, "client_secret"))) {
        authsvc_regulation_address_failed(authsvc_request_context(req), db);
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_VERIFICATION_FAILED);
    }
    /* whatever the key, the same answer: nothing tells a pending code from another */
    st = authsvc_auth_code_find(authsvc_request_context(req), db, otp_body(req, "key"), &code);
    if (st != AUTHSVC_OK || !authsvc_auth_code_live(&code) || !code.mfa_pending
        || strcmp(code.client_id, client->client_id) != 0)
        return authsvc_respond_no_content(req);
    if (!authsvc_config_mail_enabled(req->server_config->mail)) {
        req->log(req, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(0705) "send-otp: no AuthsvcMailServer "
                                     "or AuthsvcMailWebhook, nothing sent");
        return authsvc_respond_no_content(req);
    }
    args = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(args, "codeHash", code.hash);
    cJSON_AddStringToObject(args, "userId", code.user_id);
    req->defer(req, otp_deliver, args);
    return authsvc_respond_no_content(req);
}

/* A wrong authenticator code: counted on the pending code, which dies at the limit. */
static int otp_wrong(authsvc_request_t *req, authsvc_db_t *db, const authsvc_auth_code_t *code)
{
    if (authsvc_second_factor_wrong(authsvc_request_context(req), db, code->hash,
                                    code->otp_failures))
        authsvc_auth_code_consume(authsvc_request_context(req), db, code->hash);
    return authsvc_respond_error(req, AUTHSVC_E_OTP_INVALID);
}

int authsvc_flow_verify_otp(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_auth_code_t code;
    const char *client_id = otp_body(req, "clientId"), *fresh = NULL;
    authsvc_status_t st;
    cJSON *body;

    st = authsvc_auth_code_find(authsvc_request_context(req), db, otp_body(req, "key"), &code);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (st == AUTHSVC_NOT_FOUND || !authsvc_auth_code_live(&code))
        return authsvc_respond_error(req, AUTHSVC_E_OTP_EXPIRED);
    if (client_id && strcmp(client_id, code.client_id) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
    switch (authsvc_second_factor_verify(authsvc_request_context(req), db, code.hash,
                                         code.user_id, otp_body(req, "otp"))) {
    case AUTHSVC_SECOND_FACTOR_EXPIRED:
        return authsvc_respond_error(req, AUTHSVC_E_OTP_EXPIRED);
    case AUTHSVC_SECOND_FACTOR_WRONG_MAIL:
        return authsvc_respond_error(req, AUTHSVC_E_OTP_INVALID);
    case AUTHSVC_SECOND_FACTOR_WRONG_TOTP: return otp_wrong(req, db, &code);
    case AUTHSVC_SECOND_FACTOR_UNAVAILABLE: return authsvc_respond_unavailable(req);
    case AUTHSVC_SECOND_FACTOR_PASSED: break;
    }
    if (authsvc_client_load(authsvc_request_context(req), db, code.client_id, &client)
        != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    /* the pending code is spent (one winner), and a normal one replaces it */
    st = authsvc_auth_code_consume(authsvc_request_context(req), db, code.hash);
    if (st == AUTHSVC_NOT_FOUND)
        return authsvc_respond_error(req, AUTHSVC_E_OTP_EXPIRED);
    if (st != AUTHSVC_OK
        || authsvc_auth_code_issue(authsvc_request_context(req), db, client, code.user_id,
                                   code.tenant_id, code.user_tenant_id, 0, &fresh)
               != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "code", fresh);
    return authsvc_respond_json(req, 200, body);
}
