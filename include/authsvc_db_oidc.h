/* Typed helpers for the OpenID Connect provider's data (migration 013): a client's OIDC
 * registration (oidc_clients, oidc_client_uris) and the codes of the authorization
 * endpoint (auth_codes rows with a redirect_uri). Catalogue statements only; they never
 * begin, commit or roll back: the caller's transaction (if any) wraps them. */
#ifndef AUTHSVC_DB_OIDC_H
#define AUTHSVC_DB_OIDC_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A client's registration. Public or confidential is the client's own (auth_clients). */
typedef struct {
    const char *client_id;
    const char *grant_types;              /* space-separated: authorization_code,
                                           * refresh_token, client_credentials */
    apr_array_header_t *redirect_uris;    /* of const char *, matched exactly */
    apr_array_header_t *post_logout_uris; /* of const char *, matched exactly */
} authsvc_db_oidc_client_t;

/* The registration of client_id: AUTHSVC_NOT_FOUND when the client has none (it does not
 * speak OpenID Connect); the URI arrays are empty, never NULL, on AUTHSVC_OK. */
authsvc_status_t authsvc_db_oidc_client_get(authsvc_db_t *db, apr_pool_t *p,
                                            const char *client_id,
                                            authsvc_db_oidc_client_t *out);

/* Stores c as the client's whole registration (its URIs replace the stored ones) at
 * now_ms. The client must exist (AUTHSVC_NOT_FOUND otherwise). Run it in a transaction:
 * it is several statements. */
authsvc_status_t authsvc_db_oidc_client_put(authsvc_db_t *db, apr_pool_t *p,
                                            const authsvc_db_oidc_client_t *c,
                                            long long now_ms);

/* Removes the client's registration (none: still AUTHSVC_OK). */
authsvc_status_t authsvc_db_oidc_client_remove(authsvc_db_t *db, apr_pool_t *p,
                                               const char *client_id);

/* 1 when uri is one of the array's entries, compared exactly (byte for byte). */
int authsvc_db_oidc_uri_listed(const apr_array_header_t *uris, const char *uri);

/* 1 when grant (e.g. "refresh_token") is one of the space-separated grant_types. */
int authsvc_db_oidc_grant_listed(const char *grant_types, const char *grant);

/* A code of the authorization endpoint. Text NULL for SQL NULL; times epoch ms. */
typedef struct {
    const char *hash; /* SHA-256 hex of the code */
    const char *client_id;
    const char *user_id;
    const char *tenant_id;
    const char *user_tenant_id;
    const char *redirect_uri; /* never NULL: what marks an authorization-endpoint code */
    const char *scope;
    const char *nonce;
    const char *code_challenge; /* S256 only, or NULL (confidential client without PKCE) */
    long long auth_time_ms;
    const char *amr;
    long long expires_ms;
    long long created_ms;
    int used;              /* read only */
    const char *family_id; /* read only: the refresh family it was exchanged for */
} authsvc_db_oidc_code_t;

/* Stores c. The codes of the service's own API (authsvc_db_auth_code_*) never read it,
 * and this never reads theirs. */
authsvc_status_t authsvc_db_oidc_code_insert(authsvc_db_t *db, apr_pool_t *p,
                                             const authsvc_db_oidc_code_t *c);

/* The authorization-endpoint code of hash: AUTHSVC_NOT_FOUND when there is none (or it
 * is a code of the service's own API). Mark it used with authsvc_db_auth_code_consume
 * and record its family with authsvc_db_auth_code_set_family (authsvc_db_tokens.h). */
authsvc_status_t authsvc_db_oidc_code_get(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                          authsvc_db_oidc_code_t *out);

#endif
