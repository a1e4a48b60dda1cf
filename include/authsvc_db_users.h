/* Typed helpers for the users table and the rows a new user brings: one function per
 * write instead of a catalogue label and an argument array in every caller. They run
 * catalogue statements only and never begin, commit or roll back: the caller's
 * transaction wraps them. */
#ifndef AUTHSVC_DB_USERS_H
#define AUTHSVC_DB_USERS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A user to create: its row, its membership of one tenant (with a role and a status),
 * its clients, and its credentials. Optional text is NULL. */
typedef struct {
    const char *id;       /* NULL: a new UUID */
    const char *username; /* as given; its key is the username lowercased (ASCII) */
    const char *email;
    const char *first_name;
    const char *middle_name;
    const char *last_name;
    const char *tenant_id; /* the default tenant, of which the user is a member */
    const char *role_id;   /* its role in that tenant */
    int status;            /* user_tenants.status: AUTHSVC_USER_* (authsvc_tokens.h) */
    const apr_array_header_t *client_ids; /* const char *: clients it may use; or NULL */
    const char *password_hash; /* an internal credential; NULL: none (external users) */
    const char *provider;      /* an external identity linked to it (a social provider's */
    const char *external_id;   /*  name and its subject); NULL: none */
} authsvc_user_new_t;

/* Writes u's rows in this order: users, the internal credential, user_tenants,
 * user_auth_clients, the external credential. Stops at the first statement that fails
 * and answers its status (AUTHSVC_CONFLICT: the username is taken; a tenant, role or
 * client that does not exist breaks a foreign key: AUTHSVC_DB_ERROR). AUTHSVC_NO_MEMORY
 * when no id could be made. *user_id gets the user's id on success. */
authsvc_status_t authsvc_db_user_create(authsvc_db_t *db, apr_pool_t *p,
                                        const authsvc_user_new_t *u, const char **user_id);

/* Where self sign-ups go: the id of the tenant tenant_key and of its role role_name.
 * AUTHSVC_NOT_FOUND when either does not exist (*tenant_id is then set when the tenant
 * exists, else NULL). */
authsvc_status_t authsvc_db_user_placement(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_key, const char *role_name,
                                           const char **tenant_id, const char **role_id);

/* A user's row (authsvc_user_by_username, _by_id, _by_email); text NULL for SQL NULL. */
typedef struct {
    const char *id;
    const char *username;
    const char *email;
    const char *first_name;
    const char *middle_name;
    const char *last_name;
    const char *phone;
    const char *dob;
    const char *gender;
    const char *photo_url;
    const char *designation;
    const char *default_tenant_id;
    const char *locale;
    long long last_login; /* epoch ms; 0 when never */
    int mfa_required;
    long long created_at;
    long long updated_at;
    const char *external_groups; /* JSON array from an IdP, or NULL */
} authsvc_db_user_t;

/* The fields of a row whose first columns are the users table's (USER_COLUMNS of the
 * catalogue; authsvc_user_* and authsvc_user_with_tenant), into *user (strings point
 * into the row). For the database layer's own readers. */
void authsvc_db_user_read_row(authsvc_db_t *db, apr_dbd_row_t *row, authsvc_db_user_t *user);

/* The user whose username is username, whatever its case (the key is the username
 * lowercased, ASCII). AUTHSVC_NOT_FOUND when there is none (*user is then zeroed). */
authsvc_status_t authsvc_db_user_by_username(authsvc_db_t *db, apr_pool_t *p,
                                             const char *username, authsvc_db_user_t *user);

/* The user user_id: AUTHSVC_NOT_FOUND when there is none (*user is then zeroed). */
authsvc_status_t authsvc_db_user_by_id(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                       authsvc_db_user_t *user);

/* A user whose e-mail address (any case) or username key is address_key, an address
 * lowercased (ASCII): AUTHSVC_NOT_FOUND when there is none (*user is then zeroed). */
authsvc_status_t authsvc_db_user_by_email(authsvc_db_t *db, apr_pool_t *p,
                                          const char *address_key, authsvc_db_user_t *user);

/* A user with one of its memberships (a user without any has one row, its tenant, role
 * and status absent) and its account's lockout over every source. */
typedef struct {
    const char *id;
    const char *username;
    const char *email;
    const char *tenant_key; /* NULL without a membership */
    const char *role;
    int status;             /* user_tenants.status; -1 without a membership */
    long long failures;     /* the most of any source; 0 when none */
    long long locked_until; /* epoch ms, the latest of any source; 0 when none */
} authsvc_db_user_summary_t;

/* The users (with each membership) of the tenant whose key is tenant_key, by username
 * key; or of every tenant when tenant_key is NULL, by username key then tenant key:
 * authsvc_db_user_summary_t elements. */
authsvc_status_t authsvc_db_user_summaries(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_key, apr_array_header_t **rows);

/* The user's password: *has_credential whether it has an 'internal' credential, *has_hash
 * whether that holds a hash (either may be NULL). */
authsvc_status_t authsvc_db_user_password(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                          int *has_credential, int *has_hash);

/* Sets the user's password hash: on its 'internal' credential when has_credential, else
 * on a new one. */
authsvc_status_t authsvc_db_user_password_set(authsvc_db_t *db, apr_pool_t *p,
                                              const char *user_id, const char *hash,
                                              int has_credential);

/* A membership: the tenant's key, the role's name, user_tenants.status. */
typedef struct {
    const char *tenant_key;
    const char *role;
    int status;
} authsvc_db_user_membership_t;

/* The user's memberships by tenant key: authsvc_db_user_membership_t elements. */
authsvc_status_t authsvc_db_user_memberships(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, apr_array_header_t **rows);

/* The clients the user may use, sorted: const char * elements. */
authsvc_status_t authsvc_db_user_clients(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         apr_array_header_t **client_ids);

/* AUTHSVC_OK when user_id may use client_id (user_auth_clients), AUTHSVC_NOT_FOUND when
 * not. */
authsvc_status_t authsvc_db_user_client_member(authsvc_db_t *db, apr_pool_t *p,
                                               const char *user_id, const char *client_id);

/* An account's lockout counter from one source ('' for the account as a whole). */
typedef struct {
    const char *source;
    long long failures;
    long long locked_until; /* epoch ms; 0 when none */
} authsvc_db_user_lockout_t;

/* The lockout counters of the account whose username key is username_key, by source:
 * authsvc_db_user_lockout_t elements. */
authsvc_status_t authsvc_db_user_lockouts(authsvc_db_t *db, apr_pool_t *p,
                                          const char *username_key, apr_array_header_t **rows);

/* Deletes those counters; *cleared (may be NULL) gets how many. */
authsvc_status_t authsvc_db_user_lockout_clear(authsvc_db_t *db, apr_pool_t *p,
                                               const char *username_key, int *cleared);

/* Disable: the user's memberships that may log in (active, password-change-needed)
 * become inactive. Enable: its inactive memberships become active. *changed (may be
 * NULL) gets how many changed. */
authsvc_status_t authsvc_db_user_disable(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         int *changed);
authsvc_status_t authsvc_db_user_enable(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                        int *changed);

/* Deletes the user (its rows in other tables go with it); *changed (may be NULL) gets
 * the rows deleted. */
authsvc_status_t authsvc_db_user_delete(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                        int *changed);

/* Whether the user must give a second factor. */
authsvc_status_t authsvc_db_user_set_mfa(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         int required);

/* Deletes the user's authenticator (its 'totp' credential); *removed (may be NULL) gets
 * how many rows went. */
authsvc_status_t authsvc_db_user_totp_delete(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, int *removed);

#endif
