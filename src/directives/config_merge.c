/* Merging the configuration records (see authsvc_config_merge.h): the module's server and
 * directory records and the gateway's (created here too) and SAML's parts of them. The mail part merges in
 * mail_settings.c. Nothing here needs httpd at run time, so the unit tests merge records
 * directly. Fields set in post_config or child_init (dbd_glue, metrics, the password
 * limiter) are made per server after merging and are not merged. */
#include <apr_pools.h>

#include "authsvc_config.h"
#include "authsvc_config_mail.h"
#include "authsvc_config_merge.h"
#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_saml_config.h"

void *authsvc_config_server_merge(apr_pool_t *p, void *base_v, void *add_v)
{
    const authsvc_server_config_t *base = base_v, *add = add_v;
    authsvc_server_config_t *c = apr_pcalloc(p, sizeof(*c));

    AUTHSVC_MERGE(issuer);
    AUTHSVC_MERGE(access_ttl);
    AUTHSVC_MERGE(refresh_ttl);
    AUTHSVC_MERGE(auth_code_ttl);
    AUTHSVC_MERGE(keyring);
    AUTHSVC_MERGE(leeway);
    AUTHSVC_MERGE(family_ttl);
    AUTHSVC_MERGE(password_params);
    AUTHSVC_MERGE(hash_concurrency);
    AUTHSVC_MERGE(password_min_length);
    AUTHSVC_MERGE(password_blocklist);
    AUTHSVC_MERGE(mfa_clients);
    AUTHSVC_MERGE(mfa_tenants);
    AUTHSVC_MERGE(totp_issuer);
    AUTHSVC_MERGE(otp_ttl);
    AUTHSVC_MERGE(pages);
    AUTHSVC_MERGE_WITH(lockout_failures, lockout_set);
    AUTHSVC_MERGE_WITH(lockout_wait, lockout_set);
    AUTHSVC_MERGE_WITH(lockout_max_wait, lockout_set);
    AUTHSVC_MERGE_FLAG(lockout_set);
    AUTHSVC_MERGE_WITH(ip_failures, ip_limit_set);
    AUTHSVC_MERGE_WITH(ip_window, ip_limit_set);
    AUTHSVC_MERGE_FLAG(ip_limit_set);
    AUTHSVC_MERGE(use_database);
    AUTHSVC_MERGE(activity_record);
    AUTHSVC_MERGE(activity_retention);
    AUTHSVC_MERGE(activity_key);
    AUTHSVC_MERGE(social_providers);
    AUTHSVC_MERGE(link_protected_roles);
    c->mail = authsvc_config_mail_merge(p, base->mail, add->mail);
    c->saml = authsvc_saml_config_merge(p, base->saml, add->saml);
    c->gateway = authsvc_gateway_server_merge(p, base->gateway, add->gateway);
    return c;
}

void *authsvc_config_dir_merge(apr_pool_t *p, void *base_v, void *add_v)
{
    const authsvc_dir_config_t *base = base_v, *add = add_v;
    authsvc_dir_config_t *c = apr_pcalloc(p, sizeof(*c));

    AUTHSVC_MERGE(body_limit);
    AUTHSVC_MERGE(base_path);
    c->gateway = authsvc_gateway_dir_merge(p, base->gateway, add->gateway);
    return c;
}

authsvc_gateway_server_t *authsvc_gateway_server_create(apr_pool_t *p)
{
    return apr_pcalloc(p, sizeof(authsvc_gateway_server_t));
}

authsvc_gateway_server_t *authsvc_gateway_server_merge(apr_pool_t *p,
                                                       const authsvc_gateway_server_t *base,
                                                       const authsvc_gateway_server_t *add)
{
    authsvc_gateway_server_t *c = apr_pcalloc(p, sizeof(*c));

    AUTHSVC_MERGE(header_prefix);
    AUTHSVC_MERGE(cache_spec);
    AUTHSVC_MERGE(poll_interval);
    AUTHSVC_MERGE(revocation_slots);
    AUTHSVC_MERGE(jwks);
    AUTHSVC_MERGE(portal_path);
    AUTHSVC_MERGE(return_origins);
    AUTHSVC_MERGE(session_idle);
    AUTHSVC_MERGE(session_lifetime);
    AUTHSVC_MERGE_WITH(client_id, client_set);
    AUTHSVC_MERGE_WITH(client_secret, client_set);
    AUTHSVC_MERGE_FLAG(client_set);
    return c;
}

authsvc_gateway_dir_t *authsvc_gateway_dir_create(apr_pool_t *p)
{
    return apr_pcalloc(p, sizeof(authsvc_gateway_dir_t));
}

authsvc_gateway_dir_t *authsvc_gateway_dir_merge(apr_pool_t *p,
                                                 const authsvc_gateway_dir_t *base,
                                                 const authsvc_gateway_dir_t *add)
{
    authsvc_gateway_dir_t *c = apr_pcalloc(p, sizeof(*c));

    AUTHSVC_MERGE(mode);
    AUTHSVC_MERGE(audiences);
    AUTHSVC_MERGE(issuer);
    AUTHSVC_MERGE(user_claim);
    return c;
}

/* A record of its own for every vhost that has one: check_config completes each with
 * its own AuthsvcIssuer. */
authsvc_saml_config_t *authsvc_saml_config_merge(apr_pool_t *p,
                                                 const authsvc_saml_config_t *base,
                                                 const authsvc_saml_config_t *add)
{
    authsvc_saml_config_t *c;
    int i;

    if (!base && !add)
        return NULL;
    c = apr_pcalloc(p, sizeof(*c));
    if (!base || !add) {
        *c = base ? *base : *add;
        return c;
    }
    AUTHSVC_MERGE_PRESENT(entity_id);
    AUTHSVC_MERGE_PRESENT(key_pem);
    AUTHSVC_MERGE_PRESENT(cert_pem);
    AUTHSVC_MERGE_PRESENT(idp_metadata);
    AUTHSVC_MERGE_PRESENT(idp_entity_id);
    AUTHSVC_MERGE_PRESENT(name_id_format);
    AUTHSVC_MERGE_PRESENT(skew);
    AUTHSVC_MERGE_PRESENT(request_ttl);
    for (i = 0; i < AUTHSVC_SAML_ATTR_COUNT; i++)
        AUTHSVC_MERGE_PRESENT(attributes[i]);
    AUTHSVC_MERGE(idp_initiated);
    AUTHSVC_MERGE(link_by_email);
    AUTHSVC_MERGE(email_vouched);
    AUTHSVC_MERGE(update_profile);
    AUTHSVC_MERGE(post_binding);
    return c;
}
