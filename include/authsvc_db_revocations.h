/* Typed helpers for the revoked_tokens table: a revocation stored, the revocations newer
 * than a watermark (the gateway's cache), whether one jti is revoked, and what a bearer
 * token's check asks of the database. Catalogue statements only; they never begin,
 * commit or roll back. */
#ifndef AUTHSVC_DB_REVOCATIONS_H
#define AUTHSVC_DB_REVOCATIONS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A revoked token. */
typedef struct {
    const char *jti;
    long long expires_at; /* epoch ms */
    long long revoked_at; /* epoch ms */
} authsvc_db_revocation_t;

/* The revocations made after since_ms of tokens that expire after now_ms, oldest
 * revocation first: authsvc_db_revocation_t elements. */
authsvc_status_t authsvc_db_revocations_since(authsvc_db_t *db, apr_pool_t *p,
                                              long long since_ms, long long now_ms,
                                              apr_array_header_t **rows);

/* AUTHSVC_OK when jti is revoked, AUTHSVC_NOT_FOUND when it is not, else the failure. */
authsvc_status_t authsvc_db_revocation_check(authsvc_db_t *db, apr_pool_t *p, const char *jti);

/* Stores jti as revoked at now_ms until expires_ms (a jti revoked already stays as it
 * was). On PostgreSQL the revocation is announced to every node's listener when the
 * transaction commits (the statement's pg_notify). */
authsvc_status_t authsvc_db_revocation_insert(authsvc_db_t *db, apr_pool_t *p, const char *jti,
                                              long long expires_ms, long long now_ms);

/* A bearer token's state, in one round trip: *client_member whether client_id is a
 * client of user_id (user_auth_clients), *revoked whether jti is revoked. */
authsvc_status_t authsvc_db_bearer_state(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                         const char *client_id, const char *jti,
                                         int *client_member, int *revoked);

/* The first half of authsvc_db_bearer_state alone (token refresh takes a revoked access
 * token along with its refresh token). */
authsvc_status_t authsvc_db_bearer_audience(authsvc_db_t *db, apr_pool_t *p,
                                            const char *user_id, const char *client_id,
                                            int *client_member);

/* The path of db's SQLite file ("" for a database in memory), NULL on PostgreSQL. */
const char *authsvc_db_sqlite_file(authsvc_db_t *db);

#endif
