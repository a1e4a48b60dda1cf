/* The second step of the sign-in page: a one-time code for users who owe a second
 * factor (docs/design.md section 7). The pending state is the MFA-pending auth code of
 * the session service, held by the browser in an HttpOnly, SameSite=Strict cookie that
 * lives as long as the code; forms also carry the CSRF token. Codes are checked by the
 * second-factor service with the regulation of /auth/verify-otp (wrong authenticator
 * codes counted on the pending code, mailed codes attempts per code, sends limited per
 * address and per user). */
#ifndef AUTHSVC_LOGIN_MFA_H
#define AUTHSVC_LOGIN_MFA_H

#include <apr_tables.h>

#include "authsvc_page_render.h"
#include "authsvc_session.h"

/* After a right password, or a sign-in at another provider (first: the client and
 * principal; method: the RFC 8176 value of that first factor, "pwd" or "ext") for a
 * user who owes a second factor: the pending code and its cookie, a mailed code when the
 * user has no authenticator (made and mailed once the answer has gone out), and the code
 * form. The session then records method followed by "otp mfa". */
int authsvc_login_mfa_open(const authsvc_page_t *pg, const authsvc_session_tokens_t *first,
                           const char *method);

/* POST step=otp: the code of form field "otp" for the browser's pending code. */
int authsvc_login_mfa_verify(const authsvc_page_t *pg, const char *otp);

/* POST step=resend: a new mailed code (address and user limits of /auth/send-otp). */
int authsvc_login_mfa_resend(const authsvc_page_t *pg);

#endif
