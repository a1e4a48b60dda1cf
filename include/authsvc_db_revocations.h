/* Typed helpers for the revoked_tokens table as the gateway reads it: the revocations
 * newer than a watermark, and whether one jti is revoked. Catalogue statements only. */
#ifndef AUTHSVC_DB_REVOCATIONS_H
#define AUTHSVC_DB_REVOCATIONS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A revoked token. */
typedef struct {
    const char *jti;
    long long expires_at;       /* epoch ms */
    long long revoked_at;       /* epoch ms */
} authsvc_db_revocation_t;

/* The revocations made after since_ms of tokens that expire after now_ms, oldest
 * revocation first: authsvc_db_revocation_t elements. */
authsvc_status_t authsvc_db_revocations_since(authsvc_db_t *db, apr_pool_t *p,
                                              long long since_ms, long long now_ms,
                                              apr_array_header_t **rows);

/* AUTHSVC_OK when jti is revoked, AUTHSVC_NOT_FOUND when it is not, else the failure. */
authsvc_status_t authsvc_db_revocation_check(authsvc_db_t *db, apr_pool_t *p,
                                             const char *jti);

#endif
