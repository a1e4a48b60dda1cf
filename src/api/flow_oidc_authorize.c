/* GET/POST /oauth2/authorize: the OpenID Connect authorization endpoint (response_type
 * code, PKCE S256, prompt, max_age). The decisions are the service's
 * (authsvc_oidc_authorize.h); this maps them to HTTP: a 400 page when the client or its
 * redirect URI cannot be trusted (never a redirect then), else 303 to the login page of
 * this host, or to the redirect URI with a code or an error, state and iss. */
#include <string.h>

#include <apr_escape.h>
#include <apr_strings.h>

#include "authsvc_base64url.h"
#include "authsvc_bearer.h"
#include "authsvc_flows.h"
#include "authsvc_form.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_oidc_authorize.h"
#include "authsvc_return_url.h"

/* The one parameter the login page comes back with (see oidc_sign_in). */
#define OIDC_RESUME "resume"

/* Adds the pairs of text to params (every value kept); *duplicate names the first name
 * seen twice. 0, or -1 when text is not valid form encoding. */
static int oidc_params_add(apr_pool_t *p, const char *text, apr_size_t len, apr_table_t *params,
                           const char **duplicate)
{
    apr_size_t start = 0;

    while (start < len) {
        const char *amp = memchr(text + start, '&', len - start);
        apr_size_t end = amp ? (apr_size_t)(amp - text) : len;
        const char *pair = text + start, *eq = memchr(pair, '=', end - start);
        apr_size_t name_len = eq ? (apr_size_t)(eq - pair) : end - start;
        char *name = authsvc_form_decode(p, pair, name_len, 1);
        char *value = eq ? authsvc_form_decode(p, eq + 1, end - start - name_len - 1, 1) : "";

        if (end > start) {
            if (!name || !value || apr_table_elts(params)->nelts >= AUTHSVC_QUERY_PARAMS_MAX)
                return -1;
            if (!*duplicate && apr_table_get(params, name))
                *duplicate = name;
            apr_table_addn(params, name, value);
        }
        start = end + 1;
    }
    return 0;
}

int authsvc_flow_oidc_params(authsvc_request_t *req, apr_table_t **params,
                             const char **duplicate)
{
    *params = apr_table_make(req->pool, 16);
    *duplicate = NULL;
    if (req->args
        && oidc_params_add(req->pool, req->args, strlen(req->args), *params, duplicate))
        return -1;
    if (req->form_text
        && oidc_params_add(req->pool, req->form_text, req->form_len, *params, duplicate))
        return -1;
    return 0;
}

/* An empty value counts as absent (RFC 6749 3.1). */
static const char *oidc_param(const apr_table_t *params, const char *name)
{
    const char *v = apr_table_get(params, name);

    return v && *v ? v : NULL;
}

static void oidc_authorize_input(const apr_table_t *params, const char *duplicate,
                                 authsvc_oidc_authorize_params_t *in)
{
    memset(in, 0, sizeof(*in));
    in->client_id = oidc_param(params, "client_id");
    in->redirect_uri = oidc_param(params, "redirect_uri");
    in->response_type = oidc_param(params, "response_type");
    in->response_mode = oidc_param(params, "response_mode");
    in->scope = oidc_param(params, "scope");
    in->state = oidc_param(params, "state");
    in->nonce = oidc_param(params, "nonce");
    in->code_challenge = oidc_param(params, "code_challenge");
    in->code_challenge_method = oidc_param(params, "code_challenge_method");
    in->prompt = oidc_param(params, "prompt");
    in->max_age = oidc_param(params, "max_age");
    in->request = oidc_param(params, "request");
    in->request_uri = oidc_param(params, "request_uri");
    in->duplicate = duplicate;
}

/* A 400 for the user, not the client: no redirect. HTML for a browser, else JSON. */
int authsvc_flow_oidc_page(authsvc_request_t *req, int status, const char *title,
                           const char *error, const char *text)
{
    const char *accept = apr_table_get(req->headers_in, "Accept");
    const char *html;
    cJSON *doc;

    if (!accept || !strstr(accept, "text/html")) {
        doc = authsvc_json_own(req->pool, cJSON_CreateObject());
        if (error)
            cJSON_AddStringToObject(doc, "error", error);
        cJSON_AddStringToObject(doc, error ? "error_description" : "message", text);
        return authsvc_respond_json(req, status, doc);
    }
    html = apr_pstrcat(req->pool,
                       "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<title>",
                       title, "</title></head><body><main><h1>", title,
                       "</h1><p id=\"message\">", apr_pescape_entity(req->pool, text, 0),
                       "</p></main></body></html>\n", NULL);
    apr_table_setn(req->headers_out, "Content-Security-Policy",
                   "default-src 'none'; frame-ancestors 'none'");
    return authsvc_respond_text(req, status, "text/html; charset=utf-8", html, strlen(html));
}

