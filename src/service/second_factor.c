/* The second factor as a service (see authsvc_second_factor.h). */
#include <string.h>

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "authsvc_config_mail.h"
#include "authsvc_db_second_factor.h"
#include "authsvc_db_users.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_mail_message.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password.h"
#include "authsvc_qr_png.h"
#include "authsvc_second_factor.h"
#include "authsvc_tokens.h"
#include "authsvc_totp.h"

#define OTP_FAILURES_MAX 5 /* wrong codes an MFA-pending code survives */

authsvc_status_t authsvc_second_factor_has_totp(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const char *user_id)
{
    const char *secret = NULL;

    return authsvc_db_totp_secret(db, ctx->pool, user_id, &secret);
}

/* Stores a fresh secret for the user; AUTHSVC_CONFLICT when one exists (also when a
 * parallel enrolment won). */
static authsvc_status_t otp_totp_create(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *user_id, const char **secret)
{
    const char *id = authsvc_uuid_v4(ctx->pool);

    *secret = authsvc_totp_secret_new(ctx->pool);
    if (!id || !*secret)
        return AUTHSVC_CRYPTO_ERROR;
    return authsvc_db_totp_create(db, ctx->pool, id, user_id, *secret, authsvc_db_now_ms());
}

authsvc_status_t authsvc_second_factor_enrol(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const char *user_id, const char *username,
                                             const char **qr_code)
{
    const char *secret = NULL;
    authsvc_status_t st = otp_totp_create(ctx, db, user_id, &secret);

    if (st != AUTHSVC_OK)
        return st;
    return authsvc_qr_png_data_url(ctx->pool,
                                   authsvc_totp_key_uri(ctx->pool,
                                                        authsvc_config_totp_issuer(ctx->config,
                                                                                   ctx->pool),
                                                        username, secret),
                                   qr_code)
                   == AUTHSVC_OK
               ? AUTHSVC_OK
               : AUTHSVC_UNAVAILABLE;
}

int authsvc_second_factor_wrong(authsvc_context_t *ctx, authsvc_db_t *db, const char *code_hash,
                                int otp_failures)
{
    authsvc_db_otp_pending_failure(db, ctx->pool, code_hash);
    return otp_failures + 1 >= OTP_FAILURES_MAX;
}

/* Checks otp against the user's authenticator and uses its step: AUTHSVC_OK, AUTHSVC_INVALID
 * (wrong, or the step was used already), AUTHSVC_NOT_FOUND (no authenticator). */
static authsvc_status_t otp_totp_verify(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *user_id, const char *otp)
{
    const char *secret = NULL;
    unsigned char *key;
    apr_size_t key_len = 0;
    uint64_t step = 0;
    authsvc_status_t st = authsvc_db_totp_secret(db, ctx->pool, user_id, &secret);

    if (st != AUTHSVC_OK)
        return st;
    key = authsvc_base32_decode(ctx->pool, secret, &key_len);
    if (!key
        || authsvc_totp_check(key, key_len, otp, apr_time_sec(apr_time_now()), &step)
               != AUTHSVC_OK)
        return AUTHSVC_INVALID;
    st = authsvc_db_totp_use_step(db, ctx->pool, user_id, (long long)step, authsvc_db_now_ms());
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_UNAVAILABLE;
    if (st == AUTHSVC_NOT_FOUND) {
        ctx->log(ctx, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0702) "TOTP code replayed for user %s",
                 user_id);
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}

/* ---- e-mailed codes ---- */

/* Six decimal digits, uniform (rejection sampling over 32-bit draws); NULL on failure. */
static const char *otp_six_digits(apr_pool_t *p)
{
    const uint32_t limit = 4294000000u; /* a multiple of 10^6 below 2^32 */
    uint32_t v;

    do {
        if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
            return NULL;
    } while (v >= limit);
    return apr_psprintf(p, "%06u", (unsigned)(v % 1000000u));
}

/* The stored form of a mailed code: bound to the pending code it was sent for. */
static const char *otp_mail_hash(apr_pool_t *p, const char *code_hash, const char *otp)
{
    return authsvc_token_hash(p, apr_pstrcat(p, code_hash, ":", otp ? otp : "", NULL));
}

/* 1 when this send is over AUTHSVC_OTP_SENDS_MAX in the window (counted at once: two
 * sends in two processes never both see room for one), or cannot be counted. */
