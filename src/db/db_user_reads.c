/* Look-ups of a user's row by id and by address (see authsvc_db_user_reads.h). */
#include <string.h>

#include "authsvc_db_user_reads.h"

/* A row of USER_COLUMNS (authsvc_user_by_id, authsvc_user_by_email). */
static void user_read(authsvc_db_t *db, apr_dbd_row_t *row, authsvc_db_user_t *user)
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

authsvc_status_t authsvc_db_user_by_id(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                       authsvc_db_user_t *user)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_user_by_id", &row, 1, &user_id);

    memset(user, 0, sizeof(*user));
    if (st == AUTHSVC_OK)
        user_read(db, row, user);
    return st;
}

authsvc_status_t authsvc_db_user_by_email(authsvc_db_t *db, apr_pool_t *p,
                                          const char *address_key, authsvc_db_user_t *user)
{
    const char *args[] = {address_key, address_key};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_user_by_email", &row, 2, args);

    memset(user, 0, sizeof(*user));
    if (st == AUTHSVC_OK)
        user_read(db, row, user);
    return st;
}

authsvc_status_t authsvc_db_user_client_allowed(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, const char *client_id)
{
    const char *args[] = {user_id, client_id};
    apr_dbd_row_t *row = NULL;

    return authsvc_db_select_one(db, p, "authsvc_user_client_member", &row, 2, args);
}