static const char *oidc_pair(apr_pool_t *p, const char *sep, const char *name,
                             const char *value)
{
    return value ? apr_pstrcat(p, sep, name, "=", apr_pescape_urlencoded(p, value), NULL) : "";
}

/* 303 to the registered redirect URI with the answer's pairs, then state and iss. */
static int oidc_redirect(authsvc_request_t *req, const authsvc_oidc_authorize_t *az,
                         const char *pairs)
{
    const char *sep = strchr(az->redirect_uri, '?') ? "&" : "?";

    apr_table_setn(req->headers_out, "Location",
                   apr_pstrcat(req->pool, az->redirect_uri, sep, pairs,
                               oidc_pair(req->pool, "&", "state", az->state),
                               oidc_pair(req->pool, "&", "iss", req->base_url), NULL));
    return authsvc_respond_text(req, 303, NULL, NULL, 0);
}

static int oidc_refuse(authsvc_request_t *req, const authsvc_oidc_authorize_t *az)
{
    req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(3052) "oidc authorize: %s for client %s: %s",
             az->error, az->client ? az->client->client_id : "-",
             az->error_description ? az->error_description : "");
    return oidc_redirect(req, az,
                         apr_pstrcat(req->pool, oidc_pair(req->pool, "", "error", az->error),
                                     oidc_pair(req->pool, "&", "error_description",
                                               az->error_description),
                                     NULL));
}

static int oidc_untrusted(authsvc_request_t *req, authsvc_oidc_authz_status_t st)
{
    const char *why = st == AUTHSVC_OIDC_AUTHZ_BAD_CLIENT
                          ? "The application that sent you here is not known to this service."
                          : "The address the application asked to return to is not registered "
                            "for it.";

    req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(3053) "oidc authorize refused: %s",
             st == AUTHSVC_OIDC_AUTHZ_BAD_CLIENT
                 ? "unknown or unregistered client_id"
                 : "redirect_uri not registered for the client");
    return authsvc_flow_oidc_page(req, 400, "Sign-in request refused", "invalid_request", why);
}

/* The query of the request again, without the parameters that asked for a new sign-in
 * (prompt, max_age): after it, the same request must not ask again. */
static const char *oidc_return_query(apr_pool_t *p, const apr_table_t *params)
{
    const apr_array_header_t *arr = apr_table_elts(params);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    const char *q = "";
    int i;

    for (i = 0; i < arr->nelts; i++) {
        if (strcmp(e[i].key, "prompt") == 0 || strcmp(e[i].key, "max_age") == 0)
            continue;
        q = apr_pstrcat(p, q, *q ? "&" : "", apr_pescape_urlencoded(p, e[i].key), "=",
                        apr_pescape_urlencoded(p, e[i].val), NULL);
    }
    return q;
}

/* 303 to this host's login page, which comes back to this endpoint (as a GET) with the
 * request packed in one base64url parameter: any character of the parameters survives
 * the login page's return-URL checks (printable ASCII, no backslash). A request too long
 * to come back that way is refused. */
static int oidc_sign_in(authsvc_request_t *req, authsvc_oidc_authorize_t *az,
                        const apr_table_t *params)
{
    const char *q = oidc_return_query(req->pool, params);
    const char *back = apr_pstrcat(
        req->pool, authsvc_config_base_path(req->dir_config), req->path, "?" OIDC_RESUME "=",
        authsvc_b64url_encode(req->pool, (const unsigned char *)q, strlen(q)), NULL);

    if (strlen(back) > AUTHSVC_RETURN_URL_LENGTH_MAX) {
        az->error = "invalid_request";
        az->error_description = "the request is too long to sign in";
        return oidc_refuse(req, az);
    }
    apr_table_setn(req->headers_out, "Location",
                   apr_pstrcat(req->pool, req->login_page,
                               "?return=", apr_pescape_urlencoded(req->pool, back), NULL));
    return authsvc_respond_text(req, 303, NULL, NULL, 0);
}

