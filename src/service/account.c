/* The signed-in user's own account as a service (see authsvc_account.h). */
#include <string.h>

#include <apr_base64.h>
#include <apr_strings.h>

#include "authsvc_account.h"
#include "authsvc_db_credentials.h"
#include "authsvc_db_second_factor.h"
#include "authsvc_db_users.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_passwords.h"
#include "authsvc_qr_png.h"
#include "authsvc_regulation.h"
#include "authsvc_tokens.h"
#include "authsvc_totp.h"

#define QR_PREFIX "data:image/png;base64,"

/* ASCII lower case: the key the regulation counts a username by (as the login does). */
static const char *account_username_key(apr_pool_t *p, const char *username)
{
    char *key = apr_pstrdup(p, username), *c;

    for (c = key; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return key;
}

/* The stored hash checked: OK, WRONG_PASSWORD (nothing counted yet), EXTERNAL or
 * UNAVAILABLE. */
static authsvc_account_status_t account_check(authsvc_context_t *ctx, authsvc_db_t *db,
                                              const char *user_id, const char *password)
{
    const char *stored = NULL;
    authsvc_status_t st = authsvc_db_credential_password(db, ctx->pool, user_id, &stored);

    if (st == AUTHSVC_NOT_FOUND || (st == AUTHSVC_OK && !stored))
        return AUTHSVC_ACCOUNT_EXTERNAL;
    if (st != AUTHSVC_OK)
        return AUTHSVC_ACCOUNT_UNAVAILABLE;
    st = authsvc_passwords_check(ctx, stored, password ? password : "", NULL, NULL);
    if (st == AUTHSVC_OK)
        return AUTHSVC_ACCOUNT_OK;
    return st == AUTHSVC_INVALID ? AUTHSVC_ACCOUNT_WRONG_PASSWORD : AUTHSVC_ACCOUNT_UNAVAILABLE;
}

authsvc_account_status_t authsvc_account_password_verify(authsvc_context_t *ctx,
                                                         authsvc_db_t *db, const char *user_id,
                                                         const char *username,
                                                         const char *password,
                                                         authsvc_account_out_t *out)
{
    authsvc_regulation_attempt_t attempt;
    authsvc_regulation_t verdict;
    authsvc_account_status_t st;

    authsvc_regulation_attempt_init(&attempt, username, NULL, NULL);
    verdict = authsvc_regulation_reserve_address(ctx, db, &attempt, &out->retry_after);
    if (verdict == AUTHSVC_REGULATION_IP_LIMITED) {
        authsvc_regulation_refused(ctx, db, &attempt, AUTHSVC_REFUSED_IP_LIMITED);
        return AUTHSVC_ACCOUNT_LIMITED;
    }
    if (verdict == AUTHSVC_REGULATION_UNAVAILABLE)
        return AUTHSVC_ACCOUNT_UNAVAILABLE;
    verdict = authsvc_regulation_reserve_account(ctx, db, &attempt,
                                                 account_username_key(ctx->pool, username),
                                                 user_id);
    if (verdict == AUTHSVC_REGULATION_ACCOUNT_LOCKED) {
        authsvc_regulation_refused(ctx, db, &attempt, AUTHSVC_REFUSED_LOCKED);
        return AUTHSVC_ACCOUNT_LIMITED;
    }
    st = verdict == AUTHSVC_REGULATION_UNAVAILABLE ? AUTHSVC_ACCOUNT_UNAVAILABLE
                                                   : account_check(ctx, db, user_id, password);
    if (st == AUTHSVC_ACCOUNT_OK)
        authsvc_regulation_succeeded(ctx, db, &attempt);
    else if (st == AUTHSVC_ACCOUNT_WRONG_PASSWORD)
        authsvc_regulation_refused(ctx, db, &attempt, AUTHSVC_REFUSED_BAD_PASSWORD);
    else
        authsvc_regulation_released(ctx, db, &attempt);
    return st;
}

authsvc_account_status_t authsvc_account_password_change(authsvc_context_t *ctx,
                                                         authsvc_db_t *db,
                                                         const authsvc_account_password_t *in,
                                                         authsvc_account_out_t *out)
{
    authsvc_account_status_t st = authsvc_account_password_verify(ctx, db, in->user_id,
                                                                  in->username,
                                                                  in->old_password, out);

    if (st != AUTHSVC_ACCOUNT_OK)
        return st;
    if (authsvc_passwords_acceptable(ctx, in->username, in->password, &out->why) != AUTHSVC_OK)
        return AUTHSVC_ACCOUNT_POLICY;
    st = account_check(ctx, db, in->user_id, in->password);
    if (st != AUTHSVC_ACCOUNT_WRONG_PASSWORD)
        return st == AUTHSVC_ACCOUNT_OK ? AUTHSVC_ACCOUNT_REUSED : AUTHSVC_ACCOUNT_UNAVAILABLE;
    if (authsvc_passwords_store(ctx, db, in->user_id, in->password, NULL) != AUTHSVC_OK
        || authsvc_tokens_revoke_user(ctx, db, in->user_id, in->keep_family) != AUTHSVC_OK)
        return AUTHSVC_ACCOUNT_UNAVAILABLE;
    ctx->log(ctx, AUTHSVC_LOG_NOTICE,
             AUTHSVC_LOGNO(3151) "account page: password changed for user %s", in->user_id);
    return AUTHSVC_ACCOUNT_OK;
}

const char *authsvc_account_totp_secret(authsvc_context_t *ctx)
{
    return authsvc_totp_secret_new(ctx->pool);
}

authsvc_status_t authsvc_account_totp_png(authsvc_context_t *ctx, const char *username,
                                          const char *secret, const unsigned char **png,
                                          apr_size_t *len)
{
    const char *uri = authsvc_totp_key_uri(ctx->pool,
                                           authsvc_config_totp_issuer(ctx->config, ctx->pool),
                                           username, secret);
    const char *url = NULL;
    char *bytes;
    authsvc_status_t st = authsvc_qr_png_data_url(ctx->pool, uri, &url);

    if (st != AUTHSVC_OK)
        return st;
    if (strncmp(url, QR_PREFIX, strlen(QR_PREFIX)) != 0)
        return AUTHSVC_INVALID;
    url += strlen(QR_PREFIX);
    bytes = apr_palloc(ctx->pool, (apr_size_t)apr_base64_decode_len(url));
    *len = (apr_size_t)apr_base64_decode(bytes, url);
    *png = (const unsigned char *)bytes;
    return AUTHSVC_OK;
}

authsvc_account_status_t authsvc_account_totp_confirm(authsvc_context_t *ctx, authsvc_db_t *db,
                                                      const char *user_id, const char *secret,
                                                      const char *otp)
{
    apr_size_t key_len = 0;
    unsigned char *key = authsvc_base32_decode(ctx->pool, secret, &key_len);
    const char *id = authsvc_uuid_v4(ctx->pool);
    uint64_t step = 0;
    authsvc_status_t st;

    if (!key || !id)
        return AUTHSVC_ACCOUNT_UNAVAILABLE;
    if (!otp
        || authsvc_totp_check(key, key_len, otp, apr_time_sec(apr_time_now()), &step)
               != AUTHSVC_OK)
        return AUTHSVC_ACCOUNT_WRONG_CODE;
    st = authsvc_db_totp_create(db, ctx->pool, id, user_id, secret, authsvc_db_now_ms());
    if (st == AUTHSVC_CONFLICT)
        return AUTHSVC_ACCOUNT_EXISTS;
    /* the confirming code's step is used up: it cannot sign in afterwards */
    if (st != AUTHSVC_OK
        || authsvc_db_totp_use_step(db, ctx->pool, user_id, (long long)step,
                                    authsvc_db_now_ms())
               == AUTHSVC_UNAVAILABLE
        || authsvc_db_user_set_mfa(db, ctx->pool, user_id, 1) != AUTHSVC_OK)
        return AUTHSVC_ACCOUNT_UNAVAILABLE;
    ctx->log(ctx, AUTHSVC_LOG_INFO,
             AUTHSVC_LOGNO(3152) "account page: authenticator enrolled for user %s", user_id);
    return AUTHSVC_ACCOUNT_OK;
}

authsvc_account_status_t authsvc_account_totp_remove(authsvc_context_t *ctx, authsvc_db_t *db,
                                                     const char *user_id, const char *username,
                                                     const char *password,
                                                     authsvc_account_out_t *out)
{
    authsvc_account_status_t st = authsvc_account_password_verify(ctx, db, user_id, username,
                                                                  password, out);
    int removed = 0;

    if (st != AUTHSVC_ACCOUNT_OK)
        return st;
    if (authsvc_db_user_totp_delete(db, ctx->pool, user_id, &removed) != AUTHSVC_OK)
        return AUTHSVC_ACCOUNT_UNAVAILABLE;
    if (!removed)
        return AUTHSVC_ACCOUNT_NONE;
    if (authsvc_db_user_set_mfa(db, ctx->pool, user_id, 0) != AUTHSVC_OK)
        return AUTHSVC_ACCOUNT_UNAVAILABLE;
    ctx->log(ctx, AUTHSVC_LOG_INFO,
             AUTHSVC_LOGNO(3153) "account page: authenticator removed for user %s", user_id);
    return AUTHSVC_ACCOUNT_OK;
}
