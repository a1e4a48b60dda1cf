/* Login activity: the rows (ACCESS, RELOGIN, LOGOUT, FAILED), their model for the
 * filter translator, their JSON, retention, and the active-user report. */
#ifndef AUTHSVC_ACTIVITY_H
#define AUTHSVC_ACTIVITY_H

#include <cjson/cJSON.h>

#include "authsvc_db.h"
#include "authsvc_db_activity.h"
#include "authsvc_filter.h"
#include "authsvc_iso8601.h"
#include "authsvc_context.h"

/* The LoginActivity model: properties in the order of AUTHSVC_ACTIVITY_COLUMNS. */
const authsvc_filter_model_t *authsvc_activity_model(void);

/* Appends a login_activity row (ACCESS, RELOGIN, LOGOUT, FAILED) unless recording is
 * off; now and then purges rows older than the retention. Failures are logged, never
 * fatal to the request. */
void authsvc_activity_record(authsvc_context_t *ctx, authsvc_db_t *db, const char *type,
                             const char *actor, const char *tenant_id, const char *client_id,
                             const cJSON *payload);

/* The row alone, for a caller that stores it in its own transaction (a login's row and
 * its tokens are stored together or not at all): AUTHSVC_OK also when recording is off.
 * No purge: call authsvc_activity_purge_maybe after the commit. */
authsvc_status_t authsvc_activity_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *type, const char *actor,
                                        const char *tenant_id, const char *client_id,
                                        const cJSON *payload);

/* Now and then (one call in 64) purges rows older than the retention. */
void authsvc_activity_purge_maybe(authsvc_context_t *ctx, authsvc_db_t *db);

/* Deletes rows older than days (> 0). *deleted (may be NULL) gets the count. */
authsvc_status_t authsvc_activity_purge(authsvc_db_t *db, apr_pool_t *p, int days,
                                        int *deleted);

/* A row as the API answers it, with the fields of mask; key (AuthsvcLoginActivityKeyFile,
 * or NULL) decrypts the token payload (null when it does not authenticate). Strings in
 * p; the caller owns the object. */
cJSON *authsvc_activity_row_json(const unsigned char *key, apr_pool_t *p,
                                 const authsvc_db_activity_t *row, unsigned long mask);

/* Active users: {"<bucket>": {"<loginType>": [{actor, userName, tenantId, loginTime}]}},
 * one entry per actor, bucket and type (the first, when rows come in time order). */
typedef struct authsvc_activity_report authsvc_activity_report_t;

authsvc_activity_report_t *authsvc_activity_report_make(apr_pool_t *p, authsvc_bucket_t bucket);
void authsvc_activity_report_add(authsvc_activity_report_t *report, const char *actor,
                                 const char *user_name, const char *tenant_id,
                                 const char *login_type, long long login_time);
/* The report's JSON (owned by the report's pool). */
cJSON *authsvc_activity_report_json(authsvc_activity_report_t *report);

#endif
