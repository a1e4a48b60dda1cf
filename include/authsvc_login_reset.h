/* "Forgot password?" on the sign-in page (docs/design.md section 6): <portal>/forgot asks
 * for a username and has the password reset service mail a link (the same answer whether
 * or not the account exists, the limits of /auth/forget-password, the mail sent after the
 * answer), and <portal>/reset is the page such a link opens (AuthsvcResetPasswordLink
 * pointing at it): the new password twice, the server's policy, then "sign in". The
 * caller has checked the form's CSRF token and return address (pg). */
#ifndef AUTHSVC_LOGIN_RESET_H
#define AUTHSVC_LOGIN_RESET_H

#include <apr_tables.h>

#include "authsvc_page_render.h"

/* GET <portal>/forgot: the request form. */
int authsvc_login_reset_forgot_form(const authsvc_page_t *pg);
/* POST <portal>/forgot. */
int authsvc_login_reset_forgot(const authsvc_page_t *pg, apr_table_t *form);
/* GET <portal>/reset?token=...: the new-password form when the link is usable. */
int authsvc_login_reset_form(const authsvc_page_t *pg, const char *token);
/* POST <portal>/reset. */
int authsvc_login_reset_apply(const authsvc_page_t *pg, apr_table_t *form);

#endif
