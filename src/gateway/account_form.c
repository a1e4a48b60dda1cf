/* The account page's forms (see authsvc_account_form.h). */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <openssl/crypto.h>

#include "authsvc_account_form.h"
#include "authsvc_form.h"
#include "authsvc_gateway.h"
#include "authsvc_page_render.h"
#include "authsvc_password.h"
#include "authsvc_request_body.h"

#define FORM_CSRF_COOKIE "authsvc-csrf" /* the portal's (login_page.c) */
#define FORM_CSRF_BYTES 32
#define FORM_BODY_MAX 8192

const char *authsvc_account_form_csrf(request_rec *r)
{
    const char *name = authsvc_gateway_cookie_name(r, FORM_CSRF_COOKIE);
    const char *csrf = authsvc_gateway_cookie_get(r, name);

    if (!csrf) {
        csrf = authsvc_random_token(r->pool, FORM_CSRF_BYTES);
        authsvc_gateway_cookie_set(r, name, csrf, -1, "Strict");
    }
    return csrf;
}

int authsvc_account_form_read(request_rec *r, apr_table_t **form, const char **csrf, int *rc)
{
    const char *cookie = authsvc_gateway_cookie_get(
        r, authsvc_gateway_cookie_name(r, FORM_CSRF_COOKIE));
    const char *type = apr_table_get(r->headers_in, "Content-Type"), *sent;
    char *body = NULL;
    apr_size_t len = 0;

    if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0
        || authsvc_request_body_read(r, FORM_BODY_MAX, &body, &len) != OK
        || authsvc_form_parse(r->pool, body ? body : "", len, form) != AUTHSVC_FORM_VALID)
        return (*rc = authsvc_page_message(r, HTTP_BAD_REQUEST, "Your account",
                                           "The form was not sent as expected."),
                0);
    sent = apr_table_get(*form, "csrf");
    if (!cookie || !sent || strlen(sent) != strlen(cookie)
        || CRYPTO_memcmp(sent, cookie, strlen(cookie)))
        return (*rc = authsvc_page_message(r, HTTP_BAD_REQUEST, "Your account",
                                           "The form has expired. Open the page again."),
                0);
    *csrf = cookie;
    return 1;
}
