/* LoginActivityController: find, count, findById and active users. Every query is
 * scoped to the caller's tenant by a condition ANDed outside the client's filter, so
 * no filter can reach another tenant's rows (T-58). */
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "authsvc_activity.h"
#include "authsvc_filter_query.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"

#define MS_PER_DAY 86400000LL

static int activity_db_failure(authsvc_request_t *req, authsvc_status_t st)
{
    if (st != AUTHSVC_UNAVAILABLE)
        return authsvc_respond_error(req, AUTHSVC_E_INTERNAL);
    return authsvc_respond_unavailable(req);
}

/* The tenant of the verified access token: every answer is limited to it. */
static const char *caller_tenant(const authsvc_request_t *req)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(req->claims, "tenantId");

    return cJSON_IsString(t) && *t->valuestring ? t->valuestring : NULL;
}

/* The connection and the caller's tenant, or the answer already given (non-zero). */
static int activity_begin(authsvc_request_t *req, authsvc_db_t **db, const char **tenant)
{
    *tenant = caller_tenant(req);
    if (!*tenant)
        return authsvc_respond_error(req, AUTHSVC_E_NOT_ALLOWED_ACCESS);
    *db = req->db(req);
    return *db ? 0 : activity_db_failure(req, AUTHSVC_UNAVAILABLE);
}

/* Compiles query parameter name (a filter, or a bare where when allow is 0). Non-zero:
 * the 400 answered. */
static int activity_filter(authsvc_request_t *req, authsvc_db_t *db, const char *name,
                           unsigned allow, authsvc_filter_sql_t *sql)
{
    cJSON *filter = NULL;
    const char *error = NULL;
    authsvc_status_t st = authsvc_filter_from_query(req->pool, req->query, name, &filter,
                                                    &error);

    if (st == AUTHSVC_OK)
        st = allow ? authsvc_filter_compile(req->pool, authsvc_activity_model(), db->dialect,
                                            filter, allow, sql, &error)
                   : authsvc_filter_compile_where(req->pool, authsvc_activity_model(),
                                                  db->dialect, filter, sql, &error);
    if (st == AUTHSVC_OK)
        return 0;
    return authsvc_respond_error_message(req, AUTHSVC_E_INVALID_FILTER, error, NULL);
}

int authsvc_flow_activity_find(authsvc_request_t *req)
{
    authsvc_filter_sql_t sql;
    authsvc_db_t *db;
    apr_array_header_t *rows = NULL;
    const char *tenant;
    cJSON *list;
    int i, rc = activity_begin(req, &db, &tenant);
    authsvc_status_t st;

    if (rc || (rc = activity_filter(req, db, "filter", AUTHSVC_FILTER_ALLOW_ALL, &sql)))
        return rc;
    st = authsvc_db_activity_find(db, req->pool, tenant, &sql, &rows);
    if (st != AUTHSVC_OK)
        return activity_db_failure(req, st);
    list = authsvc_json_own(req->pool, cJSON_CreateArray());
    for (i = 0; i < rows->nelts; i++)
        cJSON_AddItemToArray(
            list, authsvc_activity_row_json(req->server_config->activity_key, req->pool,
                                            &APR_ARRAY_IDX(rows, i, authsvc_db_activity_t),
                                            sql.fields));
    return authsvc_respond_json(req, 200, list);
}

