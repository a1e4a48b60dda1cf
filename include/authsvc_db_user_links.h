/* Typed helpers for a user's links to external identities (user_credentials rows whose
 * provider is a social provider's name or "saml:" and an IdP's entity id): the look-up
 * and the link of a federated login, and what authsvc-admin manages. Catalogue statements only; they never begin, commit or
 * roll back: the caller's transaction wraps them. */
#ifndef AUTHSVC_DB_USER_LINKS_H
#define AUTHSVC_DB_USER_LINKS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* An external identity of a user. */
typedef struct {
    const char *provider;
    const char *subject; /* the provider's id of the user (external_id) */
    long long linked_at; /* epoch ms */
} authsvc_db_user_link_t;

/* The user's external identities, by provider then subject: authsvc_db_user_link_t
 * elements. */
authsvc_status_t authsvc_db_user_links(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                       apr_array_header_t **links);

/* The id of the user linked to provider's subject. AUTHSVC_NOT_FOUND when none is
 * (*user_id then NULL). */
authsvc_status_t authsvc_db_user_link_owner(authsvc_db_t *db, apr_pool_t *p,
                                            const char *provider, const char *subject,
                                            const char **user_id);

/* The subject of the user's identity at provider. AUTHSVC_NOT_FOUND when it has none
 * (*subject then NULL). */
authsvc_status_t authsvc_db_user_link_of(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         const char *provider, const char **subject);

/* Links provider's subject to the user, created and updated now. AUTHSVC_CONFLICT when
 * the identity, or the user's link to that provider, exists. */
authsvc_status_t authsvc_db_user_link_add(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                          const char *provider, const char *subject);

/* Removes the link of provider's subject (never a password or an authenticator);
 * *removed (may be NULL) gets how many rows went. */
authsvc_status_t authsvc_db_user_link_remove(authsvc_db_t *db, apr_pool_t *p,
                                             const char *provider, const char *subject,
                                             int *removed);

#endif
