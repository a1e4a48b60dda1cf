/* The signed-in user's own account as a service (README, "The account page"): changing
 * the password (the old one checked under the same brute-force regulation as a login,
 * the new one under the password policy), and enrolling an authenticator that only
 * counts once a code from it has been confirmed, and removing it (password required).
 * The gateway's account page (account_page.c) calls these; no HTTP here. */
#ifndef AUTHSVC_ACCOUNT_H
#define AUTHSVC_ACCOUNT_H

#include <apr_pools.h>

#include "authsvc_context.h"
#include "authsvc_db.h"
#include "authsvc_status.h"

typedef enum {
    AUTHSVC_ACCOUNT_OK,
    AUTHSVC_ACCOUNT_WRONG_PASSWORD, /* counted as a failed login of the username */
    AUTHSVC_ACCOUNT_LIMITED,        /* the address is limited or the username locked */
    AUTHSVC_ACCOUNT_EXTERNAL,       /* the user has no password here */
    AUTHSVC_ACCOUNT_POLICY,         /* the new password is against the policy (why) */
    AUTHSVC_ACCOUNT_REUSED,         /* the new password is the current one */
    AUTHSVC_ACCOUNT_WRONG_CODE,     /* the authenticator's code is not right */
    AUTHSVC_ACCOUNT_EXISTS,         /* an authenticator is set up already */
    AUTHSVC_ACCOUNT_NONE,           /* no authenticator to remove */
    AUTHSVC_ACCOUNT_UNAVAILABLE     /* database or password hashing unavailable */
} authsvc_account_status_t;

/* What a password change needs; keep_family: the refresh family of the session that
 * asks (it stays signed in), NULL to end every session. */
typedef struct {
    const char *user_id;
    const char *username;
    const char *old_password;
    const char *password;
    const char *keep_family;
} authsvc_account_password_t;

typedef struct {
    const char *why;  /* POLICY: the policy's reason */
    long retry_after; /* LIMITED by address: seconds, else 0 */
} authsvc_account_out_t;

/* Checks user_id's password as a login would be regulated (a wrong one counts against
 * the username and the address, is logged as authsvc2001 for fail2ban): OK,
 * WRONG_PASSWORD, LIMITED, EXTERNAL or UNAVAILABLE. */
authsvc_account_status_t authsvc_account_password_verify(authsvc_context_t *ctx,
                                                         authsvc_db_t *db, const char *user_id,
                                                         const char *username,
                                                         const char *password,
                                                         authsvc_account_out_t *out);

/* The old password verified, the new one within the policy and not the current one:
 * stores it and revokes every token of the user but keep_family's (as the API's
 * change-password does). */
authsvc_account_status_t authsvc_account_password_change(authsvc_context_t *ctx,
                                                         authsvc_db_t *db,
                                                         const authsvc_account_password_t *in,
                                                         authsvc_account_out_t *out);

/* A fresh authenticator secret (base32), NULL when the CSPRNG fails. */
const char *authsvc_account_totp_secret(authsvc_context_t *ctx);

/* The authenticator's QR code (otpauth:// URI of username and secret, issuer as
 * configured) as PNG bytes. */
authsvc_status_t authsvc_account_totp_png(authsvc_context_t *ctx, const char *username,
                                          const char *secret, const unsigned char **png,
                                          apr_size_t *len);

/* Confirms the pending secret with a code from the app: stores it as user_id's
 * authenticator (the code's time step used up) and makes the user owe a second factor
 * at sign-in. OK, WRONG_CODE, EXISTS or UNAVAILABLE. */
authsvc_account_status_t authsvc_account_totp_confirm(authsvc_context_t *ctx, authsvc_db_t *db,
                                                      const char *user_id, const char *secret,
                                                      const char *otp);

/* The password verified (authsvc_account_password_verify): removes user_id's
 * authenticator, and the user no longer owes a second factor of its own (a tenant's or
 * client's requirement still applies). NONE when there is none. */
authsvc_account_status_t authsvc_account_totp_remove(authsvc_context_t *ctx, authsvc_db_t *db,
                                                     const char *user_id, const char *username,
                                                     const char *password,
                                                     authsvc_account_out_t *out);

#endif
