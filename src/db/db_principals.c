/* Typed helpers for a principal's rows (see authsvc_db_principals.h). */
#include <string.h>

#include "authsvc_db_principals.h"
#include "authsvc_db_users.h"

/* Columns of authsvc_user_tenant_by_user_tenant, and of authsvc_user_with_tenant after
 * the user's (USER_COLUMNS). */
enum {
    MEMBER_ID,
    MEMBER_USER,
    MEMBER_TENANT,
    MEMBER_ROLE,
    MEMBER_ROLE_NAME,
    MEMBER_STATUS
};

/* The first membership column of authsvc_user_with_tenant. */
#define PRINCIPAL_MEMBERSHIP_COL (AUTHSVC_USER_COL_EXTERNAL_GROUPS + 1)

/* The membership columns starting at column first; all NULL (a LEFT JOIN that found
 * none) leave *m zeroed. */
static void principal_membership_read(authsvc_db_t *db, apr_dbd_row_t *row, int first,
                                      authsvc_db_membership_t *m)
{
    memset(m, 0, sizeof(*m));
    m->id = authsvc_db_column(db, row, first + MEMBER_ID);
    if (!m->id)
        return;
    m->user_id = authsvc_db_column(db, row, first + MEMBER_USER);
    m->tenant_id = authsvc_db_column(db, row, first + MEMBER_TENANT);
    m->role_id = authsvc_db_column(db, row, first + MEMBER_ROLE);
    m->role_name = authsvc_db_column(db, row, first + MEMBER_ROLE_NAME);
    m->status = (int)authsvc_db_column_int(db, row, first + MEMBER_STATUS, 0);
}

authsvc_status_t authsvc_db_principal_by_user(authsvc_db_t *db, apr_pool_t *p,
                                              const char *user_id, const char *tenant_id,
                                              authsvc_db_user_t *user,
                                              authsvc_db_membership_t *m)
{
    const char *args[] = {user_id, tenant_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_user_with_tenant", &row, 2,
                                                args);

    memset(user, 0, sizeof(*user));
    memset(m, 0, sizeof(*m));
    if (st != AUTHSVC_OK)
        return st;
    authsvc_db_user_read_row(db, row, user);
    principal_membership_read(db, row, PRINCIPAL_MEMBERSHIP_COL, m);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_membership_get(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                           const char *tenant_id, authsvc_db_membership_t *m)
{
    const char *args[] = {user_id, tenant_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_user_tenant_by_user_tenant",
                                                &row, 2, args);

    memset(m, 0, sizeof(*m));
    if (st != AUTHSVC_OK)
        return st;
    principal_membership_read(db, row, 0, m);
    return m->id ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

/* Columns of authsvc_principal_permissions. */
enum {
    PERMISSION_NAME,
    PERMISSION_ALLOWED
};

authsvc_status_t authsvc_db_principal_permissions(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *role_id,
                                                  const char *user_tenant_id,
                                                  apr_array_header_t **rows)
{
    const char *args[] = {role_id, user_tenant_id};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_principal_permissions", &res, 2,
                                            args);

    *rows = apr_array_make(p, 16, sizeof(authsvc_db_permission_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_permission_t *perm = apr_array_push(*rows);
        perm->permission = authsvc_db_column(db, row, PERMISSION_NAME);
        perm->allowed = authsvc_db_column_int(db, row, PERMISSION_ALLOWED, 1) != 0;
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_user_set_last_login(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, long long now_ms)
{
    const char *now = authsvc_db_int_arg(p, now_ms);
    const char *args[] = {now, now, user_id};

    return authsvc_db_exec(db, p, "authsvc_user_set_last_login", NULL, 3, args);
}
