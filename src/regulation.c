/* Brute-force regulation: database counters per username and per client IP. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_regulation.h"

#define ARG(v) authsvc_db_int_arg(req->pool, (v))

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

/* The counter row of (scope, subject): its failures and the two times, or 0 when none. */
static int regulation_row(authsvc_request_t *req, authsvc_db_t *db, const char *scope,
                          const char *subject, long long *failures, long long *window_start,
                          long long *locked_until)
{
    const char *args[] = {scope, subject};
    apr_dbd_row_t *row = NULL;

    if (!subject || authsvc_db_select_one(db, req->pool, "authsvc_login_attempt_get", &row, 2,
                                          args) != AUTHSVC_OK)
        return 0;
    *failures = authsvc_db_column_int(db, row, 2, 0);
    *window_start = authsvc_db_column_int(db, row, 3, 0);
    *locked_until = authsvc_db_column_int(db, row, 4, 0);
    return 1;
}

static long regulation_seconds_until(long long when_ms, long long now_ms)
{
    return (long)((when_ms - now_ms + 999) / 1000);
}

authsvc_regulation_t authsvc_regulation_check(authsvc_request_t *req, authsvc_db_t *db,
                                              const char *account_key, long *retry_after)
{
    authsvc_limit_t ip = authsvc_config_ip_limit(req->server_config);
    long long now = authsvc_db_now_ms(), failures, start, locked;

    *retry_after = 0;
    if (ip.failures > 0
        && regulation_row(req, db, "ip", req->client_ip, &failures, &start, &locked)
        && failures >= ip.failures && start + ip.wait * 1000LL > now) {
        *retry_after = regulation_seconds_until(start + ip.wait * 1000LL, now);
        return AUTHSVC_REGULATION_IP_LIMITED;
    }
    if (authsvc_config_account_lockout(req->server_config).failures > 0
        && regulation_row(req, db, "account", account_key, &failures, &start, &locked)
        && locked > now) {
        *retry_after = regulation_seconds_until(locked, now);
        return AUTHSVC_REGULATION_ACCOUNT_LOCKED;
    }
    return AUTHSVC_REGULATION_ALLOW;
}

static void regulation_exec(authsvc_request_t *req, authsvc_db_t *db, const char *label,
                            int nargs, const char **args)
{
    if (authsvc_db_exec(db, req->pool, label, NULL, nargs, args) != AUTHSVC_OK)
        req->log(req, AUTHSVC_LOG_WARNING, "login attempt not counted (%s): %s", label,
                 db->error ? db->error : "database error");
}

/* Counts a failure against the username and locks it once over the limit. */
static void regulation_account_failed(authsvc_request_t *req, authsvc_db_t *db,
                                      const char *account_key, long long now)
{
    authsvc_limit_t lockout = authsvc_config_account_lockout(req->server_config);
    const char *args[] = {account_key, ARG(now), ARG(now - AUTHSVC_LOCKOUT_QUIET_PERIOD * 1000LL)};
    long long failures = 0, start, locked;
    long seconds;

    if (lockout.failures <= 0)
        return;
    regulation_exec(req, db, "authsvc_login_attempt_account_failure", 3, args);
    if (!regulation_row(req, db, "account", account_key, &failures, &start, &locked))
        return;
    seconds = authsvc_regulation_lock_seconds(&lockout, failures);
    if (seconds > 0) {
        const char *lock[] = {ARG(now + seconds * 1000LL), "account", account_key};

        regulation_exec(req, db, "authsvc_login_attempt_lock", 3, lock);
    }
}

void authsvc_regulation_failed(authsvc_request_t *req, authsvc_db_t *db, const char *account_key)
{
    authsvc_limit_t ip = authsvc_config_ip_limit(req->server_config);
    long long now = authsvc_db_now_ms();

    if (ip.failures > 0 && req->client_ip) {
        const char *cutoff = ARG(now - ip.wait * 1000LL);
        const char *args[] = {req->client_ip, ARG(now), cutoff, cutoff};

        regulation_exec(req, db, "authsvc_login_attempt_ip_failure", 4, args);
    }
    if (account_key)
        regulation_account_failed(req, db, account_key, now);
}

void authsvc_regulation_succeeded(authsvc_request_t *req, authsvc_db_t *db,
                                  const char *account_key)
{
    const char *args[] = {"account", account_key};

    if (account_key)
        regulation_exec(req, db, "authsvc_login_attempt_clear", 2, args);
}

static const char *const regulation_reasons[] = {
    "bad-password", "unknown-user", "locked", "ip-limited", "bad-client"
};

const char *authsvc_regulation_log_escape(apr_pool_t *p, const char *s, apr_size_t max)
{
    static const char hex[] = "0123456789abcdef";
    apr_size_t len, i;
    char *out, *o;

    if (!s)
        return "-";
    len = strlen(s);
    if (len > max)
        len = max;
    o = out = apr_palloc(p, len * 4 + sizeof("..."));
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c >= 0x20 && c < 0x7f)
            *o++ = (char)c;
        else if (c == '\n' || c == '\r' || c == '\t') {
            *o++ = '\\';
            *o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        }
        else {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 0xf];
        }
    }
    if (s[len] != '\0')
    {
        memcpy(o, "...", 3);
        o += 3;
    }
    *o = '\0';
    return out;
}

void authsvc_regulation_log_refused(authsvc_request_t *req, const char *username,
                                    authsvc_regulation_reason_t reason)
{
    req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(2001) "login refused: reason=%s "
             "client=%s user=\"%s\"", regulation_reasons[reason],
             req->client_ip ? req->client_ip : "-",
             authsvc_regulation_log_escape(req->pool, username, AUTHSVC_LOG_USERNAME_MAX));
}
