/* Typed helpers for a tenant's roles and their permissions: look-up, creation, and the
 * listing authsvc-admin prints. Catalogue statements only; they never begin, commit or
 * roll back: the caller's transaction wraps them. */
#ifndef AUTHSVC_DB_ROLES_H
#define AUTHSVC_DB_ROLES_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A role's row. */
typedef struct {
    const char *id;
    const char *tenant_id;
    const char *name;
} authsvc_db_role_t;

/* The role name of tenant tenant_id. AUTHSVC_NOT_FOUND when there is none (*r zeroed). */
authsvc_status_t authsvc_db_role_by_name(authsvc_db_t *db, apr_pool_t *p, const char *tenant_id,
                                         const char *name, authsvc_db_role_t *r);

/* A role to create, with its permissions (const char *; none when NULL). */
typedef struct {
    const char *id;
    const char *tenant_id;
    const char *name;
    const apr_array_header_t *permissions;
} authsvc_db_role_new_t;

/* Inserts the role, created and updated now, then its permissions in order; stops at the
 * first statement that fails (AUTHSVC_CONFLICT: the name is taken in that tenant). */
authsvc_status_t authsvc_db_role_create(authsvc_db_t *db, apr_pool_t *p,
                                        const authsvc_db_role_new_t *r);

/* A role with its tenant's key and its counts of permissions and members. */
typedef struct {
    const char *id;
    const char *tenant_key;
    const char *name;
    long long created_at; /* epoch ms */
    long long permissions;
    long long members;
} authsvc_db_role_summary_t;

/* The roles of the tenant whose key is tenant_key (by name), or of every tenant when
 * tenant_key is NULL (by tenant key, then name): authsvc_db_role_summary_t elements. */
authsvc_status_t authsvc_db_role_summaries(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_key, apr_array_header_t **rows);

/* The role name of the tenant whose key is tenant_key. AUTHSVC_NOT_FOUND when there is
 * none (*r zeroed). */
authsvc_status_t authsvc_db_role_summary(authsvc_db_t *db, apr_pool_t *p,
                                         const char *tenant_key, const char *name,
                                         authsvc_db_role_summary_t *r);

/* The permissions of role role_id, sorted: const char * elements. */
authsvc_status_t authsvc_db_role_permissions(authsvc_db_t *db, apr_pool_t *p,
                                             const char *role_id, apr_array_header_t **perms);

#endif
