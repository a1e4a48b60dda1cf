/* What every page under the portal path shares (portal.c): the vhost's gateway settings,
 * the return-address check, the CSRF cookie (double submit: a SameSite=Strict cookie and
 * a hidden field) and the checked reading of a posted form. */
#ifndef AUTHSVC_PORTAL_H
#define AUTHSVC_PORTAL_H

#include <httpd.h>
#include <apr_tables.h>

#include "authsvc_gateway.h"
#include "authsvc_page_render.h"

/* How a page refuses a form with a missing or wrong CSRF token. */
typedef struct {
    const char *title;   /* of the refusal page (translated there) */
    int csrf_status;     /* 400, or 403 */
    const char *expired; /* the message */
} authsvc_portal_refusal_t;

/* The gateway settings of s (the AuthsvcGatewayClient, return origins, ...). */
const authsvc_gateway_server_t *authsvc_portal_config(const server_rec *s);

/* value as a return address after signing in ("/" when empty), or NULL when it is
 * neither a path of this vhost nor of an AuthsvcGatewayReturnOrigin. */
const char *authsvc_portal_return(request_rec *r, const char *value);
/* The 400 page of a return address refused. */
int authsvc_portal_bad_return(request_rec *r);

/* The CSRF cookie's value, made and set when the browser has none. */
const char *authsvc_portal_csrf(request_rec *r);

/* The posted form with its CSRF token checked: 1 with *form and *csrf (the cookie's
 * value) set, else 0 with the refusal answered (*rc): 400 for a body that is not a form,
 * how->csrf_status for the token. */
int authsvc_portal_form_checked(request_rec *r, const authsvc_portal_refusal_t *how,
                                apr_table_t **form, const char **csrf, int *rc);

/* A sign-in page's form: checked as above, plus its return address and "remember me".
 * 1 with *form and *pg set, else 0 with the refusal answered (*rc). */
int authsvc_portal_form_read(request_rec *r, authsvc_page_t *pg, apr_table_t **form, int *rc);

#endif
