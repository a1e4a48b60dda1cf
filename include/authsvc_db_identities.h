/* Typed helpers for what linking an external identity by e-mail reads and writes
 * (README "Linking external identities"); the links themselves (a provider's subject
 * linked to a user in user_credentials) are authsvc_db_user_links.h's. They run catalogue statements only and never begin, commit or
 * roll back: the caller's transaction wraps them. */
#ifndef AUTHSVC_DB_IDENTITIES_H
#define AUTHSVC_DB_IDENTITIES_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

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
    const char *name;        /* NULL when the row has none */
    long long grants;        /* permissions the role grants */
    long long direct_grants; /* permissions granted to the account directly there */
} authsvc_db_account_role_t;

/* What the link rule reads of an account. */
typedef struct {
    const char *tenant_id;     /* its default tenant */
    int has_password;          /* an internal credential with a password */
    int identities;            /* identities linked to it */
    apr_array_header_t *roles; /* authsvc_db_account_role_t, in role name order */
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

#endif
