/* Purging expired rows (see authsvc_purge.h). */
#include <openssl/rand.h>

#include "authsvc_limits.h"
#include "authsvc_purge.h"

/* Counters are kept a day after their last use: longer than any lock (at most
 * AUTHSVC_LIMIT_SECONDS_MAX) and any address window or quiet period. */
#define PURGE_ATTEMPTS_AFTER_MS (AUTHSVC_LIMIT_SECONDS_MAX * 1000LL)

authsvc_status_t authsvc_purge_expired(authsvc_db_t *db, apr_pool_t *p, long long now_ms,
                                       authsvc_purge_counts_t *counts)
{
    authsvc_purge_counts_t ignored;
    const char *now = authsvc_db_int_arg(p, now_ms);
    const char *old = authsvc_db_int_arg(p, now_ms - PURGE_ATTEMPTS_AFTER_MS);
    const char *one[] = {now}, *two[] = {now, now}, *attempts[] = {now, old};
    const char *sources[] = {
        authsvc_db_int_arg(p, now_ms - AUTHSVC_KNOWN_SOURCE_MAX_AGE * 1000LL)};
    authsvc_status_t st;

    if (!counts)
        counts = &ignored;
    st = authsvc_db_exec(db, p, "authsvc_purge_auth_codes", &counts->auth_codes, 1, one);
    if (st == AUTHSVC_OK)
        st = authsvc_db_exec(db, p, "authsvc_purge_refresh_tokens", &counts->refresh_tokens, 2,
                             two);
    if (st == AUTHSVC_OK)
        st = authsvc_db_exec(db, p, "authsvc_purge_revoked_tokens", &counts->revoked_tokens, 1,
                             one);
    if (st == AUTHSVC_OK)
        st = authsvc_db_exec(db, p, "authsvc_purge_login_attempts", &counts->login_attempts, 2,
                             attempts);
    if (st == AUTHSVC_OK) /* known sources past their age */
        st = authsvc_db_exec(db, p, "authsvc_purge_login_sources", NULL, 1, sources);
    if (st == AUTHSVC_OK)
        st = authsvc_db_exec(db, p, "authsvc_purge_mail_tokens", &counts->mail_tokens, 1, one);
    if (st == AUTHSVC_OK) /* mail windows are at most a day, like the counters */
        st = authsvc_db_exec(db, p, "authsvc_purge_mail_limits", &counts->mail_limits, 1,
                             attempts + 1);
    if (st == AUTHSVC_OK) /* kept a day: they count the sends of the last 15 minutes */
        st = authsvc_db_exec(db, p, "authsvc_purge_otp_challenges", &counts->otp_challenges, 1,
                             attempts + 1);
    return st;
}

int authsvc_purge_due(void)
{
    unsigned char b = 0;

    return RAND_bytes(&b, 1) == 1 && b % AUTHSVC_PURGE_ONE_IN == 0;
}
