/* Typed helpers for external identities (a provider's subject linked to a user in
 * user_credentials) and for what linking by e-mail reads and writes (README "Linking
 * external identities"). They run catalogue statements only and never begin, commit or
 * roll back: the caller's transaction wraps them. */
#ifndef AUTHSVC_DB_IDENTITIES_H
#define AUTHSVC_DB_IDENTITIES_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* The user the identity (provider, external_id) is linked to: AUTHSVC_OK and *user_id,
 * AUTHSVC_NOT_FOUND when it is linked to none. */
authsvc_status_t authsvc_db_identity_user(authsvc_db_t *db, apr_pool_t *p, const char *provider,
                                          const char *external_id, const char **user_id);

/* Links (provider, external_id) to user_id. AUTHSVC_CONFLICT when the identity is linked
 * already (to any user). */
authsvc_status_t authsvc_db_identity_insert(authsvc_db_t *db, apr_pool_t *p,
                                            const char *user_id, const char *provider,
                                            const char *external_id);

/* The ids of the accounts whose e-mail is email (any case), in id order: at most max of
 * them in *ids (const char *), the rest read and dropped. */
authsvc_status_t authsvc_db_identity_accounts_by_email(authsvc_db_t *db, apr_pool_t *p,
                                                       const char *email, int max,
                                                       apr_array_header_t **ids);

/* Locks the account's row until the end of the caller's transaction (a no-op UPDATE). */
authsvc_status_t authsvc_db_identity_account_lock(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *user_id);

/* A role the account holds (one per tenant membership). */
typedef struct {
    const char *name;           /* NULL when the row has none */
    long long grants;           /* permissions the role grants */
    long long direct_grants;    /* permissions granted to the account directly there */
} authsvc_db_account_role_t;

/* What the link rule reads of an account. */
typedef struct {
    const char *tenant_id;      /* its default tenant */
    int has_password;           /* an internal credential with a password */
    int identities;             /* identities linked to it */
    apr_array_header_t *roles;  /* authsvc_db_account_role_t, in role name order */
} authsvc_db_link_account_t;

/* The account user_id as the link rule sees it. AUTHSVC_NOT_FOUND when there is no such
 * account (*a is then zeroed). */
authsvc_status_t authsvc_db_identity_account(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, authsvc_db_link_account_t *a);

/* What a provider says about a user: each non-NULL field replaces the stored one
 * (groups: a JSON array); updated_at is now. */
typedef struct {
    const char *email;
    const char *first_name;
    const char *last_name;
    const char *groups;
} authsvc_db_external_profile_t;

authsvc_status_t authsvc_db_identity_profile_set(authsvc_db_t *db, apr_pool_t *p,
                                                 const char *user_id,
                                                 const authsvc_db_external_profile_t *profile);

/* AUTHSVC_OK when user_id may use client_id (user_auth_clients), AUTHSVC_NOT_FOUND when
 * not. */
authsvc_status_t authsvc_db_user_client_member(authsvc_db_t *db, apr_pool_t *p,
                                               const char *user_id, const char *client_id);

#endif
