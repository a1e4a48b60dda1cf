/* Brute-force regulation of password logins (DESIGN.md §5, Keycloak's model): counters
 * per username (as typed, whether or not the account exists, so answers reveal nothing)
 * and per client IP, in the database so every process and node shares them. */
#ifndef AUTHSVC_REGULATION_H
#define AUTHSVC_REGULATION_H

#include "authsvc_config.h"
#include "authsvc_request.h"

typedef enum {
    AUTHSVC_REGULATION_ALLOW,
    AUTHSVC_REGULATION_ACCOUNT_LOCKED,  /* refuse without checking the password */
    AUTHSVC_REGULATION_IP_LIMITED       /* 429 with Retry-After */
} authsvc_regulation_t;

/* Seconds a username stays locked after its failures-th consecutive failure: 0 under the
 * limit, then wait doubling with each further failure, at most max_wait. Pure. */
long authsvc_regulation_lock_seconds(const authsvc_limit_t *limit, long long failures);

/* Before a password is checked. account_key may be NULL (no username yet). A database
 * failure allows: the login needs the database anyway. *retry_after: whole seconds. */
authsvc_regulation_t authsvc_regulation_check(authsvc_request_t *req, authsvc_db_t *db,
                                              const char *account_key, long *retry_after);

/* A failed attempt from the client IP, against account_key when not NULL. */
void authsvc_regulation_failed(authsvc_request_t *req, authsvc_db_t *db, const char *account_key);

/* A successful login: the username's count starts again (the IP's does not). */
void authsvc_regulation_succeeded(authsvc_request_t *req, authsvc_db_t *db,
                                  const char *account_key);

/* Why a password login was refused, as its log line names it (reason=...). */
typedef enum {
    AUTHSVC_REFUSED_BAD_PASSWORD,   /* bad-password: a stored password was checked */
    AUTHSVC_REFUSED_UNKNOWN_USER,   /* unknown-user: no such user, an equal hash spent */
    AUTHSVC_REFUSED_LOCKED,         /* locked: the lock held, no password checked */
    AUTHSVC_REFUSED_IP_LIMITED,     /* ip-limited: 429 */
    AUTHSVC_REFUSED_BAD_CLIENT      /* bad-client: unknown client or wrong client secret */
} authsvc_regulation_reason_t;

/* One warning line per refused login, for operators and fail2ban:
 *   authsvc2001: login refused: reason=bad-password client=ADDR user="NAME"
 * NAME escaped by authsvc_regulation_log_escape, so it stays one line whatever it holds. */
void authsvc_regulation_log_refused(authsvc_request_t *req, const char *username,
                                    authsvc_regulation_reason_t reason);

/* s for a log line (ap_escape_logitem's rules): printable ASCII as is but '"' and '\'
 * (backslashed), \n, \r, \t, and \xHH for every other byte (ESC, UTF-8 ...). At most
 * max bytes of s are escaped, then "..." marks the cut. "-" for NULL. Pure. */
const char *authsvc_regulation_log_escape(apr_pool_t *p, const char *s, apr_size_t max);

#endif
