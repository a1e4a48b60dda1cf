/* The gateway's sign-in pages (browser mode), served by the module itself under
 * AuthsvcGatewayPortalPath (/authsvc/login, /authsvc/logout, /authsvc/static/authsvc.css)
 * on vhosts that name an AuthsvcGatewayClient. Plain, accessible HTML forms (page_render.c:
 * no inline style or script) with a CSRF token (double-submit: a SameSite=Strict cookie
 * and a hidden field); errors are announced and keep the username. The password is
 * checked by the session service (lockout, statuses, activity); a user who owes a second
 * factor gets the code step (login_mfa.c); success opens a server-side session
 * (gateway_session.c). /forgot and /reset are the forgotten-password pages
 * (login_reset.c), /signup accepts a sign-up invite (login_signup.c), /social and
 * /callback sign in through a social provider (login_social.c). Return URLs are
 * allow-listed (return_url.c): a path of this vhost or a configured origin, else 400
 * without any redirect. */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>

#include "authsvc_device_cookie.h"
#include "authsvc_form.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_httpd.h"
#include "authsvc_limits.h"
#include "authsvc_login_mfa.h"
#include "authsvc_login_reset.h"
#include "authsvc_login_signup.h"
#include "authsvc_login_social.h"
#include "authsvc_login_form.h"
#include "authsvc_account_page.h"
#include "authsvc_admin_page.h"
#include "authsvc_portal.h"
#include "authsvc_log.h"
#include "authsvc_session.h"

APLOG_USE_MODULE(authsvc);

/* A GET of a page with a form: the return address of the query checked, the CSRF
 * cookie set. */
static int portal_get(request_rec *r, const char *rest)
{
    authsvc_page_t pg = {r, NULL, NULL, 0};
    apr_table_t *query = NULL;

    if (authsvc_form_parse(r->pool, r->args ? r->args : "", r->args ? strlen(r->args) : 0,
                           &query)
            != AUTHSVC_FORM_VALID
        || !(pg.ret = authsvc_portal_return(r, apr_table_get(query, "return"))))
        return authsvc_portal_bad_return(r);
    pg.csrf = authsvc_portal_csrf(r);
    if (strcmp(rest, "/forgot") == 0)
        return authsvc_login_reset_forgot_form(&pg);
    if (strcmp(rest, "/reset") == 0)
        return authsvc_login_reset_form(&pg, apr_table_get(query, "token"));
    if (strcmp(rest, "/signup") == 0)
        return authsvc_login_signup_form(&pg, apr_table_get(query, "token"));
    return authsvc_login_form_page(&pg, HTTP_OK, NULL, NULL, NULL);
}

/* The password login of the session service, as AuthsvcGatewayClient, with the
 * browser's device. */
static authsvc_session_status_t portal_login(request_rec *r, authsvc_session_login_t *in,
                                             const char *username, const char *password,
                                             authsvc_session_tokens_t *out)
{
    const authsvc_gateway_server_t *g = authsvc_portal_config(r->server);

    memset(in, 0, sizeof(*in));
    in->client_id = g->client_id;
    in->client_secret = g->client_secret;
    in->username = username;
    in->password = password;
    authsvc_login_form_device(r, in);
    return authsvc_session_login(authsvc_gateway_context(r), in, out);
}

/* A refusal the session service did not log itself (the regulation logs bad
 * credentials and limited addresses), as the API would log it: with its reason. */
static void portal_log_refusal(request_rec *r, authsvc_session_status_t st, const char *user)
{
    authsvc_context_t *ctx = authsvc_gateway_context(r);

    if (st == AUTHSVC_SESSION_BAD_CREDENTIALS || st == AUTHSVC_SESSION_TOO_MANY_ATTEMPTS)
        return;
    ctx->log(ctx, st == AUTHSVC_SESSION_UNAVAILABLE ? AUTHSVC_LOG_ERROR : AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(2956) "sign-in page: login refused: reason=%s client=%s "
                                 "user=\"%s\"",
             authsvc_session_status_name(st), ctx->client_ip ? ctx->client_ip : "-",
             ap_escape_logitem(r->pool, user));
}

/* The form again after a refused login: 429, 503 or 401, as the API would answer. */
static int portal_refused(const authsvc_page_t *pg, authsvc_session_status_t st,
                          const authsvc_session_tokens_t *out, const char *user)
{
    portal_log_refusal(pg->r, st, user);
    switch (st) {
    case AUTHSVC_SESSION_TOO_MANY_ATTEMPTS:
        apr_table_setn(pg->r->err_headers_out, "Retry-After",
                       apr_ltoa(pg->r->pool, out->retry_after));
        return authsvc_login_form_page(pg, HTTP_TOO_MANY_REQUESTS, user,
                                       "Too many attempts. Try again later.", "password");
    case AUTHSVC_SESSION_UNAVAILABLE:
    case AUTHSVC_SESSION_FAILED:
    case AUTHSVC_SESSION_BAD_CLIENT:
        return authsvc_login_form_page(pg, HTTP_SERVICE_UNAVAILABLE, user,
                                       "Signing in is not possible right now. Try again later.",
                                       "password");
    case AUTHSVC_SESSION_CLIENT_INVALID:
    case AUTHSVC_SESSION_USER_INACTIVE:
        return authsvc_login_form_page(pg, HTTP_FORBIDDEN, user,
                                       "This account cannot sign in here.", "username");
    default:
        return authsvc_login_form_page(pg, HTTP_UNAUTHORIZED, user,
                                       "Invalid username or password.", "password");
    }
}

