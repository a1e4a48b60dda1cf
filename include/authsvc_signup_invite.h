/* Sign-up invites as a service: the invite mail of a create-token request, sent from the
 * child's background worker, so that whether the address has an account (then nothing
 * is sent) shows neither in the answer nor in its timing. */
#ifndef AUTHSVC_SIGNUP_INVITE_H
#define AUTHSVC_SIGNUP_INVITE_H

#include "authsvc_context.h"
#include "authsvc_db.h"

/* 1 when some user has this address (as e-mail or as username, any case); *st says
 * whether the look-up worked (AUTHSVC_NOT_FOUND: nobody has it). */
int authsvc_signup_address_taken(authsvc_context_t *ctx, authsvc_db_t *db, const char *email,
                                 authsvc_status_t *st);

/* Mails an invite to email unless some user has the address, within the per-address mail
 * limit. Runs in a deferred job: failures are logged, never answered. */
void authsvc_signup_invite_mail(authsvc_context_t *ctx, authsvc_db_t *db, const char *email);

#endif
