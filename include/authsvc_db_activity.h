/* Typed helpers for login_activity: the rows a login writes, their retention, and the
 * queries of the LoginActivity API, each scoped to one tenant by a condition ANDed
 * outside the client's filter (so no filter reaches another tenant's rows). Catalogue
 * statements and texts built from the filter translator's allow-listed pieces only;
 * they never begin, commit or roll back. */
#ifndef AUTHSVC_DB_ACTIVITY_H
#define AUTHSVC_DB_ACTIVITY_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_filter.h"
#include "authsvc_status.h"

/* The columns the API answers, in the order of the LoginActivity model's properties. */
#define AUTHSVC_ACTIVITY_COLUMNS \
    "id, actor, tenant_id, login_time, token_payload, login_type, device_info, ip_address"

/* A login_activity row; text NULL for SQL NULL. */
typedef struct {
    const char *id;
    const char *actor;
    const char *tenant_id;
    long long login_time;      /* epoch ms */
    const char *token_payload; /* as stored (sealed when a key is configured) */
    const char *login_type;
    const char *device_info;
    const char *ip_address;
    const char *client_id; /* written only: the API's queries do not answer it */
} authsvc_db_activity_t;

/* Stores row. */
authsvc_status_t authsvc_db_activity_insert(authsvc_db_t *db, apr_pool_t *p,
                                            const authsvc_db_activity_t *row);

/* Deletes the rows older than before_ms; *deleted (may be NULL) gets the count. */
authsvc_status_t authsvc_db_activity_purge(authsvc_db_t *db, apr_pool_t *p, long long before_ms,
                                           int *deleted);

/* The tenant's rows that sql (a compiled filter of the activity model) selects, in its
 * order and page: authsvc_db_activity_t elements. */
authsvc_status_t authsvc_db_activity_find(authsvc_db_t *db, apr_pool_t *p,
                                          const char *tenant_id,
                                          const authsvc_filter_sql_t *sql,
                                          apr_array_header_t **rows);

/* How many of the tenant's rows sql's condition selects. */
authsvc_status_t authsvc_db_activity_count(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_id,
                                           const authsvc_filter_sql_t *sql, long long *count);

/* The tenant's row id: AUTHSVC_NOT_FOUND when there is none. */
authsvc_status_t authsvc_db_activity_by_id(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_id, const char *id,
                                           authsvc_db_activity_t *row);

/* A login for the active-user report: the actor's username where it still exists. */
typedef struct {
    const char *actor;
    const char *user_name; /* NULL when the user is gone */
    const char *tenant_id;
    const char *login_type;
    long long login_time;
} authsvc_db_activity_login_t;

/* The tenant's logins that sql's condition (over actor and login_time only) selects, in
 * time order: authsvc_db_activity_login_t elements. */
authsvc_status_t authsvc_db_activity_logins(authsvc_db_t *db, apr_pool_t *p,
                                            const char *tenant_id,
                                            const authsvc_filter_sql_t *sql,
                                            apr_array_header_t **logins);

#endif
