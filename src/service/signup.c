/* Sign-up by invite (see authsvc_signup.h): the invite checked, the user created. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_config_mail.h"
#include "authsvc_db_users.h"
#include "authsvc_log.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password.h"
#include "authsvc_passwords.h"
#include "authsvc_signup.h"
#include "authsvc_signup_invite.h"
#include "authsvc_tokens.h"

/* The invite presented (*t), when usable. */
static authsvc_signup_status_t signup_invite_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                                  const char *invite, authsvc_mail_token_t *t)
{
    authsvc_status_t st;

    if (!db)
        return AUTHSVC_SIGNUP_UNAVAILABLE;
    st = authsvc_mail_token_load(ctx, db, AUTHSVC_MAIL_INVITE, invite, t);
    if (st == AUTHSVC_NOT_FOUND)
        return AUTHSVC_SIGNUP_INVITE_INVALID;
    if (st != AUTHSVC_OK)
        return AUTHSVC_SIGNUP_UNAVAILABLE;
    if (!authsvc_mail_token_usable(t))
        return AUTHSVC_SIGNUP_INVITE_EXPIRED;
    return AUTHSVC_SIGNUP_OK;
}

authsvc_signup_status_t authsvc_signup_token_check(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   const char *invite, const char **email)
{
    authsvc_mail_token_t t;
    authsvc_signup_status_t ss = signup_invite_load(ctx, db, invite, &t);

    *email = ss == AUTHSVC_SIGNUP_OK ? t.email : NULL;
    return ss;
}

/* Everything checked before the invite is used up; *tenant_id, *role_id: where the user
 * goes (AuthsvcSignUp). */
static authsvc_signup_status_t signup_user_checked(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   const authsvc_signup_in_t *in,
                                                   const authsvc_mail_token_t *t,
                                                   authsvc_signup_out_t *out,
                                                   const char **role_id)
{
    const authsvc_mail_config_t *mc = ctx->config->mail;
    authsvc_status_t st;

    if (strcmp(authsvc_mail_lower(ctx->pool, in->email),
               authsvc_mail_lower(ctx->pool, t->email)))
        return AUTHSVC_SIGNUP_EMAIL_MISMATCH;
    if (authsvc_passwords_acceptable(ctx, t->email, in->password, &out->why) != AUTHSVC_OK)
        return AUTHSVC_SIGNUP_PASSWORD_INVALID;
    if (authsvc_signup_address_taken(ctx, db, t->email, &st))
        return AUTHSVC_SIGNUP_USER_EXISTS;
    if (st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_SIGNUP_UNAVAILABLE;
    if (authsvc_db_user_placement(db, ctx->pool, mc->signup_tenant, mc->signup_role,
                                  &out->tenant_id, role_id)
        != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(1644) "AuthsvcSignUp names a tenant "
                                     "or role that does not exist");
        return AUTHSVC_SIGNUP_UNAVAILABLE;
    }
    return AUTHSVC_SIGNUP_OK;
}

/* The user, its internal credential, its membership and clients, in one transaction. */
static authsvc_status_t signup_write(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const authsvc_signup_in_t *in,
                                     const authsvc_signup_out_t *out, const char *hash,
                                     const char *role_id)
{
    authsvc_user_new_t u = {out->user_id,
                            out->email,
                            out->email,
                            in->first_name,
                            in->middle_name,
                            in->last_name,
                            out->tenant_id,
                            role_id,
                            AUTHSVC_USER_ACTIVE,
                            ctx->config->mail->signup_clients,
                            hash,
                            NULL,
                            NULL};
    const char *id = NULL;
    authsvc_status_t st = authsvc_db_begin(db, ctx->pool);

    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_db_user_create(db, ctx->pool, &u, &id);
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st; /* AUTHSVC_CONFLICT: the address signed up meanwhile */
    }
    return authsvc_db_commit(db);
}

authsvc_signup_status_t authsvc_signup_user_create(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   const authsvc_signup_in_t *in,
                                                   authsvc_signup_out_t *out)
{
    const char *role_id = NULL, *hash = NULL;
    authsvc_mail_token_t t;
    authsvc_signup_status_t ss;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    out->user_id = authsvc_uuid_v4(ctx->pool);
    if ((ss = signup_invite_load(ctx, db, in->invite, &t)) != AUTHSVC_SIGNUP_OK
        || (ss = signup_user_checked(ctx, db, in, &t, out, &role_id)) != AUTHSVC_SIGNUP_OK)
        return ss;
    out->email = t.email;
    st = authsvc_mail_token_consume(ctx, db, AUTHSVC_MAIL_INVITE, &t);
    if (st != AUTHSVC_OK) /* another request used it meanwhile */
        return st == AUTHSVC_INVALID ? AUTHSVC_SIGNUP_INVITE_EXPIRED
                                     : AUTHSVC_SIGNUP_UNAVAILABLE;
    if (authsvc_passwords_hash(ctx, in->password, &hash, &out->password_time) != AUTHSVC_OK)
        return AUTHSVC_SIGNUP_UNAVAILABLE;
    st = signup_write(ctx, db, in, out, hash, role_id);
    if (st == AUTHSVC_CONFLICT)
        return AUTHSVC_SIGNUP_USER_EXISTS;
    if (st != AUTHSVC_OK)
        return AUTHSVC_SIGNUP_UNAVAILABLE;
    ctx->log(ctx, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(1645) "user %s signed up by invite",
             out->user_id);
    return AUTHSVC_SIGNUP_OK;
}
