/* Typed helpers for SAML's requests and replay cache (see authsvc_db_saml.h). */
#include <string.h>

#include "authsvc_db_saml.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

authsvc_status_t authsvc_db_saml_request_insert(authsvc_db_t *db, apr_pool_t *p,
                                                const authsvc_db_saml_request_t *r)
{
    const char *args[] = {r->request_id,  r->client_id,       r->idp_entity_id,
                          r->relay_state, ARG(r->expires_at), ARG(r->created_at),
                          r->binding_hash};

    return authsvc_db_exec(db, p, "authsvc_saml_request_insert", NULL, 7, args);
}

authsvc_status_t authsvc_db_saml_request_get(authsvc_db_t *db, apr_pool_t *p,
                                             const char *request_id,
                                             authsvc_db_saml_request_t *out)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_saml_request_by_id", &row, 1,
                                                &request_id);

    memset(out, 0, sizeof(*out));
    if (st != AUTHSVC_OK)
        return st;
    out->request_id = authsvc_db_column(db, row, 0);
    out->client_id = authsvc_db_column(db, row, 1);
    out->idp_entity_id = authsvc_db_column(db, row, 2);
    out->relay_state = authsvc_db_column(db, row, 3);
    out->expires_at = authsvc_db_column_int(db, row, 4, 0);
    out->used = authsvc_db_column(db, row, 5) != NULL;
    out->binding_hash = authsvc_db_column(db, row, 6);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_saml_request_consume(authsvc_db_t *db, apr_pool_t *p,
                                                 const char *request_id, const char *client_id,
                                                 const char *idp_entity_id, long long now_ms)
{
    const char *args[] = {ARG(now_ms), request_id, client_id, idp_entity_id, ARG(now_ms)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_saml_request_consume", &nrows, 5,
                                          args);

    if (st != AUTHSVC_OK)
        return st;
    return nrows == 1 ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_saml_assertion_remember(authsvc_db_t *db, apr_pool_t *p,
                                                    const char *idp_entity_id,
                                                    const char *assertion_id,
                                                    long long expires_at)
{
    const char *args[] = {idp_entity_id, assertion_id, ARG(expires_at),
                          ARG(authsvc_db_now_ms())};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_saml_assertion_insert", &nrows, 4,
                                          args);

    if (st != AUTHSVC_OK)
        return st;
    return nrows == 1 ? AUTHSVC_OK : AUTHSVC_CONFLICT;
}

authsvc_status_t authsvc_db_saml_purge(authsvc_db_t *db, apr_pool_t *p, long long now_ms)
{
    const char *now[] = {ARG(now_ms)};
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_purge_saml_requests", NULL, 1, now);
    authsvc_status_t st2 = authsvc_db_exec(db, p, "authsvc_purge_saml_assertions", NULL, 1,
                                           now);

    return st != AUTHSVC_OK ? st : st2;
}