static int otp_sends_over(authsvc_context_t *ctx, authsvc_db_t *db, const char *user_id)
{
    long long count = 0, start = 0;

    if (authsvc_mail_limit_hit(ctx, db, "otp-user", user_id, AUTHSVC_OTP_SENDS_WINDOW, &count,
                               &start)
        != AUTHSVC_OK)
        return 1;
    return count > AUTHSVC_OTP_SENDS_MAX;
}

void authsvc_second_factor_mail_code(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const char *code_hash, const char *user_id)
{
    const char *otp = otp_six_digits(ctx->pool);
    int ttl = authsvc_config_otp_ttl(ctx->config);
    long long now = authsvc_db_now_ms();
    authsvc_db_otp_t row = {NULL, code_hash, user_id, NULL, now + ttl * 1000LL, now};
    authsvc_db_user_t user;

    if (!db || !otp || authsvc_db_user_by_id(db, ctx->pool, user_id, &user) != AUTHSVC_OK)
        return;
    if (!authsvc_mail_address_valid(user.email))
        return;
    if (otp_sends_over(ctx, db, user_id)) {
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(0703) "one-time codes for user %s "
                                     "over the limit: none sent",
                 user_id);
        return;
    }
    authsvc_db_otp_retire(db, ctx->pool, code_hash, now);
    row.id = authsvc_uuid_v4(ctx->pool);
    row.otp_hash = otp_mail_hash(ctx->pool, code_hash, otp);
    if (!row.id || authsvc_db_otp_insert(db, ctx->pool, &row) != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR, AUTHSVC_LOGNO(0704) "one-time code not stored: %s",
                 db->error ? db->error : "database error");
        return;
    }
    authsvc_mail_deliver_otp(ctx, user.email, user.first_name, otp, ttl);
}

/* The live mailed code of a pending code (a newer one ends the older): AUTHSVC_OK
 * (checked: *matched set), AUTHSVC_NOT_FOUND (none), AUTHSVC_INVALID (exhausted or
 * expired). An attempt is counted before the comparison, atomically. */
static authsvc_status_t otp_mail_verify(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *code_hash, const char *otp, int *matched)
{
    authsvc_db_otp_t sent;
    const char *got;
    authsvc_status_t st = authsvc_db_otp_latest(db, ctx->pool, code_hash, &sent);

    *matched = 0;
    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_db_otp_attempt(db, ctx->pool, sent.id, AUTHSVC_OTP_ATTEMPTS_MAX,
                                authsvc_db_now_ms());
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? AUTHSVC_INVALID : AUTHSVC_UNAVAILABLE;
    got = otp_mail_hash(ctx->pool, code_hash, otp);
    if (strlen(sent.otp_hash) != strlen(got)
        || CRYPTO_memcmp(sent.otp_hash, got, strlen(got)) != 0)
        return AUTHSVC_OK;
    st = authsvc_db_otp_use(db, ctx->pool, sent.id, authsvc_db_now_ms());
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_UNAVAILABLE;
    *matched = st == AUTHSVC_OK;
    return st == AUTHSVC_OK ? AUTHSVC_OK : AUTHSVC_INVALID;
}

authsvc_second_factor_t authsvc_second_factor_verify(authsvc_context_t *ctx, authsvc_db_t *db,
                                                     const char *code_hash, const char *user_id,
                                                     const char *otp)
{
    int matched = 0;
    authsvc_status_t st = otp_mail_verify(ctx, db, code_hash, otp, &matched);

    if (st == AUTHSVC_INVALID)
        return AUTHSVC_SECOND_FACTOR_EXPIRED;
    if (st == AUTHSVC_OK)
        return matched ? AUTHSVC_SECOND_FACTOR_PASSED : AUTHSVC_SECOND_FACTOR_WRONG_MAIL;
    if (st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_SECOND_FACTOR_UNAVAILABLE;
    st = otp_totp_verify(ctx, db, user_id, otp);
    if (st == AUTHSVC_NOT_FOUND)
        return AUTHSVC_SECOND_FACTOR_EXPIRED;
    if (st == AUTHSVC_INVALID)
        return AUTHSVC_SECOND_FACTOR_WRONG_TOTP;
    return st == AUTHSVC_OK ? AUTHSVC_SECOND_FACTOR_PASSED : AUTHSVC_SECOND_FACTOR_UNAVAILABLE;
}
