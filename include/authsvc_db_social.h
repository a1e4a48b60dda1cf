/* Typed helpers for social login's own tables: login states (social_states, single use
 * through the row count of consume) and the provider's tokens of a user's latest login
 * (social_sessions). They run catalogue statements only and never begin, commit or roll
 * back: the caller's transaction wraps them. */
#ifndef AUTHSVC_DB_SOCIAL_H
#define AUTHSVC_DB_SOCIAL_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A login state, stored under the hash of the value sent to the provider. */
typedef struct {
    const char *provider;
    const char *client_id;
    const char *binding_hash; /* SHA-256 hex of the browser's binding cookie */
    const char *nonce;
    const char *code_verifier;
    const char *kept_params; /* encoded query string, or NULL */
    long long expires_at;    /* epoch ms */
    int used;
} authsvc_db_social_state_t;

/* Stores s under state_hash (created now). */
authsvc_status_t authsvc_db_social_state_insert(authsvc_db_t *db, apr_pool_t *p,
                                                const char *state_hash,
                                                const authsvc_db_social_state_t *s);

/* The state stored under state_hash; AUTHSVC_NOT_FOUND (and *out zeroed) when none. */
authsvc_status_t authsvc_db_social_state_get(authsvc_db_t *db, apr_pool_t *p,
                                             const char *state_hash,
                                             authsvc_db_social_state_t *out);

/* Marks it used at now_ms if it is unused and unexpired then: AUTHSVC_OK for the one
 * caller that wins, AUTHSVC_NOT_FOUND for every other. */
authsvc_status_t authsvc_db_social_state_consume(authsvc_db_t *db, apr_pool_t *p,
                                                 const char *state_hash, long long now_ms);

/* Deletes the states expired before now_ms. */
authsvc_status_t authsvc_db_social_state_purge(authsvc_db_t *db, apr_pool_t *p,
                                               long long now_ms);

/* The provider's tokens of a user's latest login through it (any may be NULL). */
typedef struct {
    const char *access_token;
    const char *refresh_token;
    const char *id_token;
} authsvc_db_social_session_t;

/* Stores (or replaces) the tokens of (user_id, provider), updated now. */
authsvc_status_t authsvc_db_social_session_save(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, const char *provider,
                                                const authsvc_db_social_session_t *s);

/* AUTHSVC_NOT_FOUND (and *out zeroed) when there are none. */
authsvc_status_t authsvc_db_social_session_get(authsvc_db_t *db, apr_pool_t *p,
                                               const char *user_id, const char *provider,
                                               authsvc_db_social_session_t *out);

authsvc_status_t authsvc_db_social_session_delete(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *user_id, const char *provider);

#endif
