/* POST /oauth2/revoke (RFC 7009) and POST /oauth2/introspect (RFC 7662): the client
 * authenticated as at the token endpoint, then oidc_token_state.c. */
#include "authsvc_flows.h"
#include "authsvc_log.h"
#include "authsvc_oauth_errors.h"
#include "authsvc_oidc_token_state.h"

/* The authenticated client of the request, or the answer's status (then *client is not
 * to be used). */
static int revoke_client(authsvc_request_t *req, authsvc_oidc_client_t *client)
{
    const char *why = NULL;
    authsvc_oidc_client_creds_t creds;
    authsvc_oauth_status_t st = authsvc_oauth_client_creds(req, &creds, &why);
    authsvc_db_t *db;

    if (st != AUTHSVC_OAUTH_OK)
        return authsvc_oauth_error(req, st, creds.basic, why);
    if (!(db = req->db(req)))
        return authsvc_oauth_error(req, AUTHSVC_OAUTH_UNAVAILABLE, 0, NULL);
    st = authsvc_oidc_client_authenticate(authsvc_request_context(req), db, &creds, NULL,
                                          client, &why);
    if (st != AUTHSVC_OAUTH_OK)
        return authsvc_oauth_error(req, st, creds.basic,
                                   st == AUTHSVC_OAUTH_INVALID_CLIENT
                                       ? "client authentication failed"
                                       : why);
    if (!authsvc_oauth_param(req, "token") || !*authsvc_oauth_param(req, "token"))
        return authsvc_oauth_error(req, AUTHSVC_OAUTH_INVALID_REQUEST, 0, "token is required");
    return 0;
}

int authsvc_flow_oidc_revoke(authsvc_request_t *req)
{
    authsvc_oidc_client_t client;
    authsvc_oauth_status_t st;
    int rc = revoke_client(req, &client);

    if (rc)
        return rc;
    st = authsvc_oidc_revoke(authsvc_request_context(req), &client,
                             authsvc_oauth_param(req, "token"));
    if (st != AUTHSVC_OAUTH_OK)
        return authsvc_oauth_error(req, st, 0, NULL);
    return authsvc_respond_text(req, 200, NULL, NULL, 0);
}

int authsvc_flow_oidc_introspect(authsvc_request_t *req)
{
    authsvc_oidc_client_t client;
    authsvc_oauth_status_t st;
    cJSON *answer = NULL;
    int rc = revoke_client(req, &client);

    if (rc)
        return rc;
    /* a public client proves nothing about itself: it learns nothing here */
    if (client.client->is_public)
        return authsvc_oauth_error(req, AUTHSVC_OAUTH_INVALID_CLIENT, 0,
                                   "client authentication failed");
    st = authsvc_oidc_introspect(authsvc_request_context(req),
                                 authsvc_oauth_param(req, "token"), &answer);
    if (st != AUTHSVC_OAUTH_OK)
        return authsvc_oauth_error(req, st, 0, NULL);
    return authsvc_respond_json(req, 200, answer);
}
