/* Forgot password as a service (docs/design.md section 6): the reset mail of a
 * forget-password request, sent from the child's background worker so that neither the
 * answer nor its timing tells whether the account exists. */
#ifndef AUTHSVC_PASSWORD_RESET_H
#define AUTHSVC_PASSWORD_RESET_H

#include "authsvc_context.h"
#include "authsvc_db.h"

/* Mails a reset link to the user called username (any case) when it has an internal
 * credential, a usable address and may use client_id, within the per-username mail
 * limit; the user's earlier links are retired. Runs in a deferred job: failures are
 * logged, nothing is answered, nothing tells whether the user exists. */
void authsvc_password_reset_mail(authsvc_context_t *ctx, authsvc_db_t *db, const char *username,
                                 const char *client_id);

#endif
