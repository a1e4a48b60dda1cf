/* Account administration (see authsvc_admin_users.h). */
#include <apr_lib.h>
#include <apr_strings.h>

#include "authsvc_admin_users.h"
#include "authsvc_db_users.h"
#include "authsvc_log.h"
#include "authsvc_tokens.h"

static authsvc_db_t *admin_db(authsvc_context_t *ctx, authsvc_status_t *st)
{
    authsvc_db_t *db = ctx->db(ctx);

    *st = db ? AUTHSVC_OK : AUTHSVC_UNAVAILABLE;
    return db;
}

/* ASCII letters lowercased: usernames' lookup key. */
static const char *admin_key(apr_pool_t *p, const char *text)
{
    char *key = apr_pstrdup(p, text ? text : ""), *c;

    for (c = key; *c; c++)
        *c = (char)apr_tolower(*c);
    return key;
}

authsvc_status_t authsvc_console_users_list(authsvc_context_t *ctx,
                                            const authsvc_db_admin_user_query_t *q,
                                            apr_array_header_t **rows)
{
    authsvc_db_admin_user_query_t query = *q;
    authsvc_status_t st;
    authsvc_db_t *db = admin_db(ctx, &st);

    *rows = apr_array_make(ctx->pool, 1, sizeof(authsvc_db_admin_user_t));
    if (!db)
        return st;
    query.prefix = admin_key(ctx->pool, q->prefix);
    if (query.limit <= 0 || query.limit > AUTHSVC_ADMIN_PAGE_MAX)
        query.limit = AUTHSVC_ADMIN_PAGE_MAX;
    if (query.offset < 0)
        query.offset = 0;
    query.now_ms = authsvc_db_now_ms();
    return authsvc_db_admin_users(db, ctx->pool, &query, rows);
}

authsvc_status_t authsvc_console_users_locks(authsvc_context_t *ctx, const char *tenant_id,
                                             apr_array_header_t **accounts,
                                             apr_array_header_t **addresses)
{
    authsvc_status_t st;
    authsvc_db_t *db = admin_db(ctx, &st);

    *accounts = *addresses = apr_array_make(ctx->pool, 1, sizeof(authsvc_db_admin_lock_t));
    if (!db)
        return st;
    return authsvc_db_admin_locks(db, ctx->pool, tenant_id, authsvc_db_now_ms(), accounts,
                                  addresses);
}

authsvc_status_t authsvc_console_users_clients(authsvc_context_t *ctx,
                                               apr_array_header_t **rows)
{
    authsvc_status_t st;
    authsvc_db_t *db = admin_db(ctx, &st);

    *rows = apr_array_make(ctx->pool, 1, sizeof(authsvc_db_admin_client_t));
    return db ? authsvc_db_admin_clients(db, ctx->pool, rows) : st;
}

authsvc_status_t authsvc_console_users_status_apply(authsvc_context_t *ctx, authsvc_db_t *db,
                                                    const char *tenant_id, const char *user_id,
                                                    int disable, int *changed)
{
    authsvc_status_t st;

    if (tenant_id)
        st = authsvc_db_admin_member_status(db, ctx->pool, tenant_id, user_id, disable,
                                            changed);
    else
        st = disable ? authsvc_db_user_disable(db, ctx->pool, user_id, changed)
                     : authsvc_db_user_enable(db, ctx->pool, user_id, changed);
    if (st == AUTHSVC_OK && disable)
        st = authsvc_tokens_revoke_user(ctx, db, user_id, NULL);
    return st;
}

authsvc_status_t authsvc_console_users_unlock_apply(authsvc_context_t *ctx, authsvc_db_t *db,
                                                    const char *key, int *cleared)
{
    return authsvc_db_user_lockout_clear(db, ctx->pool, key, cleared);
}

/* The member's username in *username, in an open transaction on *db; else the status
 * (the transaction then rolled back or never begun). */
static authsvc_status_t admin_member_begin(authsvc_context_t *ctx, const char *tenant_id,
                                           const char *user_id, authsvc_db_t **db,
                                           const char **username)
{
    authsvc_status_t st;

    if (!(*db = admin_db(ctx, &st)))
        return st;
    if ((st = authsvc_db_begin(*db, ctx->pool)) != AUTHSVC_OK)
        return st;
    st = authsvc_db_admin_user(*db, ctx->pool, tenant_id, user_id, username);
    if (st != AUTHSVC_OK)
        authsvc_db_rollback(*db);
    return st;
}

static authsvc_status_t admin_finish(authsvc_db_t *db, authsvc_status_t st)
{
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st;
    }
    return authsvc_db_commit(db);
}

authsvc_status_t authsvc_console_users_set_status(authsvc_context_t *ctx, const char *tenant_id,
                                                  const char *user_id, int disable,
                                                  int *changed)
{
    authsvc_db_t *db = NULL;
    const char *username = NULL;
    authsvc_status_t st = admin_member_begin(ctx, tenant_id, user_id, &db, &username);

    if (st != AUTHSVC_OK)
        return st;
    st = admin_finish(db, authsvc_console_users_status_apply(ctx, db, tenant_id, user_id,
                                                             disable, changed));
    if (st == AUTHSVC_OK)
        ctx->log(ctx, AUTHSVC_LOG_NOTICE,
                 AUTHSVC_LOGNO(3201) "admin: user %s %s (%d membership(s) changed)", user_id,
                 disable ? "disabled, every session ended" : "enabled",
                 changed ? *changed : -1);
    return st;
}

authsvc_status_t authsvc_console_users_unlock(authsvc_context_t *ctx, const char *tenant_id,
                                              const char *user_id, int *cleared)
{
    authsvc_db_t *db = NULL;
    const char *username = NULL;
    authsvc_status_t st = admin_member_begin(ctx, tenant_id, user_id, &db, &username);

    if (st != AUTHSVC_OK)
        return st;
    st = admin_finish(db, authsvc_console_users_unlock_apply(ctx, db,
                                                             admin_key(ctx->pool, username),
                                                             cleared));
    if (st == AUTHSVC_OK)
        ctx->log(ctx, AUTHSVC_LOG_NOTICE,
                 AUTHSVC_LOGNO(3202) "admin: user %s unlocked (%d counter(s) cleared)", user_id,
                 cleared ? *cleared : -1);
    return st;
}
