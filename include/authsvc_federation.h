/* Federation: what a login through another identity provider (a social provider, a SAML
 * IdP) decides apart from the conversation with the provider: for social login, the
 * login state sent to the provider and whether its redirect brings back one of this
 * provider, started in this browser and not used before; for SAML, the AuthnRequest
 * kept until its answer and whether a Response answers one of this service, sent from
 * this browser, and was not seen before; and which local user the identity is. A
 * service over authsvc_context_t: the flows read the HTTP request, call these, and map
 * the status to an answer. */
#ifndef AUTHSVC_FEDERATION_H
#define AUTHSVC_FEDERATION_H

#include "authsvc_context.h"
#include "authsvc_db.h"
#include "authsvc_db_social.h"
#include "authsvc_identity_link.h"

/* The user the identity id is: its stored link, when lookup (a transient SAML NameID
 * has none); else, when link_by_email, the account with id->email where the rule of
 * authsvc_identity_link.h allows. *how says which path answered ("linked", "email").
 * AUTHSVC_OK and *user_id; AUTHSVC_NOT_FOUND; AUTHSVC_INVALID when the link by e-mail
 * was refused (identity_link.c logged why); or a database failure. */
authsvc_status_t authsvc_federation_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const authsvc_identity_t *id, int lookup,
                                         int link_by_email, const char **user_id,
                                         const char **how);

/* A login through a social provider, about to be sent there. */
typedef struct {
    const char *provider;    /* its name */
    const char *client_id;   /* the client the login is for */
    int nonce;               /* OpenID Connect: a nonce binds the ID token */
    int pkce;                /* a PKCE code verifier */
    const char *kept_params; /* the caller's own fields to hand back, or NULL */
} authsvc_social_start_t;

/* A new login state, stored (and, now and then, the expired ones purged): *state is
 * sent to the provider, *binding is the browser's binding cookie, *s has the nonce and
 * code verifier. AUTHSVC_NO_MEMORY when no random value could be made; or a database
 * failure. */
authsvc_status_t authsvc_federation_social_state_new(authsvc_context_t *ctx, authsvc_db_t *db,
                                                     const authsvc_social_start_t *start,
                                                     const char **state, const char **binding,
                                                     authsvc_db_social_state_t *s);

/* The login state a social provider's redirect carries (state: the value sent to the
 * provider; binding: the binding cookie the browser carries, or NULL), used up now when
 * it is this provider's, started in this browser, unused and unexpired. AUTHSVC_OK and
 * *s; AUTHSVC_NOT_FOUND when it is unknown, used or expired; AUTHSVC_INVALID with *why
 * (for the log) when it is missing, another provider's or another browser's; or a
 * database failure. */
authsvc_status_t authsvc_federation_social_state_take(authsvc_context_t *ctx, authsvc_db_t *db,
                                                      const char *provider, const char *state,
                                                      const char *binding,
                                                      authsvc_db_social_state_t *s,
                                                      const char **why);

/* An AuthnRequest sent to an IdP, kept until its answer. */
typedef struct {
    const char *request_id;
    const char *client_id;
    const char *idp_entity_id;
    const char *relay_state; /* the client's RelayState, or NULL */
    int ttl;                 /* seconds it may be answered in */
    const char *binding;     /* the binding cookie's value (its hash is kept) */
} authsvc_saml_request_t;

authsvc_status_t authsvc_federation_saml_request_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                                       const authsvc_saml_request_t *r);

/* What the ACS knows of a Response before it is taken as an answer. */
typedef struct {
    const char *idp_entity_id;
    const char *in_response_to; /* the request it answers; NULL: unsolicited */
    int idp_initiated;          /* unsolicited Responses are allowed */
    const char *query_client;   /* the client the ACS URL names (?client=), or NULL */
    const char *binding;        /* the binding cookie the browser carries, or NULL */
} authsvc_saml_answer_t;

/* The AuthnRequest a answers, used up now: the one of this service it names, brought
 * back by the browser that started it, for the client the ACS URL names (if any), not
 * answered before and unexpired; or, without one, an IdP-initiated login when allowed.
 * AUTHSVC_OK with *client_id and *relay_state (NULL when none); AUTHSVC_INVALID with
 * *why (for the log: no assertion content). */
authsvc_status_t authsvc_federation_saml_request_take(authsvc_context_t *ctx, authsvc_db_t *db,
                                                      const authsvc_saml_answer_t *a,
                                                      const char **client_id,
                                                      const char **relay_state,
                                                      const char **why);

/* The replay cache: the IdP's Assertion ID is accepted once until until_ms. AUTHSVC_OK
 * the first time; AUTHSVC_INVALID with *why otherwise (also when the cache cannot be
 * written: an Assertion not remembered is not accepted). */
authsvc_status_t authsvc_federation_saml_replay(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const char *idp_entity_id,
                                                const char *assertion_id, long long until_ms,
                                                const char **why);

#endif
