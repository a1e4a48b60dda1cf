/* The account page's forms (account_form.c): the portal's CSRF cookie (double submit,
 * the cookie login_page.c sets) and a posted form read and checked. The portal's own
 * authsvc_portal_form_read lives in login_page.c, which dispatches to the account page,
 * so using it from here would make the two files use each other (scripts/check-layers). */
#ifndef AUTHSVC_ACCOUNT_FORM_H
#define AUTHSVC_ACCOUNT_FORM_H

#include <httpd.h>
#include <apr_tables.h>

/* The CSRF cookie's value, made and set when the browser has none. */
const char *authsvc_account_form_csrf(request_rec *r);

/* 1 with *form and *csrf set when the body is a form whose csrf field matches the
 * cookie; else 0 with the 400 page answered (*rc). */
int authsvc_account_form_read(request_rec *r, apr_table_t **form, const char **csrf, int *rc);

#endif
