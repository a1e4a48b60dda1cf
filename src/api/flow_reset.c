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
#include "authsvc_db_credentials.h"
#include "authsvc_db_users.h"
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

/* The reset token presented, usable; on failure the answer is set (401). */
static int reset_token_checked(authsvc_request_t *req, authsvc_db_t *db, const char *token,
                               authsvc_mail_token_t *t)
{
    authsvc_status_t st = authsvc_mail_token_load(authsvc_request_context(req), db,
                                                  AUTHSVC_MAIL_RESET, token, t);

    if (st == AUTHSVC_NOT_FOUND)
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_INVALID);
    if (st != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    if (!authsvc_mail_token_usable(t))
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_EXPIRED);
    return 0;
}

int authsvc_flow_verify_reset_link(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_mail_token_t t;
    cJSON *body;

    if (reset_token_checked(req, db, apr_table_get(req->query, "token"), &t))
        return req->status;
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(body, "success", 1);
    return authsvc_respond_json(req, 200, body);
}

/* The new password against the policy and the current one; on failure the answer is
 * set. */
static int reset_password_checked(authsvc_request_t *req, authsvc_db_t *db,
                                  const authsvc_mail_token_t *t, const char **username)
{
    const char *password = reset_body_string(req, "password"), *why = NULL, *stored = NULL;
    authsvc_db_user_t user;
    authsvc_status_t st;

    if (authsvc_db_user_by_id(db, req->pool, t->user_id, &user) != AUTHSVC_OK)
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_INVALID);
    *username = user.username;
    if (authsvc_flow_password_acceptable(req, *username, password, &why) != AUTHSVC_OK)
        return authsvc_respond_error_message(req, AUTHSVC_E_PASSWORD_INVALID, why, NULL);
    if (authsvc_db_credential_password(db, req->pool, t->user_id, &stored) != AUTHSVC_OK
        || !stored)
        return authsvc_respond_error(req, AUTHSVC_E_PASSWORD_EXTERNAL_USER);
    st = authsvc_flow_password_check(req, stored, password, NULL);
    if (st != AUTHSVC_INVALID)
        return st == AUTHSVC_OK ? authsvc_respond_error(req, AUTHSVC_E_PASSWORD_REUSED)
                                : authsvc_respond_unavailable(req);
    return 0;
}

int authsvc_flow_reset_password(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    const char *username = NULL;
    authsvc_mail_token_t t;
    authsvc_status_t st;

    if (reset_client_checked(req, db, &client)
        || reset_token_checked(req, db, reset_body_string(req, "token"), &t))
        return req->status;
    if (!t.client_id || strcmp(t.client_id, client->client_id) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
    if (reset_password_checked(req, db, &t, &username))
        return req->status;
    st = authsvc_mail_token_consume(authsvc_request_context(req), db, AUTHSVC_MAIL_RESET, &t);
    if (st != AUTHSVC_OK) /* another request used it meanwhile */
        return st == AUTHSVC_INVALID ? authsvc_respond_error(req, AUTHSVC_E_TOKEN_EXPIRED)
                                     : authsvc_respond_unavailable(req);
    if (authsvc_flow_password_store(req, db, t.user_id, reset_body_string(req, "password"))
            != AUTHSVC_OK
        || authsvc_tokens_revoke_user(authsvc_request_context(req), db, t.user_id, NULL)
               != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    authsvc_mail_token_retire_user(authsvc_request_context(req), db, t.user_id);
    authsvc_regulation_account_clear(authsvc_request_context(req), db,
                                     authsvc_mail_lower(req->pool, username));
    req->log(req, AUTHSVC_LOG_INFO,
             AUTHSVC_LOGNO(1634) "password of user %s reset; every "
                                 "session ended",
             t.user_id);
    return authsvc_respond_no_content(req);
}
