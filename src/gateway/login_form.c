/* The password form of the sign-in page and the end of a sign-in (see
 * authsvc_login_form.h). */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_protocol.h>
#include <util_cookies.h>

#include "authsvc_device_cookie.h"
#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_limits.h"
#include "authsvc_login_form.h"
#include "authsvc_login_buttons.h"
#include "authsvc_page_text.h"

APLOG_USE_MODULE(authsvc);

/* The password form (authsvc_login_form.h): the username kept, the field in error
 * described by the error and focused. */
int authsvc_login_form_page(const authsvc_page_t *pg, int status, const char *username,
                            const char *error, const char *field)
{
    apr_pool_t *p = pg->r->pool;
    authsvc_page_t plain = *pg;
    int user_focus = error ? strcmp(field, "username") == 0 : !username || !*username;
    const char *marks = error ? " autofocus aria-invalid=\"true\" "
                                "aria-describedby=\"login-error\""
                              : " autofocus";
    const char *body;

    plain.remember = 0; /* a checkbox here, not a hidden field */
    body = apr_pstrcat(
        p, authsvc_page_error(pg->r, "login-error", error),
        "<form id=\"login-form\" method=\"post\" action=\"", authsvc_page_url(pg->r, "/login"),
        "\">\n", authsvc_page_hidden(&plain), "<label for=\"username\">",
        authsvc_page_tr(pg->r, "Username"),
        "</label>\n"
        "<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" "
        "autocapitalize=\"none\" spellcheck=\"false\" required value=\"",
        authsvc_page_escape(p, username), "\"", user_focus ? marks : "",
        ">\n<label for=\"password\">", authsvc_page_tr(pg->r, "Password"),
        "</label>\n"
        "<input id=\"password\" name=\"password\" type=\"password\" "
        "autocomplete=\"current-password\" required",
        user_focus ? "" : marks,
        ">\n<label for=\"remember\"><input id=\"remember\" name=\"remember\" "
        "type=\"checkbox\" value=\"1\"",
        pg->remember ? " checked" : "", "> ",
        authsvc_page_tr(pg->r, "Remember me on this device"),
        "</label>\n"
        "<button id=\"sign-in\" type=\"submit\">",
        authsvc_page_tr(pg->r, "Sign in"), "</button>\n</form>\n",
        authsvc_login_buttons(&plain), "<nav><a id=\"forgot\" href=\"",
        authsvc_page_url(pg->r, "/forgot"),
        "?return=", authsvc_page_escape(p, ap_escape_urlencoded(p, pg->ret)), "\">",
        authsvc_page_tr(pg->r, "Forgot password?"), "</a></nav>\n", NULL);
    return authsvc_page_send(pg->r, status, "Sign in", body);
}

const char *authsvc_login_form_new_password(request_rec *r, const char *label,
                                            const char *again, const char *attrs)
{
    return apr_pstrcat(r->pool, "<label for=\"password\">", authsvc_page_tr(r, label),
                       "</label>\n"
                       "<input id=\"password\" name=\"password\" type=\"password\" "
                       "autocomplete=\"new-password\" required",
                       attrs, ">\n<label for=\"confirm\">", authsvc_page_tr(r, again),
                       "</label>\n"
                       "<input id=\"confirm\" name=\"confirm\" type=\"password\" "
                       "autocomplete=\"new-password\" required>\n",
                       NULL);
}

const char *authsvc_login_form_new_password_read(apr_table_t *form)
{
    const char *password = apr_table_get(form, "password");
    const char *confirm = apr_table_get(form, "confirm");

    if (!password || !*password || !confirm || strcmp(password, confirm) != 0)
        return NULL;
    return password;
}

static const authsvc_keyring_t *form_keyring(const request_rec *r)
{
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
    return c->keyring;
}

/* The device cookie this browser carries, when it is valid: whose it is and its id
 * (README, "Passwords and brute force"). */
void authsvc_login_form_device(request_rec *r, authsvc_session_login_t *in)
{
    const char *value = NULL;

    if (ap_cookie_read(r, authsvc_gateway_cookie_name(r, AUTHSVC_DEVICE_COOKIE_NAME), &value, 0)
            != APR_SUCCESS
        || !value
        || authsvc_device_cookie_verify(r->pool, form_keyring(r), value,
                                        apr_time_sec(apr_time_now()),
                                        AUTHSVC_KNOWN_SOURCE_MAX_AGE, &in->device_user_id,
                                        &in->device_id)
               != AUTHSVC_OK)
        in->device_user_id = in->device_id = NULL;
}

/* After a login: the browser's device cookie for user_id, issued now (the same device id
 * when it already had one of that user's). */
static void form_device_set(request_rec *r, const authsvc_session_login_t *in,
                            const char *user_id)
{
    int same = in->device_user_id && user_id && strcmp(in->device_user_id, user_id) == 0;
    const char *value = authsvc_device_cookie_make(r->pool, form_keyring(r), user_id,
                                                   same ? in->device_id : NULL,
                                                   apr_time_sec(apr_time_now()));

    if (value)
        authsvc_gateway_cookie_set(r,
                                   authsvc_gateway_cookie_name(r, AUTHSVC_DEVICE_COOKIE_NAME),
                                   value, AUTHSVC_KNOWN_SOURCE_MAX_AGE, "Lax");
}

int authsvc_login_form_signed_in(const authsvc_page_t *pg, const authsvc_session_tokens_t *out,
                                 const char *amr)
{
    request_rec *r = pg->r;
    authsvc_session_login_t in;

    memset(&in, 0, sizeof(in));
    authsvc_login_form_device(r, &in);
    if (!authsvc_gateway_session_create(r, out->pair.access_token, out->pair.refresh_token,
                                        out->pair.expires_ms, out->user_id, pg->remember, amr))
        return authsvc_page_message(r, HTTP_SERVICE_UNAVAILABLE, "Cannot sign in",
                                    "Signing in is not possible right now. Try again later.");
    form_device_set(r, &in, out->user_id);
    apr_table_setn(r->headers_out, "Location", pg->ret);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    r->status = HTTP_SEE_OTHER;
    return OK;
}
