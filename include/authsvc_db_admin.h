/* Typed helpers of the admin console (admin_users.c): a tenant's users with their
 * status and lock, the login counters with failures or a lock, and the clients.
 * Catalogue statements only; they never begin, commit or roll back. */
#ifndef AUTHSVC_DB_ADMIN_H
#define AUTHSVC_DB_ADMIN_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* Which users: a username key prefix ("" for all), a status (-1: any), only locked
 * ones, and a page. */
typedef struct {
    const char *tenant_id;
    const char *prefix; /* lowercased; matched literally */
    int status;
    int locked_only;
    long long now_ms;
    int limit, offset;
} authsvc_db_admin_user_query_t;

/* A user of the tenant with its membership's status and its account's counters. */
typedef struct {
    const char *id;
    const char *username;
    const char *email;
    int status;             /* user_tenants.status (AUTHSVC_USER_*) */
    long long failures;     /* the most of any source */
    long long locked_until; /* epoch ms, the latest of any source; 0 when none */
} authsvc_db_admin_user_t;

/* authsvc_db_admin_user_t elements, by username key. */
authsvc_status_t authsvc_db_admin_users(authsvc_db_t *db, apr_pool_t *p,
                                        const authsvc_db_admin_user_query_t *q,
                                        apr_array_header_t **rows);

/* The username of user_id when it is a member of tenant_id, else AUTHSVC_NOT_FOUND. */
authsvc_status_t authsvc_db_admin_user(authsvc_db_t *db, apr_pool_t *p, const char *tenant_id,
                                       const char *user_id, const char **username);

/* Disable (the membership may log in: it becomes inactive) or enable (inactive: it
 * becomes active) user_id's membership of tenant_id; *changed (may be NULL): 0 or 1. */
authsvc_status_t authsvc_db_admin_member_status(authsvc_db_t *db, apr_pool_t *p,
                                                const char *tenant_id, const char *user_id,
                                                int disable, int *changed);

/* A counter of login_attempts with failures or a lock. */
typedef struct {
    const char *user_id; /* accounts only (NULL for an address) */
    const char *subject; /* the username, or the address */
    const char *source;  /* accounts: '' or a known source */
    long long failures;
    long long locked_until; /* epoch ms; 0 when none */
    long long window_start;
} authsvc_db_admin_lock_t;

/* The counters of the tenant's accounts, then of addresses (not tenant-bound), with
 * failures or a lock after now_ms: authsvc_db_admin_lock_t elements each. */
authsvc_status_t authsvc_db_admin_locks(authsvc_db_t *db, apr_pool_t *p, const char *tenant_id,
                                        long long now_ms, apr_array_header_t **accounts,
                                        apr_array_header_t **addresses);

/* A client: id, public or confidential, OpenID Connect or not. */
typedef struct {
    const char *client_id;
    const char *client_type;
    int oidc;
    long long created_at;
} authsvc_db_admin_client_t;

/* Every client by id: authsvc_db_admin_client_t elements. */
authsvc_status_t authsvc_db_admin_clients(authsvc_db_t *db, apr_pool_t *p,
                                          apr_array_header_t **rows);

#endif
