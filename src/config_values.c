/* Effective configuration values: the defaults applied to what directives set.
 * Pure (no httpd symbols), so flows and unit tests can use them. */
#include "authsvc_config.h"
#include "authsvc_limits.h"

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
