/* The token services' results as answers: the pair, a refused bearer token, a refused
 * login principal. */
#include <apr_tables.h>

#include "authsvc_answer_tokens.h"
#include "authsvc_json.h"

int authsvc_tokens_respond(authsvc_request_t *req, const authsvc_token_pair_t *pair)
{
    cJSON *body = authsvc_json_own(req->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(body, "accessToken", pair->access_token);
    cJSON_AddStringToObject(body, "refreshToken", pair->refresh_token);
    cJSON_AddNumberToObject(body, "expires", (double)pair->expires_ms);
    return authsvc_respond_json(req, 200, body);
}

int authsvc_bearer_respond(authsvc_request_t *req, authsvc_bearer_result_t result)
{
    if (result == AUTHSVC_BEARER_UNAVAILABLE)
        return authsvc_respond_unavailable(req);
    apr_table_setn(req->headers_out, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return authsvc_respond_error(req, authsvc_bearer_error(result));
}

authsvc_principal_t *authsvc_answer_login_principal(authsvc_request_t *req, authsvc_db_t *db,
                                                    const char *user_id,
                                                    const authsvc_client_t *client)
{
    authsvc_principal_t *pr = NULL;

    switch (authsvc_login_principal(authsvc_request_context(req), db, user_id, client, &pr)) {
    case AUTHSVC_OK: return pr;
    case AUTHSVC_NOT_FOUND: authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID); return NULL;
    case AUTHSVC_INVALID: authsvc_respond_error(req, AUTHSVC_E_USER_INACTIVE); return NULL;
    default: authsvc_respond_error(req, AUTHSVC_E_SERVICE_UNAVAILABLE); return NULL;
    }
}
