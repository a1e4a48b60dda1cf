/* Typed helpers for tenants: the look-ups by key and by id, creation and authsvc-admin's
 * listing. */
#include <string.h>

#include "authsvc_db_tenants.h"

/* Columns of authsvc_tenant_by_key and authsvc_tenant_by_id. */
enum {
    TENANT_ID,
    TENANT_KEY,
    TENANT_NAME,
    TENANT_STATUS
};

/* Columns of authsvc_admin_tenants and authsvc_admin_tenant. */
enum {
    SUMMARY_ID,
    SUMMARY_KEY,
    SUMMARY_NAME,
    SUMMARY_STATUS,
    SUMMARY_CREATED_AT,
    SUMMARY_ROLES,
    SUMMARY_MEMBERS
};

/* A row of authsvc_tenant_by_key or authsvc_tenant_by_id into *t. */
static authsvc_status_t tenant_read(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                    const char *arg, authsvc_db_tenant_t *t)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, label, &row, 1, &arg);

    memset(t, 0, sizeof(*t));
    if (st != AUTHSVC_OK)
        return st;
    t->id = authsvc_db_column(db, row, TENANT_ID);
    t->key = authsvc_db_column(db, row, TENANT_KEY);
    t->name = authsvc_db_column(db, row, TENANT_NAME);
    t->status = (int)authsvc_db_column_int(db, row, TENANT_STATUS, 0);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_tenant_by_key(authsvc_db_t *db, apr_pool_t *p, const char *key,
                                          authsvc_db_tenant_t *t)
{
    return tenant_read(db, p, "authsvc_tenant_by_key", key, t);
}

authsvc_status_t authsvc_db_tenant_by_id(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                         authsvc_db_tenant_t *t)
{
    return tenant_read(db, p, "authsvc_tenant_by_id", id, t);
}

authsvc_status_t authsvc_db_tenant_create(authsvc_db_t *db, apr_pool_t *p,
                                          const authsvc_db_tenant_t *t)
{
    const char *now = authsvc_db_int_arg(p, authsvc_db_now_ms());
    const char *args[] = {t->id, t->key, t->name, authsvc_db_int_arg(p, t->status), now, now};

    return authsvc_db_exec(db, p, "authsvc_tenant_insert", NULL, 6, args);
}

static void summary_read(authsvc_db_t *db, apr_dbd_row_t *row, authsvc_db_tenant_summary_t *t)
{
    t->id = authsvc_db_column(db, row, SUMMARY_ID);
    t->key = authsvc_db_column(db, row, SUMMARY_KEY);
    t->name = authsvc_db_column(db, row, SUMMARY_NAME);
    t->status = (int)authsvc_db_column_int(db, row, SUMMARY_STATUS, 0);
    t->created_at = authsvc_db_column_int(db, row, SUMMARY_CREATED_AT, 0);
    t->roles = authsvc_db_column_int(db, row, SUMMARY_ROLES, 0);
    t->members = authsvc_db_column_int(db, row, SUMMARY_MEMBERS, 0);
}

authsvc_status_t authsvc_db_tenant_summaries(authsvc_db_t *db, apr_pool_t *p,
                                             apr_array_header_t **rows)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_admin_tenants", &res, 0, NULL);

    *rows = apr_array_make(p, 8, sizeof(authsvc_db_tenant_summary_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        summary_read(db, row, apr_array_push(*rows));
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_tenant_summary(authsvc_db_t *db, apr_pool_t *p, const char *key,
                                           authsvc_db_tenant_summary_t *t)
{
    const char *args[] = {key};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_admin_tenant", &row, 1, args);

    memset(t, 0, sizeof(*t));
    if (st == AUTHSVC_OK)
        summary_read(db, row, t);
    return st;
}
