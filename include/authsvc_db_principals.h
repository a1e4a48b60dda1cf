/* Typed helpers for what a principal (a user in a tenant) is read from: the user's row
 * with one membership (user_tenants and its role's name), a membership alone, the
 * membership's permissions, and the last login a login writes on the user's row.
 * Catalogue statements only; they never begin, commit or roll back: the caller's
 * transaction wraps them. */
#ifndef AUTHSVC_DB_PRINCIPALS_H
#define AUTHSVC_DB_PRINCIPALS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_users.h"
#include "authsvc_status.h"

/* A membership: a user_tenants row with its role's name. */
typedef struct {
    const char *id; /* the user_tenant id; NULL: no such membership */
    const char *user_id;
    const char *tenant_id;
    const char *role_id;
    const char *role_name;
    int status; /* user_tenants.status: AUTHSVC_USER_* (authsvc_tokens.h) */
} authsvc_db_membership_t;

/* The user user_id and its membership of tenant_id (NULL: of the user's default tenant),
 * in one round trip. AUTHSVC_NOT_FOUND when there is no such user (*user and *m zeroed);
 * without the membership AUTHSVC_OK with m->id NULL. */
authsvc_status_t authsvc_db_principal_by_user(authsvc_db_t *db, apr_pool_t *p,
                                              const char *user_id, const char *tenant_id,
                                              authsvc_db_user_t *user,
                                              authsvc_db_membership_t *m);

/* The membership of user_id in tenant_id. AUTHSVC_NOT_FOUND when there is none (*m
 * zeroed). */
authsvc_status_t authsvc_db_membership_get(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                           const char *tenant_id, authsvc_db_membership_t *m);

/* A permission row: granted (allowed 1) or, as a user's override, taken away (0). */
typedef struct {
    const char *permission;
    int allowed;
} authsvc_db_permission_t;

/* The permissions of role_id (every one allowed), then the overrides of the membership
 * user_tenant_id, each part by permission: authsvc_db_permission_t elements. */
authsvc_status_t authsvc_db_principal_permissions(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *role_id,
                                                  const char *user_tenant_id,
                                                  apr_array_header_t **rows);

/* Records a login of user_id at now_ms (users.last_login; updated_at too). */
authsvc_status_t authsvc_db_user_set_last_login(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, long long now_ms);

#endif
