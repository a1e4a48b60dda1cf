/* Forgot / reset password (see authsvc_password_reset.h): the reset mail of a
 * forget-password request, and the reset by link. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_credentials.h"
#include "authsvc_db_users.h"
#include "authsvc_log.h"
#include "authsvc_mail_message.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password_reset.h"
#include "authsvc_passwords.h"
#include "authsvc_regulation.h"
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

/* The reset token presented (*t), when usable. */
static authsvc_password_reset_status_t reset_token_load(authsvc_context_t *ctx,
                                                        authsvc_db_t *db, const char *token,
                                                        authsvc_mail_token_t *t)
{
    authsvc_status_t st = authsvc_mail_token_load(ctx, db, AUTHSVC_MAIL_RESET, token, t);

    if (st == AUTHSVC_NOT_FOUND)
        return AUTHSVC_RESET_TOKEN_INVALID;
    if (st != AUTHSVC_OK)
        return AUTHSVC_RESET_UNAVAILABLE;
    if (!authsvc_mail_token_usable(t))
        return AUTHSVC_RESET_TOKEN_EXPIRED;
    return AUTHSVC_RESET_OK;
}

authsvc_password_reset_status_t authsvc_password_reset_link_check(authsvc_context_t *ctx,
                                                                  authsvc_db_t *db,
                                                                  const char *token)
{
    authsvc_mail_token_t t;

    return reset_token_load(ctx, db, token, &t);
}

/* The new password against the policy and the current one (*username: the user's). */
static authsvc_password_reset_status_t reset_password_checked(
    authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_mail_token_t *t,
    const char *password, const char **username, authsvc_password_reset_out_t *out)
{
    const char *stored = NULL;
    authsvc_db_user_t user;
    authsvc_status_t st;

    if (authsvc_db_user_by_id(db, ctx->pool, t->user_id, &user) != AUTHSVC_OK)
        return AUTHSVC_RESET_TOKEN_INVALID;
    *username = user.username;
    if (authsvc_passwords_acceptable(ctx, *username, password, &out->why) != AUTHSVC_OK)
        return AUTHSVC_RESET_PASSWORD_INVALID;
    if (authsvc_db_credential_password(db, ctx->pool, t->user_id, &stored) != AUTHSVC_OK
        || !stored)
        return AUTHSVC_RESET_EXTERNAL_USER;
    st = authsvc_passwords_check(ctx, stored, password, NULL, &out->password_time);
    if (st != AUTHSVC_INVALID)
        return st == AUTHSVC_OK ? AUTHSVC_RESET_PASSWORD_REUSED : AUTHSVC_RESET_UNAVAILABLE;
    return AUTHSVC_RESET_OK;
}

/* The reset itself, once everything was checked: the token used up, the new hash, every
 * session ended, the other links retired, the username's failures forgotten. */
static authsvc_password_reset_status_t reset_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   const authsvc_mail_token_t *t,
                                                   const char *password, const char *username,
                                                   authsvc_password_reset_out_t *out)
{
    authsvc_status_t st = authsvc_mail_token_consume(ctx, db, AUTHSVC_MAIL_RESET, t);

    if (st != AUTHSVC_OK) /* another request used it meanwhile */
        return st == AUTHSVC_INVALID ? AUTHSVC_RESET_TOKEN_EXPIRED : AUTHSVC_RESET_UNAVAILABLE;
    if (authsvc_passwords_store(ctx, db, t->user_id, password, &out->password_time)
            != AUTHSVC_OK
        || authsvc_tokens_revoke_user(ctx, db, t->user_id, NULL) != AUTHSVC_OK)
        return AUTHSVC_RESET_UNAVAILABLE;
    authsvc_mail_token_retire_user(ctx, db, t->user_id);
    authsvc_regulation_account_clear(ctx, db, authsvc_mail_lower(ctx->pool, username));
    ctx->log(ctx, AUTHSVC_LOG_INFO,
             AUTHSVC_LOGNO(1634) "password of user %s reset; every "
                                 "session ended",
             t->user_id);
    return AUTHSVC_RESET_OK;
}

authsvc_password_reset_status_t authsvc_password_reset_apply(
    authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_password_reset_in_t *in,
    authsvc_password_reset_out_t *out)
{
    const char *username = NULL;
    authsvc_mail_token_t t;
    authsvc_password_reset_status_t rs;

    memset(out, 0, sizeof(*out));
    rs = reset_token_load(ctx, db, in->token, &t);
    if (rs != AUTHSVC_RESET_OK)
        return rs;
    if (!t.client_id || !in->client_id || strcmp(t.client_id, in->client_id) != 0)
        return AUTHSVC_RESET_CLIENT_INVALID;
    out->user_id = t.user_id;
    rs = reset_password_checked(ctx, db, &t, in->password, &username, out);
    if (rs != AUTHSVC_RESET_OK)
        return rs;
    return reset_store(ctx, db, &t, in->password, username, out);
}
