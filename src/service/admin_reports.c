/* The admin console's reports (see authsvc_admin_reports.h). */
#include <apr_strings.h>

#include "authsvc_activity.h"
#include "authsvc_admin_reports.h"
#include "authsvc_db_activity.h"
#include "authsvc_json.h"

/* {"loginTime": {"between": [start, end]}} and the other conditions given. */
static cJSON *reports_where(apr_pool_t *p, const char *actor, const char *type, long long start,
                            long long end)
{
    cJSON *where = authsvc_json_own(p, cJSON_CreateObject());
    cJSON *and = cJSON_AddArrayToObject(where, "and"), *c, *between;

    c = cJSON_CreateObject();
    between = cJSON_AddArrayToObject(cJSON_AddObjectToObject(c, "loginTime"), "between");
    cJSON_AddItemToArray(between, cJSON_CreateNumber((double)start));
    cJSON_AddItemToArray(between, cJSON_CreateNumber((double)end));
    cJSON_AddItemToArray(and, c);
    if (actor) {
        c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "actor", actor);
        cJSON_AddItemToArray(and, c);
    }
    if (type) {
        c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "loginType", type);
        cJSON_AddItemToArray(and, c);
    }
    return where;
}

authsvc_status_t authsvc_console_active_users(authsvc_context_t *ctx, const char *tenant_id,
                                              authsvc_bucket_t bucket, long long start_ms,
                                              long long end_ms, cJSON **report)
{
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_filter_sql_t sql;
    authsvc_activity_report_t *rep;
    apr_array_header_t *logins = NULL;
    const char *error = NULL;
    authsvc_status_t st;
    int i;

    *report = NULL;
    if (!db)
        return AUTHSVC_UNAVAILABLE;
    st = authsvc_filter_compile_where(ctx->pool, authsvc_activity_model(), db->dialect,
                                      reports_where(ctx->pool, NULL, NULL, start_ms, end_ms),
                                      &sql, &error);
    if (st == AUTHSVC_OK)
        st = authsvc_db_activity_logins(db, ctx->pool, tenant_id, &sql, &logins);
    if (st != AUTHSVC_OK)
        return st;
    rep = authsvc_activity_report_make(ctx->pool, bucket);
    for (i = 0; i < logins->nelts; i++) {
        const authsvc_db_activity_login_t *l = &APR_ARRAY_IDX(logins, i,
                                                              authsvc_db_activity_login_t);
        authsvc_activity_report_add(rep, l->actor, l->user_name, l->tenant_id, l->login_type,
                                    l->login_time);
    }
    *report = authsvc_activity_report_json(rep);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_console_activity(authsvc_context_t *ctx, const char *tenant_id,
                                          const authsvc_admin_activity_query_t *q,
                                          apr_array_header_t **rows, long long *total)
{
    authsvc_db_t *db = ctx->db(ctx);
    cJSON *filter = authsvc_json_own(ctx->pool, cJSON_CreateObject());
    authsvc_filter_sql_t sql;
    const char *error = NULL;
    authsvc_status_t st;

    *rows = NULL;
    *total = 0;
    if (!db)
        return AUTHSVC_UNAVAILABLE;
    cJSON_AddItemToObject(
        filter, "where",
        cJSON_Duplicate(reports_where(ctx->pool, q->actor, q->login_type, q->from_ms,
                                      q->to_ms > 0 ? q->to_ms : AUTHSVC_ISO8601_MS_MAX),
                        1));
    cJSON_AddNumberToObject(filter, "limit", q->limit);
    cJSON_AddNumberToObject(filter, "skip", q->offset);
    cJSON_AddStringToObject(filter, "order", "loginTime DESC");
    st = authsvc_filter_compile(ctx->pool, authsvc_activity_model(), db->dialect, filter,
                                AUTHSVC_FILTER_ALLOW_ALL, &sql, &error);
    if (st == AUTHSVC_OK)
        st = authsvc_db_activity_find(db, ctx->pool, tenant_id, &sql, rows);
    if (st == AUTHSVC_OK)
        st = authsvc_db_activity_count(db, ctx->pool, tenant_id, &sql, total);
    return st;
}
