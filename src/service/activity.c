/* Login activity rows: recording, retention, their JSON, and the active-user report. */
#include <string.h>

#include <apr_general.h>
#include <apr_hash.h>
#include <apr_strings.h>

#include "authsvc_activity.h"
#include "authsvc_column_crypt.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_password.h"

#define DEVICE_INFO_MAX 512 /* bytes of User-Agent kept */
#define PURGE_ONE_IN 64     /* recorded rows per opportunistic purge, on average */
#define MS_PER_DAY 86400000LL
#define ACTIVITY_SEALED_COLUMN "token_payload" /* encrypted with AuthsvcLoginActivityKeyFile */

static const authsvc_filter_field_t activity_fields[] = {
    {"id", "id", AUTHSVC_FIELD_TEXT},
    {"actor", "actor", AUTHSVC_FIELD_TEXT},
    {"tenantId", "tenant_id", AUTHSVC_FIELD_TEXT},
    {"loginTime", "login_time", AUTHSVC_FIELD_TIME},
    {"tokenPayload", "token_payload", AUTHSVC_FIELD_TEXT},
    {"loginType", "login_type", AUTHSVC_FIELD_TEXT},
    {"deviceInfo", "device_info", AUTHSVC_FIELD_TEXT},
    {"ipAddress", "ip_address", AUTHSVC_FIELD_TEXT},
};

static const authsvc_filter_model_t activity_model = {activity_fields,
                                                      (int)(sizeof(activity_fields)
                                                            / sizeof(activity_fields[0])),
                                                      "loginTime DESC"};

const authsvc_filter_model_t *authsvc_activity_model(void)
{
    return &activity_model;
}

authsvc_status_t authsvc_activity_purge(authsvc_db_t *db, apr_pool_t *p, int days, int *deleted)
{
    return authsvc_db_activity_purge(db, p, authsvc_db_now_ms() - days * MS_PER_DAY, deleted);
}

/* Now and then (one write in PURGE_ONE_IN), rows past the retention go. */
void authsvc_activity_purge_maybe(authsvc_context_t *ctx, authsvc_db_t *db)
{
    int days = authsvc_config_activity_retention_days(ctx->config);
    unsigned char dice = 1;

    if (days <= 0 || apr_generate_random_bytes(&dice, 1) != APR_SUCCESS
        || dice % PURGE_ONE_IN != 0)
        return;
    if (authsvc_activity_purge(db, ctx->pool, days, NULL) != AUTHSVC_OK)
        ctx->log(ctx, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(1501) "old login activity not purged");
}

authsvc_status_t authsvc_activity_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *type, const char *actor,
                                        const char *tenant_id, const char *client_id,
                                        const cJSON *payload)
{
    const unsigned char *key = ctx->config->activity_key;
    authsvc_db_activity_t row = {NULL,     actor, tenant_id,       authsvc_db_now_ms(),
                                 NULL,     type,  ctx->user_agent, ctx->client_ip,
                                 client_id};
    authsvc_status_t st;

    if (!authsvc_config_activity_record(ctx->config))
        return AUTHSVC_OK;
    if (row.device_info && strlen(row.device_info) > DEVICE_INFO_MAX)
        row.device_info = apr_pstrndup(ctx->pool, row.device_info, DEVICE_INFO_MAX);
    row.id = authsvc_uuid_v4(ctx->pool);
    row.token_payload = payload ? authsvc_json_print(ctx->pool, payload) : NULL;
    if (row.token_payload && key
        && authsvc_column_encrypt(ctx->pool, key, ACTIVITY_SEALED_COLUMN, row.token_payload,
                                  &row.token_payload)
               != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR, AUTHSVC_LOGNO(0403) "login activity not encrypted");
        return AUTHSVC_CRYPTO_ERROR;
    }
    st = row.id ? authsvc_db_activity_insert(db, ctx->pool, &row) : AUTHSVC_CRYPTO_ERROR;
    if (st != AUTHSVC_OK)
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(0402) "login activity (%s) not recorded", type);
    return st;
}

