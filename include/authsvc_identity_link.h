/* Linking an external identity (a social provider's subject, a SAML IdP's NameID) to an
 * existing local account found by its e-mail, the rule that guards it, and what a
 * provider may write onto an account (README "Linking external identities").
 *
 * The rule: the provider vouches for the e-mail, and the account has no password, no
 * linked identity and no protected role (AuthsvcLinkProtectedRoles; by default every
 * role that grants a permission, and any permission granted to the account directly).
 * Every link and every refusal is logged and recorded as login activity (LINK,
 * LINK_REFUSED). A service over authsvc_context_t: no HTTP, no network. */
#ifndef AUTHSVC_IDENTITY_LINK_H
#define AUTHSVC_IDENTITY_LINK_H

#include "authsvc_context.h"
#include "authsvc_db.h"

typedef struct {
    const char *provider;  /* "keycloak", "saml:<IdP entity id>": user_credentials.provider */
    const char *subject;   /* the provider's id of the user (never logged: a hash is) */
    const char *email;     /* the e-mail the provider sent, or NULL */
    int email_vouched;     /* the provider vouches for it */
    int store;             /* 0: match only, store no link (SAML transient NameIDs) */
    const char *client_id; /* the client of the login, for the activity row */
} authsvc_identity_t;

/* The local account with id->email, linked to the identity from now on (unless
 * !id->store) when the rule allows it. AUTHSVC_OK and *user_id; AUTHSVC_NOT_FOUND when
 * no account has that e-mail (or there is none); AUTHSVC_INVALID when the link is
 * refused; AUTHSVC_UNAVAILABLE or AUTHSVC_DB_ERROR. */
authsvc_status_t authsvc_identity_link_by_email(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const authsvc_identity_t *id,
                                                const char **user_id);

/* Writes what a provider says about a user: each non-NULL field replaces the stored
 * one (groups: a JSON array). Failures are logged. */
void authsvc_identity_profile_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                    const char *user_id, const char *email,
                                    const char *first_name, const char *last_name,
                                    const char *groups);

#endif
