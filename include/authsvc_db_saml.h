/* Typed helpers for SAML's own tables: the AuthnRequests this service sent
 * (saml_requests, single use through the row count of consume) and the replay cache of
 * Assertion IDs (saml_assertions). They run catalogue statements only and never begin,
 * commit or roll back: the caller's transaction wraps them. */
#ifndef AUTHSVC_DB_SAML_H
#define AUTHSVC_DB_SAML_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* An AuthnRequest sent, kept until its answer (or its expiry). */
typedef struct {
    const char *request_id;
    const char *client_id;
    const char *idp_entity_id;
    const char *relay_state; /* the client's RelayState, or NULL */
    long long expires_at;    /* epoch ms */
    long long created_at;
    const char *binding_hash; /* SHA-256 hex of the browser's binding cookie, or NULL
                                 * (requests stored before the binding existed) */
    int used;
} authsvc_db_saml_request_t;

authsvc_status_t authsvc_db_saml_request_insert(authsvc_db_t *db, apr_pool_t *p,
                                                const authsvc_db_saml_request_t *r);

/* The request request_id; AUTHSVC_NOT_FOUND (and *out zeroed) when none. */
authsvc_status_t authsvc_db_saml_request_get(authsvc_db_t *db, apr_pool_t *p,
                                             const char *request_id,
                                             authsvc_db_saml_request_t *out);

/* Marks the request of client_id to idp_entity_id used at now_ms if it is unused and
 * unexpired then: AUTHSVC_OK for the one caller that wins, AUTHSVC_NOT_FOUND for every
 * other. */
authsvc_status_t authsvc_db_saml_request_consume(authsvc_db_t *db, apr_pool_t *p,
                                                 const char *request_id, const char *client_id,
                                                 const char *idp_entity_id, long long now_ms);

/* Remembers the Assertion ID of an IdP until expires_at: AUTHSVC_OK the first time,
 * AUTHSVC_CONFLICT when it is remembered already (a replay). */
authsvc_status_t authsvc_db_saml_assertion_remember(authsvc_db_t *db, apr_pool_t *p,
                                                    const char *idp_entity_id,
                                                    const char *assertion_id,
                                                    long long expires_at);

/* Deletes the requests and the remembered Assertion IDs expired before now_ms; the
 * status of the first delete that failed. */
authsvc_status_t authsvc_db_saml_purge(authsvc_db_t *db, apr_pool_t *p, long long now_ms);

#endif
