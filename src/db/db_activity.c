/* Typed helpers for login_activity (see authsvc_db_activity.h). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_activity.h"

#define FROM_TENANT " FROM login_activity WHERE tenant_id = %s AND "

authsvc_status_t authsvc_db_activity_insert(authsvc_db_t *db, apr_pool_t *p,
                                            const authsvc_db_activity_t *row)
{
    const char *args[] = {row->id,
                          row->actor,
                          row->tenant_id,
                          authsvc_db_int_arg(p, row->login_time),
                          row->token_payload,
                          row->login_type,
                          row->device_info,
                          row->ip_address,
                          row->client_id};

    return authsvc_db_exec(db, p, "authsvc_login_activity_insert", NULL, 9, args);
}

authsvc_status_t authsvc_db_activity_purge(authsvc_db_t *db, apr_pool_t *p, long long before_ms,
                                           int *deleted)
{
    const char *args[] = {authsvc_db_int_arg(p, before_ms)};

    return authsvc_db_exec(db, p, "authsvc_login_activity_purge", deleted, 1, args);
}

/* The bound values: the tenant first, then the filter's, then extra (NULL-ended). */
static const char **activity_args(apr_pool_t *p, const char *tenant_id,
                                  const authsvc_filter_sql_t *sql, int *nargs,
                                  const char *extra1, const char *extra2)
{
    const char **args = apr_palloc(p, sizeof(*args) * (apr_size_t)(sql->args->nelts + 3));
    int n = 0, i;

    args[n++] = tenant_id;
    for (i = 0; i < sql->args->nelts; i++)
        args[n++] = APR_ARRAY_IDX(sql->args, i, const char *);
    if (extra1)
        args[n++] = extra1;
    if (extra2)
        args[n++] = extra2;
    *nargs = n;
    return args;
}

/* A row of AUTHSVC_ACTIVITY_COLUMNS. */
static void activity_row(authsvc_db_t *db, apr_dbd_row_t *row, authsvc_db_activity_t *out)
{
    memset(out, 0, sizeof(*out));
    out->id = authsvc_db_column(db, row, 0);
    out->actor = authsvc_db_column(db, row, 1);
    out->tenant_id = authsvc_db_column(db, row, 2);
    out->login_time = authsvc_db_column_int(db, row, 3, 0);
    out->token_payload = authsvc_db_column(db, row, 4);
    out->login_type = authsvc_db_column(db, row, 5);
    out->device_info = authsvc_db_column(db, row, 6);
    out->ip_address = authsvc_db_column(db, row, 7);
}

authsvc_status_t authsvc_db_activity_find(authsvc_db_t *db, apr_pool_t *p,
                                          const char *tenant_id,
                                          const authsvc_filter_sql_t *sql,
                                          apr_array_header_t **rows)
{
    const char *text = apr_pstrcat(p, "SELECT " AUTHSVC_ACTIVITY_COLUMNS FROM_TENANT,
                                   sql->where, " ORDER BY ", sql->order,
                                   " LIMIT %lld OFFSET %lld", NULL);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int nargs;
    const char **args = activity_args(p, tenant_id, sql, &nargs,
                                      authsvc_db_int_arg(p, sql->limit),
                                      authsvc_db_int_arg(p, sql->offset));
    authsvc_status_t st = authsvc_db_select_built(db, p, text, &res, nargs, args);

    *rows = apr_array_make(p, 16, sizeof(authsvc_db_activity_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        activity_row(db, row, apr_array_push(*rows));
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_activity_count(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_id,
                                           const authsvc_filter_sql_t *sql, long long *count)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int nargs;
    const char **args = activity_args(p, tenant_id, sql, &nargs, NULL, NULL);
    authsvc_status_t st = authsvc_db_select_built(db, p,
                                                  apr_pstrcat(p, "SELECT COUNT(*)" FROM_TENANT,
                                                              sql->where, NULL),
                                                  &res, nargs, args);

    *count = 0;
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        *count = authsvc_db_column_int(db, row, 0, 0);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_activity_by_id(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_id, const char *id,
                                           authsvc_db_activity_t *out)
{
    const char *args[] = {tenant_id, id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_login_activity_by_id", &row, 2,
                                                args);

    memset(out, 0, sizeof(*out));
    if (st == AUTHSVC_OK)
        activity_row(db, row, out);
    return st;
}

authsvc_status_t authsvc_db_activity_logins(authsvc_db_t *db, apr_pool_t *p,
                                            const char *tenant_id,
                                            const authsvc_filter_sql_t *sql,
                                            apr_array_header_t **logins)
{
    /* the where names only login_activity columns (actor, login_time): users has neither */
    const char *text = apr_pstrcat(p,
                                   "SELECT la.actor, u.username, la.tenant_id, "
                                   "la.login_type, la.login_time FROM login_activity la "
                                   "LEFT JOIN users u ON u.id = la.actor "
                                   "WHERE la.tenant_id = %s AND ",
                                   sql->where, " ORDER BY la.login_time, la.id", NULL);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int nargs;
    const char **args = activity_args(p, tenant_id, sql, &nargs, NULL, NULL);
    authsvc_status_t st = authsvc_db_select_built(db, p, text, &res, nargs, args);

    *logins = apr_array_make(p, 64, sizeof(authsvc_db_activity_login_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_activity_login_t *l = apr_array_push(*logins);
        l->actor = authsvc_db_column(db, row, 0);
        l->user_name = authsvc_db_column(db, row, 1);
        l->tenant_id = authsvc_db_column(db, row, 2);
        l->login_type = authsvc_db_column(db, row, 3);
        l->login_time = authsvc_db_column_int(db, row, 4, 0);
    }
    return AUTHSVC_OK;
}
