/* Typed helpers for the tenants table: look-up by key and by id, creation, and the listing
 * authsvc-admin prints. Catalogue statements only; they never begin, commit or roll
 * back: the caller's transaction wraps them. */
#ifndef AUTHSVC_DB_TENANTS_H
#define AUTHSVC_DB_TENANTS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A tenant's row. */
typedef struct {
    const char *id;
    const char *key;
    const char *name;
    int status; /* 1 active, 0 disabled */
} authsvc_db_tenant_t;

/* The tenant whose key is key. AUTHSVC_NOT_FOUND when there is none (*t zeroed). */
authsvc_status_t authsvc_db_tenant_by_key(authsvc_db_t *db, apr_pool_t *p, const char *key,
                                          authsvc_db_tenant_t *t);

/* The tenant whose id is id. AUTHSVC_NOT_FOUND when there is none (*t zeroed). */
authsvc_status_t authsvc_db_tenant_by_id(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                         authsvc_db_tenant_t *t);

/* Inserts t (its id given by the caller) created and updated now. AUTHSVC_CONFLICT when
 * the key is taken. */
authsvc_status_t authsvc_db_tenant_create(authsvc_db_t *db, apr_pool_t *p,
                                          const authsvc_db_tenant_t *t);

/* A tenant with its counts of roles and members. */
typedef struct {
    const char *id;
    const char *key;
    const char *name;
    int status;
    long long created_at; /* epoch ms */
    long long roles;
    long long members;
} authsvc_db_tenant_summary_t;

/* Every tenant, by key: *rows gets authsvc_db_tenant_summary_t elements. */
authsvc_status_t authsvc_db_tenant_summaries(authsvc_db_t *db, apr_pool_t *p,
                                             apr_array_header_t **rows);

/* The tenant whose key is key. AUTHSVC_NOT_FOUND when there is none (*t zeroed). */
authsvc_status_t authsvc_db_tenant_summary(authsvc_db_t *db, apr_pool_t *p, const char *key,
                                           authsvc_db_tenant_summary_t *t);

#endif
