/* The second factor as a service (docs/design.md section 7): the authenticator (TOTP,
 * RFC 6238, each time step used once) and e-mailed one-time codes bound to the
 * MFA-pending auth code they were sent for. The flows of src/api/flow_otp.c check the
 * client and the pending code, call these, and map the result to their answers. */
#ifndef AUTHSVC_SECOND_FACTOR_H
#define AUTHSVC_SECOND_FACTOR_H

#include "authsvc_context.h"
#include "authsvc_db.h"

/* AUTHSVC_OK when user_id has an authenticator, AUTHSVC_NOT_FOUND when not. */
authsvc_status_t authsvc_second_factor_has_totp(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const char *user_id);

/* Gives user_id (called username in the authenticator app) a fresh authenticator:
 * *qr_code is the PNG data URL of its otpauth:// URI. AUTHSVC_CONFLICT when it has one
 * (also when a parallel enrolment won). */
authsvc_status_t authsvc_second_factor_enrol(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const char *user_id, const char *username,
                                             const char **qr_code);

/* What a presented one-time code turned out to be. */
typedef enum {
    AUTHSVC_SECOND_FACTOR_PASSED,     /* right: the mailed code or the step is used up */
    AUTHSVC_SECOND_FACTOR_EXPIRED,    /* no usable mailed code and no authenticator, or
                                           the mailed code is exhausted or expired */
    AUTHSVC_SECOND_FACTOR_WRONG_MAIL, /* wrong for the mailed code (an attempt counted) */
    AUTHSVC_SECOND_FACTOR_WRONG_TOTP, /* wrong or replayed for the authenticator */
    AUTHSVC_SECOND_FACTOR_UNAVAILABLE /* the database failed */
} authsvc_second_factor_t;

/* Checks otp for the pending code code_hash of user_id: against the live mailed code
 * when there is one, else against the user's authenticator. */
authsvc_second_factor_t authsvc_second_factor_verify(authsvc_context_t *ctx, authsvc_db_t *db,
                                                     const char *code_hash, const char *user_id,
                                                     const char *otp);

/* Counts a wrong authenticator code on the pending code; 1 when, with otp_failures
 * counted before, it has reached the limit (the caller then ends the pending code). */
int authsvc_second_factor_wrong(authsvc_context_t *ctx, authsvc_db_t *db, const char *code_hash,
                                int otp_failures);

/* Makes, stores and mails a one-time code for the pending code code_hash of user_id (at
 * most AUTHSVC_OTP_SENDS_MAX per user in AUTHSVC_OTP_SENDS_WINDOW; a newer code ends the
 * older). Runs in a deferred job: failures are logged, never answered. */
void authsvc_second_factor_mail_code(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const char *code_hash, const char *user_id);

#endif
