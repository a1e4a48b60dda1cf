/* Typed helpers for the brute-force counters and known sources (see
 * authsvc_db_regulation.h). */
#include <string.h>

#include "authsvc_db_regulation.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

authsvc_status_t authsvc_db_login_counter_get(authsvc_db_t *db, apr_pool_t *p,
                                              const char *scope, const char *subject,
                                              const char *source,
                                              authsvc_db_login_counter_t *counter)
{
    const char *args[] = {scope, subject, source};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_login_attempt_get", &row, 3,
                                                args);

    memset(counter, 0, sizeof(*counter));
    if (st != AUTHSVC_OK)
        return st;
    counter->failures = authsvc_db_column_int(db, row, 2, 0);
    counter->window_start = authsvc_db_column_int(db, row, 3, 0);
    counter->locked_until = authsvc_db_column_int(db, row, 4, 0);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_login_ip_reserve(authsvc_db_t *db, apr_pool_t *p, const char *ip,
                                             long long now_ms, long long window_ms, int limit,
                                             long long *window_start)
{
    const char *cutoff = ARG(now_ms - window_ms);
    const char *args[] = {ip, ARG(now_ms), cutoff, cutoff, cutoff, ARG(limit)};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_login_attempt_ip_reserve", &row,
                                                6, args);

    *window_start = 0;
    if (st == AUTHSVC_OK && row)
        *window_start = authsvc_db_column_int(db, row, 1, 0);
    return st;
}

authsvc_status_t authsvc_db_login_ip_failure(authsvc_db_t *db, apr_pool_t *p, const char *ip,
                                             long long now_ms, long long window_ms)
{
    const char *cutoff = ARG(now_ms - window_ms);
    const char *args[] = {ip, ARG(now_ms), cutoff, cutoff};

    return authsvc_db_exec(db, p, "authsvc_login_attempt_ip_failure", NULL, 4, args);
}

authsvc_status_t authsvc_db_login_ip_release(authsvc_db_t *db, apr_pool_t *p, const char *ip,
                                             long long window_start)
{
    const char *args[] = {ip, ARG(window_start)};

    return authsvc_db_exec(db, p, "authsvc_login_attempt_ip_release", NULL, 2, args);
}

authsvc_status_t authsvc_db_login_account_reserve(authsvc_db_t *db, apr_pool_t *p,
                                                  const authsvc_db_login_account_attempt_t *a,
                                                  long long *failures)
{
    const char *quiet = ARG(a->quiet_cutoff);
    const char *args[] = {a->subject, a->source, ARG(a->now_ms), ARG(a->first_lock),
                          quiet,      quiet,     ARG(a->limit),  ARG(a->provisional)};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_login_attempt_account_reserve",
                                                &row, 8, args);

    *failures = 0;
    if (st == AUTHSVC_OK && row)
        *failures = authsvc_db_column_int(db, row, 0, 0);
    return st;
}

authsvc_status_t authsvc_db_login_account_lock(authsvc_db_t *db, apr_pool_t *p,
                                               const char *subject, const char *source,
                                               long long failures, long long until_ms)
{
    const char *args[] = {ARG(until_ms), subject, source, ARG(failures)};

    return authsvc_db_exec(db, p, "authsvc_login_attempt_account_lock", NULL, 4, args);
}

authsvc_status_t authsvc_db_login_account_release(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *subject, const char *source,
                                                  long long failures)
{
    const char *args[] = {subject, source, ARG(failures)};

    return authsvc_db_exec(db, p, "authsvc_login_attempt_account_release", NULL, 3, args);
}

authsvc_status_t authsvc_db_login_account_clear_source(authsvc_db_t *db, apr_pool_t *p,
                                                       const char *subject, const char *source)
{
    const char *args[] = {subject, source};

    return authsvc_db_exec(db, p, "authsvc_login_attempt_clear", NULL, 2, args);
}

authsvc_status_t authsvc_db_login_account_clear(authsvc_db_t *db, apr_pool_t *p,
                                                const char *subject)
{
    return authsvc_db_exec(db, p, "authsvc_login_attempts_clear_account", NULL, 1, &subject);
}

authsvc_status_t authsvc_db_login_source_get(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, const char *source,
                                             long long *last_success)
{
    const char *args[] = {user_id, source};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_login_source_get", &row, 2,
                                                args);

    *last_success = st == AUTHSVC_OK ? authsvc_db_column_int(db, row, 0, 0) : 0;
    return st;
}

authsvc_status_t authsvc_db_login_source_record(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, const char *source,
                                                long long now_ms)
{
    const char *args[] = {user_id, source, ARG(now_ms)};

    return authsvc_db_exec(db, p, "authsvc_login_source_record", NULL, 3, args);
}
