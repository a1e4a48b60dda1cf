/* Client authentication at the OAuth 2.0 endpoints (authsvc_oidc_client_auth.h). */
#include <string.h>

#include "authsvc_log.h"
#include "authsvc_oidc_client_auth.h"
#include "authsvc_regulation.h"

const char *authsvc_oauth_status_name(authsvc_oauth_status_t st)
{
    static const char *const names[] = {"ok",
                                        "invalid_request",
                                        "invalid_client",
                                        "invalid_grant",
                                        "unauthorized_client",
                                        "unsupported_grant_type",
                                        "invalid_scope",
                                        "temporarily_unavailable",
                                        "server_error"};

    return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "server_error";
}

/* The client's secret: a public client sends none, a confidential one the right one. */
static authsvc_oauth_status_t client_auth_secret(const authsvc_client_t *client,
                                                 const authsvc_oidc_client_creds_t *creds,
                                                 const char **why)
{
    if (client->is_public) {
        if (creds->secret && *creds->secret) {
            *why = "a public client sent a secret";
            return AUTHSVC_OAUTH_INVALID_CLIENT;
        }
        return AUTHSVC_OAUTH_OK;
    }
    if (!creds->secret) {
        *why = "no client secret";
        return AUTHSVC_OAUTH_INVALID_CLIENT;
    }
    if (!authsvc_client_secret_ok(client, creds->secret)) {
        *why = "wrong client secret";
        return AUTHSVC_OAUTH_INVALID_CLIENT;
    }
    return AUTHSVC_OAUTH_OK;
}

/* The client's registration, which must list grant (when grant is set). */
static authsvc_oauth_status_t client_auth_registration(authsvc_context_t *ctx, authsvc_db_t *db,
                                                       const char *grant,
                                                       authsvc_oidc_client_t *out,
                                                       const char **why)
{
    authsvc_status_t st = authsvc_db_oidc_client_get(db, ctx->pool, out->client->client_id,
                                                     &out->reg);

    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    if (st == AUTHSVC_NOT_FOUND)
        memset(&out->reg, 0, sizeof(out->reg));
    if (!grant)
        return AUTHSVC_OAUTH_OK;
    if (st == AUTHSVC_NOT_FOUND) {
        *why = "the client has no OpenID Connect registration";
        return AUTHSVC_OAUTH_UNAUTHORIZED_CLIENT;
    }
    if (!authsvc_db_oidc_grant_listed(out->reg.grant_types, grant)) {
        *why = "the client may not use this grant type";
        return AUTHSVC_OAUTH_UNAUTHORIZED_CLIENT;
    }
    return AUTHSVC_OAUTH_OK;
}

authsvc_oauth_status_t authsvc_oidc_client_authenticate(
    authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_oidc_client_creds_t *creds,
    const char *grant, authsvc_oidc_client_t *out, const char **why)
{
    authsvc_status_t st;
    authsvc_oauth_status_t rv;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (!creds->client_id || !*creds->client_id) {
        *why = "no client_id";
        return AUTHSVC_OAUTH_INVALID_CLIENT;
    }
    st = authsvc_client_load(ctx, db, creds->client_id, &out->client);
    if (st == AUTHSVC_NOT_FOUND) {
        *why = "unknown client";
        authsvc_regulation_address_failed(ctx, db);
        return AUTHSVC_OAUTH_INVALID_CLIENT;
    }
    if (st != AUTHSVC_OK)
        return AUTHSVC_OAUTH_UNAVAILABLE;
    rv = client_auth_secret(out->client, creds, why);
    if (rv != AUTHSVC_OAUTH_OK) {
        /* as the service's other flows count a wrong client secret (authsvc_regulation.h) */
        authsvc_regulation_address_failed(ctx, db);
        ctx->log(ctx, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(3101) "oauth2: client %s refused: %s",
                 out->client->client_id, *why);
        return rv;
    }
    return client_auth_registration(ctx, db, grant, out, why);
}
