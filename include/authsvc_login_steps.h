/* The steps of the gateway's sign-in pages that the other services do not offer as one
 * call: ending a sign-in whose second factor has passed (the MFA-pending auth code is
 * spent, one winner, and a token pair is issued for its user through its client, as
 * /auth/verify-otp followed by /auth/token would). docs/design.md section 7. */
#ifndef AUTHSVC_LOGIN_STEPS_H
#define AUTHSVC_LOGIN_STEPS_H

#include "authsvc_auth_code.h"
#include "authsvc_context.h"
#include "authsvc_session.h"

/* code: a live MFA-pending code whose second factor was just checked. OK with out
 * filled; CODE_EXPIRED when it was spent meanwhile; USER_INACTIVE when its user may no
 * longer sign in; UNAVAILABLE on a database failure. */
authsvc_session_status_t authsvc_login_steps_finish(authsvc_context_t *ctx, authsvc_db_t *db,
                                                    const authsvc_auth_code_t *code,
                                                    authsvc_session_tokens_t *out);

#endif
