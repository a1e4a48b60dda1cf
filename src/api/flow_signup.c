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
#include "authsvc_db_users.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_mail_message.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password.h"
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

/* The invite presented as the bearer token, usable; on failure the answer is set (401
 * with WWW-Authenticate, as for any refused bearer). */
static int signup_invite_checked(authsvc_request_t *req, authsvc_db_t *db,
                                 authsvc_mail_token_t *t)
{
    authsvc_status_t st = authsvc_mail_token_load(authsvc_request_context(req), db,
                                                  AUTHSVC_MAIL_INVITE, req->bearer_token, t);

    if (st == AUTHSVC_NOT_FOUND)
        return authsvc_bearer_respond(req, AUTHSVC_BEARER_INVALID);
    if (st != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    if (!authsvc_mail_token_usable(t))
        return authsvc_bearer_respond(req, AUTHSVC_BEARER_EXPIRED);
    return 0;
}

int authsvc_flow_signup_verify_token(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_mail_token_t t;
    cJSON *body;

    if (!signup_enabled(req))
        return authsvc_respond_error(req, AUTHSVC_E_SIGNUP_DISABLED);
    if (!db)
        return authsvc_respond_unavailable(req);
    if (signup_invite_checked(req, db, &t))
        return req->status;
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "email", t.email);
    return authsvc_respond_json(req, 200, body);
}

/* The configured tenant's id and its role's id. */
static authsvc_status_t signup_placement(authsvc_request_t *req, authsvc_db_t *db,
                                         const char **tenant_id, const char **role_id)
{
    const authsvc_mail_config_t *mc = req->server_config->mail;

    return authsvc_db_user_placement(db, req->pool, mc->signup_tenant, mc->signup_role,
                                     tenant_id, role_id);
}

/* A profile field of the body when it is a short string, else NULL. */
static const char *signup_profile(const authsvc_request_t *req, const char *name)
{
    const char *v = signup_body_string(req, name);

    return v && *v && strlen(v) <= 255 ? v : NULL;
}

/* The user, its internal credential, its membership and clients, in one transaction. */
static authsvc_status_t signup_write(authsvc_request_t *req, authsvc_db_t *db,
                                     const char *user_id, const char *email, const char *hash,
                                     const char *tenant_id, const char *role_id)
{
    authsvc_user_new_t u = {user_id,
                            email,
                            email,
                            signup_profile(req, "firstName"),
                            signup_profile(req, "middleName"),
                            signup_profile(req, "lastName"),
                            tenant_id,
                            role_id,
                            AUTHSVC_USER_ACTIVE,
                            req->server_config->mail->signup_clients,
                            hash,
                            NULL,
                            NULL};
    const char *id = NULL;
    authsvc_status_t st = authsvc_db_begin(db, req->pool);

    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_db_user_create(db, req->pool, &u, &id);
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st; /* AUTHSVC_CONFLICT: the address signed up meanwhile */
    }
    return authsvc_db_commit(db);
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

/* Everything create-user checks before the invite is used up; on failure the answer is
 * set. */
static int signup_user_checked(authsvc_request_t *req, authsvc_db_t *db,
                               const authsvc_mail_token_t *t, const char **tenant_id,
                               const char **role_id)
{
    const char *email = signup_body_string(req, "email"), *why = NULL;
    authsvc_status_t st;

    if (strcmp(authsvc_mail_lower(req->pool, email), authsvc_mail_lower(req->pool, t->email)))
        return authsvc_respond_error(req, AUTHSVC_E_EMAIL_MISMATCH);
    if (authsvc_flow_password_acceptable(req, t->email, signup_body_string(req, "password"),
                                         &why)
        != AUTHSVC_OK)
        return authsvc_respond_error_message(req, AUTHSVC_E_PASSWORD_INVALID, why, NULL);
    if (authsvc_signup_address_taken(authsvc_request_context(req), db, t->email, &st))
        return authsvc_respond_error(req, AUTHSVC_E_USER_EXISTS);
    if (st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (signup_placement(req, db, tenant_id, role_id) != AUTHSVC_OK) {
        req->log(req, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(1644) "AuthsvcSignUp names a tenant "
                                     "or role that does not exist");
        return authsvc_respond_unavailable(req);
    }
    return 0;
}

int authsvc_flow_signup_create_user(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    const char *tenant_id = NULL, *role_id = NULL, *hash = NULL;
    const char *user_id = authsvc_uuid_v4(req->pool);
    authsvc_mail_token_t t;
    authsvc_status_t st;

    if (!signup_enabled(req))
        return authsvc_respond_error(req, AUTHSVC_E_SIGNUP_DISABLED);
    if (!db)
        return authsvc_respond_unavailable(req);
    if (signup_invite_checked(req, db, &t)
        || signup_user_checked(req, db, &t, &tenant_id, &role_id))
        return req->status;
    st = authsvc_mail_token_consume(authsvc_request_context(req), db, AUTHSVC_MAIL_INVITE, &t);
    if (st != AUTHSVC_OK) /* another request used it meanwhile */
        return st == AUTHSVC_INVALID ? authsvc_bearer_respond(req, AUTHSVC_BEARER_EXPIRED)
                                     : authsvc_respond_unavailable(req);
    if (authsvc_flow_password_hash(req, signup_body_string(req, "password"), &hash)
        != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    st = signup_write(req, db, user_id, t.email, hash, tenant_id, role_id);
    if (st == AUTHSVC_CONFLICT)
        return authsvc_respond_error(req, AUTHSVC_E_USER_EXISTS);
    if (st != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(1645) "user %s signed up by invite", user_id);
    return signup_respond(req, user_id, t.email, tenant_id);
}
