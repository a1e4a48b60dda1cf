/* Typed helpers for roles: the look-up by name, creation with permissions, and
 * authsvc-admin's listing. */
#include <string.h>

#include "authsvc_db_roles.h"

/* Columns of authsvc_role_by_name. */
enum {
    ROLE_ID,
    ROLE_TENANT_ID,
    ROLE_NAME
};

/* Columns of authsvc_admin_roles, authsvc_admin_roles_by_tenant, authsvc_admin_role. */
enum {
    SUMMARY_ID,
    SUMMARY_TENANT_KEY,
    SUMMARY_NAME,
    SUMMARY_CREATED_AT,
    SUMMARY_PERMISSIONS,
    SUMMARY_MEMBERS
};

authsvc_status_t authsvc_db_role_by_name(authsvc_db_t *db, apr_pool_t *p, const char *tenant_id,
                                         const char *name, authsvc_db_role_t *r)
{
    const char *args[] = {tenant_id, name};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_role_by_name", &row, 2, args);

    memset(r, 0, sizeof(*r));
    if (st != AUTHSVC_OK)
        return st;
    r->id = authsvc_db_column(db, row, ROLE_ID);
    r->tenant_id = authsvc_db_column(db, row, ROLE_TENANT_ID);
    r->name = authsvc_db_column(db, row, ROLE_NAME);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_role_create(authsvc_db_t *db, apr_pool_t *p,
                                        const authsvc_db_role_new_t *r)
{
    const char *now = authsvc_db_int_arg(p, authsvc_db_now_ms());
    const char *args[] = {r->id, r->tenant_id, r->name, now, now};
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_role_insert", NULL, 5, args);
    int i;

    for (i = 0; r->permissions && st == AUTHSVC_OK && i < r->permissions->nelts; i++) {
        const char *perm[] = {r->id, APR_ARRAY_IDX(r->permissions, i, const char *)};
        st = authsvc_db_exec(db, p, "authsvc_role_permission_insert", NULL, 2, perm);
    }
    return st;
}

static void summary_read(authsvc_db_t *db, apr_dbd_row_t *row, authsvc_db_role_summary_t *r)
{
    r->id = authsvc_db_column(db, row, SUMMARY_ID);
    r->tenant_key = authsvc_db_column(db, row, SUMMARY_TENANT_KEY);
    r->name = authsvc_db_column(db, row, SUMMARY_NAME);
    r->created_at = authsvc_db_column_int(db, row, SUMMARY_CREATED_AT, 0);
    r->permissions = authsvc_db_column_int(db, row, SUMMARY_PERMISSIONS, 0);
    r->members = authsvc_db_column_int(db, row, SUMMARY_MEMBERS, 0);
}

authsvc_status_t authsvc_db_role_summaries(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_key, apr_array_header_t **rows)
{
    const char *args[] = {tenant_key};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = tenant_key
                              ? authsvc_db_select(db, p, "authsvc_admin_roles_by_tenant", &res,
                                                  1, args)
                              : authsvc_db_select(db, p, "authsvc_admin_roles", &res, 0, NULL);

    *rows = apr_array_make(p, 8, sizeof(authsvc_db_role_summary_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        summary_read(db, row, apr_array_push(*rows));
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_role_summary(authsvc_db_t *db, apr_pool_t *p,
                                         const char *tenant_key, const char *name,
                                         authsvc_db_role_summary_t *r)
{
    const char *args[] = {tenant_key, name};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_admin_role", &row, 2, args);

    memset(r, 0, sizeof(*r));
    if (st == AUTHSVC_OK)
        summary_read(db, row, r);
    return st;
}

authsvc_status_t authsvc_db_role_permissions(authsvc_db_t *db, apr_pool_t *p,
                                             const char *role_id, apr_array_header_t **perms)
{
    const char *args[] = {role_id};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_role_permissions", &res, 1, args);

    *perms = apr_array_make(p, 8, sizeof(const char *));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        APR_ARRAY_PUSH(*perms, const char *) = authsvc_db_column(db, row, 0);
    return AUTHSVC_OK;
}
