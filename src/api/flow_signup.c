/* Sign-up invites: POST /auth/sign-up/create-token, GET /auth/sign-up/verify-token,
 * POST /auth/sign-up/create-user. The invite token is the bearer token of the last two
 * (the router checks one is there; its row is checked here).
 *
 * create-token answers 204 for any well-formed address; whether the address has an
 * account (then nothing is sent) is decided in the background worker, as for
 * forget-password. The tenant, role and clients of new users come from AuthsvcSignUp,
 * never from the body. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_answer_mail_limit.h"
#include "authsvc_bearer.h"
#include "authsvc_config_mail.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_mail_message.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_signup.h"
#include "authsvc_signup_invite.h"
#include "authsvc_tokens.h"

static const char *signup_body_string(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req->body, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int signup_enabled(const authsvc_request_t *req)
{
    return req->server_config->mail->signup;
}

/* Deferred: the invite of a create-token request (body: email). */
static void signup_deliver(authsvc_request_t *job)
{
    authsvc_signup_invite_mail(authsvc_request_context(job), job->db(job),
                               signup_body_string(job, "email"));
}

/* 422 for an address we would not send to (header injection, SMTPUTF8, ...). */
static int signup_bad_address(authsvc_request_t *req)
{
    cJSON *details = authsvc_json_own(req->pool, cJSON_CreateArray());
    cJSON *d = cJSON_CreateObject();

    cJSON_AddStringToObject(d, "path", "/email");
    cJSON_AddStringToObject(d, "code", "format");
    cJSON_AddStringToObject(d, "message", "must be a plain e-mail address");
    cJSON_AddObjectToObject(d, "info");
    cJSON_AddItemToArray(details, d);
    return authsvc_respond_error_message(req, AUTHSVC_E_VALIDATION_FAILED, NULL, details);
}

int authsvc_flow_signup_create_token(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    const char *email = signup_body_string(req, "email");
    cJSON *args;

    if (!signup_enabled(req))
        return authsvc_respond_error(req, AUTHSVC_E_SIGNUP_DISABLED);
    if (!authsvc_mail_address_valid(email))
        return signup_bad_address(req);
    if (!db)
        return authsvc_respond_unavailable(req);
    if (authsvc_answer_mail_ip_limited(req, db))
        return req->status;
    if (!authsvc_config_mail_enabled(req->server_config->mail)) {
        req->log(req, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(1643) "sign-up: no AuthsvcMailServer "
                                     "or AuthsvcMailWebhook, nothing sent");
        return authsvc_respond_no_content(req);
    }
    args = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(args, "email", email);
    req->defer(req, signup_deliver, args);
    return authsvc_respond_no_content(req);
}

/* The answer to an invite or a sign-up that did not succeed: a refused invite is a
 * refused bearer (401 with WWW-Authenticate). */
static int signup_answer(authsvc_request_t *req, authsvc_signup_status_t ss, const char *why)
{
    switch (ss) {
    case AUTHSVC_SIGNUP_INVITE_INVALID:
        return authsvc_bearer_respond(req, AUTHSVC_BEARER_INVALID);
    case AUTHSVC_SIGNUP_INVITE_EXPIRED:
        return authsvc_bearer_respond(req, AUTHSVC_BEARER_EXPIRED);
    case AUTHSVC_SIGNUP_EMAIL_MISMATCH:
        return authsvc_respond_error(req, AUTHSVC_E_EMAIL_MISMATCH);
    case AUTHSVC_SIGNUP_PASSWORD_INVALID:
        return authsvc_respond_error_message(req, AUTHSVC_E_PASSWORD_INVALID, why, NULL);
    case AUTHSVC_SIGNUP_USER_EXISTS: return authsvc_respond_error(req, AUTHSVC_E_USER_EXISTS);
    default: return authsvc_respond_unavailable(req);
    }
}

int authsvc_flow_signup_verify_token(authsvc_request_t *req)
{
    const char *email = NULL;
    authsvc_signup_status_t ss;
    cJSON *body;

    if (!signup_enabled(req))
        return authsvc_respond_error(req, AUTHSVC_E_SIGNUP_DISABLED);
    ss = authsvc_signup_token_check(authsvc_request_context(req), req->db(req),
                                    req->bearer_token, &email);
    if (ss != AUTHSVC_SIGNUP_OK)
        return signup_answer(req, ss, NULL);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "email", email);
    return authsvc_respond_json(req, 200, body);
}

/* A profile field of the body when it is a short string, else NULL. */
static const char *signup_profile(const authsvc_request_t *req, const char *name)
{
    const char *v = signup_body_string(req, name);

    return v && *v && strlen(v) <= 255 ? v : NULL;
}

/* 200 with the new user: never a password or a hash. */
static int signup_respond(authsvc_request_t *req, const char *user_id, const char *email,
                          const char *tenant_id)
{
    const apr_array_header_t *clients = req->server_config->mail->signup_clients;
    cJSON *body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON *ids = cJSON_AddArrayToObject(body, "authClientIds");
    static const char *const profile[] = {"firstName", "middleName", "lastName"};
    apr_size_t i;
    int c;

    cJSON_AddStringToObject(body, "id", user_id);
    cJSON_AddStringToObject(body, "username", email);
    cJSON_AddStringToObject(body, "email", email);
    for (i = 0; i < sizeof(profile) / sizeof(profile[0]); i++)
        if (signup_profile(req, profile[i]))
            cJSON_AddStringToObject(body, profile[i], signup_profile(req, profile[i]));
    cJSON_AddStringToObject(body, "defaultTenantId", tenant_id);
    for (c = 0; c < clients->nelts; c++)
        cJSON_AddItemToArray(ids, cJSON_CreateString(APR_ARRAY_IDX(clients, c, const char *)));
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_signup_create_user(authsvc_request_t *req)
{
    authsvc_signup_in_t in;
    authsvc_signup_out_t out;
    authsvc_signup_status_t ss;

    if (!signup_enabled(req))
        return authsvc_respond_error(req, AUTHSVC_E_SIGNUP_DISABLED);
    in.invite = req->bearer_token;
    in.email = signup_body_string(req, "email");
    in.password = signup_body_string(req, "password");
    in.first_name = signup_profile(req, "firstName");
    in.middle_name = signup_profile(req, "middleName");
    in.last_name = signup_profile(req, "lastName");
    ss = authsvc_signup_user_create(authsvc_request_context(req), req->db(req), &in, &out);
    req->password_time += out.password_time;
    if (ss != AUTHSVC_SIGNUP_OK)
        return signup_answer(req, ss, out.why);
    return signup_respond(req, out.user_id, out.email, out.tenant_id);
}
