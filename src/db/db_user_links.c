/* Typed helpers for a user's links to external identities. */
#include "authsvc_db_user_links.h"
#include "authsvc_password.h"

/* Columns of authsvc_identities_by_user. */
enum {
    LINK_PROVIDER,
    LINK_SUBJECT,
    LINK_CREATED_AT
};

authsvc_status_t authsvc_db_user_links(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                       apr_array_header_t **links)
{
    const char *args[] = {user_id};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_identities_by_user", &res, 1, args);

    *links = apr_array_make(p, 2, sizeof(authsvc_db_user_link_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_user_link_t *l = apr_array_push(*links);
        l->provider = authsvc_db_column(db, row, LINK_PROVIDER);
        l->subject = authsvc_db_column(db, row, LINK_SUBJECT);
        l->linked_at = authsvc_db_column_int(db, row, LINK_CREATED_AT, 0);
    }
    return AUTHSVC_OK;
}

/* The first column of the one row label(a, b) answers, or NULL. */
static authsvc_status_t first_column(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                     const char *a, const char *b, const char **value)
{
    const char *args[] = {a, b};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, label, &row, 2, args);

    *value = st == AUTHSVC_OK ? authsvc_db_column(db, row, 0) : NULL;
    return st;
}

authsvc_status_t authsvc_db_user_link_owner(authsvc_db_t *db, apr_pool_t *p,
                                            const char *provider, const char *subject,
                                            const char **user_id)
{
    return first_column(db, p, "authsvc_credential_user_by_external_id", provider, subject,
                        user_id);
}

authsvc_status_t authsvc_db_user_link_of(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         const char *provider, const char **subject)
{
    return first_column(db, p, "authsvc_identity_of_user", user_id, provider, subject);
}

authsvc_status_t authsvc_db_user_link_add(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                          const char *provider, const char *subject)
{
    const char *now = authsvc_db_int_arg(p, authsvc_db_now_ms());
    const char *args[] = {authsvc_uuid_v4(p), user_id, provider, subject, NULL, NULL, now, now};

    if (!args[0])
        return AUTHSVC_NO_MEMORY;
    return authsvc_db_exec(db, p, "authsvc_credential_insert", NULL, 8, args);
}

authsvc_status_t authsvc_db_user_link_remove(authsvc_db_t *db, apr_pool_t *p,
                                             const char *provider, const char *subject,
                                             int *removed)
{
    const char *args[] = {provider, subject};

    return authsvc_db_exec(db, p, "authsvc_identity_delete", removed, 2, args);
}