/* The password step. */
static int portal_password(const authsvc_page_t *pg, apr_table_t *form)
{
    const char *user = apr_table_get(form, "username"), *pass = apr_table_get(form, "password");
    authsvc_session_login_t in;
    authsvc_session_tokens_t out;
    authsvc_session_status_t st;

    if (!user || !*user)
        return authsvc_login_form_page(pg, HTTP_UNAUTHORIZED, user, "Enter your username.",
                                       "username");
    if (!pass || !*pass)
        return authsvc_login_form_page(pg, HTTP_UNAUTHORIZED, user, "Enter your password.",
                                       "password");
    st = portal_login(pg->r, &in, user, pass, &out);
    if (st == AUTHSVC_SESSION_SECOND_FACTOR)
        return authsvc_login_mfa_open(pg, &out, "pwd");
    if (st != AUTHSVC_SESSION_OK)
        return portal_refused(pg, st, &out, user);
    return authsvc_login_form_signed_in(pg, &out, "pwd");
}

static int portal_post(request_rec *r, const char *rest)
{
    authsvc_page_t pg = {r, NULL, NULL, 0};
    apr_table_t *form = NULL;
    const char *step;
    int rc;

    if (!authsvc_portal_form_read(r, &pg, &form, &rc))
        return rc;
    if (strcmp(rest, "/forgot") == 0)
        return authsvc_login_reset_forgot(&pg, form);
    if (strcmp(rest, "/reset") == 0)
        return authsvc_login_reset_apply(&pg, form);
    if (strcmp(rest, "/signup") == 0)
        return authsvc_login_signup_apply(&pg, form);
    if (strcmp(rest, "/social") == 0)
        return authsvc_login_social_start(&pg, form);
    step = apr_table_get(form, "step");
    if (!step || strcmp(step, "password") == 0)
        return portal_password(&pg, form);
    if (strcmp(step, "otp") == 0)
        return authsvc_login_mfa_verify(&pg, apr_table_get(form, "otp"));
    if (strcmp(step, "resend") == 0)
        return authsvc_login_mfa_resend(&pg);
    return authsvc_page_message(r, HTTP_BAD_REQUEST, "Cannot sign in",
                                "The form was not sent as expected.");
}

static int portal_logout(request_rec *r)
{
    authsvc_gateway_session_end(r);
    return authsvc_page_message(r, HTTP_OK, "Signed out", "You are signed out.");
}

/* A quick handler: the pages answer before any <Location> applies, as they must be
 * reachable by users who are not signed in. */
int authsvc_gateway_portal_handler(request_rec *r, int lookup_uri)
{
    const char *portal, *rest;
    apr_size_t len;

    if (lookup_uri || r->main || !authsvc_portal_config(r->server)->client_set
        || !r->parsed_uri.path)
        return DECLINED;
    portal = authsvc_gateway_portal_path(r->server);
    len = strlen(portal);
    if (strncmp(r->parsed_uri.path, portal, len) != 0)
        return DECLINED;
    rest = r->parsed_uri.path + len;
    if (strcmp(rest, "/static/authsvc.css") == 0) {
        if (r->method_number == M_GET)
            return authsvc_page_stylesheet(r);
        apr_table_setn(r->headers_out, "Allow", "GET");
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (strncmp(rest, "/account", 8) == 0 && (!rest[8] || rest[8] == '/'))
        return authsvc_account_page(r, rest + 8);
    if (strncmp(rest, "/admin", 6) == 0 && (!rest[6] || rest[6] == '/'))
        return authsvc_console_page(r, rest + 6);
    if (strcmp(rest, "/login") == 0 || strcmp(rest, "/forgot") == 0
        || strcmp(rest, "/reset") == 0 || strcmp(rest, "/signup") == 0) {
        if (r->method_number == M_GET)
            return portal_get(r, rest);
        if (r->method_number == M_POST)
            return portal_post(r, rest);
    } else if (strcmp(rest, "/social") == 0) {
        if (r->method_number == M_POST)
            return portal_post(r, rest);
        apr_table_setn(r->headers_out, "Allow", "POST");
        return HTTP_METHOD_NOT_ALLOWED;
    } else if (strcmp(rest, "/callback") == 0) {
        if (r->method_number == M_GET)
            return authsvc_login_social_callback(r, authsvc_portal_csrf(r));
        apr_table_setn(r->headers_out, "Allow", "GET");
        return HTTP_METHOD_NOT_ALLOWED;
    } else if (strcmp(rest, "/logout") == 0) {
        if (r->method_number == M_GET || r->method_number == M_POST)
            return portal_logout(r);
    } else
        return DECLINED;
    apr_table_setn(r->headers_out, "Allow", "GET, POST");
    return HTTP_METHOD_NOT_ALLOWED;
}
