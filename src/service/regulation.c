/* Brute-force regulation: database counters per username and per client IP, each
 * attempt reserved by one statement before its password is checked. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_regulation.h"
#include "authsvc_metrics.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_regulation.h"

long authsvc_regulation_lock_seconds(const authsvc_limit_t *limit, long long failures)
{
    long long over, wait;

    if (limit->failures <= 0 || failures < limit->failures)
        return 0;
    over = failures - limit->failures;
    wait = limit->wait;
    while (over-- > 0 && wait < limit->max_wait)
        wait *= 2;
    return (long)(wait < limit->max_wait ? wait : limit->max_wait);
}

static long regulation_seconds_until(long long when_ms, long long now_ms)
{
    return (long)((when_ms - now_ms + 999) / 1000);
}

/* A counter write's failure is logged, the login goes on without it. The log lines name
 * the catalogue statement that failed (label: only a name here, the call is in
 * db_regulation.c), as they did before the typed helpers. */
static void regulation_written(authsvc_context_t *ctx, authsvc_db_t *db, const char *label,
                               authsvc_status_t st)
{
    if (st != AUTHSVC_OK)
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(2002) "login counter not updated "
                                     "(%s): %s",
                 label, db->error ? db->error : "database error");
}

/* 1 reserved, 0 refused by the limit, -1 the database did not answer (st of the
 * reservation named label): the attempt is then refused too (503), since a password
 * checked without being counted would let a guesser past every limit for as long as
 * writes fail. */
static int regulation_reserved(authsvc_context_t *ctx, authsvc_db_t *db, const char *label,
                               authsvc_status_t st)
{
    if (st == AUTHSVC_NOT_FOUND)
        return 0;
    if (st != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(2003) "login attempt not counted "
                                     "(%s): %s; refused with 503",
                 label, db->error ? db->error : "database error");
        return -1;
    }
    return 1;
}

void authsvc_regulation_attempt_init(authsvc_regulation_attempt_t *attempt,
                                     const char *username, const char *device_user_id,
                                     const char *device_id)
{
    memset(attempt, 0, sizeof(*attempt));
    attempt->username = username;
    attempt->device_user_id = device_user_id;
    attempt->device_id = device_id;
    attempt->source = "";
}

/* Seconds until the address's window ends, read after the reservation was refused. */
static long regulation_address_retry(authsvc_context_t *ctx, authsvc_db_t *db, int window)
{
    authsvc_db_login_counter_t counter;
    long long now = authsvc_db_now_ms(), end;

    if (authsvc_db_login_counter_get(db, ctx->pool, "ip", ctx->client_ip, "", &counter)
        != AUTHSVC_OK)
        return window;
    end = counter.window_start + window * 1000LL;
    return end > now ? regulation_seconds_until(end, now) : 1;
}

authsvc_regulation_t authsvc_regulation_reserve_address(authsvc_context_t *ctx,
                                                        authsvc_db_t *db,
                                                        authsvc_regulation_attempt_t *attempt,
                                                        long *retry_after)
{
    authsvc_limit_t ip = authsvc_config_ip_limit(ctx->config);
    authsvc_status_t st;

    *retry_after = 0;
    if (ip.failures <= 0 || !ctx->client_ip)
        return AUTHSVC_REGULATION_ALLOW;
    st = authsvc_db_login_ip_reserve(db, ctx->pool, ctx->client_ip, authsvc_db_now_ms(),
                                     ip.wait * 1000LL, ip.failures, &attempt->address_window);
    switch (regulation_reserved(ctx, db, "authsvc_login_attempt_ip_reserve", st)) {
    case 0:
        *retry_after = regulation_address_retry(ctx, db, ip.wait);
        return AUTHSVC_REGULATION_IP_LIMITED;
    case -1: return AUTHSVC_REGULATION_UNAVAILABLE;
    default: return AUTHSVC_REGULATION_ALLOW;
    }
}

/* The counter of user_id's attempt (attempt->source): its device when the request
 * carries that user's device cookie, else its address when that is a known source of the
 * user, else "" (the account's). Notes the address's last success for the success. */
