/* Account administration for the admin console and the API (flow_admin.c, the gateway's
 * admin pages) and authsvc-admin: a tenant's users, login counters with failures or a
 * lock, clients; unlock, disable (every session of the user ends) and enable. The
 * *_apply functions write inside the caller's transaction (the CLI's); the others check
 * that the user is a member of the caller's tenant, change only that membership and
 * write in a transaction of their own. */
#ifndef AUTHSVC_ADMIN_USERS_H
#define AUTHSVC_ADMIN_USERS_H

#include <apr_tables.h>

#include "authsvc_context.h"
#include "authsvc_db_admin.h"
#include "authsvc_status.h"

/* Users per page at most. */
#define AUTHSVC_ADMIN_PAGE_MAX 200

/* The tenant's users that q selects (limit capped to AUTHSVC_ADMIN_PAGE_MAX, prefix
 * lowercased here): authsvc_db_admin_user_t elements. */
authsvc_status_t authsvc_console_users_list(authsvc_context_t *ctx,
                                            const authsvc_db_admin_user_query_t *q,
                                            apr_array_header_t **rows);

/* Counters with failures or a lock now: the tenant's accounts, then addresses. */
authsvc_status_t authsvc_console_users_locks(authsvc_context_t *ctx, const char *tenant_id,
                                             apr_array_header_t **accounts,
                                             apr_array_header_t **addresses);

/* Every client (authsvc_db_admin_client_t elements). */
authsvc_status_t authsvc_console_users_clients(authsvc_context_t *ctx,
                                               apr_array_header_t **rows);

/* In the caller's transaction: disable (memberships that may log in become inactive,
 * every refresh family of the user and its access tokens revoked) or enable (inactive
 * memberships become active): the membership of tenant_id, or every one when tenant_id
 * is NULL (authsvc-admin). *changed (may be NULL): memberships changed. */
authsvc_status_t authsvc_console_users_status_apply(authsvc_context_t *ctx, authsvc_db_t *db,
                                                    const char *tenant_id, const char *user_id,
                                                    int disable, int *changed);

/* In the caller's transaction: clears the lockout counters of the account whose username
 * key (lowercased username) is key; *cleared (may be NULL): how many. */
authsvc_status_t authsvc_console_users_unlock_apply(authsvc_context_t *ctx, authsvc_db_t *db,
                                                    const char *key, int *cleared);

/* The same for a member of tenant_id, each in a transaction of its own; logged.
 * AUTHSVC_NOT_FOUND when user_id is not a member of the tenant. */
authsvc_status_t authsvc_console_users_set_status(authsvc_context_t *ctx, const char *tenant_id,
                                                  const char *user_id, int disable,
                                                  int *changed);
authsvc_status_t authsvc_console_users_unlock(authsvc_context_t *ctx, const char *tenant_id,
                                              const char *user_id, int *cleared);

#endif
