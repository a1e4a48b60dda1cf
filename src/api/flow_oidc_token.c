/* POST /oauth2/token (README, "Use it as an OpenID Connect provider"): a form-encoded
 * request, the client authenticated, then one of the grants of oidc_tokens.c; errors as
 * RFC 6749 §5.2 JSON (oauth_errors.c). */
#include <string.h>

#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_oauth_errors.h"
#include "authsvc_oidc_tokens.h"

/* The grants this endpoint knows; NULL for anything else. */
static const char *token_grant(const char *grant_type)
{
    static const char *const known[] = {"authorization_code", "refresh_token",
                                        "client_credentials"};
    apr_size_t i;

    for (i = 0; grant_type && i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(grant_type, known[i]) == 0)
            return known[i];
    return NULL;
}

/* A refusal: logged (the error and why, never a secret), then answered. */
static int token_refused(authsvc_request_t *req, authsvc_oauth_status_t st, int basic,
                         const char *why)
{
    if (st != AUTHSVC_OAUTH_UNAVAILABLE)
        req->log(req, AUTHSVC_LOG_INFO,
                 AUTHSVC_LOGNO(3104) "oauth2 token request refused: %s (%s)",
                 authsvc_oauth_status_name(st), why ? why : "-");
    return authsvc_oauth_error(req, st, basic, why);
}

static int token_answer(authsvc_request_t *req, const authsvc_oidc_tokens_t *t)
{
    cJSON *body = authsvc_json_own(req->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(body, "access_token", t->access_token);
    cJSON_AddStringToObject(body, "token_type", "Bearer");
    cJSON_AddNumberToObject(body, "expires_in", t->expires_in);
    if (t->refresh_token)
        cJSON_AddStringToObject(body, "refresh_token", t->refresh_token);
    if (t->id_token)
        cJSON_AddStringToObject(body, "id_token", t->id_token);
    if (t->scope && *t->scope)
        cJSON_AddStringToObject(body, "scope", t->scope);
    return authsvc_respond_json(req, 200, body);
}

static authsvc_oauth_status_t token_grant_run(authsvc_context_t *ctx, const char *grant,
                                              const authsvc_oidc_client_t *client,
                                              const authsvc_oidc_grant_t *in,
                                              authsvc_oidc_tokens_t *out, const char **why)
{
    if (strcmp(grant, "authorization_code") == 0)
        return authsvc_oidc_grant_code(ctx, client, in, out, why);
    if (strcmp(grant, "refresh_token") == 0)
        return authsvc_oidc_grant_refresh(ctx, client, in, out, why);
    return authsvc_oidc_grant_client_credentials(ctx, client, in, out, why);
}

int authsvc_flow_oidc_token(authsvc_request_t *req)
{
    authsvc_context_t *ctx = authsvc_request_context(req);
    const char *grant_type = authsvc_oauth_param(req, "grant_type");
    const char *grant = token_grant(grant_type), *why = NULL;
    authsvc_oidc_client_creds_t creds;
    authsvc_oidc_client_t client;
    authsvc_oidc_grant_t in;
    authsvc_oidc_tokens_t out;
    authsvc_oauth_status_t st = authsvc_oauth_client_creds(req, &creds, &why);
    authsvc_db_t *db;

    if (st != AUTHSVC_OAUTH_OK)
        return token_refused(req, st, creds.basic, why);
    if (!grant_type || !*grant_type)
        return token_refused(req, AUTHSVC_OAUTH_INVALID_REQUEST, creds.basic,
                             "grant_type is required");
    if (!(db = req->db(req)))
        return authsvc_oauth_error(req, AUTHSVC_OAUTH_UNAVAILABLE, 0, NULL);
    st = authsvc_oidc_client_authenticate(ctx, db, &creds, grant, &client, &why);
    if (st == AUTHSVC_OAUTH_OK && !grant)
        st = AUTHSVC_OAUTH_UNSUPPORTED_GRANT_TYPE;
    if (st != AUTHSVC_OAUTH_OK)
        return token_refused(req, st, creds.basic,
                             st == AUTHSVC_OAUTH_INVALID_CLIENT ? "client authentication failed"
                                                                : why);
    memset(&in, 0, sizeof(in));
    in.code = authsvc_oauth_param(req, "code");
    in.redirect_uri = authsvc_oauth_param(req, "redirect_uri");
    in.code_verifier = authsvc_oauth_param(req, "code_verifier");
    in.refresh_token = authsvc_oauth_param(req, "refresh_token");
    in.scope = authsvc_oauth_param(req, "scope");
    st = token_grant_run(ctx, grant, &client, &in, &out, &why);
    return st == AUTHSVC_OAUTH_OK ? token_answer(req, &out)
                                  : token_refused(req, st, creds.basic, why);
}
