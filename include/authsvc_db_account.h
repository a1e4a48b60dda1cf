/* Typed helpers for the account page (migration 014): a browser session's device and
 * address, the live sessions of a user, ending one of the user's own, and the
 * authenticator secret pending in a session. Catalogue statements only; they never
 * begin, commit or roll back. */
#ifndef AUTHSVC_DB_ACCOUNT_H
#define AUTHSVC_DB_ACCOUNT_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* One of a user's browser sessions; text NULL for SQL NULL. Times are epoch ms. */
typedef struct {
    const char *id_hash;
    const char *origin;
    const char *user_agent; /* NULL: made before migration 014 */
    const char *client_ip;
    long long created_ms;
    long long last_seen_ms;
    const char *access_token;
    const char *refresh_token;
    long long auth_time_ms;
    const char *amr;
} authsvc_db_account_session_t;

/* Records the device (User-Agent) and address a session was made from. */
authsvc_status_t authsvc_db_account_session_device(authsvc_db_t *db, apr_pool_t *p,
                                                   const char *id_hash, const char *user_agent,
                                                   const char *client_ip);

/* The sessions of user_id live at now_ms, most recently used first: *rows of
 * authsvc_db_account_session_t. */
authsvc_status_t authsvc_db_account_sessions(authsvc_db_t *db, apr_pool_t *p,
                                             const char *user_id, long long now_ms,
                                             apr_array_header_t **rows);

/* Deletes the session id_hash when it is user_id's: AUTHSVC_NOT_FOUND when none went. */
authsvc_status_t authsvc_db_account_session_delete(authsvc_db_t *db, apr_pool_t *p,
                                                   const char *id_hash, const char *user_id);

/* Sets (secret NULL: clears) the authenticator secret pending in the session. */
authsvc_status_t authsvc_db_account_totp_pending_set(authsvc_db_t *db, apr_pool_t *p,
                                                     const char *id_hash, const char *user_id,
                                                     const char *secret);

/* The authenticator secret pending in user_id's session id_hash: AUTHSVC_NOT_FOUND when
 * there is none. */
authsvc_status_t authsvc_db_account_totp_pending_get(authsvc_db_t *db, apr_pool_t *p,
                                                     const char *id_hash, const char *user_id,
                                                     const char **secret);

#endif
