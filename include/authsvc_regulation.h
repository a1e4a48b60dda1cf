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

#endif