int authsvc_flow_activity_count(authsvc_request_t *req)
{
    authsvc_filter_sql_t sql;
    authsvc_db_t *db;
    const char *tenant;
    long long count = 0;
    cJSON *body;
    int rc = activity_begin(req, &db, &tenant);
    authsvc_status_t st;

    if (rc || (rc = activity_filter(req, db, "where", 0, &sql)))
        return rc;
    st = authsvc_db_activity_count(db, req->pool, tenant, &sql, &count);
    if (st != AUTHSVC_OK)
        return activity_db_failure(req, st);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddNumberToObject(body, "count", (double)count);
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_activity_find_by_id(authsvc_request_t *req)
{
    authsvc_filter_sql_t sql;
    authsvc_db_t *db;
    authsvc_db_activity_t row;
    const char *tenant;
    int rc = activity_begin(req, &db, &tenant);
    authsvc_status_t st;

    if (rc || (rc = activity_filter(req, db, "filter", AUTHSVC_FILTER_ALLOW_FIELDS, &sql)))
        return rc;
    st = authsvc_db_activity_by_id(db, req->pool, tenant, authsvc_request_capture(req, "id"),
                                   &row);
    if (st == AUTHSVC_NOT_FOUND)
        return authsvc_respond_error_message(req, AUTHSVC_E_ENTITY_NOT_FOUND,
                                             "Entity not found: LoginActivity", NULL);
    if (st != AUTHSVC_OK)
        return activity_db_failure(req, st);
    return authsvc_respond_json(
        req, 200,
        authsvc_json_own(req->pool, authsvc_activity_row_json(req->server_config->activity_key,
                                                              req->pool, &row, sql.fields)));
}

/* ---- active users ---- */

typedef struct {
    authsvc_bucket_t bucket;
    long long start, end;     /* epoch ms, inclusive */
    int inclusion;            /* 1: only the listed users; 0: all but them */
    int by_name;              /* userIdentity "userName" (else "actorId") */
    const cJSON *identifiers; /* NULL: every user */
} active_query_t;

static int active_bad(authsvc_request_t *req, const char *message)
{
    return authsvc_respond_error_message(req, AUTHSVC_E_BAD_REQUEST, message, NULL);
}

static int active_range(authsvc_request_t *req, active_query_t *q)
{
    static const struct {
        const char *name;
        authsvc_bucket_t bucket;
    } ranges[] = {{"daily", AUTHSVC_BUCKET_DAY},
                  {"weekly", AUTHSVC_BUCKET_WEEK},
                  {"monthly", AUTHSVC_BUCKET_MONTH}};
    const char *range = authsvc_request_capture(req, "range");
    apr_size_t i;

    for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
        if (range && strcmp(range, ranges[i].name) == 0) {
            q->bucket = ranges[i].bucket;
            return 0;
        }
    return active_bad(req, "range must be daily, weekly or monthly");
}

/* startDate..endDate, both ISO 8601; a date without a time as endDate means the whole day. */
static int active_dates(authsvc_request_t *req, active_query_t *q)
{
    const char *start = apr_table_get(req->query, "startDate");
    const char *end = apr_table_get(req->query, "endDate");

    if (authsvc_iso8601_parse(start, &q->start) != AUTHSVC_OK
        || authsvc_iso8601_parse(end, &q->end) != AUTHSVC_OK)
        return active_bad(req, "startDate and endDate must be ISO 8601 dates or date-times");
    if (strlen(end) == 10)
        q->end += MS_PER_DAY - 1;
    if (q->start > q->end)
        return active_bad(req, "startDate must not be after endDate");
    if (q->end - q->start >= AUTHSVC_ACTIVE_USERS_SPAN_DAYS_MAX * MS_PER_DAY)
        return active_bad(req, apr_psprintf(req->pool, "The date range spans at most %d days",
                                            AUTHSVC_ACTIVE_USERS_SPAN_DAYS_MAX));
    return 0;
}

/* An identifier list: an array of at most AUTHSVC_FILTER_LIST_MAX strings. */
static int active_identifiers_valid(const cJSON *list)
{
    const cJSON *v;

    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > AUTHSVC_FILTER_LIST_MAX)
        return 0;
    cJSON_ArrayForEach(v,
                       list) if (!cJSON_IsString(v)
                                 || strlen(v->valuestring) > AUTHSVC_FILTER_VALUE_MAX) return 0;
    return 1;
}