static void regulation_source(authsvc_context_t *ctx, authsvc_db_t *db,
                              authsvc_regulation_attempt_t *attempt, const char *user_id,
                              long long now)
{
    const char *address = apr_pstrcat(ctx->pool, "ip:", ctx->client_ip, NULL);

    if (!user_id || !ctx->client_ip)
        return;
    attempt->user_id = user_id;
    authsvc_db_login_source_get(db, ctx->pool, user_id, address, &attempt->address_seen);
    if (attempt->device_user_id && attempt->device_id
        && strcmp(attempt->device_user_id, user_id) == 0)
        attempt->source = apr_pstrcat(ctx->pool, "device:", attempt->device_id, NULL);
    else if (attempt->address_seen > now - AUTHSVC_KNOWN_SOURCE_MAX_AGE * 1000LL)
        attempt->source = address;
}

authsvc_regulation_t authsvc_regulation_reserve_account(authsvc_context_t *ctx,
                                                        authsvc_db_t *db,
                                                        authsvc_regulation_attempt_t *attempt,
                                                        const char *account_key,
                                                        const char *user_id)
{
    authsvc_limit_t lockout = authsvc_config_account_lockout(ctx->config);
    long long now = authsvc_db_now_ms(), failures = 0;
    /* until the attempt is settled, the longest wait (settling sets the right one) */
    long long provisional = now + lockout.max_wait * 1000LL;
    authsvc_db_login_account_attempt_t a = {account_key,
                                            NULL,
                                            now,
                                            lockout.failures <= 1 ? provisional : 0,
                                            now - AUTHSVC_LOCKOUT_QUIET_PERIOD * 1000LL,
                                            lockout.failures,
                                            provisional};
    authsvc_status_t st;

    regulation_source(ctx, db, attempt, user_id, now);
    if (lockout.failures <= 0 || !account_key)
        return AUTHSVC_REGULATION_ALLOW;
    a.source = attempt->source;
    st = authsvc_db_login_account_reserve(db, ctx->pool, &a, &failures);
    switch (regulation_reserved(ctx, db, "authsvc_login_attempt_account_reserve", st)) {
    case 0: return AUTHSVC_REGULATION_ACCOUNT_LOCKED;
    case -1: return AUTHSVC_REGULATION_UNAVAILABLE;
    default:
        attempt->account_key = account_key;
        attempt->account_failures = failures;
        return AUTHSVC_REGULATION_ALLOW;
    }
}

static void regulation_address_release(authsvc_context_t *ctx, authsvc_db_t *db,
                                       const authsvc_regulation_attempt_t *attempt)
{
    if (attempt->address_window)
        regulation_written(ctx, db, "authsvc_login_attempt_ip_release",
                           authsvc_db_login_ip_release(db, ctx->pool, ctx->client_ip,
                                                       attempt->address_window));
}

/* The client address becomes a known source of the user (its time written again at
 * most once per AUTHSVC_KNOWN_SOURCE_REFRESH). */
static void regulation_address_known(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const authsvc_regulation_attempt_t *attempt)
{
    long long now = authsvc_db_now_ms();

    if (attempt->user_id && ctx->client_ip
        && attempt->address_seen <= now - AUTHSVC_KNOWN_SOURCE_REFRESH * 1000LL)
        regulation_written(ctx, db, "authsvc_login_source_record",
                           authsvc_db_login_source_record(
                               db, ctx->pool, attempt->user_id,
                               apr_pstrcat(ctx->pool, "ip:", ctx->client_ip, NULL), now));
}

void authsvc_regulation_succeeded(authsvc_context_t *ctx, authsvc_db_t *db,
                                  const authsvc_regulation_attempt_t *attempt)
{
    authsvc_metrics_count(ctx->config->metrics, AUTHSVC_METRIC_LOGIN_SUCCESS);
    regulation_address_release(ctx, db, attempt);
    if (attempt->account_key)
        regulation_written(ctx, db, "authsvc_login_attempt_clear",
                           authsvc_db_login_account_clear_source(db, ctx->pool,
                                                                 attempt->account_key,
                                                                 attempt->source));
    regulation_address_known(ctx, db, attempt);
}

