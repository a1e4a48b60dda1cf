/* Typed helpers for what the token endpoint stores beside a refresh token (migration
 * 013's refresh_tokens columns): the scope granted and when and how the user signed in.
 * A row whose scope is NULL is a refresh token of the service's own API. Catalogue
 * statements only; they never begin, commit or roll back. */
#ifndef AUTHSVC_DB_OIDC_TOKENS_H
#define AUTHSVC_DB_OIDC_TOKENS_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

typedef struct {
    const char *scope;      /* space-separated; NULL: not issued by the token endpoint */
    long long auth_time_ms; /* epoch ms; 0 when unknown */
    const char *amr;        /* space-separated RFC 8176 values, or NULL */
    long long created_ms;   /* read only: when the refresh token was issued */
} authsvc_db_oidc_refresh_t;

/* Records scope, auth_time and amr on the refresh token of hash (stored already). */
authsvc_status_t authsvc_db_oidc_refresh_set(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                             const authsvc_db_oidc_refresh_t *in);

/* What authsvc_db_oidc_refresh_set stored on hash: AUTHSVC_NOT_FOUND when no such row. */
authsvc_status_t authsvc_db_oidc_refresh_get(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                             authsvc_db_oidc_refresh_t *out);

#endif
