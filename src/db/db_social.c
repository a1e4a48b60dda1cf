/* Typed helpers for social login's states and provider tokens (see authsvc_db_social.h). */
#include <string.h>

#include "authsvc_db_social.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

authsvc_status_t authsvc_db_social_state_insert(authsvc_db_t *db, apr_pool_t *p,
                                                const char *state_hash,
                                                const authsvc_db_social_state_t *s)
{
    const char *args[] = {state_hash,      s->provider,        s->client_id,
                          s->binding_hash, s->nonce,           s->code_verifier,
                          s->kept_params,  ARG(s->expires_at), ARG(authsvc_db_now_ms())};

    return authsvc_db_exec(db, p, "authsvc_social_state_insert", NULL, 9, args);
}

authsvc_status_t authsvc_db_social_state_get(authsvc_db_t *db, apr_pool_t *p,
                                             const char *state_hash,
                                             authsvc_db_social_state_t *out)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_social_state_by_hash", &row, 1,
                                                &state_hash);

    memset(out, 0, sizeof(*out));
    if (st != AUTHSVC_OK)
        return st;
    out->provider = authsvc_db_column(db, row, 0);
    out->client_id = authsvc_db_column(db, row, 1);
    out->binding_hash = authsvc_db_column(db, row, 2);
    out->nonce = authsvc_db_column(db, row, 3);
    out->code_verifier = authsvc_db_column(db, row, 4);
    out->kept_params = authsvc_db_column(db, row, 5);
    out->expires_at = authsvc_db_column_int(db, row, 6, 0);
    out->used = authsvc_db_column(db, row, 7) != NULL;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_social_state_consume(authsvc_db_t *db, apr_pool_t *p,
                                                 const char *state_hash, long long now_ms)
{
    const char *args[] = {ARG(now_ms), state_hash, ARG(now_ms)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_social_state_consume", &nrows, 3,
                                          args);

    if (st != AUTHSVC_OK)
        return st;
    return nrows == 1 ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_social_state_purge(authsvc_db_t *db, apr_pool_t *p,
                                               long long now_ms)
{
    const char *args[] = {ARG(now_ms)};

    return authsvc_db_exec(db, p, "authsvc_social_state_purge", NULL, 1, args);
}

authsvc_status_t authsvc_db_social_session_save(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, const char *provider,
                                                const authsvc_db_social_session_t *s)
{
    const char *args[] = {user_id,          provider,    s->access_token,
                          s->refresh_token, s->id_token, ARG(authsvc_db_now_ms())};

    return authsvc_db_exec(db, p, "authsvc_social_session_save", NULL, 6, args);
}

authsvc_status_t authsvc_db_social_session_get(authsvc_db_t *db, apr_pool_t *p,
                                               const char *user_id, const char *provider,
                                               authsvc_db_social_session_t *out)
{
    const char *args[] = {user_id, provider};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_social_session_get", &row, 2,
                                                args);

    memset(out, 0, sizeof(*out));
    if (st != AUTHSVC_OK)
        return st;
    out->access_token = authsvc_db_column(db, row, 0);
    out->refresh_token = authsvc_db_column(db, row, 1);
    out->id_token = authsvc_db_column(db, row, 2);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_social_session_delete(authsvc_db_t *db, apr_pool_t *p,
                                                  const char *user_id, const char *provider)
{
    const char *args[] = {user_id, provider};

    return authsvc_db_exec(db, p, "authsvc_social_session_delete", NULL, 2, args);
}
