/* Brute-force regulation of password logins (docs/design.md section 5, Keycloak's model): counters
 * per username (as typed, whether or not the account exists, so answers reveal nothing)
 * and per client IP, in the database so every process and node shares them. A login
 * reserves its place in them before its password is checked and settles it after. */
#ifndef AUTHSVC_REGULATION_H
#define AUTHSVC_REGULATION_H

#include "authsvc_config.h"
#include "authsvc_context.h"

typedef enum {
    AUTHSVC_REGULATION_ALLOW,
    AUTHSVC_REGULATION_ACCOUNT_LOCKED, /* refuse without checking the password */
    AUTHSVC_REGULATION_IP_LIMITED,     /* 429 with Retry-After */
    AUTHSVC_REGULATION_UNAVAILABLE     /* the attempt could not be counted: 503, no check */
} authsvc_regulation_t;

/* Seconds a username stays locked after its failures-th consecutive failure: 0 under the
 * limit, then wait doubling with each further failure, at most max_wait. Pure. */
long authsvc_regulation_lock_seconds(const authsvc_limit_t *limit, long long failures);

/* The places one login attempt holds in the counters. An attempt is counted (reserved)
 * before its password is checked, by one statement that also refuses it when the limit
 * is reached, so attempts running at once in any process or node cannot pass a limit
 * together: a limit of N checks at most N passwords. The attempt is settled afterwards:
 * a success gives its places back, a failure leaves them counted.
 *
 * Known sources (README, "Passwords and brute force"): a login of an existing user from
 * an address that logged in successfully as that user within AUTHSVC_KNOWN_SOURCE_MAX_AGE,
 * or from a browser whose device cookie was issued to that user, is counted per
 * (account, source), with the same limits, instead of against the account-wide counter:
 * failures from elsewhere cannot lock the owner out of the places they use. */
typedef struct {
    const char *username;       /* as typed, for the log line */
    const char *account_key;    /* the account counter reserved, or NULL */
    const char *source;         /* its source: "" account-wide, "ip:ADDR", "device:ID" */
    long long account_failures; /* the count its reservation made */
    long long address_window;   /* start of the address window it is counted in, or 0 */
    const char *user_id;        /* the user whose known address a success records */
    long long address_seen;     /* that user's last success from this address, or 0 */
    const char *device_user_id; /* the browser's verified device cookie: its user and */
    const char *device_id;      /*  device id (authsvc_device_cookie.h), or NULL */
} authsvc_regulation_attempt_t;

/* A new attempt of username; device_user_id and device_id: the login page's verified
 * device cookie (NULL on API requests and without one). */
void authsvc_regulation_attempt_init(authsvc_regulation_attempt_t *attempt,
                                     const char *username, const char *device_user_id,
                                     const char *device_id);

/* Counts the attempt against the client address: IP_LIMITED (*retry_after: whole
 * seconds) when the address has reached its limit, and the attempt is not counted. A
 * database failure allows: the login needs the database anyway. */
authsvc_regulation_t authsvc_regulation_reserve_address(authsvc_context_t *ctx,
                                                        authsvc_db_t *db,
                                                        authsvc_regulation_attempt_t *attempt,
                                                        long *retry_after);

/* Counts the attempt against account_key (the lowercased username as typed), or, when
 * user_id (the user of that name, NULL for none) logs in from a known source, against
 * that source's counter: ACCOUNT_LOCKED when the lock holds, and the attempt is not
 * counted (attempts while locked do not extend the lock). The attempt that reaches the
 * limit locks at once, for the longest wait, until it is settled. */
authsvc_regulation_t authsvc_regulation_reserve_account(authsvc_context_t *ctx,
                                                        authsvc_db_t *db,
                                                        authsvc_regulation_attempt_t *attempt,
                                                        const char *account_key,
                                                        const char *user_id);

/* The password matched: the address's place is given back, the count of the counter
 * the attempt used starts again (a known source's success leaves the account-wide count
 * as it is), and the address becomes (or stays) a known source of the user. */
void authsvc_regulation_succeeded(authsvc_context_t *ctx, authsvc_db_t *db,
                                  const authsvc_regulation_attempt_t *attempt);

/* No password could be checked (503): the places are given back as far as no later
 * attempt was counted on top of them. */
void authsvc_regulation_released(authsvc_context_t *ctx, authsvc_db_t *db,
                                 const authsvc_regulation_attempt_t *attempt);

/* Counts a failure against the client address alone (a wrong client secret in the
 * flows that have no password). */
void authsvc_regulation_address_failed(authsvc_context_t *ctx, authsvc_db_t *db);

/* Every count and lock of account_key ends (a password reset). */
void authsvc_regulation_account_clear(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const char *account_key);

/* Why a password login was refused, as its log line names it (reason=...). */
typedef enum {
    AUTHSVC_REFUSED_BAD_PASSWORD, /* bad-password: a stored password was checked */
    AUTHSVC_REFUSED_UNKNOWN_USER, /* unknown-user: no such user, an equal hash spent */
    AUTHSVC_REFUSED_LOCKED,       /* locked: the lock held, no password checked */
    AUTHSVC_REFUSED_IP_LIMITED,   /* ip-limited: 429 */
    AUTHSVC_REFUSED_BAD_CLIENT    /* bad-client: unknown client or wrong client secret */
} authsvc_regulation_reason_t;

/* The login failed: its places stay counted, its counter locks when the count reached
 * the limit, and one warning line is logged for operators and fail2ban:
 *   authsvc2001: login refused: reason=bad-password client=ADDR source=S user="NAME"
 * S: unknown, address (a known address) or device (a device cookie).
 * NAME escaped by authsvc_regulation_log_escape, so it stays one line whatever it holds. */
void authsvc_regulation_refused(authsvc_context_t *ctx, authsvc_db_t *db,
                                const authsvc_regulation_attempt_t *attempt,
                                authsvc_regulation_reason_t reason);

/* s for a log line, percent-encoded: printable ASCII as is but space, '"', '%' and '\';
 * every other byte (CR, LF, ESC, UTF-8 ...) as %HH. No backslash, so httpd's own
 * escaping of error log messages (which doubles backslashes and leaves quotes) changes
 * nothing. At most max bytes of s, then "..." marks the cut. "-" for NULL. Pure. */
const char *authsvc_regulation_log_escape(apr_pool_t *p, const char *s, apr_size_t max);

#endif
