/* Accepting a sign-up invite on the sign-in pages: <portal>/signup?token=... is the page
 * the invite mail opens (AuthsvcSignUpLink pointing at it): the invited address, a
 * profile (first and last name) and a password twice, checked by the sign-up service
 * (policy, address nobody's, invite single use), then "sign in". The caller has checked
 * the form's CSRF token and return address (pg). */
#ifndef AUTHSVC_LOGIN_SIGNUP_H
#define AUTHSVC_LOGIN_SIGNUP_H

#include <apr_tables.h>

#include "authsvc_page_render.h"

/* GET <portal>/signup?token=...: the form when the invite is usable. */
int authsvc_login_signup_form(const authsvc_page_t *pg, const char *token);
/* POST <portal>/signup. */
int authsvc_login_signup_apply(const authsvc_page_t *pg, apr_table_t *form);

#endif
