/* What every page under the portal path shares (see authsvc_portal.h): the vhost's
 * gateway settings, the return-address check, the CSRF cookie (double submit) and the
 * checked reading of a posted form. Its own file so that login_page.c, which dispatches
 * to the account and admin pages, and those pages can all use it. */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <openssl/crypto.h>

#include "authsvc_form.h"
#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_password.h"
#include "authsvc_portal.h"
#include "authsvc_request_body.h"
#include "authsvc_return_url.h"

APLOG_USE_MODULE(authsvc);

#define CSRF_COOKIE "authsvc-csrf"
#define CSRF_BYTES 32
#define PORTAL_BODY_MAX 8192

const authsvc_gateway_server_t *authsvc_portal_config(const server_rec *s)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    return c->gateway;
}

const char *authsvc_portal_return(request_rec *r, const char *value)
{
    const authsvc_gateway_server_t *g = authsvc_portal_config(r->server);

    if (!value || !*value)
        return "/";
    return authsvc_return_url_check(r->pool, value,
                                    g->return_origins_set
                                        ? (const char *const *)g->return_origins->elts
                                        : NULL);
}

int authsvc_portal_bad_return(request_rec *r)
{
    return authsvc_page_message(r, HTTP_BAD_REQUEST, "Cannot sign in",
                                "The address to return to after signing in is not allowed.");
}

const char *authsvc_portal_csrf(request_rec *r)
{
    const char *name = authsvc_gateway_cookie_name(r, CSRF_COOKIE);
    const char *csrf = authsvc_gateway_cookie_get(r, name);

    if (!csrf) {
        csrf = authsvc_random_token(r->pool, CSRF_BYTES);
        authsvc_gateway_cookie_set(r, name, csrf, -1, "Strict");
    }
    return csrf;
}

int authsvc_portal_form_checked(request_rec *r, const authsvc_portal_refusal_t *how,
                                apr_table_t **form, const char **csrf, int *rc)
{
    const char *cookie = authsvc_gateway_cookie_get(r,
                                                    authsvc_gateway_cookie_name(r,
                                                                                CSRF_COOKIE));
    const char *type = apr_table_get(r->headers_in, "Content-Type"), *sent;
    char *body = NULL;
    apr_size_t len = 0;

    if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0
        || authsvc_request_body_read(r, PORTAL_BODY_MAX, &body, &len) != OK
        || authsvc_form_parse(r->pool, body ? body : "", len, form) != AUTHSVC_FORM_VALID)
        return (*rc = authsvc_page_message(r, HTTP_BAD_REQUEST, how->title,
                                           "The form was not sent as expected."),
                0);
    sent = apr_table_get(*form, "csrf");
    if (!cookie || !sent || strlen(sent) != strlen(cookie)
        || CRYPTO_memcmp(sent, cookie, strlen(cookie)))
        return (*rc = authsvc_page_message(r, how->csrf_status, how->title, how->expired), 0);
    *csrf = cookie;
    return 1;
}

int authsvc_portal_form_read(request_rec *r, authsvc_page_t *pg, apr_table_t **form, int *rc)
{
    static const authsvc_portal_refusal_t signin = {
        "Cannot sign in", HTTP_BAD_REQUEST,
        "The sign-in form has expired. Open the sign-in page again."};

    if (!authsvc_portal_form_checked(r, &signin, form, &pg->csrf, rc))
        return 0;
    if (!(pg->ret = authsvc_portal_return(r, apr_table_get(*form, "return"))))
        return (*rc = authsvc_portal_bad_return(r), 0);
    pg->r = r;
    pg->remember = apr_table_get(*form, "remember") != NULL;
    return 1;
}
