/* Social login's rows: states, links, sign-ups and the provider's tokens. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_users.h"
#include "authsvc_identity_link.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_social_store.h"

#define ARG(v) authsvc_db_int_arg(req->pool, (v))

authsvc_status_t authsvc_social_state_save(authsvc_request_t *req, authsvc_db_t *db,
                                           const char *state, const authsvc_social_state_t *s)
{
    const char *args[] = {authsvc_token_hash(req->pool, state), s->provider, s->client_id,
                          s->binding_hash, s->nonce, s->code_verifier, s->kept_params,
                          ARG(s->expires_at), ARG(authsvc_db_now_ms())};

    return authsvc_db_exec(db, req->pool, "authsvc_social_state_insert", NULL, 9, args);
}

authsvc_status_t authsvc_social_state_load(authsvc_request_t *req, authsvc_db_t *db,
                                           const char *state, authsvc_social_state_t *out)
{
    const char *args[] = {authsvc_token_hash(req->pool, state)};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, req->pool, "authsvc_social_state_by_hash",
                                                &row, 1, args);

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

authsvc_status_t authsvc_social_state_consume(authsvc_request_t *req, authsvc_db_t *db,
                                              const char *state)
{
    long long now = authsvc_db_now_ms();
    const char *args[] = {ARG(now), authsvc_token_hash(req->pool, state), ARG(now)};
    int nrows = 0;
    authsvc_status_t st = authsvc_db_exec(db, req->pool, "authsvc_social_state_consume", &nrows,
                                          3, args);

    if (st != AUTHSVC_OK)
        return st;
    return nrows == 1 ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_social_state_purge(authsvc_request_t *req, authsvc_db_t *db)
{
    const char *args[] = {ARG(authsvc_db_now_ms())};

    return authsvc_db_exec(db, req->pool, "authsvc_social_state_purge", NULL, 1, args);
}

/* ---- users ---------------------------------------------------------------------- */

static authsvc_status_t store_linked_user(authsvc_request_t *req, authsvc_db_t *db,
                                          const char *provider, const char *subject,
                                          const char **user_id)
{
    const char *args[] = {provider, subject};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, req->pool,
                                                "authsvc_credential_user_by_external_id", &row,
                                                2, args);

    if (st == AUTHSVC_OK)
        *user_id = authsvc_db_column(db, row, 0);
    return st;
}

/* A username for a new user: the verified e-mail, else provider-subject. */
static const char *store_new_username(apr_pool_t *p, const char *provider,
                                      const authsvc_social_profile_t *profile)
{
    const char *name = profile->email && profile->email_verified
                           ? profile->email
                           : apr_pstrcat(p, provider, "-", profile->subject, NULL);
    char *key = apr_pstrdup(p, name), *c;

    for (c = key; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return key;
}

/* Self sign-up: a user in the provider's tenant and role, a member of client, ACTIVE,
 * linked to the provider's subject. */
static authsvc_status_t store_signup(authsvc_request_t *req, authsvc_db_t *db,
                                     const authsvc_social_provider_t *provider,
                                     const authsvc_client_t *client,
                                     const authsvc_social_profile_t *profile,
                                     const char **user_id)
{
    apr_array_header_t *clients = apr_array_make(req->pool, 1, sizeof(const char *));
    const char *username = store_new_username(req->pool, provider->name, profile);
    authsvc_user_new_t u = {NULL, username, profile->email_verified ? profile->email : NULL,
                            profile->given_name, NULL, profile->family_name, NULL, NULL,
                            AUTHSVC_USER_ACTIVE, clients, NULL, provider->name,
                            profile->subject};
    const char *id = NULL;
    authsvc_status_t st = authsvc_db_user_placement(db, req->pool, provider->signup_tenant,
                                                    provider->signup_role, &u.tenant_id,
                                                    &u.role_id);

    if (st != AUTHSVC_OK) {
        req->log(req, AUTHSVC_LOG_ERROR, AUTHSVC_LOGNO(0810) "provider %s: sign-up tenant "
                 "'%s' or role '%s' does not exist", provider->name, provider->signup_tenant,
                 provider->signup_role);
        return AUTHSVC_NOT_FOUND;
    }
    APR_ARRAY_PUSH(clients, const char *) = client->client_id;
    st = authsvc_db_begin(db, req->pool);
    if (st != AUTHSVC_OK)
        return st;
    if (authsvc_db_user_create(db, req->pool, &u, &id) != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return AUTHSVC_NOT_FOUND; /* taken meanwhile, or refused */
    }
    st = authsvc_db_commit(db);
    if (st == AUTHSVC_OK)
        *user_id = id;
    return st == AUTHSVC_CONFLICT || st == AUTHSVC_DB_ERROR ? AUTHSVC_NOT_FOUND : st;
}

authsvc_status_t authsvc_social_user_resolve(authsvc_request_t *req, authsvc_db_t *db,
                                             const authsvc_social_provider_t *provider,
                                             const authsvc_client_t *client,
                                             const authsvc_social_profile_t *profile,
                                             const char **user_id, const char **how)
{
    authsvc_status_t st = store_linked_user(req, db, provider->name, profile->subject, user_id);

    *how = "linked";
    if (st != AUTHSVC_NOT_FOUND)
        return st;
    /* An e-mail of a local account never signs up a second one: it links, where the
     * rule allows (only a verified one can, T-36), or the login is refused. */
    if (provider->link_verified_email) {
        authsvc_identity_t id = {provider->name, profile->subject, profile->email,
                                 profile->email_verified, 1, client->client_id};
        *how = "email";
        st = authsvc_identity_link_by_email(req, db, &id, user_id);
        if (st != AUTHSVC_NOT_FOUND)
            return st;
    }
    if (!provider->signup_tenant)
        return AUTHSVC_NOT_FOUND;
    *how = "signup";
    return store_signup(req, db, provider, client, profile, user_id);
}

/* ---- the provider's tokens ------------------------------------------------------ */

authsvc_status_t authsvc_social_session_save(authsvc_request_t *req, authsvc_db_t *db,
                                             const char *user_id, const char *provider,
                                             const authsvc_social_session_t *s)
{
    const char *args[] = {user_id, provider, s->access_token, s->refresh_token, s->id_token,
                          ARG(authsvc_db_now_ms())};

    return authsvc_db_exec(db, req->pool, "authsvc_social_session_save", NULL, 6, args);
}

authsvc_status_t authsvc_social_session_get(authsvc_request_t *req, authsvc_db_t *db,
                                            const char *user_id, const char *provider,
                                            authsvc_social_session_t *out)
{
    const char *args[] = {user_id, provider};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, req->pool, "authsvc_social_session_get", &row,
                                                2, args);

    memset(out, 0, sizeof(*out));
    if (st != AUTHSVC_OK)
        return st;
    out->access_token = authsvc_db_column(db, row, 0);
    out->refresh_token = authsvc_db_column(db, row, 1);
    out->id_token = authsvc_db_column(db, row, 2);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_social_session_delete(authsvc_request_t *req, authsvc_db_t *db,
                                               const char *user_id, const char *provider)
{
    const char *args[] = {user_id, provider};

    return authsvc_db_exec(db, req->pool, "authsvc_social_session_delete", NULL, 2, args);
}
