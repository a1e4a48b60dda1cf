/* Typed helpers for linking by e-mail (see authsvc_db_identities.h). */
#include <string.h>

#include "authsvc_db_identities.h"

authsvc_status_t authsvc_db_identity_accounts_by_email(authsvc_db_t *db, apr_pool_t *p,
                                                       const char *email, int max,
                                                       apr_array_header_t **ids)
{
    const char *args[] = {email};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_users_by_email", &res, 1, args);

    *ids = apr_array_make(p, 2, sizeof(const char *));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        if ((*ids)->nelts < max)
            APR_ARRAY_PUSH(*ids, const char *) = authsvc_db_column(db, row, 0);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_identity_account_lock(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *user_id)
{
    return authsvc_db_exec(db, p, "authsvc_link_lock_user", NULL, 1, &user_id);
}

/* Every role row of the account, read to the end. A NULL count counts as one: the rule
 * then errs on the side of refusing. */
static authsvc_status_t account_roles(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                      apr_array_header_t *roles)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL; /* a row is bound to its own result set */
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_link_account_roles", &res, 1,
                                            &user_id);

    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_account_role_t *r = apr_array_push(roles);
        r->name = authsvc_db_column(db, row, 0);
        r->grants = authsvc_db_column_int(db, row, 1, 1);
        r->direct_grants = authsvc_db_column_int(db, row, 2, 1);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_identity_account(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, authsvc_db_link_account_t *a)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_link_account_facts", &row, 1,
                                                &user_id);

    memset(a, 0, sizeof(*a));
    if (st != AUTHSVC_OK)
        return st;
    a->tenant_id = authsvc_db_column(db, row, 0);
    a->has_password = authsvc_db_column_int(db, row, 1, 1) > 0;
    a->identities = (int)authsvc_db_column_int(db, row, 2, 1);
    a->roles = apr_array_make(p, 2, sizeof(authsvc_db_account_role_t));
    return account_roles(db, p, user_id, a->roles);
}

authsvc_status_t authsvc_db_identity_profile_set(authsvc_db_t *db, apr_pool_t *p,
                                                 const char *user_id,
                                                 const authsvc_db_external_profile_t *profile)
{
    const char *args[] = {profile->email,
                          profile->first_name,
                          profile->last_name,
                          profile->groups,
                          authsvc_db_int_arg(p, authsvc_db_now_ms()),
                          user_id};

    return authsvc_db_exec(db, p, "authsvc_user_set_external_profile", NULL, 6, args);
}