/* The session of this host's login page, with the tenant its access token is for. */
static void oidc_session(authsvc_request_t *req, authsvc_oidc_session_t *s)
{
    authsvc_browser_session_t info;
    cJSON *claims = NULL;
    const cJSON *tenant;

    memset(s, 0, sizeof(*s));
    memset(&info, 0, sizeof(info));
    if (!req->browser_session || !req->browser_session(req, &info))
        return;
    s->user_id = info.user_id;
    s->auth_time_ms = info.auth_time_ms;
    s->amr = info.amr;
    if (authsvc_bearer_verify(authsvc_request_context(req), info.access_token, 1, &claims)
            == AUTHSVC_BEARER_OK
        && claims) {
        tenant = cJSON_GetObjectItemCaseSensitive(claims, "tenantId");
        s->tenant_id = cJSON_IsString(tenant) ? tenant->valuestring : NULL;
    }
}

static int oidc_issue(authsvc_request_t *req, authsvc_oidc_authorize_t *az,
                      const authsvc_oidc_authorize_params_t *in,
                      const authsvc_oidc_session_t *s)
{
    const char *code = NULL;
    authsvc_status_t st = authsvc_oidc_authorize_issue(authsvc_request_context(req),
                                                       req->db(req), az, in, s, &code);

    if (st == AUTHSVC_INVALID)
        return oidc_refuse(req, az);
    if (st != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    req->log(req, AUTHSVC_LOG_INFO,
             AUTHSVC_LOGNO(3054) "oidc authorize: code issued to client %s for user %s",
             az->client->client_id, s->user_id);
    return oidc_redirect(req, az, oidc_pair(req->pool, "", "code", code));
}

/* A valid request: sign in first, refuse, or a code. */
static int oidc_decide(authsvc_request_t *req, authsvc_oidc_authorize_t *az,
                       const authsvc_oidc_authorize_params_t *in, const apr_table_t *params)
{
    authsvc_oidc_session_t s;
    int end = 0;
    authsvc_oidc_next_t next;

    if (!req->login_page) {
        req->log(req, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(3055) "oidc authorize: this host has no login page "
                                     "(AuthsvcGatewayClient)");
        az->error = "server_error";
        az->error_description = "no sign-in page is configured on this host";
        return oidc_refuse(req, az);
    }
    oidc_session(req, &s);
    next = authsvc_oidc_authorize_next(az, &s, authsvc_db_now_ms(), &end);
    if (next == AUTHSVC_OIDC_REFUSE)
        return oidc_refuse(req, az);
    if (next == AUTHSVC_OIDC_SIGN_IN) {
        if (end && req->browser_session_end)
            req->browser_session_end(req);
        return oidc_sign_in(req, az, params);
    }
    return oidc_issue(req, az, in, &s);
}

/* The request the login page came back with: the parameters packed by oidc_sign_in,
 * when they are all there is. -1 when the packing is broken. */
static int oidc_resume(authsvc_request_t *req, apr_table_t **params, const char **duplicate)
{
    const char *packed = apr_table_get(*params, OIDC_RESUME);
    unsigned char *q = NULL;
    apr_size_t len = 0;

    if (!packed || apr_table_elts(*params)->nelts != 1)
        return 0;
    if (authsvc_b64url_decode(req->pool, packed, strlen(packed), &q, &len) != AUTHSVC_OK)
        return -1;
    *params = apr_table_make(req->pool, 16);
    *duplicate = NULL;
    return oidc_params_add(req->pool, (const char *)q, len, *params, duplicate);
}

int authsvc_flow_oidc_authorize(authsvc_request_t *req)
{
    authsvc_oidc_authorize_params_t in;
    authsvc_oidc_authorize_t az;
    authsvc_oidc_authz_status_t st;
    apr_table_t *params;
    const char *duplicate;

    if (authsvc_flow_oidc_params(req, &params, &duplicate)
        || oidc_resume(req, &params, &duplicate))
        return authsvc_flow_oidc_page(req, 400, "Sign-in request refused", "invalid_request",
                                      "The request's parameters are malformed.");
    oidc_authorize_input(params, duplicate, &in);
    st = authsvc_oidc_authorize_check(authsvc_request_context(req), req->db(req), &in, &az);
    switch (st) {
    case AUTHSVC_OIDC_AUTHZ_BAD_CLIENT:
    case AUTHSVC_OIDC_AUTHZ_BAD_REDIRECT: return oidc_untrusted(req, st);
    case AUTHSVC_OIDC_AUTHZ_UNAVAILABLE: return authsvc_respond_unavailable(req);
    case AUTHSVC_OIDC_AUTHZ_ERROR: return oidc_refuse(req, &az);
    case AUTHSVC_OIDC_AUTHZ_OK: break;
    }
    return oidc_decide(req, &az, &in, params);
}
