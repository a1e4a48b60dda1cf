/* Configuration records, their merging, and the Authsvc* directives. */
#include <httpd.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include <http_log.h>

#include "authsvc_httpd.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"

APLOG_USE_MODULE(authsvc);

void *authsvc_config_server_create(apr_pool_t *p, server_rec *server)
{
    authsvc_server_config_t *c = apr_pcalloc(p, sizeof(*c));

    (void)server;
    c->use_database = 1;
    return c;
}

#define MERGE(field) \
    do { \
        c->field = add->field##_set ? add->field : base->field; \
        c->field##_set = add->field##_set || base->field##_set; \
    } while (0)

void *authsvc_config_server_merge(apr_pool_t *p, void *base_v, void *add_v)
{
    const authsvc_server_config_t *base = base_v, *add = add_v;
    authsvc_server_config_t *c = apr_pcalloc(p, sizeof(*c));

    MERGE(issuer);
    MERGE(access_ttl);
    MERGE(refresh_ttl);
    MERGE(auth_code_ttl);
    MERGE(use_database);
    return c;
}

void *authsvc_config_dir_create(apr_pool_t *p, char *dir)
{
    (void)dir;
    return apr_pcalloc(p, sizeof(authsvc_dir_config_t));
}

void *authsvc_config_dir_merge(apr_pool_t *p, void *base_v, void *add_v)
{
    const authsvc_dir_config_t *base = base_v, *add = add_v;
    authsvc_dir_config_t *c = apr_pcalloc(p, sizeof(*c));

    MERGE(body_limit);
    MERGE(base_path);
    return c;
}

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

apr_size_t authsvc_config_body_limit(const authsvc_dir_config_t *c)
{
    return c->body_limit_set ? c->body_limit : AUTHSVC_BODY_LIMIT_DEFAULT;
}

const char *authsvc_config_base_path(const authsvc_dir_config_t *c)
{
    return c->base_path_set ? c->base_path : "";
}

static authsvc_server_config_t *config_server(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &authsvc_module);
}

/* An absolute http(s) URL without query, fragment or trailing slash. */
static const char *set_issuer(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = config_server(cmd);
    apr_uri_t uri;
    char *url = apr_pstrdup(cmd->pool, arg);
    apr_size_t len = strlen(url);

    (void)dconf;
    if (apr_uri_parse(cmd->pool, url, &uri) != APR_SUCCESS || !uri.scheme || !uri.hostname
        || (strcasecmp(uri.scheme, "https") != 0 && strcasecmp(uri.scheme, "http") != 0)
        || uri.query || uri.fragment || uri.user || uri.password)
        return apr_psprintf(cmd->pool, "%s: '%s' is not an absolute http(s) URL without "
                            "query, fragment or credentials", cmd->cmd->name, arg);
    while (len > 0 && url[len - 1] == '/')
        url[--len] = '\0';
    c->issuer = url;
    c->issuer_set = 1;
    return NULL;
}

/* Parses a whole number in [min, max] or says why not. */
static const char *config_number(cmd_parms *cmd, const char *arg, long min, long max,
                                 long *out)
{
    char *end;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || v < min || v > max)
        return apr_psprintf(cmd->pool, "%s: '%s' must be a whole number from %ld to %ld",
                            cmd->cmd->name, arg, min, max);
    *out = (long)v;
    return NULL;
}

static const char *set_lifetime(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = config_server(cmd);
    long which = (long)(apr_uintptr_t)cmd->info, v = 0;
    static const long max[] = {AUTHSVC_ACCESS_TTL_MAX, AUTHSVC_REFRESH_TTL_MAX,
                               AUTHSVC_AUTH_CODE_TTL_MAX};
    const char *err = config_number(cmd, arg, 1, max[which], &v);

    (void)dconf;
    if (err)
        return err;
    if (which == 0) {
        c->access_ttl = (int)v;
        c->access_ttl_set = 1;
    }
    else if (which == 1) {
        c->refresh_ttl = (int)v;
        c->refresh_ttl_set = 1;
    }
    else {
        c->auth_code_ttl = (int)v;
        c->auth_code_ttl_set = 1;
    }
    return NULL;
}

static const char *set_use_database(cmd_parms *cmd, void *dconf, int flag)
{
    authsvc_server_config_t *c = config_server(cmd);

    (void)dconf;
    c->use_database = flag;
    c->use_database_set = 1;
    return NULL;
}

static const char *set_body_limit(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_dir_config_t *c = dconf;
    long v = 0;
    const char *err = config_number(cmd, arg, 1, AUTHSVC_BODY_LIMIT_MAX, &v);

    if (err)
        return err;
    c->body_limit = (apr_size_t)v;
    c->body_limit_set = 1;
    return NULL;
}

static const char *set_base_path(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_dir_config_t *c = dconf;
    char *path = apr_pstrdup(cmd->pool, arg);
    apr_size_t len = strlen(path);

    if (path[0] != '/' || strstr(path, "//") || strstr(path, "/.") || strchr(path, '{'))
        return apr_psprintf(cmd->pool, "%s: '%s' must be a plain absolute path",
                            cmd->cmd->name, arg);
    while (len > 0 && path[len - 1] == '/')
        path[--len] = '\0';
    c->base_path = path;
    c->base_path_set = 1;
    return NULL;
}

const command_rec authsvc_directives[] = {
    AP_INIT_TAKE1("AuthsvcIssuer", set_issuer, NULL, RSRC_CONF,
                  "External base URL of the service: the 'iss' of its tokens"),
    AP_INIT_TAKE1("AuthsvcAccessTokenLifetime", set_lifetime, (void *)0, RSRC_CONF,
                  "Default access-token lifetime in seconds (900)"),
    AP_INIT_TAKE1("AuthsvcRefreshTokenLifetime", set_lifetime, (void *)1, RSRC_CONF,
                  "Default refresh-token lifetime in seconds (86400)"),
    AP_INIT_TAKE1("AuthsvcAuthCodeLifetime", set_lifetime, (void *)2, RSRC_CONF,
                  "Default auth-code lifetime in seconds (180, at most 600)"),
    AP_INIT_FLAG("AuthsvcDatabase", set_use_database, NULL, RSRC_CONF,
                 "Register the service's SQL statements with this server's mod_dbd (On)"),
    AP_INIT_TAKE1("AuthsvcMaxBodySize", set_body_limit, NULL, RSRC_CONF | ACCESS_CONF,
                  "Largest request body accepted, in bytes (65536)"),
    AP_INIT_TAKE1("AuthsvcBasePath", set_base_path, NULL, ACCESS_CONF,
                  "URL prefix stripped before routing, e.g. /api"),
    {NULL}};

/* A vhost without AuthsvcIssuer gets one from its ServerName and port (never from
 * a request's Host header), with a warning. */
int authsvc_config_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                               server_rec *s)
{
    (void)plog;
    (void)ptemp;
    for (; s; s = s->next) {
        authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
        if (c->issuer_set)
            continue;
        c->issuer = s->port && s->port != 80
                        ? apr_psprintf(pconf, "http://%s:%u", s->server_hostname, s->port)
                        : apr_psprintf(pconf, "http://%s", s->server_hostname);
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                     AUTHSVC_LOGNO(0001) "AuthsvcIssuer not set; using %s", c->issuer);
    }
    return OK;
}
