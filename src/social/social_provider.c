/* Provider records: look-up by name and the completeness check (no httpd here, so the
 * unit tests and the flows link without it). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_social_provider.h"

/* The providers the route table has routes for. */
static const char *const provider_names[] = {"google", "azure",    "cognito",   "keycloak",
                                             "apple",  "facebook", "instagram", NULL};

int authsvc_social_provider_name_known(const char *name)
{
    const char *const *n;

    for (n = provider_names; *n; n++)
        if (strcmp(*n, name) == 0)
            return 1;
    return 0;
}

const authsvc_social_provider_t *authsvc_social_provider_find(const apr_hash_t *providers,
                                                              const char *name)
{
    return providers ? apr_hash_get((apr_hash_t *)providers, name, APR_HASH_KEY_STRING) : NULL;
}

const char *authsvc_social_provider_check(apr_pool_t *pool, const authsvc_social_provider_t *p)
{
    const char *missing = !p->client_id                         ? "client_id"
                          : !p->authorization_endpoint          ? "authorization_endpoint"
                          : !p->token_endpoint                  ? "token_endpoint"
                          : p->openid && !p->issuer             ? "issuer"
                          : p->openid && !p->jwks_uri           ? "jwks_uri"
                          : !p->openid && !p->userinfo_endpoint ? "userinfo_endpoint"
                                                                : NULL;

    if (!missing && p->client_auth == AUTHSVC_SOCIAL_AUTH_APPLE)
        missing = !p->team_id       ? "team_id"
                  : !p->key_id      ? "key_id"
                  : !p->private_key ? "private_key_file"
                                    : NULL;
    else if (!missing && !p->client_secret)
        missing = "client_secret_file";
    if (missing)
        return apr_psprintf(pool, "provider %s: %s is required", p->name, missing);
    if (!!p->signup_tenant != !!p->signup_role)
        return apr_psprintf(pool, "provider %s: signup needs a tenant and a role", p->name);
    return NULL;
}
