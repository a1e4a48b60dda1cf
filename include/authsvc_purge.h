/* Purging rows that can no longer matter: expired auth codes, refresh tokens past their
 * own or their family's expiry, revocations of tokens that have expired anyway, and
 * brute-force counters that are neither locking nor counting, expired reset and invite
 * tokens and old mail counters. Runs on a fraction of
 * successful logins (so no cron is needed) and from `authsvc-admin purge`. */
#ifndef AUTHSVC_PURGE_H
#define AUTHSVC_PURGE_H

#include "authsvc_db.h"

/* One login in this many purges. */
#define AUTHSVC_PURGE_ONE_IN 64

typedef struct {
    int auth_codes;
    int refresh_tokens;
    int revoked_tokens;
    int login_attempts;
    int mail_tokens;    /* expired reset and invite tokens */
    int mail_limits;    /* mail counters of past windows */
    int otp_challenges; /* e-mailed codes, a day after they were sent */
} authsvc_purge_counts_t;

/* Deletes what expired before now_ms, a table at a time. counts may be NULL. */
authsvc_status_t authsvc_purge_expired(authsvc_db_t *db, apr_pool_t *p, long long now_ms,
                                       authsvc_purge_counts_t *counts);

/* 1 about once in AUTHSVC_PURGE_ONE_IN calls. */
int authsvc_purge_due(void);

#endif
