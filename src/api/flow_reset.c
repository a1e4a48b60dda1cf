/* Forgot / reset password: POST /auth/forget-password, GET
 * /auth/verify-reset-password-link, PATCH /auth/reset-password. docs/design.md section 6.
 *
 * forget-password answers 204 after the client check whatever the username: finding
 * the user, making the token and mailing it run in the child's background worker, so
 * neither the answer nor its timing tells whether the account exists, and an SMTP
 * outage never delays it. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_answer_mail_limit.h"
#include "authsvc_config_mail.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password_reset.h"
#include "authsvc_regulation.h"
#include "authsvc_tokens.h"

static const char *reset_body_string(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req->body, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The client named in the body with its secret; on failure the answer is set (401
 * ClientVerificationFailed, counted against the client IP as in login). */
static int reset_client_checked(authsvc_request_t *req, authsvc_db_t *db,
                                authsvc_client_t **client)
{
    authsvc_status_t st = authsvc_client_load(authsvc_request_context(req), db,
                                              reset_body_string(req, "client_id"), client);

    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (st == AUTHSVC_NOT_FOUND
        || !authsvc_client_secret_ok(*client, reset_body_string(req, "client_secret"))) {
        authsvc_regulation_address_failed(authsvc_request_context(req), db);
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_VERIFICATION_FAILED);
    }
    return 0;
}

/* Deferred: the mail of a forget-password request (body: username, client_id). A request
 * within the limit gets its mail, or an error in the log. */
static void reset_deliver(authsvc_request_t *job)
{
    authsvc_db_t *db = job->db(job); /* deferred_db logs a failure */

    authsvc_password_reset_mail(authsvc_request_context(job), db,
                                reset_body_string(job, "username"),
                                reset_body_string(job, "client_id"));
}

int authsvc_flow_forget_password(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    cJSON *args;

    if (authsvc_answer_mail_ip_limited(req, db) || reset_client_checked(req, db, &client))
        return req->status;
    if (!authsvc_config_mail_enabled(req->server_config->mail)) {
        req->log(req, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(1633) "forget-password: no "
                                     "AuthsvcMailServer or AuthsvcMailWebhook, nothing sent");
        return authsvc_respond_no_content(req);
    }
    args = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(args, "username", reset_body_string(req, "username"));
    cJSON_AddStringToObject(args, "client_id", client->client_id);
    req->defer(req, reset_deliver, args);
    return authsvc_respond_no_content(req);
}

/* The answer to a reset link or a reset that did not succeed. */
static int reset_answer(authsvc_request_t *req, authsvc_password_reset_status_t rs,
                        const char *why)
{
    switch (rs) {
    case AUTHSVC_RESET_TOKEN_INVALID:
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_INVALID);
    case AUTHSVC_RESET_TOKEN_EXPIRED:
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_EXPIRED);
    case AUTHSVC_RESET_CLIENT_INVALID:
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
    case AUTHSVC_RESET_PASSWORD_INVALID:
        return authsvc_respond_error_message(req, AUTHSVC_E_PASSWORD_INVALID, why, NULL);
    case AUTHSVC_RESET_EXTERNAL_USER:
        return authsvc_respond_error(req, AUTHSVC_E_PASSWORD_EXTERNAL_USER);
    case AUTHSVC_RESET_PASSWORD_REUSED:
        return authsvc_respond_error(req, AUTHSVC_E_PASSWORD_REUSED);
    default: return authsvc_respond_unavailable(req);
    }
}

int authsvc_flow_verify_reset_link(authsvc_request_t *req)
{
    authsvc_password_reset_status_t rs = authsvc_password_reset_link_check(
        authsvc_request_context(req), req->db(req), apr_table_get(req->query, "token"));
    cJSON *body;

    if (rs != AUTHSVC_RESET_OK)
        return reset_answer(req, rs, NULL);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(body, "success", 1);
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_reset_password(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_password_reset_in_t in;
    authsvc_password_reset_out_t out;
    authsvc_password_reset_status_t rs;

    if (reset_client_checked(req, db, &client))
        return req->status;
    in.token = reset_body_string(req, "token");
    in.client_id = client->client_id;
    in.password = reset_body_string(req, "password");
    rs = authsvc_password_reset_apply(authsvc_request_context(req), db, &in, &out);
    req->password_time += out.password_time;
    if (rs != AUTHSVC_RESET_OK)
        return reset_answer(req, rs, out.why);
    return authsvc_respond_no_content(req);
}
