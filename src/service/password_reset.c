/* The reset mail of a forget-password request (see authsvc_password_reset.h). */
#include <apr_strings.h>

#include "authsvc_db_credentials.h"
#include "authsvc_db_users.h"
#include "authsvc_log.h"
#include "authsvc_mail_message.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password_reset.h"
#include "authsvc_tokens.h"

/* The address a reset mail may go to (*email): a user with an internal credential, a
 * usable address, and a member of the client. AUTHSVC_NOT_FOUND for anyone else (nothing
 * is sent, nothing is said); another status when the database failed. */
static authsvc_status_t reset_recipient(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *username_key, const char *client_id,
                                        const char **user_id, const char **name,
                                        const char **email)
{
    const char *hash = NULL;
    authsvc_db_user_t user;
    authsvc_status_t st = authsvc_db_user_by_username(db, ctx->pool, username_key, &user);

    if (st != AUTHSVC_OK)
        return st;
    *user_id = user.id;
    *name = user.first_name;
    if (!authsvc_mail_address_valid(user.email))
        return AUTHSVC_NOT_FOUND;
    st = authsvc_db_credential_password(db, ctx->pool, user.id, &hash);
    if (st == AUTHSVC_OK && !hash)
        st = AUTHSVC_NOT_FOUND;
    if (st == AUTHSVC_OK)
        st = authsvc_db_user_client_member(db, ctx->pool, user.id, client_id);
    if (st == AUTHSVC_OK)
        *email = user.email;
    return st;
}

/* The reset token of a recipient, stored (the user's earlier ones retired), or NULL with
 * the failure logged. */
static const char *reset_token_stored(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const char *user_id, const char *client_id,
                                      const char *email)
{
    const char *token = NULL;

    if (authsvc_mail_token_retire_user(ctx, db, user_id) != AUTHSVC_OK
        || authsvc_mail_token_issue(ctx, db, AUTHSVC_MAIL_RESET, user_id, client_id, email,
                                    &token)
               != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR, AUTHSVC_LOGNO(1632) "reset token not stored: %s",
                 db->error ? db->error : "database error");
        return NULL;
    }
    return token;
}

void authsvc_password_reset_mail(authsvc_context_t *ctx, authsvc_db_t *db, const char *username,
                                 const char *client_id)
{
    const char *key = authsvc_mail_lower(ctx->pool, username);
    const char *user_id = NULL, *name = NULL, *email = NULL, *token;
    long retry_after = 0;
    authsvc_status_t st;

    if (!db)
        return;
    if (authsvc_mail_limit_over(ctx, db, "address",
                                authsvc_token_hash(ctx->pool,
                                                   apr_pstrcat(ctx->pool, "reset:", key, NULL)),
                                &retry_after)) {
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(1631) "reset mails for one username "
                                     "over the limit: none sent");
        return;
    }
    st = reset_recipient(ctx, db, key, client_id, &user_id, &name, &email);
    if (st != AUTHSVC_OK) {
        if (st != AUTHSVC_NOT_FOUND)
            ctx->log(ctx, AUTHSVC_LOG_ERROR,
                     AUTHSVC_LOGNO(1635) "reset mail not sent: the "
                                         "user was not read: %s",
                     db->error ? db->error : authsvc_status_name(st));
        return;
    }
    if ((token = reset_token_stored(ctx, db, user_id, client_id, email)) != NULL)
        authsvc_mail_deliver(ctx, AUTHSVC_MAIL_RESET, email, name, token);
}
