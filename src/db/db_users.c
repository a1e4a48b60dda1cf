/* Typed helpers for users: the rows of a new user, where sign-ups are placed, the
 * look-ups by username, id and address (one row reader), the clients it may use,
 * authsvc-admin's listing and what it changes of an account (memberships' status,
 * password, lockout, second factor, deletion). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_roles.h"
#include "authsvc_db_tenants.h"
#include "authsvc_db_users.h"
#include "authsvc_password.h"

/* The username's key: ASCII letters lowercased (the unique column). */
static const char *user_key(apr_pool_t *p, const char *username)
{
    char *key = apr_pstrdup(p, username ? username : ""), *c;

    for (c = key; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return key;
}

static authsvc_status_t user_row(authsvc_db_t *db, apr_pool_t *p, const authsvc_user_new_t *u,
                                 const char *id, const char *now)
{
    const char *args[] = {id,
                          u->username,
                          user_key(p, u->username),
                          u->email,
                          u->first_name,
                          u->middle_name,
                          u->last_name,
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          u->tenant_id,
                          NULL,
                          "0",
                          now,
                          now};

    return authsvc_db_exec(db, p, "authsvc_user_insert", NULL, 17, args);
}

static authsvc_status_t user_credential(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                        const char *provider, const char *external_id,
                                        const char *hash, const char *now)
{
    const char *args[] = {authsvc_uuid_v4(p), id, provider, external_id, hash, NULL, now, now};

    if (!args[0])
        return AUTHSVC_NO_MEMORY;
    return authsvc_db_exec(db, p, "authsvc_credential_insert", NULL, 8, args);
}

static authsvc_status_t user_membership(authsvc_db_t *db, apr_pool_t *p,
                                        const authsvc_user_new_t *u, const char *id,
                                        const char *now)
{
    const char *args[] = {authsvc_uuid_v4(p),
                          id,
                          u->tenant_id,
                          u->role_id,
                          authsvc_db_int_arg(p, u->status),
                          now,
                          now};

    if (!args[0])
        return AUTHSVC_NO_MEMORY;
    return authsvc_db_exec(db, p, "authsvc_user_tenant_insert", NULL, 7, args);
}

static authsvc_status_t user_clients(authsvc_db_t *db, apr_pool_t *p,
                                     const apr_array_header_t *client_ids, const char *id)
{
    authsvc_status_t st = AUTHSVC_OK;
    int i;

    for (i = 0; client_ids && st == AUTHSVC_OK && i < client_ids->nelts; i++) {
        const char *args[] = {id, APR_ARRAY_IDX(client_ids, i, const char *)};
        st = authsvc_db_exec(db, p, "authsvc_user_client_insert", NULL, 2, args);
    }
    return st;
}

authsvc_status_t authsvc_db_user_create(authsvc_db_t *db, apr_pool_t *p,
                                        const authsvc_user_new_t *u, const char **user_id)
{
    const char *id = u->id ? u->id : authsvc_uuid_v4(p);
    const char *now = authsvc_db_int_arg(p, authsvc_db_now_ms());
    authsvc_status_t st;

    if (!id)
        return AUTHSVC_NO_MEMORY;
    st = user_row(db, p, u, id, now);
    if (st == AUTHSVC_OK && u->password_hash)
        st = user_credential(db, p, id, "internal", NULL, u->password_hash, now);
    if (st == AUTHSVC_OK)
        st = user_membership(db, p, u, id, now);
    if (st == AUTHSVC_OK)
        st = user_clients(db, p, u->client_ids, id);
    if (st == AUTHSVC_OK && u->provider)
        st = user_credential(db, p, id, u->provider, u->external_id, NULL, now);
    if (st == AUTHSVC_OK)
        *user_id = id;
    return st;
}

authsvc_status_t authsvc_db_user_placement(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_key, const char *role_name,
                                           const char **tenant_id, const char **role_id)
{
    authsvc_db_tenant_t tenant;
    authsvc_db_role_t role;
    authsvc_status_t st = authsvc_db_tenant_by_key(db, p, tenant_key, &tenant);

    *tenant_id = *role_id = NULL;
    if (st != AUTHSVC_OK)
        return st;
    *tenant_id = tenant.id;
    st = authsvc_db_role_by_name(db, p, tenant.id, role_name, &role);
    if (st == AUTHSVC_OK)
        *role_id = role.id;
    return st;
}

void authsvc_db_user_read_row(authsvc_db_t *db, apr_dbd_row_t *row, authsvc_db_user_t *user)
{
    user->id = authsvc_db_column(db, row, AUTHSVC_USER_COL_ID);
    user->username = authsvc_db_column(db, row, AUTHSVC_USER_COL_USERNAME);
    user->email = authsvc_db_column(db, row, AUTHSVC_USER_COL_EMAIL);
    user->first_name = authsvc_db_column(db, row, AUTHSVC_USER_COL_FIRST_NAME);
    user->middle_name = authsvc_db_column(db, row, AUTHSVC_USER_COL_MIDDLE_NAME);
    user->last_name = authsvc_db_column(db, row, AUTHSVC_USER_COL_LAST_NAME);
    user->phone = authsvc_db_column(db, row, AUTHSVC_USER_COL_PHONE);
    user->dob = authsvc_db_column(db, row, AUTHSVC_USER_COL_DOB);
    user->gender = authsvc_db_column(db, row, AUTHSVC_USER_COL_GENDER);
    user->photo_url = authsvc_db_column(db, row, AUTHSVC_USER_COL_PHOTO_URL);
    user->designation = authsvc_db_column(db, row, AUTHSVC_USER_COL_DESIGNATION);
    user->default_tenant_id = authsvc_db_column(db, row, AUTHSVC_USER_COL_DEFAULT_TENANT_ID);
    user->locale = authsvc_db_column(db, row, AUTHSVC_USER_COL_LOCALE);
    user->last_login = authsvc_db_column_int(db, row, AUTHSVC_USER_COL_LAST_LOGIN, 0);
    user->mfa_required = (int)authsvc_db_column_int(db, row, AUTHSVC_USER_COL_MFA_REQUIRED, 0);
    user->created_at = authsvc_db_column_int(db, row, AUTHSVC_USER_COL_CREATED_AT, 0);
    user->updated_at = authsvc_db_column_int(db, row, AUTHSVC_USER_COL_UPDATED_AT, 0);
    user->external_groups = authsvc_db_column(db, row, AUTHSVC_USER_COL_EXTERNAL_GROUPS);
}

/* The first user row label answers, the set read to its end; *user zeroed when none. */
static authsvc_status_t user_select(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                    int nargs, const char **args, authsvc_db_user_t *user)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, label, &res, nargs, args);
    int found = 0;

    memset(user, 0, sizeof(*user));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        if (!found++)
            authsvc_db_user_read_row(db, row, user);
    return found ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_user_by_username(authsvc_db_t *db, apr_pool_t *p,
                                             const char *username, authsvc_db_user_t *user)
{
    const char *args[] = {user_key(p, username)};

    return user_select(db, p, "authsvc_user_by_username", 1, args, user);
}

