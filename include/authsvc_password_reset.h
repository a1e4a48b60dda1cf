/* Forgot password as a service (docs/design.md section 6): the reset mail of a
 * forget-password request, sent from the child's background worker so that neither the
 * answer nor its timing tells whether the account exists. */
#ifndef AUTHSVC_PASSWORD_RESET_H
#define AUTHSVC_PASSWORD_RESET_H

#include <apr_time.h>

#include "authsvc_context.h"
#include "authsvc_db.h"

/* Mails a reset link to the user called username (any case) when it has an internal
 * credential, a usable address and may use client_id, within the per-username mail
 * limit; the user's earlier links are retired. Runs in a deferred job: failures are
 * logged, nothing is answered, nothing tells whether the user exists. */
void authsvc_password_reset_mail(authsvc_context_t *ctx, authsvc_db_t *db, const char *username,
                                 const char *client_id);

/* What became of a reset link or a reset: the API answers each its own way. */
typedef enum {
    AUTHSVC_RESET_OK,
    AUTHSVC_RESET_TOKEN_INVALID,    /* no such link, or its user is gone */
    AUTHSVC_RESET_TOKEN_EXPIRED,    /* expired or used (also by a concurrent request) */
    AUTHSVC_RESET_CLIENT_INVALID,   /* the link was made for another client */
    AUTHSVC_RESET_PASSWORD_INVALID, /* against the policy: see why */
    AUTHSVC_RESET_EXTERNAL_USER,    /* the user has no internal credential */
    AUTHSVC_RESET_PASSWORD_REUSED,  /* the new password is the current one */
    AUTHSVC_RESET_UNAVAILABLE       /* database or password hashing unavailable */
} authsvc_password_reset_status_t;

/* A reset: the link's token, the client that was verified, the new password. */
typedef struct {
    const char *token;
    const char *client_id;
    const char *password;
} authsvc_password_reset_in_t;

typedef struct {
    const char *user_id;               /* the user whose password was reset */
    const char *why;                   /* the policy's reason (PASSWORD_INVALID) */
    apr_interval_time_t password_time; /* spent hashing and checking passwords */
} authsvc_password_reset_out_t;

/* Whether token is a usable reset link: OK, TOKEN_INVALID, TOKEN_EXPIRED or UNAVAILABLE. */
authsvc_password_reset_status_t authsvc_password_reset_link_check(authsvc_context_t *ctx,
                                                                  authsvc_db_t *db,
                                                                  const char *token);

/* Resets a password by link (docs/design.md section 6): the token usable and made for
 * in->client_id, the new password within the policy and not the current one; then the
 * token is consumed, the hash stored, every token of the user revoked, the user's other
 * links retired and the username's failed logins forgotten (logged). *out is filled as
 * far as the reset went. */
authsvc_password_reset_status_t authsvc_password_reset_apply(
    authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_password_reset_in_t *in,
    authsvc_password_reset_out_t *out);

#endif
