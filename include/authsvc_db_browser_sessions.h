/* Typed helpers for the gateway's browser sessions (gateway_sessions, keyed by the
 * SHA-256 hex of the cookie's id). Catalogue statements only; they never begin, commit
 * or roll back: the caller's transaction (if any) wraps them. */
#ifndef AUTHSVC_DB_BROWSER_SESSIONS_H
#define AUTHSVC_DB_BROWSER_SESSIONS_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A gateway_sessions row; text NULL for SQL NULL. Times are epoch ms. */
typedef struct {
    const char *id_hash;
    const char *origin; /* scheme://host:port of the vhost that created it */
    const char *user_id;
    const char *access_token;
    const char *refresh_token;
    long long access_expires_ms;
    int remember;
    long long created_ms;
    long long last_seen_ms;
    long long idle_expires_ms;
    long long expires_ms;
    long long auth_time_ms; /* when the user signed in (0 on insert: created_ms) */
    const char *amr;        /* RFC 8176 values, space-separated (NULL on insert: "pwd") */
} authsvc_db_browser_session_t;

/* Stores s. */
authsvc_status_t authsvc_db_browser_session_insert(authsvc_db_t *db, apr_pool_t *p,
                                                   const authsvc_db_browser_session_t *s);

/* The session of id_hash: AUTHSVC_NOT_FOUND when there is none (*s zeroed). */
authsvc_status_t authsvc_db_browser_session_get(authsvc_db_t *db, apr_pool_t *p,
                                                const char *id_hash,
                                                authsvc_db_browser_session_t *s);

/* Claims the session's refresh until until_ms when nobody holds a claim at now_ms:
 * AUTHSVC_OK for the one caller that wins, AUTHSVC_NOT_FOUND when no row changed
 * (another request holds the claim, or the session is gone). */
authsvc_status_t authsvc_db_browser_session_claim(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *id_hash, long long now_ms,
                                                  long long until_ms);

/* The refreshed token pair; releases the claim. */
authsvc_status_t authsvc_db_browser_session_set_tokens(authsvc_db_t *db, apr_pool_t *p,
                                                       const char *id_hash,
                                                       const char *access_token,
                                                       const char *refresh_token,
                                                       long long access_expires_ms);

/* Seen at now_ms: its idle expiry moves to idle_expires_ms. */
authsvc_status_t authsvc_db_browser_session_touch(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *id_hash, long long now_ms,
                                                  long long idle_expires_ms);

/* Deletes the session (none: still AUTHSVC_OK). */
authsvc_status_t authsvc_db_browser_session_delete(authsvc_db_t *db, apr_pool_t *p,
                                                   const char *id_hash);

/* Deletes every session past its end or idle expiry at now_ms. */
authsvc_status_t authsvc_db_browser_session_purge(authsvc_db_t *db, apr_pool_t *p,
                                                  long long now_ms);

#endif
