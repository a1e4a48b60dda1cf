/* The invite mail of a sign-up create-token request (see authsvc_signup_invite.h). */
#include <apr_strings.h>

#include "authsvc_db_users.h"
#include "authsvc_log.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_signup_invite.h"
#include "authsvc_tokens.h"

int authsvc_signup_address_taken(authsvc_context_t *ctx, authsvc_db_t *db, const char *email,
                                 authsvc_status_t *st)
{
    authsvc_db_user_t user;

    *st = authsvc_db_user_by_email(db, ctx->pool, authsvc_mail_lower(ctx->pool, email), &user);
    return *st == AUTHSVC_OK;
}

void authsvc_signup_invite_mail(authsvc_context_t *ctx, authsvc_db_t *db, const char *email)
{
    const char *token = NULL;
    long retry_after = 0;
    authsvc_status_t st;

    if (!db)
        return;
    if (authsvc_mail_limit_over(
            ctx, db, "address",
            authsvc_token_hash(ctx->pool,
                               apr_pstrcat(ctx->pool, "invite:",
                                           authsvc_mail_lower(ctx->pool, email), NULL)),
            &retry_after)) {
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(1641) "invites for one address over "
                                     "the limit: none sent");
        return;
    }
    if (authsvc_signup_address_taken(ctx, db, email, &st) || st != AUTHSVC_NOT_FOUND) {
        if (st != AUTHSVC_OK)
            ctx->log(ctx, AUTHSVC_LOG_ERROR,
                     AUTHSVC_LOGNO(1646) "invite not sent: the "
                                         "address was not checked: %s",
                     db->error ? db->error : "database error");
        return;
    }
    if (authsvc_mail_token_issue(ctx, db, AUTHSVC_MAIL_INVITE, NULL, NULL, email, &token)
        != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR, AUTHSVC_LOGNO(1642) "invite token not stored: %s",
                 db->error ? db->error : "database error");
        return;
    }
    authsvc_mail_deliver(ctx, AUTHSVC_MAIL_INVITE, email, NULL, token);
}
