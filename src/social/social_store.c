/* Social login's rows: links, sign-ups and the provider's tokens. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_users.h"
#include "authsvc_federation.h"
#include "authsvc_log.h"
#include "authsvc_social_store.h"

/* ---- users ---------------------------------------------------------------------- */

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
static authsvc_status_t store_signup(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const authsvc_social_provider_t *provider,
                                     const authsvc_client_t *client,
                                     const authsvc_social_profile_t *profile,
                                     const char **user_id)
{
    apr_array_header_t *clients = apr_array_make(ctx->pool, 1, sizeof(const char *));
    const char *username = store_new_username(ctx->pool, provider->name, profile);
    authsvc_user_new_t u = {NULL,
                            username,
                            profile->email_verified ? profile->email : NULL,
                            profile->given_name,
                            NULL,
                            profile->family_name,
                            NULL,
                            NULL,
                            AUTHSVC_USER_ACTIVE,
                            clients,
                            NULL,
                            provider->name,
                            profile->subject};
    const char *id = NULL;
    authsvc_status_t st = authsvc_db_user_placement(db, ctx->pool, provider->signup_tenant,
                                                    provider->signup_role, &u.tenant_id,
                                                    &u.role_id);

    if (st != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(0810) "provider %s: sign-up tenant "
                                     "'%s' or role '%s' does not exist",
                 provider->name, provider->signup_tenant, provider->signup_role);
        return AUTHSVC_NOT_FOUND;
    }
    APR_ARRAY_PUSH(clients, const char *) = client->client_id;
    st = authsvc_db_begin(db, ctx->pool);
    if (st != AUTHSVC_OK)
        return st;
    if (authsvc_db_user_create(db, ctx->pool, &u, &id) != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return AUTHSVC_NOT_FOUND; /* taken meanwhile, or refused */
    }
    st = authsvc_db_commit(db);
    if (st == AUTHSVC_OK)
        *user_id = id;
    return st == AUTHSVC_CONFLICT || st == AUTHSVC_DB_ERROR ? AUTHSVC_NOT_FOUND : st;
}

authsvc_status_t authsvc_social_user_resolve(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const authsvc_social_provider_t *provider,
                                             const authsvc_client_t *client,
                                             const authsvc_social_profile_t *profile,
                                             const char **user_id, const char **how)
{
    /* The stored link; else an e-mail of a local account never signs up a second one: it
     * links, where the rule allows (only a verified one can, T-36), or the login is
     * refused. */
    authsvc_identity_t id = {
        provider->name,   profile->subject, profile->email, profile->email_verified, 1,
        client->client_id};
    authsvc_status_t st = authsvc_federation_user(ctx, db, &id, 1,
                                                  provider->link_verified_email, user_id, how);

    if (st != AUTHSVC_NOT_FOUND)
        return st;
    if (!provider->signup_tenant)
        return AUTHSVC_NOT_FOUND;
    *how = "signup";
    return store_signup(ctx, db, provider, client, profile, user_id);
}

/* ---- the provider's tokens ------------------------------------------------------ */

authsvc_status_t authsvc_social_session_save(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const char *user_id, const char *provider,
                                             const authsvc_social_session_t *s)
{
    return authsvc_db_social_session_save(db, ctx->pool, user_id, provider, s);
}

authsvc_status_t authsvc_social_session_get(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *user_id, const char *provider,
                                            authsvc_social_session_t *out)
{
    return authsvc_db_social_session_get(db, ctx->pool, user_id, provider, out);
}

authsvc_status_t authsvc_social_session_delete(authsvc_context_t *ctx, authsvc_db_t *db,
                                               const char *user_id, const char *provider)
{
    return authsvc_db_social_session_delete(db, ctx->pool, user_id, provider);
}
