/* Typed helpers for the second factor: the authenticator (a user's 'totp' credential
 * and the last step it used), the e-mailed one-time codes (otp_challenges, bound to the
 * MFA-pending auth code they were sent for), and the wrong codes counted on that
 * pending code. Catalogue statements only; they never begin, commit or roll back. Every
 * time is epoch ms. */
#ifndef AUTHSVC_DB_SECOND_FACTOR_H
#define AUTHSVC_DB_SECOND_FACTOR_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* The user's authenticator secret (base32): AUTHSVC_NOT_FOUND when it has none. */
authsvc_status_t authsvc_db_totp_secret(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                        const char **secret);

/* Stores secret as the user's authenticator under credential id: AUTHSVC_CONFLICT when
 * it has one. */
authsvc_status_t authsvc_db_totp_create(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                        const char *user_id, const char *secret,
                                        long long now_ms);

/* Uses time step `step` of the user's authenticator: AUTHSVC_OK when no later or equal
 * step was used before, AUTHSVC_NOT_FOUND when one was (a replay). */
authsvc_status_t authsvc_db_totp_use_step(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                          long long step, long long now_ms);

/* Counts a wrong one-time code on the pending auth code code_hash. */
authsvc_status_t authsvc_db_otp_pending_failure(authsvc_db_t *db, apr_pool_t *p,
                                                const char *code_hash);

/* An e-mailed code. */
typedef struct {
    const char *id;
    const char *code_hash; /* the pending auth code's hash */
    const char *user_id;   /* written only */
    const char *otp_hash;  /* the code's hash, bound to code_hash */
    long long expires_ms;  /* written only */
    long long created_ms;  /* written only */
} authsvc_db_otp_t;

/* Ends the unused codes of the pending code code_hash at now_ms. */
authsvc_status_t authsvc_db_otp_retire(authsvc_db_t *db, apr_pool_t *p, const char *code_hash,
                                       long long now_ms);

/* Stores otp, with no attempt counted. */
authsvc_status_t authsvc_db_otp_insert(authsvc_db_t *db, apr_pool_t *p,
                                       const authsvc_db_otp_t *otp);

/* The newest unused code of code_hash (its id and otp_hash): AUTHSVC_NOT_FOUND when
 * none. */
authsvc_status_t authsvc_db_otp_latest(authsvc_db_t *db, apr_pool_t *p, const char *code_hash,
                                       authsvc_db_otp_t *otp);

/* Counts an attempt on code id while fewer than max were counted and it is unused and
 * unexpired at now_ms: AUTHSVC_OK, or AUTHSVC_NOT_FOUND when none could be. */
authsvc_status_t authsvc_db_otp_attempt(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                        int max, long long now_ms);

/* Uses code id up: AUTHSVC_OK for the one caller that wins, AUTHSVC_NOT_FOUND for every
 * other. */
authsvc_status_t authsvc_db_otp_use(authsvc_db_t *db, apr_pool_t *p, const char *id,
                                    long long now_ms);

#endif