authsvc_status_t authsvc_db_user_by_id(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                       authsvc_db_user_t *user)
{
    const char *args[] = {user_id};

    return user_select(db, p, "authsvc_user_by_id", 1, args, user);
}

authsvc_status_t authsvc_db_user_by_email(authsvc_db_t *db, apr_pool_t *p,
                                          const char *address_key, authsvc_db_user_t *user)
{
    const char *args[] = {address_key, address_key};

    return user_select(db, p, "authsvc_user_by_email", 2, args, user);
}

/* Columns of authsvc_users_list and authsvc_users_list_by_tenant. */
enum {
    LIST_ID,
    LIST_USERNAME,
    LIST_EMAIL,
    LIST_TENANT_KEY,
    LIST_ROLE,
    LIST_STATUS,
    LIST_FAILURES,
    LIST_LOCKED_UNTIL
};

authsvc_status_t authsvc_db_user_summaries(authsvc_db_t *db, apr_pool_t *p,
                                           const char *tenant_key, apr_array_header_t **rows)
{
    const char *args[] = {tenant_key};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = tenant_key
                              ? authsvc_db_select(db, p, "authsvc_users_list_by_tenant", &res,
                                                  1, args)
                              : authsvc_db_select(db, p, "authsvc_users_list", &res, 0, NULL);

    *rows = apr_array_make(p, 16, sizeof(authsvc_db_user_summary_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_user_summary_t *u = apr_array_push(*rows);
        u->id = authsvc_db_column(db, row, LIST_ID);
        u->username = authsvc_db_column(db, row, LIST_USERNAME);
        u->email = authsvc_db_column(db, row, LIST_EMAIL);
        u->tenant_key = authsvc_db_column(db, row, LIST_TENANT_KEY);
        u->role = authsvc_db_column(db, row, LIST_ROLE);
        u->status = (int)authsvc_db_column_int(db, row, LIST_STATUS, -1);
        u->failures = authsvc_db_column_int(db, row, LIST_FAILURES, 0);
        u->locked_until = authsvc_db_column_int(db, row, LIST_LOCKED_UNTIL, 0);
    }
    return AUTHSVC_OK;
}

/* Column of authsvc_credential_internal_by_user that holds the hash. */
#define CREDENTIAL_PASSWORD_HASH 3

authsvc_status_t authsvc_db_user_password(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                          int *has_credential, int *has_hash)
{
    const char *args[] = {user_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_credential_internal_by_user",
                                                &row, 1, args);
    int found = st == AUTHSVC_OK;

    if (has_credential)
        *has_credential = found;
    if (has_hash)
        *has_hash = found && authsvc_db_column(db, row, CREDENTIAL_PASSWORD_HASH) != NULL;
    return st == AUTHSVC_NOT_FOUND ? AUTHSVC_OK : st;
}

authsvc_status_t authsvc_db_user_password_set(authsvc_db_t *db, apr_pool_t *p,
                                              const char *user_id, const char *hash,
                                              int has_credential)
{
    const char *now = authsvc_db_int_arg(p, authsvc_db_now_ms());
    const char *set[] = {hash, now, user_id};

    if (!has_credential)
        return user_credential(db, p, user_id, "internal", NULL, hash, now);
    return authsvc_db_exec(db, p, "authsvc_credential_set_password", NULL, 3, set);
}

authsvc_status_t authsvc_db_user_memberships(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, apr_array_header_t **rows)
{
    const char *args[] = {user_id};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_admin_user_tenants", &res, 1, args);

    *rows = apr_array_make(p, 2, sizeof(authsvc_db_user_membership_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_user_membership_t *m = apr_array_push(*rows);
        m->tenant_key = authsvc_db_column(db, row, 0);
        m->role = authsvc_db_column(db, row, 1);
        m->status = (int)authsvc_db_column_int(db, row, 2, -1);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_user_clients(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         apr_array_header_t **client_ids)
{
    const char *args[] = {user_id};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_user_clients", &res, 1, args);

    *client_ids = apr_array_make(p, 4, sizeof(const char *));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        APR_ARRAY_PUSH(*client_ids, const char *) = authsvc_db_column(db, row, 0);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_user_client_member(authsvc_db_t *db, apr_pool_t *p,
                                               const char *user_id, const char *client_id)
{
    const char *args[] = {user_id, client_id};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_user_client_member", &res, 2, args);
    int found = 0;

    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        found++;
    return found ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_user_lockouts(authsvc_db_t *db, apr_pool_t *p,
                                          const char *username_key, apr_array_header_t **rows)
{
    const char *args[] = {username_key};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_admin_user_lockout", &res, 1, args);

    *rows = apr_array_make(p, 2, sizeof(authsvc_db_user_lockout_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_user_lockout_t *l = apr_array_push(*rows);
        l->source = authsvc_db_column(db, row, 0);
        l->failures = authsvc_db_column_int(db, row, 1, 0);
        l->locked_until = authsvc_db_column_int(db, row, 2, 0);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_user_lockout_clear(authsvc_db_t *db, apr_pool_t *p,
                                               const char *username_key, int *cleared)
{
    const char *args[] = {username_key};

    return authsvc_db_exec(db, p, "authsvc_login_attempts_clear_account", cleared, 1, args);
}

authsvc_status_t authsvc_db_user_disable(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         int *changed)
{
    const char *args[] = {authsvc_db_int_arg(p, authsvc_db_now_ms()), user_id};

    return authsvc_db_exec(db, p, "authsvc_admin_user_disable", changed, 2, args);
}

authsvc_status_t authsvc_db_user_enable(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                        int *changed)
{
    const char *args[] = {authsvc_db_int_arg(p, authsvc_db_now_ms()), user_id};

    return authsvc_db_exec(db, p, "authsvc_admin_user_enable", changed, 2, args);
}

authsvc_status_t authsvc_db_user_delete(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                        int *changed)
{
    const char *args[] = {user_id};

    return authsvc_db_exec(db, p, "authsvc_admin_user_delete", changed, 1, args);
}

authsvc_status_t authsvc_db_user_set_mfa(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         int required)
{
    const char *args[] = {required ? "1" : "0", authsvc_db_int_arg(p, authsvc_db_now_ms()),
                          user_id};

    return authsvc_db_exec(db, p, "authsvc_user_set_mfa", NULL, 3, args);
}

authsvc_status_t authsvc_db_user_totp_delete(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, int *removed)
{
    const char *args[] = {user_id};

    return authsvc_db_exec(db, p, "authsvc_totp_delete", removed, 1, args);
}