void authsvc_regulation_released(authsvc_context_t *ctx, authsvc_db_t *db,
                                 const authsvc_regulation_attempt_t *attempt)
{
    regulation_address_release(ctx, db, attempt);
    if (attempt->account_key)
        regulation_written(ctx, db, "authsvc_login_attempt_account_release",
                           authsvc_db_login_account_release(db, ctx->pool, attempt->account_key,
                                                            attempt->source,
                                                            attempt->account_failures));
}

/* A failed attempt that reached the limit: the lock its count calls for replaces the
 * provisional one of its reservation. */
static void regulation_account_lock(authsvc_context_t *ctx, authsvc_db_t *db,
                                    const authsvc_regulation_attempt_t *attempt)
{
    authsvc_limit_t lockout = authsvc_config_account_lockout(ctx->config);
    long seconds = authsvc_regulation_lock_seconds(&lockout, attempt->account_failures);

    if (attempt->account_key && seconds > 0)
        regulation_written(ctx, db, "authsvc_login_attempt_account_lock",
                           authsvc_db_login_account_lock(db, ctx->pool, attempt->account_key,
                                                         attempt->source,
                                                         attempt->account_failures,
                                                         authsvc_db_now_ms()
                                                             + seconds * 1000LL));
}

void authsvc_regulation_address_failed(authsvc_context_t *ctx, authsvc_db_t *db)
{
    authsvc_limit_t ip = authsvc_config_ip_limit(ctx->config);

    if (ip.failures > 0 && ctx->client_ip)
        regulation_written(ctx, db, "authsvc_login_attempt_ip_failure",
                           authsvc_db_login_ip_failure(db, ctx->pool, ctx->client_ip,
                                                       authsvc_db_now_ms(), ip.wait * 1000LL));
}

void authsvc_regulation_account_clear(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const char *account_key)
{
    if (account_key)
        regulation_written(ctx, db, "authsvc_login_attempts_clear_account",
                           authsvc_db_login_account_clear(db, ctx->pool, account_key));
}

static const char *const regulation_reasons[] = {"bad-password", "unknown-user", "locked",
                                                 "ip-limited", "bad-client"};

const char *authsvc_regulation_log_escape(apr_pool_t *p, const char *s, apr_size_t max)
{
    static const char hex[] = "0123456789ABCDEF";
    apr_size_t len, i;
    char *out, *o;

    if (!s)
        return "-";
    len = strlen(s);
    if (len > max)
        len = max;
    o = out = apr_palloc(p, len * 3 + sizeof("..."));
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c > 0x20 && c < 0x7f && c != '"' && c != '%' && c != '\\')
            *o++ = (char)c;
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 0xf];
        }
    }
    if (s[len] != '\0') {
        memcpy(o, "...", 3);
        o += 3;
    }
    *o = '\0';
    return out;
}

void authsvc_regulation_refused(authsvc_context_t *ctx, authsvc_db_t *db,
                                const authsvc_regulation_attempt_t *attempt,
                                authsvc_regulation_reason_t reason)
{
    static const authsvc_metric_t metric[] = {
        [AUTHSVC_REFUSED_BAD_PASSWORD] = AUTHSVC_METRIC_LOGIN_BAD_PASSWORD,
        [AUTHSVC_REFUSED_UNKNOWN_USER] = AUTHSVC_METRIC_LOGIN_UNKNOWN_USER,
        [AUTHSVC_REFUSED_LOCKED] = AUTHSVC_METRIC_LOGIN_LOCKED,
        [AUTHSVC_REFUSED_IP_LIMITED] = AUTHSVC_METRIC_LOGIN_IP_LIMITED,
        [AUTHSVC_REFUSED_BAD_CLIENT] = AUTHSVC_METRIC_LOGIN_OTHER_FAILURE};

    authsvc_metrics_count(ctx->config->metrics, metric[reason]);
    ctx->log(ctx, AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(2001) "login refused: reason=%s "
                                 "client=%s source=%s user=\"%s\"",
             regulation_reasons[reason], ctx->client_ip ? ctx->client_ip : "-",
             !*attempt->source         ? "unknown"
             : *attempt->source == 'i' ? "address"
                                       : "device",
             authsvc_regulation_log_escape(ctx->pool, attempt->username,
                                           AUTHSVC_LOG_USERNAME_MAX));
    regulation_account_lock(ctx, db, attempt);
}
