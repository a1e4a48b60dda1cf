/* The admin console's queries (see authsvc_db_admin.h). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_admin.h"

/* The LIKE pattern of a literal prefix ('!' escapes). */
static const char *admin_prefix_pattern(apr_pool_t *p, const char *prefix)
{
    size_t n = prefix ? strlen(prefix) : 0, i, o = 0;
    char *out = apr_palloc(p, 2 * n + 2);

    for (i = 0; i < n; i++) {
        if (prefix[i] == '!' || prefix[i] == '%' || prefix[i] == '_')
            out[o++] = '!';
        out[o++] = prefix[i];
    }
    out[o++] = '%';
    out[o] = '\0';
    return out;
}

authsvc_status_t authsvc_db_admin_users(authsvc_db_t *db, apr_pool_t *p,
                                        const authsvc_db_admin_user_query_t *q,
                                        apr_array_header_t **rows)
{
    const char *status = authsvc_db_int_arg(p, q->status);
    const char *args[] = {q->tenant_id,
                          admin_prefix_pattern(p, q->prefix),
                          status,
                          status,
                          authsvc_db_int_arg(p, q->locked_only ? 1 : 0),
                          authsvc_db_int_arg(p, q->now_ms),
                          authsvc_db_int_arg(p, q->limit),
                          authsvc_db_int_arg(p, q->offset)};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_console_users", &res, 8, args);

    *rows = apr_array_make(p, 16, sizeof(authsvc_db_admin_user_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_admin_user_t *u = apr_array_push(*rows);
        u->id = authsvc_db_column(db, row, 0);
        u->username = authsvc_db_column(db, row, 1);
        u->email = authsvc_db_column(db, row, 2);
        u->status = (int)authsvc_db_column_int(db, row, 3, -1);
        u->failures = authsvc_db_column_int(db, row, 4, 0);
        u->locked_until = authsvc_db_column_int(db, row, 5, 0);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_admin_user(authsvc_db_t *db, apr_pool_t *p, const char *tenant_id,
                                       const char *user_id, const char **username)
{
    const char *args[] = {user_id, tenant_id};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_console_user", &res, 2, args);

    *username = NULL;
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        if (!*username)
            *username = authsvc_db_column(db, row, 0);
    return *username ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_admin_member_status(authsvc_db_t *db, apr_pool_t *p,
                                                const char *tenant_id, const char *user_id,
                                                int disable, int *changed)
{
    const char *args[] = {authsvc_db_int_arg(p, authsvc_db_now_ms()), user_id, tenant_id};

    return authsvc_db_exec(db, p,
                           disable ? "authsvc_console_member_disable"
                                   : "authsvc_console_member_enable",
                           changed, 3, args);
}

authsvc_status_t authsvc_db_admin_locks(authsvc_db_t *db, apr_pool_t *p, const char *tenant_id,
                                        long long now_ms, apr_array_header_t **accounts,
                                        apr_array_header_t **addresses)
{
    const char *now = authsvc_db_int_arg(p, now_ms);
    const char *args[] = {tenant_id, now};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;

    *accounts = apr_array_make(p, 8, sizeof(authsvc_db_admin_lock_t));
    *addresses = apr_array_make(p, 8, sizeof(authsvc_db_admin_lock_t));
    st = authsvc_db_select(db, p, "authsvc_console_account_locks", &res, 2, args);
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_admin_lock_t *l = apr_array_push(*accounts);
        l->user_id = authsvc_db_column(db, row, 0);
        l->subject = authsvc_db_column(db, row, 1);
        l->source = authsvc_db_column(db, row, 2);
        l->failures = authsvc_db_column_int(db, row, 3, 0);
        l->locked_until = authsvc_db_column_int(db, row, 4, 0);
        l->window_start = authsvc_db_column_int(db, row, 5, 0);
    }
    st = authsvc_db_select(db, p, "authsvc_console_address_locks", &res, 1, args + 1);
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_admin_lock_t *l = apr_array_push(*addresses);
        l->user_id = NULL;
        l->subject = authsvc_db_column(db, row, 0);
        l->source = "";
        l->failures = authsvc_db_column_int(db, row, 1, 0);
        l->locked_until = authsvc_db_column_int(db, row, 2, 0);
        l->window_start = authsvc_db_column_int(db, row, 3, 0);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_admin_clients(authsvc_db_t *db, apr_pool_t *p,
                                          apr_array_header_t **rows)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_console_clients", &res, 0, NULL);

    *rows = apr_array_make(p, 8, sizeof(authsvc_db_admin_client_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_admin_client_t *c = apr_array_push(*rows);
        c->client_id = authsvc_db_column(db, row, 0);
        c->client_type = authsvc_db_column(db, row, 1);
        c->oidc = authsvc_db_column_int(db, row, 2, 0) != 0;
        c->created_at = authsvc_db_column_int(db, row, 3, 0);
    }
    return AUTHSVC_OK;
}
