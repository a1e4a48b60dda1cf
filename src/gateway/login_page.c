/* The gateway's login and logout pages (browser mode), served by the module itself at
 * AuthsvcGatewayPortalPath (/authsvc/login, /authsvc/logout) on vhosts that name an
 * AuthsvcGatewayClient. A plain, accessible HTML form with a CSRF token (double-submit:
 * a SameSite=Strict cookie and a hidden field), error messages and "remember me". The
 * password is checked by the session service (lockout, statuses, activity),
 * and success opens a server-side session (gateway_session.c). Return URLs are
 * allow-listed (return_url.c): a path of this vhost or a configured origin, else 400
 * without any redirect. */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <openssl/crypto.h>
#include <util_cookies.h>

#include "authsvc_device_cookie.h"
#include "authsvc_form.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_httpd.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_request_body.h"
#include "authsvc_return_url.h"
#include "authsvc_session.h"

APLOG_USE_MODULE(authsvc);

#define CSRF_COOKIE "authsvc-csrf"
#define CSRF_BYTES 32
#define PORTAL_BODY_MAX 8192

static const authsvc_gateway_server_t *portal_config(const server_rec *s)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    return c->gateway;
}

static const char *const portal_head =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>%s</title><style>body{font-family:system-ui,sans-serif;max-width:26rem;"
    "margin:3rem auto;padding:0 1rem;line-height:1.4}label{display:block;margin-top:1rem}"
    "input[type=text],input[type=password]{box-sizing:border-box;width:100%%;padding:.5rem;"
    "font-size:1rem}button{margin-top:1.5rem;padding:.6rem 1.4rem;font-size:1rem}"
    ".error{color:#8b0000;border:2px solid #8b0000;padding:.5rem}</style></head>"
    "<body><main><h1>%s</h1>\n";

static int portal_send(request_rec *r, int status, const char *html)
{
    r->status = status;
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->headers_out, "X-Frame-Options", "DENY");
    apr_table_setn(r->headers_out, "Referrer-Policy", "no-referrer");
    apr_table_setn(r->headers_out, "Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                   "frame-ancestors 'none'; base-uri 'none'");
    ap_set_content_length(r, (apr_off_t)strlen(html));
    if (!r->header_only)
        ap_rputs(html, r);
    return OK;
}

static int portal_message(request_rec *r, int status, const char *title, const char *text)
{
    const char *login = apr_pstrcat(r->pool, authsvc_gateway_portal_path(r->server), "/login",
                                    NULL);

    return portal_send(r, status,
                       apr_pstrcat(r->pool, apr_psprintf(r->pool, portal_head, title, title),
                                   "<p id=\"message\">", text, "</p><p><a href=\"", login,
                                   "\">Sign in</a></p></main></body></html>\n", NULL));
}

/* The form; error (may be NULL) is shown above it, announced to screen readers. */
static int portal_form(request_rec *r, int status, const char *csrf, const char *ret,
                       const char *error)
{
    const char *action = apr_pstrcat(r->pool, authsvc_gateway_portal_path(r->server), "/login",
                                     NULL);
    const char *html = apr_pstrcat(
        r->pool, apr_psprintf(r->pool, portal_head, "Sign in", "Sign in"),
        error ? "<p class=\"error\" role=\"alert\" id=\"login-error\">" : "",
        error ? ap_escape_html2(r->pool, error, 0) : "", error ? "</p>\n" : "",
        "<form id=\"login-form\" method=\"post\" action=\"", action,
        "\">\n"
        "<input type=\"hidden\" name=\"csrf\" value=\"",
        csrf,
        "\">\n"
        "<input type=\"hidden\" name=\"return\" value=\"",
        ap_escape_html2(r->pool, ret, 1),
        "\">\n"
        "<label for=\"username\">Username</label>\n"
        "<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" "
        "autocapitalize=\"none\" spellcheck=\"false\" required autofocus>\n"
        "<label for=\"password\">Password</label>\n"
        "<input id=\"password\" name=\"password\" type=\"password\" "
        "autocomplete=\"current-password\" required>\n"
        "<label for=\"remember\"><input id=\"remember\" name=\"remember\" type=\"checkbox\" "
        "value=\"1\"> Remember me on this device</label>\n"
        "<button id=\"sign-in\" type=\"submit\">Sign in</button>\n</form></main></body></html>\n",
        NULL);

    return portal_send(r, status, html);
}

static const char *portal_return(request_rec *r, const char *value)
{
    const authsvc_gateway_server_t *g = portal_config(r->server);

    if (!value || !*value)
        return "/";
    return authsvc_return_url_check(r->pool, value,
                                    g->return_origins_set
                                        ? (const char *const *)g->return_origins->elts
                                        : NULL);
}

static int portal_bad_return(request_rec *r)
{
    return portal_message(r, HTTP_BAD_REQUEST, "Cannot sign in",
                          "The address to return to after signing in is not allowed.");
}

static int portal_get(request_rec *r)
{
    const char *csrf_name = authsvc_gateway_cookie_name(r, CSRF_COOKIE);
    const char *csrf = authsvc_gateway_cookie_get(r, csrf_name), *ret;
    apr_table_t *query = NULL;

    if (authsvc_form_parse(r->pool, r->args ? r->args : "", r->args ? strlen(r->args) : 0,
                           &query)
            != AUTHSVC_FORM_VALID
        || !(ret = portal_return(r, apr_table_get(query, "return"))))
        return portal_bad_return(r);
    if (!csrf) {
        csrf = authsvc_random_token(r->pool, CSRF_BYTES);
        authsvc_gateway_cookie_set(r, csrf_name, csrf, -1, "Strict");
    }
    return portal_form(r, HTTP_OK, csrf, ret, NULL);
}

static const authsvc_keyring_t *portal_keyring(const request_rec *r)
{
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
    return c->keyring;
}

/* The device cookie this browser carries, when it is valid: whose it is and its id
 * (README, "Passwords and brute force"). */
static void portal_device(request_rec *r, authsvc_session_login_t *in)
{
    const char *value = NULL;

    if (ap_cookie_read(r, authsvc_gateway_cookie_name(r, AUTHSVC_DEVICE_COOKIE_NAME), &value, 0)
            != APR_SUCCESS
        || !value
        || authsvc_device_cookie_verify(r->pool, portal_keyring(r), value,
                                        apr_time_sec(apr_time_now()),
                                        AUTHSVC_KNOWN_SOURCE_MAX_AGE, &in->device_user_id,
                                        &in->device_id)
               != AUTHSVC_OK)
        in->device_user_id = in->device_id = NULL;
}

/* After a login: the browser's device cookie for user_id, issued now (the same device id
 * when it already had one of that user's). */
static void portal_device_set(request_rec *r, const authsvc_session_login_t *in,
                              const char *user_id)
{
    int same = in->device_user_id && user_id && strcmp(in->device_user_id, user_id) == 0;
    const char *value = authsvc_device_cookie_make(r->pool, portal_keyring(r), user_id,
                                                   same ? in->device_id : NULL,
                                                   apr_time_sec(apr_time_now()));

    if (value)
        authsvc_gateway_cookie_set(r,
                                   authsvc_gateway_cookie_name(r, AUTHSVC_DEVICE_COOKIE_NAME),
                                   value, AUTHSVC_KNOWN_SOURCE_MAX_AGE, "Lax");
}

/* The password login of the session service, as AuthsvcGatewayClient, with the
 * browser's device. */
static authsvc_session_status_t portal_login(request_rec *r, authsvc_session_login_t *in,
                                             const char *username, const char *password,
                                             authsvc_session_tokens_t *out)
{
    const authsvc_gateway_server_t *g = portal_config(r->server);

    memset(in, 0, sizeof(*in));
    in->client_id = g->client_id;
    in->client_secret = g->client_secret;
    in->username = username;
    in->password = password;
    portal_device(r, in);
    return authsvc_session_login(authsvc_gateway_context(r), in, out);
}

/* The form again after a refused login: 429, 503 or 401, as the API would answer. */
static int portal_refused(request_rec *r, authsvc_session_status_t st, const char *csrf,
                          const char *ret)
{
    if (st == AUTHSVC_SESSION_TOO_MANY_ATTEMPTS)
        return portal_form(r, HTTP_TOO_MANY_REQUESTS, csrf, ret,
                           "Too many attempts. Try again later.");
    if (st == AUTHSVC_SESSION_UNAVAILABLE || st == AUTHSVC_SESSION_FAILED)
        return portal_form(r, HTTP_SERVICE_UNAVAILABLE, csrf, ret,
                           "Signing in is not possible right now. Try again later.");
    return portal_form(r, HTTP_UNAUTHORIZED, csrf, ret, "Invalid username or password.");
}

static int portal_post(request_rec *r)
{
    const char *csrf = authsvc_gateway_cookie_get(r,
                                                  authsvc_gateway_cookie_name(r, CSRF_COOKIE));
    const char *sent, *ret, *user, *pass;
    apr_table_t *form = NULL;
    authsvc_session_login_t in;
    authsvc_session_tokens_t out;
    authsvc_session_status_t st;
    char *body = NULL;
    apr_size_t len = 0;

    const char *type = apr_table_get(r->headers_in, "Content-Type");

    if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0
        || authsvc_request_body_read(r, PORTAL_BODY_MAX, &body, &len) != OK
        || authsvc_form_parse(r->pool, body ? body : "", len, &form) != AUTHSVC_FORM_VALID)
        return portal_message(r, HTTP_BAD_REQUEST, "Cannot sign in",
                              "The form was not sent "
                              "as expected.");
    sent = apr_table_get(form, "csrf");
    if (!csrf || !sent || strlen(sent) != strlen(csrf)
        || CRYPTO_memcmp(sent, csrf, strlen(csrf)))
        return portal_message(r, HTTP_BAD_REQUEST, "Cannot sign in",
                              "The sign-in form has "
                              "expired. Open the sign-in page again.");
    if (!(ret = portal_return(r, apr_table_get(form, "return"))))
        return portal_bad_return(r);
    user = apr_table_get(form, "username");
    pass = apr_table_get(form, "password");
    if (!user || !*user || !pass || !*pass)
        return portal_form(r, HTTP_UNAUTHORIZED, csrf, ret,
                           "Enter your username and password.");
    st = portal_login(r, &in, user, pass, &out);
    if (st != AUTHSVC_SESSION_OK)
        return portal_refused(r, st, csrf, ret);
    if (!authsvc_gateway_session_create(r, out.pair.access_token, out.pair.refresh_token,
                                        out.pair.expires_ms, out.user_id,
                                        apr_table_get(form, "remember") != NULL, "pwd"))
        return portal_message(r, HTTP_SERVICE_UNAVAILABLE, "Cannot sign in",
                              "Signing in is not possible right now. Try again later.");
    portal_device_set(r, &in, out.user_id);
    apr_table_setn(r->headers_out, "Location", ret);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    r->status = HTTP_SEE_OTHER;
    return OK;
}

static int portal_logout(request_rec *r)
{
    authsvc_gateway_session_end(r);
    return portal_message(r, HTTP_OK, "Signed out", "You are signed out.");
}

/* A quick handler: the pages answer before any <Location> applies, as they must be
 * reachable by users who are not signed in. */
int authsvc_gateway_portal_handler(request_rec *r, int lookup_uri)
{
    const char *portal, *rest;
    apr_size_t len;

    if (lookup_uri || r->main || !portal_config(r->server)->client_set || !r->parsed_uri.path)
        return DECLINED;
    portal = authsvc_gateway_portal_path(r->server);
    len = strlen(portal);
    if (strncmp(r->parsed_uri.path, portal, len) != 0)
        return DECLINED;
    rest = r->parsed_uri.path + len;
    if (strcmp(rest, "/login") == 0) {
        if (r->method_number == M_GET)
            return portal_get(r);
        if (r->method_number == M_POST)
            return portal_post(r);
    } else if (strcmp(rest, "/logout") == 0) {
        if (r->method_number == M_GET || r->method_number == M_POST)
            return portal_logout(r);
    } else
        return DECLINED;
    apr_table_setn(r->headers_out, "Allow", "GET, POST");
    return HTTP_METHOD_NOT_ALLOWED;
}
