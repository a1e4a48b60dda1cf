/* AdminController: the administration API. Every answer is limited to the caller's
 * tenant (the tenantId of its access token); user actions name a member of it. */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "authsvc_admin_flows.h"
#include "authsvc_admin_users.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"

#define ADMIN_ID_MAX 64

static const char *admin_tenant(const authsvc_request_t *req)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(req->claims, "tenantId");

    return cJSON_IsString(t) && *t->valuestring ? t->valuestring : NULL;
}

static int admin_failure(authsvc_request_t *req, authsvc_status_t st)
{
    if (st == AUTHSVC_NOT_FOUND)
        return authsvc_respond_error_message(req, AUTHSVC_E_ENTITY_NOT_FOUND,
                                             "Entity not found: User", NULL);
    if (st == AUTHSVC_UNAVAILABLE)
        return authsvc_respond_unavailable(req);
    return authsvc_respond_error(req, AUTHSVC_E_INTERNAL);
}

/* A query parameter as a whole number in [min, max]; dflt when absent; -1 when bad. */
static long admin_number(authsvc_request_t *req, const char *name, long dflt, long min,
                         long max)
{
    const char *v = apr_table_get(req->query, name);
    char *end = NULL;
    long n;

    if (!v)
        return dflt;
    n = strtol(v, &end, 10);
    return *v && end && !*end && n >= min && n <= max ? n : -1;
}

static int admin_bad(authsvc_request_t *req, const char *message)
{
    return authsvc_respond_error_message(req, AUTHSVC_E_BAD_REQUEST, message, NULL);
}

static const char *const admin_status_names[] = {"registered", "active", "inactive",
                                                 "passwordChangeNeeded", "rejected"};

static int admin_status_parse(const char *name)
{
    int i;

    for (i = 0; i < 5; i++)
        if (strcmp(name, admin_status_names[i]) == 0)
            return i;
    return -2;
}

static cJSON *admin_user_json(const authsvc_db_admin_user_t *u, long long now)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "id", u->id);
    cJSON_AddStringToObject(o, "username", u->username);
    if (u->email)
        cJSON_AddStringToObject(o, "email", u->email);
    else
        cJSON_AddNullToObject(o, "email");
    cJSON_AddStringToObject(o, "status",
                            u->status >= 0 && u->status < 5 ? admin_status_names[u->status]
                                                            : "unknown");
    cJSON_AddNumberToObject(o, "failures", (double)u->failures);
    cJSON_AddBoolToObject(o, "locked", u->locked_until > now);
    cJSON_AddNumberToObject(o, "lockedUntil",
                            (double)(u->locked_until > now ? u->locked_until : 0));
    return o;
}

/* Parses the list's query (username prefix, status, locked, limit, offset). */
static int admin_users_query(authsvc_request_t *req, authsvc_db_admin_user_query_t *q)
{
    const char *status = apr_table_get(req->query, "status");
    const char *locked = apr_table_get(req->query, "locked");
    long limit = admin_number(req, "limit", 50, 1, AUTHSVC_ADMIN_PAGE_MAX);
    long offset = admin_number(req, "offset", 0, 0, 1000000);

    memset(q, 0, sizeof(*q));
    q->prefix = apr_table_get(req->query, "username");
    if (q->prefix && strlen(q->prefix) > 255)
        return admin_bad(req, "username is at most 255 characters");
    q->status = status ? admin_status_parse(status) : -1;
    if (q->status == -2)
        return admin_bad(req, "status must be registered, active, inactive, "
                              "passwordChangeNeeded or rejected");
    if (locked && strcmp(locked, "true") != 0 && strcmp(locked, "false") != 0)
        return admin_bad(req, "locked must be true or false");
    q->locked_only = locked && strcmp(locked, "true") == 0;
    if (limit < 0 || offset < 0)
        return admin_bad(req, "limit must be 1 to 200 and offset 0 or more");
    q->limit = (int)limit;
    q->offset = (int)offset;
    return 0;
}

int authsvc_flow_admin_users(authsvc_request_t *req)
{
    authsvc_db_admin_user_query_t q;
    apr_array_header_t *rows = NULL;
    long long now = authsvc_db_now_ms();
    cJSON *list;
    int i, rc;
    authsvc_status_t st;

    if (!(q.tenant_id = admin_tenant(req)))
        return authsvc_respond_error(req, AUTHSVC_E_NOT_ALLOWED_ACCESS);
    if ((rc = admin_users_query(req, &q)))
        return rc;
    q.tenant_id = admin_tenant(req);
    st = authsvc_console_users_list(authsvc_request_context(req), &q, &rows);
    if (st != AUTHSVC_OK)
        return admin_failure(req, st);
    list = authsvc_json_own(req->pool, cJSON_CreateArray());
    for (i = 0; i < rows->nelts; i++)
        cJSON_AddItemToArray(list,
                             admin_user_json(&APR_ARRAY_IDX(rows, i, authsvc_db_admin_user_t),
                                             now));
    return authsvc_respond_json(req, 200, list);
}

