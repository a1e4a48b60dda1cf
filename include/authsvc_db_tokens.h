/* Typed helpers for refresh tokens and auth codes (the refresh_tokens and auth_codes
 * tables): a row in, a status out; the access tokens a session's refresh tokens name.
 * They never begin or commit: the caller's transaction wraps them. The token itself is
 * never stored, only its hash (authsvc_token_hash). */
#ifndef AUTHSVC_DB_TOKENS_H
#define AUTHSVC_DB_TOKENS_H

#include <apr_tables.h>

#include "authsvc_db.h"

typedef struct {
    const char *hash; /* SHA-256 hex of the refresh token */
    const char *family_id;
    long long family_expires; /* the family's absolute end, epoch ms */
    const char *user_id;
    const char *client_id;
    const char *tenant_id;
    const char *access_jti; /* the access token issued with it */
    long long access_exp;   /* its expiry, epoch ms */
    long long expires;      /* the refresh token's own, epoch ms */
    int consumed;           /* rotated already */
    int revoked;
} authsvc_db_refresh_t;

/* The row of hash: AUTHSVC_NOT_FOUND when there is none. */
authsvc_status_t authsvc_db_refresh_get(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                        authsvc_db_refresh_t *out);

/* Stores a new refresh token (consumed and revoked are ignored), created now_ms. */
authsvc_status_t authsvc_db_refresh_insert(authsvc_db_t *db, apr_pool_t *p,
                                           const authsvc_db_refresh_t *rt, long long now_ms);

/* Marks hash consumed if it still is live at now_ms: AUTHSVC_NOT_FOUND when it was
 * consumed, revoked or expired meanwhile (the one caller that wins gets AUTHSVC_OK). */
authsvc_status_t authsvc_db_refresh_consume(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                            long long now_ms);

/* Marks hash revoked (a revoked one stays as it was). */
authsvc_status_t authsvc_db_refresh_revoke(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                           long long now_ms);

/* An access token a refresh token names. */
typedef struct {
    const char *jti;
    long long expires_at; /* epoch ms */
} authsvc_db_access_token_t;

/* The access tokens of family_id's refresh tokens that expire after now_ms (revoked
 * ones included): authsvc_db_access_token_t elements. */
authsvc_status_t authsvc_db_refresh_family_access(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *family_id, long long now_ms,
                                                  apr_array_header_t **tokens);

/* Marks every refresh token of family_id revoked at now_ms (revoked ones stay as they
 * were). */
authsvc_status_t authsvc_db_refresh_revoke_family(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *family_id, long long now_ms);

/* The access tokens of user_id's refresh tokens outside the family keep_family ("" or
 * NULL: every family) that are not revoked and expire after now_ms:
 * authsvc_db_access_token_t elements. */
authsvc_status_t authsvc_db_refresh_user_other_access(authsvc_db_t *db, apr_pool_t *p,
                                                      const char *user_id,
                                                      const char *keep_family, long long now_ms,
                                                      apr_array_header_t **tokens);

/* Marks user_id's refresh tokens outside the family keep_family ("" or NULL: every
 * family) revoked at now_ms. */
authsvc_status_t authsvc_db_refresh_revoke_user_other(authsvc_db_t *db, apr_pool_t *p,
                                                      const char *user_id,
                                                      const char *keep_family,
                                                      long long now_ms);

/* An auth code (auth_codes), stored by its hash. */
typedef struct {
    const char *hash; /* SHA-256 hex of the code */
    const char *client_id;
    const char *user_id;
    const char *tenant_id;
    const char *user_tenant_id;
    int mfa_pending;
    long long expires_at; /* epoch ms */
    int used;
    const char *family_id; /* of the tokens it was exchanged for, or NULL */
    int otp_failures;
} authsvc_db_auth_code_t;

/* Stores a new code (used, family_id and otp_failures are ignored), created now_ms. */
authsvc_status_t authsvc_db_auth_code_insert(authsvc_db_t *db, apr_pool_t *p,
                                             const authsvc_db_auth_code_t *code,
                                             long long now_ms);

/* The code of hash: AUTHSVC_NOT_FOUND when there is none. */
authsvc_status_t authsvc_db_auth_code_get(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                          authsvc_db_auth_code_t *out);

/* Marks hash used if it still is unused and unexpired at now_ms: AUTHSVC_NOT_FOUND when
 * another redemption won or it expired. */
authsvc_status_t authsvc_db_auth_code_consume(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                              long long now_ms);

/* Records the refresh family the code was exchanged for. */
authsvc_status_t authsvc_db_auth_code_set_family(authsvc_db_t *db, apr_pool_t *p,
                                                 const char *hash, const char *family_id);

#endif
