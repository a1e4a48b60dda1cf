/* Sign-up by mailed invite as a service (the invite mail itself: authsvc_signup_invite.h):
 * the invite checked, and a user created from it in the tenant, role and clients of
 * AuthsvcSignUp, never from what the client sent. */
#ifndef AUTHSVC_SIGNUP_H
#define AUTHSVC_SIGNUP_H

#include <apr_time.h>

#include "authsvc_context.h"
#include "authsvc_db.h"

/* What became of an invite or a sign-up: the API answers each its own way. */
typedef enum {
    AUTHSVC_SIGNUP_OK,
    AUTHSVC_SIGNUP_INVITE_INVALID,   /* no such invite */
    AUTHSVC_SIGNUP_INVITE_EXPIRED,   /* expired or used (also by a concurrent request) */
    AUTHSVC_SIGNUP_EMAIL_MISMATCH,   /* the address is not the invited one */
    AUTHSVC_SIGNUP_PASSWORD_INVALID, /* against the policy: see why */
    AUTHSVC_SIGNUP_USER_EXISTS,      /* some user has the address */
    AUTHSVC_SIGNUP_UNAVAILABLE       /* database, configuration or hashing unavailable */
} authsvc_signup_status_t;

/* A sign-up: the invite token, the address and password given, the profile (NULL: none). */
typedef struct {
    const char *invite;
    const char *email;
    const char *password;
    const char *first_name;
    const char *middle_name;
    const char *last_name;
} authsvc_signup_in_t;

typedef struct {
    const char *user_id;               /* the new user's */
    const char *email;                 /* the invited address, also its username */
    const char *tenant_id;             /* its default tenant */
    const char *why;                   /* the policy's reason (PASSWORD_INVALID) */
    apr_interval_time_t password_time; /* spent hashing the password */
} authsvc_signup_out_t;

/* Whether invite is usable: OK with *email, the invited address, or INVITE_INVALID,
 * INVITE_EXPIRED, UNAVAILABLE (also without a database). */
authsvc_signup_status_t authsvc_signup_token_check(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   const char *invite, const char **email);

/* Creates the invited user (docs/design.md): the invite usable, the address the invited
 * one, the password within the policy, the address nobody's; then the invite is used up
 * and the user, its credential, membership and clients written in one transaction
 * (logged). */
authsvc_signup_status_t authsvc_signup_user_create(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   const authsvc_signup_in_t *in,
                                                   authsvc_signup_out_t *out);

#endif
