/* What social login keeps in the database: the link of a provider's subject to a user
 * (user_credentials), users created by self sign-up, and the provider's tokens of a
 * user's latest login. Its login states are federation.c's (authsvc_federation.h).
 * Over authsvc_context_t: no HTTP, no network. */
#ifndef AUTHSVC_SOCIAL_STORE_H
#define AUTHSVC_SOCIAL_STORE_H

#include "authsvc_context.h"
#include "authsvc_db_social.h"
#include "authsvc_social_provider.h"
#include "authsvc_tokens.h"

/* A login state, as the database keeps it (authsvc_db_social.h, authsvc_federation.h). */
typedef authsvc_db_social_state_t authsvc_social_state_t;

/* Who the provider says the user is. */
typedef struct {
    const char *subject; /* the provider's stable id for the user */
    const char *email;
    int email_verified;
    const char *given_name;
    const char *family_name;
    const char *username; /* preferred_username / username, when given */
} authsvc_social_profile_t;

/* The user for a provider's subject: an existing link; else, on first login, the local
 * user with the e-mail (when the provider may link so, and the rule of
 * authsvc_identity_link.h allows it) or a new user (when the provider has self sign-up
 * and no local user has the e-mail), linked from now on. AUTHSVC_NOT_FOUND when none of
 * these applies, AUTHSVC_INVALID when the link by e-mail was refused; *how says which
 * path was taken ("linked", "email", "signup"). */
authsvc_status_t authsvc_social_user_resolve(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const authsvc_social_provider_t *provider,
                                             const authsvc_client_t *client,
                                             const authsvc_social_profile_t *profile,
                                             const char **user_id, const char **how);

/* The provider's tokens of the user's latest login (any may be NULL). */
typedef authsvc_db_social_session_t authsvc_social_session_t;

authsvc_status_t authsvc_social_session_save(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const char *user_id, const char *provider,
                                             const authsvc_social_session_t *s);
authsvc_status_t authsvc_social_session_get(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *user_id, const char *provider,
                                            authsvc_social_session_t *out);
authsvc_status_t authsvc_social_session_delete(authsvc_context_t *ctx, authsvc_db_t *db,
                                               const char *user_id, const char *provider);

#endif
