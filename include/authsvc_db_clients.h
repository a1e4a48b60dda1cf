/* Typed helpers for the auth_clients table: look-up, creation, authsvc-admin's listing,
 * a new secret, deletion and the live access tokens of a client's sessions. Catalogue
 * statements only; they never begin, commit or roll back: the caller's transaction
 * wraps them. */
#ifndef AUTHSVC_DB_CLIENTS_H
#define AUTHSVC_DB_CLIENTS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_tokens.h" /* authsvc_db_access_token_t */
#include "authsvc_status.h"

/* A client's row; text NULL for SQL NULL. */
typedef struct {
    const char *client_id;
    const char *secret_hash; /* NULL for a public client */
    const char *type;        /* "public" or "confidential" */
    const char *redirect_url;
    long long access_ttl; /* seconds */
    long long refresh_ttl;
    long long code_ttl;
} authsvc_db_client_t;

/* The client client_id. AUTHSVC_NOT_FOUND when there is none (*c zeroed). */
authsvc_status_t authsvc_db_client_by_id(authsvc_db_t *db, apr_pool_t *p, const char *client_id,
                                         authsvc_db_client_t *c);

/* Inserts c, created and updated now. AUTHSVC_CONFLICT when client_id is taken. */
authsvc_status_t authsvc_db_client_create(authsvc_db_t *db, apr_pool_t *p,
                                          const authsvc_db_client_t *c);

/* A client without its secret's hash, with its count of users. */
typedef struct {
    const char *client_id;
    const char *type;
    const char *redirect_url;
    long long access_ttl;
    long long refresh_ttl;
    long long code_ttl;
    long long created_at; /* epoch ms */
    long long users;
} authsvc_db_client_summary_t;

/* Every client, by client_id: authsvc_db_client_summary_t elements. */
authsvc_status_t authsvc_db_client_summaries(authsvc_db_t *db, apr_pool_t *p,
                                             apr_array_header_t **rows);

/* The client client_id. AUTHSVC_NOT_FOUND when there is none (*c zeroed). */
authsvc_status_t authsvc_db_client_summary(authsvc_db_t *db, apr_pool_t *p,
                                           const char *client_id,
                                           authsvc_db_client_summary_t *c);

/* The access tokens of client_id's live sessions (refresh tokens not revoked) that
 * expire after now_ms: authsvc_db_access_token_t elements. */
authsvc_status_t authsvc_db_client_live_access(authsvc_db_t *db, apr_pool_t *p,
                                               const char *client_id, long long now_ms,
                                               apr_array_header_t **tokens);

/* Deletes client_id (its refresh tokens, codes and user links go with it); *changed (may
 * be NULL) gets the rows deleted. */
authsvc_status_t authsvc_db_client_delete(authsvc_db_t *db, apr_pool_t *p,
                                          const char *client_id, int *changed);

/* Replaces the secret's hash of the confidential client client_id; *changed (may be
 * NULL) gets the rows changed (0 for a public or unknown client). */
authsvc_status_t authsvc_db_client_set_secret(authsvc_db_t *db, apr_pool_t *p,
                                              const char *client_id, const char *secret_hash,
                                              int *changed);

#endif
