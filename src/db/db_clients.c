/* Typed helpers for clients: look-up, creation, authsvc-admin's listing, secret,
 * deletion and the access tokens of a client's sessions. */
#include <string.h>

#include "authsvc_db_clients.h"

/* Columns of authsvc_client_by_client_id (CLIENT_COLUMNS in db_statements.c). */
enum {
    CLIENT_ID,
    CLIENT_SECRET_HASH,
    CLIENT_TYPE,
    CLIENT_REDIRECT_URL,
    CLIENT_ACCESS_TTL,
    CLIENT_REFRESH_TTL,
    CLIENT_CODE_TTL
};

/* Columns of authsvc_admin_clients and authsvc_admin_client. */
enum {
    SUMMARY_CLIENT_ID,
    SUMMARY_TYPE,
    SUMMARY_REDIRECT_URL,
    SUMMARY_ACCESS_TTL,
    SUMMARY_REFRESH_TTL,
    SUMMARY_CODE_TTL,
    SUMMARY_CREATED_AT,
    SUMMARY_USERS
};

authsvc_status_t authsvc_db_client_by_id(authsvc_db_t *db, apr_pool_t *p, const char *client_id,
                                         authsvc_db_client_t *c)
{
    const char *args[] = {client_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_client_by_client_id", &row, 1,
                                                args);

    memset(c, 0, sizeof(*c));
    if (st != AUTHSVC_OK)
        return st;
    c->client_id = authsvc_db_column(db, row, CLIENT_ID);
    c->secret_hash = authsvc_db_column(db, row, CLIENT_SECRET_HASH);
    c->type = authsvc_db_column(db, row, CLIENT_TYPE);
    c->redirect_url = authsvc_db_column(db, row, CLIENT_REDIRECT_URL);
    c->access_ttl = authsvc_db_column_int(db, row, CLIENT_ACCESS_TTL, 0);
    c->refresh_ttl = authsvc_db_column_int(db, row, CLIENT_REFRESH_TTL, 0);
    c->code_ttl = authsvc_db_column_int(db, row, CLIENT_CODE_TTL, 0);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_client_create(authsvc_db_t *db, apr_pool_t *p,
                                          const authsvc_db_client_t *c)
{
    const char *now = authsvc_db_int_arg(p, authsvc_db_now_ms());
    const char *args[] = {c->client_id,
                          c->secret_hash,
                          c->type,
                          c->redirect_url,
                          authsvc_db_int_arg(p, c->access_ttl),
                          authsvc_db_int_arg(p, c->refresh_ttl),
                          authsvc_db_int_arg(p, c->code_ttl),
                          now,
                          now};

    return authsvc_db_exec(db, p, "authsvc_client_insert", NULL, 9, args);
}

static void summary_read(authsvc_db_t *db, apr_dbd_row_t *row, authsvc_db_client_summary_t *c)
{
    c->client_id = authsvc_db_column(db, row, SUMMARY_CLIENT_ID);
    c->type = authsvc_db_column(db, row, SUMMARY_TYPE);
    c->redirect_url = authsvc_db_column(db, row, SUMMARY_REDIRECT_URL);
    c->access_ttl = authsvc_db_column_int(db, row, SUMMARY_ACCESS_TTL, 0);
    c->refresh_ttl = authsvc_db_column_int(db, row, SUMMARY_REFRESH_TTL, 0);
    c->code_ttl = authsvc_db_column_int(db, row, SUMMARY_CODE_TTL, 0);
    c->created_at = authsvc_db_column_int(db, row, SUMMARY_CREATED_AT, 0);
    c->users = authsvc_db_column_int(db, row, SUMMARY_USERS, 0);
}

authsvc_status_t authsvc_db_client_summaries(authsvc_db_t *db, apr_pool_t *p,
                                             apr_array_header_t **rows)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_admin_clients", &res, 0, NULL);

    *rows = apr_array_make(p, 8, sizeof(authsvc_db_client_summary_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row))
        summary_read(db, row, apr_array_push(*rows));
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_client_summary(authsvc_db_t *db, apr_pool_t *p,
                                           const char *client_id,
                                           authsvc_db_client_summary_t *c)
{
    const char *args[] = {client_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_admin_client", &row, 1, args);

    memset(c, 0, sizeof(*c));
    if (st == AUTHSVC_OK)
        summary_read(db, row, c);
    return st;
}

authsvc_status_t authsvc_db_client_live_access(authsvc_db_t *db, apr_pool_t *p,
                                               const char *client_id, long long now_ms,
                                               apr_array_header_t **tokens)
{
    const char *args[] = {client_id, authsvc_db_int_arg(p, now_ms)};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_admin_client_access", &res, 2,
                                            args);

    *tokens = apr_array_make(p, 4, sizeof(authsvc_db_access_token_t));
    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        authsvc_db_access_token_t *t = apr_array_push(*tokens);
        t->jti = authsvc_db_column(db, row, 0);
        t->expires_at = authsvc_db_column_int(db, row, 1, 0);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_client_delete(authsvc_db_t *db, apr_pool_t *p,
                                          const char *client_id, int *changed)
{
    const char *args[] = {client_id};

    return authsvc_db_exec(db, p, "authsvc_admin_client_delete", changed, 1, args);
}

authsvc_status_t authsvc_db_client_set_secret(authsvc_db_t *db, apr_pool_t *p,
                                              const char *client_id, const char *secret_hash,
                                              int *changed)
{
    const char *args[] = {secret_hash, authsvc_db_int_arg(p, authsvc_db_now_ms()), client_id};

    return authsvc_db_exec(db, p, "authsvc_admin_client_set_secret", changed, 3, args);
}
