/* GET/POST /oauth2/userinfo (OpenID Connect Core §5.3): the user claims of a Bearer
 * access token of either surface, by the token's scope; a refused token answers 401 with
 * WWW-Authenticate: Bearer error="invalid_token" (RFC 6750 §3). */
#include "authsvc_bearer.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_oauth_errors.h"
#include "authsvc_oidc_token_state.h"

static int userinfo_refused(authsvc_request_t *req, int missing)
{
    cJSON *body = authsvc_json_own(req->pool, cJSON_CreateObject());

    /* no token at all: no error code (RFC 6750 §3.1) */
    apr_table_setn(req->headers_out, "WWW-Authenticate",
                   missing ? "Bearer" : "Bearer error=\"invalid_token\"");
    cJSON_AddStringToObject(body, "error", missing ? "invalid_request" : "invalid_token");
    return authsvc_respond_json(req, 401, body);
}

int authsvc_flow_oidc_userinfo(authsvc_request_t *req)
{
    authsvc_context_t *ctx = authsvc_request_context(req);
    authsvc_bearer_result_t rv;
    const char *token = NULL;
    cJSON *claims = NULL, *answer = NULL;
    authsvc_status_t st;

    rv = authsvc_bearer_token(req->headers_in, &token);
    if (rv == AUTHSVC_BEARER_OK)
        rv = authsvc_bearer_verify(ctx, token, 0, &claims);
    if (rv == AUTHSVC_BEARER_REVOKED)
        authsvc_bearer_revoked_log(ctx, claims);
    if (rv == AUTHSVC_BEARER_UNAVAILABLE)
        return authsvc_oauth_error(req, AUTHSVC_OAUTH_UNAVAILABLE, 0, NULL);
    if (rv != AUTHSVC_BEARER_OK)
        return userinfo_refused(req, rv == AUTHSVC_BEARER_MISSING);
    st = authsvc_oidc_userinfo(ctx, claims, &answer);
    if (st == AUTHSVC_UNAVAILABLE)
        return authsvc_oauth_error(req, AUTHSVC_OAUTH_UNAVAILABLE, 0, NULL);
    if (st != AUTHSVC_OK)
        return userinfo_refused(req, 0);
    return authsvc_respond_json(req, 200, answer);
}
