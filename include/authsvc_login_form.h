/* What the steps of the sign-in page (login_page.c, login_mfa.c) share: the password
 * form, the browser's device cookie (README, "Passwords and brute force") and the end of
 * a successful sign-in. */
#ifndef AUTHSVC_LOGIN_FORM_H
#define AUTHSVC_LOGIN_FORM_H

#include "authsvc_page_render.h"
#include "authsvc_session.h"

/* The password form with username kept (NULL: empty); error (NULL: none) is announced
 * and tied to the field named field ("username" or "password"), which gets the focus. */
int authsvc_login_form_page(const authsvc_page_t *pg, int status, const char *username,
                            const char *error, const char *field);

/* A finished sign-in: the browser session (signed in by the RFC 8176 methods amr), the
 * device cookie, and a 303 to pg->ret; 503 when the session cannot be stored. */
int authsvc_login_form_signed_in(const authsvc_page_t *pg, const authsvc_session_tokens_t *out,
                                 const char *amr);

/* The two fields of a new password, #password and #confirm (autocomplete new-password,
 * required), labelled label and again (translated here); attrs are the first field's
 * further attributes (" autofocus aria-invalid=...", or ""). The reset and sign-up
 * pages use them. */
const char *authsvc_login_form_new_password(request_rec *r, const char *label,
                                            const char *again, const char *attrs);

/* The new password of a form with those fields when both say the same, else NULL (then
 * the page says "The two passwords differ."). */
const char *authsvc_login_form_new_password_read(apr_table_t *form);

/* The device cookie this browser carries, when it is valid: in->device_user_id and
 * in->device_id (else NULL). */
void authsvc_login_form_device(request_rec *r, authsvc_session_login_t *in);

#endif
