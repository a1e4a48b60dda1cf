/* The login activity authsvc-admin reports. */
#include "authsvc_db_activity_report.h"

/* Columns of authsvc_login_activity_since. */
enum {
    ACTIVITY_ID,
    ACTIVITY_ACTOR,
    ACTIVITY_TENANT,
    ACTIVITY_TIME,
    ACTIVITY_TYPE,
    ACTIVITY_IP,
    ACTIVITY_CLIENT_ID
};

authsvc_status_t authsvc_db_activity_report(authsvc_db_t *db, apr_pool_t *p, long long since_ms,
                                            apr_array_header_t **rows)
{
    const char *args[] = {authsvc_db_int_arg(p, since_ms)};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_login_activity_since", &res, 1,
                                            args);

    *rows = apr_array_make(p, 16, sizeof(authsvc_db_activity_entry_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_activity_entry_t *a = apr_array_push(*rows);
        a->id = authsvc_db_column(db, row, ACTIVITY_ID);
        a->actor = authsvc_db_column(db, row, ACTIVITY_ACTOR);
        a->tenant = authsvc_db_column(db, row, ACTIVITY_TENANT);
        a->login_time = authsvc_db_column_int(db, row, ACTIVITY_TIME, 0);
        a->type = authsvc_db_column(db, row, ACTIVITY_TYPE);
        a->ip = authsvc_db_column(db, row, ACTIVITY_IP);
        a->client_id = authsvc_db_column(db, row, ACTIVITY_CLIENT_ID);
    }
    return AUTHSVC_OK;
}
