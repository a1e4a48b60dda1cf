/* Typed helpers for refresh tokens and auth codes (the refresh_tokens and auth_codes
 * tables): a row in, a status out.
 * They never begin or commit: the caller's transaction wraps them. The token itself is
 * never stored, only its hash (authsvc_token_hash). */
#ifndef AUTHSVC_DB_TOKENS_H
#define AUTHSVC_DB_TOKENS_H

#include "authsvc_db.h"

typedef struct {
    const char *hash;            /* SHA-256 hex of the refresh token */
    const char *family_id;
    long long family_expires;    /* the family's absolute end, epoch ms */
    const char *user_id;
    const char *client_id;
    const char *tenant_id;
    const char *access_jti;      /* the access token issued with it */
    long long access_exp;        /* its expiry, epoch ms */
    long long expires;           /* the refresh token's own, epoch ms */
    int consumed;                /* rotated already */
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

/* An auth code (auth_codes), stored by its hash. */
typedef struct {
    const char *hash;            /* SHA-256 hex of the code */
    const char *client_id;
    const char *user_id;
    const char *tenant_id;
    const char *user_tenant_id;
    int mfa_pending;
    long long expires_at;        /* epoch ms */
    int used;
    const char *family_id;       /* of the tokens it was exchanged for, or NULL */
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
