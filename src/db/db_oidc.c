/* Typed helpers for the OpenID Connect provider's data (see authsvc_db_oidc.h). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_oidc.h"

#define ARG(v) authsvc_db_int_arg(p, (v))

/* Columns of authsvc_oidc_client_uris. */
enum {
    URI_KIND,
    URI_URI
};

/* Columns of authsvc_oidc_code_by_hash. */
enum {
    CODE_CLIENT,
    CODE_USER,
    CODE_TENANT,
    CODE_USER_TENANT,
    CODE_REDIRECT,
    CODE_SCOPE,
    CODE_NONCE,
    CODE_CHALLENGE,
    CODE_AUTH_TIME,
    CODE_AMR,
    CODE_EXPIRES,
    CODE_USED,
    CODE_CREATED,
    CODE_FAMILY
};

static authsvc_status_t oidc_client_uris(authsvc_db_t *db, apr_pool_t *p,
                                         authsvc_db_oidc_client_t *out)
{
    const char *args[] = {out->client_id};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, "authsvc_oidc_client_uris", &res, 1, args);

    if (st != AUTHSVC_OK)
        return st;
    while (authsvc_db_next_row(db, p, res, &row)) {
        const char *kind = authsvc_db_column(db, row, URI_KIND);
        const char *uri = authsvc_db_column(db, row, URI_URI);

        if (!kind || !uri)
            continue;
        *(const char **)apr_array_push(strcmp(kind, "redirect") == 0
                                           ? out->redirect_uris
                                           : out->post_logout_uris) = apr_pstrdup(p, uri);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_oidc_client_get(authsvc_db_t *db, apr_pool_t *p,
                                            const char *client_id,
                                            authsvc_db_oidc_client_t *out)
{
    const char *args[] = {client_id};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    out->redirect_uris = apr_array_make(p, 2, sizeof(const char *));
    out->post_logout_uris = apr_array_make(p, 2, sizeof(const char *));
    st = authsvc_db_select_one(db, p, "authsvc_oidc_client_get", &row, 1, args);
    if (st != AUTHSVC_OK)
        return st;
    out->client_id = apr_pstrdup(p, client_id);
    out->grant_types = apr_pstrdup(p, authsvc_db_column(db, row, 0));
    return oidc_client_uris(db, p, out);
}

static authsvc_status_t oidc_uris_put(authsvc_db_t *db, apr_pool_t *p, const char *client_id,
                                      const char *kind, const apr_array_header_t *uris)
{
    int i;

    for (i = 0; uris && i < uris->nelts; i++) {
        const char *args[] = {client_id, kind, APR_ARRAY_IDX(uris, i, const char *)};
        authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_oidc_client_uri_insert", NULL, 3,
                                              args);

        if (st != AUTHSVC_OK && st != AUTHSVC_CONFLICT) /* a URI given twice is kept once */
            return st;
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_oidc_client_put(authsvc_db_t *db, apr_pool_t *p,
                                            const authsvc_db_oidc_client_t *c, long long now_ms)
{
    const char *upd[] = {c->grant_types, ARG(now_ms), c->client_id};
    const char *ins[] = {c->client_id, c->grant_types, ARG(now_ms), ARG(now_ms)};
    const char *key[] = {c->client_id};
    int n = 0;
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_oidc_client_update", &n, 3, upd);

    if (st == AUTHSVC_OK && n == 0)
        st = authsvc_db_exec(db, p, "authsvc_oidc_client_insert", NULL, 4, ins);
    if (st == AUTHSVC_DB_ERROR)
        return AUTHSVC_NOT_FOUND; /* the foreign key: no such client */
    if (st == AUTHSVC_OK)
        st = authsvc_db_exec(db, p, "authsvc_oidc_client_uris_clear", NULL, 1, key);
    if (st == AUTHSVC_OK)
        st = oidc_uris_put(db, p, c->client_id, "redirect", c->redirect_uris);
    if (st == AUTHSVC_OK)
        st = oidc_uris_put(db, p, c->client_id, "post_logout", c->post_logout_uris);
    return st;
}

authsvc_status_t authsvc_db_oidc_client_remove(authsvc_db_t *db, apr_pool_t *p,
                                               const char *client_id)
{
    const char *key[] = {client_id};
    authsvc_status_t st = authsvc_db_exec(db, p, "authsvc_oidc_client_uris_clear", NULL, 1,
                                          key);

    return st == AUTHSVC_OK ? authsvc_db_exec(db, p, "authsvc_oidc_client_delete", NULL, 1, key)
                            : st;
}

int authsvc_db_oidc_uri_listed(const apr_array_header_t *uris, const char *uri)
{
    int i;

    for (i = 0; uri && uris && i < uris->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(uris, i, const char *), uri) == 0)
            return 1;
    return 0;
}

int authsvc_db_oidc_grant_listed(const char *grant_types, const char *grant)
{
    apr_size_t n = grant ? strlen(grant) : 0;
    const char *at = grant_types;

    if (!n || !at)
        return 0;
    while ((at = strstr(at, grant)) != NULL) {
        int starts = at == grant_types || at[-1] == ' ';
        int ends = at[n] == '\0' || at[n] == ' ';

        if (starts && ends)
            return 1;
        at += n;
    }
    return 0;
}

authsvc_status_t authsvc_db_oidc_code_insert(authsvc_db_t *db, apr_pool_t *p,
                                             const authsvc_db_oidc_code_t *c)
{
    const char *args[] = {c->hash,
                          c->client_id,
                          c->user_id,
                          c->tenant_id,
                          c->user_tenant_id,
                          c->code_challenge,
                          c->code_challenge ? "S256" : NULL,
                          c->nonce,
                          ARG(c->expires_ms),
                          ARG(c->created_ms),
                          c->redirect_uri,
                          c->scope,
                          ARG(c->auth_time_ms),
                          c->amr};

    if (!c->redirect_uri)
        return AUTHSVC_INVALID;
    return authsvc_db_exec(db, p, "authsvc_oidc_code_insert", NULL, 14, args);
}

authsvc_status_t authsvc_db_oidc_code_get(authsvc_db_t *db, apr_pool_t *p, const char *hash,
                                          authsvc_db_oidc_code_t *out)
{
    const char *args[] = {hash};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    st = authsvc_db_select_one(db, p, "authsvc_oidc_code_by_hash", &row, 1, args);
    if (st != AUTHSVC_OK)
        return st;
    out->hash = apr_pstrdup(p, hash);
    out->client_id = authsvc_db_column(db, row, CODE_CLIENT);
    out->user_id = authsvc_db_column(db, row, CODE_USER);
    out->tenant_id = authsvc_db_column(db, row, CODE_TENANT);
    out->user_tenant_id = authsvc_db_column(db, row, CODE_USER_TENANT);
    out->redirect_uri = authsvc_db_column(db, row, CODE_REDIRECT);
    out->scope = authsvc_db_column(db, row, CODE_SCOPE);
    out->nonce = authsvc_db_column(db, row, CODE_NONCE);
    out->code_challenge = authsvc_db_column(db, row, CODE_CHALLENGE);
    out->auth_time_ms = authsvc_db_column_int(db, row, CODE_AUTH_TIME, 0);
    out->amr = authsvc_db_column(db, row, CODE_AMR);
    out->expires_ms = authsvc_db_column_int(db, row, CODE_EXPIRES, 0);
    out->used = authsvc_db_column(db, row, CODE_USED) != NULL;
    out->created_ms = authsvc_db_column_int(db, row, CODE_CREATED, 0);
    out->family_id = authsvc_db_column(db, row, CODE_FAMILY);
    return AUTHSVC_OK;
}
