/* GET/POST /oauth2/logout: RP-initiated logout (the end_session_endpoint). The browser
 * session of this host ends as on the login page's logout (its tokens revoked); then a
 * 303 to post_logout_redirect_uri with state, only when the id_token_hint is genuine (ours,
 * expired or not) and that URI is registered exactly for the hint's client; otherwise a
 * small "signed out" page, never a redirect. */
#include <string.h>

#include <apr_escape.h>
#include <apr_strings.h>

#include "authsvc_flows.h"
#include "authsvc_log.h"
#include "authsvc_oidc_authorize.h"

static const char *logout_param(const apr_table_t *params, const char *name)
{
    const char *v = apr_table_get(params, name);

    return v && *v ? v : NULL;
}

/* Where to send the browser after the logout, or NULL (the page). */
static const char *logout_target(authsvc_request_t *req, const apr_table_t *params,
                                 const char *duplicate, int *unavailable)
{
    const char *hint = logout_param(params, "id_token_hint");
    const char *uri = logout_param(params, "post_logout_redirect_uri");
    const char *asked_client = logout_param(params, "client_id");
    const char *state = logout_param(params, "state");
    const char *client_id = NULL, *target = NULL;
    authsvc_status_t st;

    *unavailable = 0;
    if (duplicate || !hint)
        return NULL;
    st = authsvc_oidc_logout_target(authsvc_request_context(req), req->db(req), hint, uri,
                                    &client_id, &target);
    *unavailable = st == AUTHSVC_UNAVAILABLE;
    if (st != AUTHSVC_OK || !target || (asked_client && strcmp(asked_client, client_id) != 0)) {
        if (st == AUTHSVC_OK && uri)
            req->log(req, AUTHSVC_LOG_INFO,
                     AUTHSVC_LOGNO(3056) "oidc logout: post_logout_redirect_uri not "
                                         "registered for client %s: no redirect",
                     client_id);
        return NULL;
    }
    return state ? apr_pstrcat(req->pool, target, strchr(target, '?') ? "&" : "?",
                               "state=", apr_pescape_urlencoded(req->pool, state), NULL)
                 : target;
}

int authsvc_flow_oidc_logout(authsvc_request_t *req)
{
    apr_table_t *params;
    const char *duplicate = NULL, *target = NULL;
    int unavailable = 0;

    if (authsvc_flow_oidc_params(req, &params, &duplicate) == 0)
        target = logout_target(req, params, duplicate, &unavailable);
    if (unavailable)
        return authsvc_respond_unavailable(req);
    if (req->browser_session_end)
        req->browser_session_end(req);
    req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(3057) "oidc logout: session ended%s",
             target ? ", back to the client's post-logout URI" : "");
    if (!target)
        return authsvc_flow_oidc_page(req, 200, "Signed out", NULL,
                                      "You are signed out. You may close this window.");
    apr_table_setn(req->headers_out, "Location", target);
    return authsvc_respond_text(req, 303, NULL, NULL, 0);
}