void authsvc_activity_record(authsvc_context_t *ctx, authsvc_db_t *db, const char *type,
                             const char *actor, const char *tenant_id, const char *client_id,
                             const cJSON *payload)
{
    if (authsvc_activity_store(ctx, db, type, actor, tenant_id, client_id, payload)
            == AUTHSVC_OK
        && authsvc_config_activity_record(ctx->config))
        authsvc_activity_purge_maybe(ctx, db);
}

static void add_text(cJSON *obj, const char *name, const char *value)
{
    if (value)
        cJSON_AddStringToObject(obj, name, value);
    else
        cJSON_AddNullToObject(obj, name);
}

cJSON *authsvc_activity_row_json(const unsigned char *key, apr_pool_t *p,
                                 const authsvc_db_activity_t *row, unsigned long mask)
{
    /* in the order of activity_fields; the time is formatted below */
    const char *text[] = {
        row->id,         row->actor,       row->tenant_id, NULL, row->token_payload,
        row->login_type, row->device_info, row->ip_address};
    cJSON *obj = cJSON_CreateObject();
    int i;

    for (i = 0; i < activity_model.nfields; i++) {
        const char *value = text[i];
        if (!(mask & (1UL << i)))
            continue;
        if (activity_fields[i].type == AUTHSVC_FIELD_TIME)
            value = authsvc_iso8601_format(p, row->login_time);
        if (key && value && strcmp(activity_fields[i].column, ACTIVITY_SEALED_COLUMN) == 0
            && authsvc_column_decrypt(p, key, ACTIVITY_SEALED_COLUMN, value, &value)
                   != AUTHSVC_OK)
            value = NULL;
        add_text(obj, activity_fields[i].name, value);
    }
    return obj;
}

struct authsvc_activity_report {
    apr_pool_t *pool;
    authsvc_bucket_t bucket;
    cJSON *root;
    apr_hash_t *seen; /* "bucket\ntype\nactor" */
};

authsvc_activity_report_t *authsvc_activity_report_make(apr_pool_t *p, authsvc_bucket_t bucket)
{
    authsvc_activity_report_t *r = apr_pcalloc(p, sizeof(*r));

    r->pool = p;
    r->bucket = bucket;
    r->root = authsvc_json_own(p, cJSON_CreateObject());
    r->seen = apr_hash_make(p);
    return r;
}

/* The member called name of obj, an object or array made when missing. */
static cJSON *member(cJSON *obj, const char *name, int array)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);

    if (!m) {
        m = array ? cJSON_CreateArray() : cJSON_CreateObject();
        cJSON_AddItemToObject(obj, name, m);
    }
    return m;
}

void authsvc_activity_report_add(authsvc_activity_report_t *r, const char *actor,
                                 const char *user_name, const char *tenant_id,
                                 const char *login_type, long long login_time)
{
    const char *bucket = authsvc_iso8601_bucket(r->pool, login_time, r->bucket);
    const char *key = apr_pstrcat(r->pool, bucket, "\n", login_type, "\n", actor, NULL);
    cJSON *entry;

    if (apr_hash_get(r->seen, key, APR_HASH_KEY_STRING))
        return;
    apr_hash_set(r->seen, key, APR_HASH_KEY_STRING, key);
    entry = cJSON_CreateObject();
    add_text(entry, "actor", actor);
    add_text(entry, "userName", user_name);
    add_text(entry, "tenantId", tenant_id);
    add_text(entry, "loginTime", authsvc_iso8601_format(r->pool, login_time));
    cJSON_AddItemToArray(member(member(r->root, bucket, 0), login_type, 1), entry);
}

cJSON *authsvc_activity_report_json(authsvc_activity_report_t *report)
{
    return report->root;
}