/* filter {inclusion, userIdentity: actorId|userName, userIdentifier: [...]}. */
static int active_user_filter(authsvc_request_t *req, active_query_t *q)
{
    cJSON *filter = NULL;
    const cJSON *m;
    const char *error = NULL;

    q->inclusion = 1;
    if (authsvc_filter_from_query(req->pool, req->query, "filter", &filter, &error)
        != AUTHSVC_OK)
        return authsvc_respond_error_message(req, AUTHSVC_E_INVALID_FILTER, error, NULL);
    cJSON_ArrayForEach(m, filter)
    {
        if (!strcmp(m->string, "inclusion") && authsvc_filter_boolean(m) >= 0)
            q->inclusion = authsvc_filter_boolean(m);
        else if (!strcmp(m->string, "userIdentity") && cJSON_IsString(m)
                 && (!strcmp(m->valuestring, "actorId") || !strcmp(m->valuestring, "userName")))
            q->by_name = m->valuestring[0] == 'u';
        else if (!strcmp(m->string, "userIdentifier") && active_identifiers_valid(m))
            q->identifiers = m;
        else
            return authsvc_respond_error_message(
                req, AUTHSVC_E_INVALID_FILTER,
                "filter takes inclusion (true/false), userIdentity (actorId or userName) and "
                "userIdentifier (an array of at most 100 strings)",
                NULL);
    }
    return 0;
}

/* The rows' condition: the time range, and the actor list when users are given by id. */
static int active_where(authsvc_request_t *req, authsvc_db_t *db, const active_query_t *q,
                        authsvc_filter_sql_t *sql)
{
    cJSON *where = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON *between = cJSON_AddArrayToObject(cJSON_AddObjectToObject(where, "loginTime"),
                                            "between");
    const char *error = NULL;

    cJSON_AddItemToArray(between, cJSON_CreateNumber((double)q->start));
    cJSON_AddItemToArray(between, cJSON_CreateNumber((double)q->end));
    if (q->identifiers && !q->by_name)
        cJSON_AddItemToObject(cJSON_AddObjectToObject(where, "actor"),
                              q->inclusion ? "inq" : "nin", cJSON_Duplicate(q->identifiers, 1));
    if (authsvc_filter_compile_where(req->pool, authsvc_activity_model(), db->dialect, where,
                                     sql, &error)
        == AUTHSVC_OK)
        return 0;
    return authsvc_respond_error_message(req, AUTHSVC_E_INVALID_FILTER, error, NULL);
}

/* Users given by name are matched here (usernames compare without ASCII case). */
static int active_user_wanted(const active_query_t *q, const char *user_name)
{
    const cJSON *v;
    int listed = 0;

    if (!q->identifiers || !q->by_name)
        return 1;
    cJSON_ArrayForEach(v, q->identifiers) if (user_name
                                              && strcasecmp(v->valuestring, user_name) == 0)
        listed = 1;
    return listed == q->inclusion;
}

int authsvc_flow_active_users(authsvc_request_t *req)
{
    active_query_t q;
    authsvc_filter_sql_t sql;
    authsvc_activity_report_t *report;
    authsvc_db_t *db;
    apr_array_header_t *logins = NULL;
    const char *tenant;
    int i, rc;
    authsvc_status_t st;

    memset(&q, 0, sizeof(q));
    if ((rc = active_range(req, &q)) || (rc = active_dates(req, &q))
        || (rc = active_user_filter(req, &q)) || (rc = activity_begin(req, &db, &tenant))
        || (rc = active_where(req, db, &q, &sql)))
        return rc;
    st = authsvc_db_activity_logins(db, req->pool, tenant, &sql, &logins);
    if (st != AUTHSVC_OK)
        return activity_db_failure(req, st);
    report = authsvc_activity_report_make(req->pool, q.bucket);
    for (i = 0; i < logins->nelts; i++) {
        const authsvc_db_activity_login_t *l = &APR_ARRAY_IDX(logins, i,
                                                              authsvc_db_activity_login_t);
        if (active_user_wanted(&q, l->user_name))
            authsvc_activity_report_add(report, l->actor, l->user_name, l->tenant_id,
                                        l->login_type, l->login_time);
    }
    return authsvc_respond_json(req, 200, authsvc_activity_report_json(report));
}