/* The {id} of a user action, checked: a 400 answered (non-zero) when it is no id. */
static int admin_user_id(authsvc_request_t *req, const char **id)
{
    const char *c;

    *id = authsvc_request_capture(req, "id");
    if (!*id || !**id || strlen(*id) > ADMIN_ID_MAX)
        return admin_bad(req, "id must be a user id");
    for (c = *id; *c; c++)
        if (!apr_isalnum(*c) && *c != '-' && *c != '_')
            return admin_bad(req, "id must be a user id");
    return 0;
}

static int admin_user_action(authsvc_request_t *req, int action)
{
    const char *tenant = admin_tenant(req), *id = NULL;
    int rc, n = 0;
    authsvc_status_t st;
    cJSON *body;

    if (!tenant)
        return authsvc_respond_error(req, AUTHSVC_E_NOT_ALLOWED_ACCESS);
    if ((rc = admin_user_id(req, &id)))
        return rc;
    st = action == 2
             ? authsvc_console_users_unlock(authsvc_request_context(req), tenant, id, &n)
             : authsvc_console_users_set_status(authsvc_request_context(req), tenant, id,
                                                action, &n);
    if (st != AUTHSVC_OK)
        return admin_failure(req, st);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "id", id);
    cJSON_AddNumberToObject(body, action == 2 ? "cleared" : "changed", n);
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_admin_user_disable(authsvc_request_t *req)
{
    return admin_user_action(req, 1);
}

int authsvc_flow_admin_user_enable(authsvc_request_t *req)
{
    return admin_user_action(req, 0);
}

int authsvc_flow_admin_user_unlock(authsvc_request_t *req)
{
    return admin_user_action(req, 2);
}

static cJSON *admin_locks_json(const apr_array_header_t *rows, long long now)
{
    cJSON *list = cJSON_CreateArray();
    int i;

    for (i = 0; i < rows->nelts; i++) {
        const authsvc_db_admin_lock_t *l = &APR_ARRAY_IDX(rows, i, authsvc_db_admin_lock_t);
        cJSON *o = cJSON_CreateObject();

        if (l->user_id) {
            cJSON_AddStringToObject(o, "userId", l->user_id);
            cJSON_AddStringToObject(o, "username", l->subject);
            cJSON_AddStringToObject(o, "source", l->source ? l->source : "");
        } else
            cJSON_AddStringToObject(o, "address", l->subject);
        cJSON_AddNumberToObject(o, "failures", (double)l->failures);
        cJSON_AddBoolToObject(o, "locked", l->locked_until > now);
        cJSON_AddNumberToObject(o, "lockedUntil", (double)l->locked_until);
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

int authsvc_flow_admin_lockouts(authsvc_request_t *req)
{
    const char *tenant = admin_tenant(req);
    apr_array_header_t *accounts = NULL, *addresses = NULL;
    long long now = authsvc_db_now_ms();
    authsvc_status_t st;
    cJSON *body;

    if (!tenant)
        return authsvc_respond_error(req, AUTHSVC_E_NOT_ALLOWED_ACCESS);
    st = authsvc_console_users_locks(authsvc_request_context(req), tenant, &accounts,
                                     &addresses);
    if (st != AUTHSVC_OK)
        return admin_failure(req, st);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddItemToObject(body, "accounts", admin_locks_json(accounts, now));
    cJSON_AddItemToObject(body, "addresses", admin_locks_json(addresses, now));
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_admin_clients(authsvc_request_t *req)
{
    apr_array_header_t *rows = NULL;
    authsvc_status_t st = authsvc_console_users_clients(authsvc_request_context(req), &rows);
    cJSON *list;
    int i;

    if (st != AUTHSVC_OK)
        return admin_failure(req, st);
    list = authsvc_json_own(req->pool, cJSON_CreateArray());
    for (i = 0; i < rows->nelts; i++) {
        const authsvc_db_admin_client_t *c = &APR_ARRAY_IDX(rows, i, authsvc_db_admin_client_t);
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "clientId", c->client_id);
        cJSON_AddStringToObject(o, "type", c->client_type ? c->client_type : "confidential");
        cJSON_AddBoolToObject(o, "oidc", c->oidc);
        cJSON_AddItemToArray(list, o);
    }
    return authsvc_respond_json(req, 200, list);
}
