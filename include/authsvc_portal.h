/* What every page under the portal path shares (login_page.c): the CSRF cookie
 * (double submit) and the checked reading of a posted form. */
#ifndef AUTHSVC_PORTAL_H
#define AUTHSVC_PORTAL_H

#include <httpd.h>
#include <apr_tables.h>

#include "authsvc_page_render.h"

/* The CSRF cookie's value, made and set when the browser has none. */
const char *authsvc_portal_csrf(request_rec *r);

/* The posted form, checked: body, CSRF (double submit), return address. 1 with *form and
 * *pg set, else 0 with the refusal answered (*rc). */
int authsvc_portal_form_read(request_rec *r, authsvc_page_t *pg, apr_table_t **form, int *rc);

#endif
