/* Effective configuration values: the defaults applied to what directives set.
 * Pure (no httpd symbols), so flows and unit tests can use them. */
#include <apr_uri.h>

#include "authsvc_config.h"
#include "authsvc_limits.h"
#include "authsvc_password_policy.h"

int authsvc_config_access_ttl(const authsvc_server_config_t *c)
{
    return c->access_ttl_set ? c->access_ttl : AUTHSVC_ACCESS_TTL_DEFAULT;
}

int authsvc_config_refresh_ttl(const authsvc_server_config_t *c)
{
    return c->refresh_ttl_set ? c->refresh_ttl : AUTHSVC_REFRESH_TTL_DEFAULT;
}

int authsvc_config_auth_code_ttl(const authsvc_server_config_t *c)
{
    return c->auth_code_ttl_set ? c->auth_code_ttl : AUTHSVC_AUTH_CODE_TTL_DEFAULT;
}

int authsvc_config_leeway(const authsvc_server_config_t *c)
{
    return c->leeway_set ? c->leeway : AUTHSVC_LEEWAY_DEFAULT;
}

int authsvc_config_family_ttl(const authsvc_server_config_t *c)
{
    return c->family_ttl_set ? c->family_ttl : AUTHSVC_FAMILY_TTL_DEFAULT;
}

int authsvc_config_activity_record(const authsvc_server_config_t *c)
{
    return c->activity_record_set ? c->activity_record : 1;
}

int authsvc_config_activity_retention_days(const authsvc_server_config_t *c)
{
    return c->activity_retention_set ? c->activity_retention : 0;
}

apr_size_t authsvc_config_body_limit(const authsvc_dir_config_t *c)
{
    return c->body_limit_set ? c->body_limit : AUTHSVC_BODY_LIMIT_DEFAULT;
}

const char *authsvc_config_base_path(const authsvc_dir_config_t *c)
{
    return c->base_path_set ? c->base_path : "";
}

const authsvc_password_params_t *authsvc_config_password_params(
    const authsvc_server_config_t *c)
{
    return c->password_params_set ? &c->password_params : authsvc_password_params_default();
}

int authsvc_config_hash_concurrency(const authsvc_server_config_t *c)
{
    return c->hash_concurrency_set ? c->hash_concurrency : AUTHSVC_HASH_CONCURRENCY_DEFAULT;
}

unsigned authsvc_config_password_min_length(const authsvc_server_config_t *c)
{
    return c->password_min_length_set ? (unsigned)c->password_min_length
                                      : AUTHSVC_PASSWORD_POLICY_MIN_LENGTH;
}

authsvc_limit_t authsvc_config_account_lockout(const authsvc_server_config_t *c)
{
    authsvc_limit_t l = {AUTHSVC_LOCKOUT_FAILURES_DEFAULT, AUTHSVC_LOCKOUT_WAIT_DEFAULT,
                         AUTHSVC_LOCKOUT_MAX_WAIT_DEFAULT};

    if (c->lockout_set) {
        l.failures = c->lockout_failures;
        l.wait = c->lockout_wait;
        l.max_wait = c->lockout_max_wait;
    }
    return l;
}

authsvc_limit_t authsvc_config_ip_limit(const authsvc_server_config_t *c)
{
    authsvc_limit_t l = {AUTHSVC_IP_FAILURES_DEFAULT, AUTHSVC_IP_WINDOW_DEFAULT, 0};

    if (c->ip_limit_set) {
        l.failures = c->ip_failures;
        l.wait = c->ip_window;
    }
    return l;
}

int authsvc_config_mfa_client(const authsvc_server_config_t *c, const char *client_id)
{
    return c->mfa_clients && client_id
           && apr_hash_get(c->mfa_clients, client_id, APR_HASH_KEY_STRING) != NULL;
}

int authsvc_config_otp_ttl(const authsvc_server_config_t *c)
{
    return c->otp_ttl_set ? c->otp_ttl : AUTHSVC_OTP_TTL_DEFAULT;
}

int authsvc_config_mfa_tenant(const authsvc_server_config_t *c, const char *tenant_key)
{
    return c->mfa_tenants && tenant_key
           && apr_hash_get(c->mfa_tenants, tenant_key, APR_HASH_KEY_STRING) != NULL;
}

const char *authsvc_config_totp_issuer(const authsvc_server_config_t *c, apr_pool_t *p)
{
    apr_uri_t uri;

    if (c->totp_issuer_set)
        return c->totp_issuer;
    if (c->issuer && apr_uri_parse(p, c->issuer, &uri) == APR_SUCCESS && uri.hostname)
        return uri.hostname;
    return "mod_authsvc";
}
