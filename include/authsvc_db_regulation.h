/* Typed helpers for the brute-force counters (login_attempts) and the known sources of
 * users (login_sources); authsvc_regulation.h says what they count. Catalogue
 * statements only; they never begin, commit or roll back. Every time is epoch ms. */
#ifndef AUTHSVC_DB_REGULATION_H
#define AUTHSVC_DB_REGULATION_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A counter of login_attempts. */
typedef struct {
    long long failures;
    long long window_start;
    long long locked_until;
} authsvc_db_login_counter_t;

/* The counter (scope, subject, source): AUTHSVC_NOT_FOUND when there is none. */
authsvc_status_t authsvc_db_login_counter_get(authsvc_db_t *db, apr_pool_t *p,
                                              const char *scope, const char *subject,
                                              const char *source,
                                              authsvc_db_login_counter_t *counter);

/* Counts an attempt against address ip in a fixed window of window_ms from its first
 * attempt, only while fewer than limit are counted: AUTHSVC_OK (*window_start: the
 * window it was counted in), AUTHSVC_NOT_FOUND when the limit refused it. */
authsvc_status_t authsvc_db_login_ip_reserve(authsvc_db_t *db, apr_pool_t *p, const char *ip,
                                             long long now_ms, long long window_ms, int limit,
                                             long long *window_start);

/* Counts a failure against address ip (same window), whatever the limit. */
authsvc_status_t authsvc_db_login_ip_failure(authsvc_db_t *db, apr_pool_t *p, const char *ip,
                                             long long now_ms, long long window_ms);

/* Gives back an attempt counted in the window that began at window_start. */
authsvc_status_t authsvc_db_login_ip_release(authsvc_db_t *db, apr_pool_t *p, const char *ip,
                                             long long window_start);

/* An attempt against an account's counter (subject: the username key; source: "" or a
 * known source). */
typedef struct {
    const char *subject;
    const char *source;
    long long now_ms;
    long long first_lock;   /* locked_until of a new counter (0: none) */
    long long quiet_cutoff; /* an earlier latest attempt starts the count again */
    int limit;              /* the count that locks */
    long long provisional;  /* the lock the attempt reaching the limit takes */
} authsvc_db_login_account_attempt_t;

/* Counts a->subject's attempt unless the counter is locked: AUTHSVC_OK (*failures: the
 * count it made), AUTHSVC_NOT_FOUND when the lock refused it. */
authsvc_status_t authsvc_db_login_account_reserve(authsvc_db_t *db, apr_pool_t *p,
                                                  const authsvc_db_login_account_attempt_t *a,
                                                  long long *failures);

/* Locks the counter until until_ms, unless an attempt was counted after the one whose
 * count was failures. */
authsvc_status_t authsvc_db_login_account_lock(authsvc_db_t *db, apr_pool_t *p,
                                               const char *subject, const char *source,
                                               long long failures, long long until_ms);

/* Gives back the attempt whose count was failures (and its lock), unless another was
 * counted since. */
authsvc_status_t authsvc_db_login_account_release(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *subject, const char *source,
                                                  long long failures);

/* Deletes the counter (subject, source): its count starts again. */
authsvc_status_t authsvc_db_login_account_clear_source(authsvc_db_t *db, apr_pool_t *p,
                                                       const char *subject, const char *source);

/* Deletes every counter of subject, its known sources' too. */
authsvc_status_t authsvc_db_login_account_clear(authsvc_db_t *db, apr_pool_t *p,
                                                const char *subject);

/* The last success of user_id from source ("ip:ADDR"): AUTHSVC_NOT_FOUND when none. */
authsvc_status_t authsvc_db_login_source_get(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, const char *source,
                                             long long *last_success);

/* Records a success of user_id from source at now_ms. */
authsvc_status_t authsvc_db_login_source_record(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, const char *source,
                                                long long now_ms);

#endif
