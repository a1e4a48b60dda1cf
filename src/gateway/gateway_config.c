/* Gateway configuration: the records, their merging and the AuthsvcGateway* directive
 * handlers (listed in config.c's command table through AUTHSVC_GATEWAY_DIRECTIVES). */
#include <string.h>

#include <httpd.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include <http_config.h>

#include "authsvc_gateway.h"
#include "authsvc_http_fetch.h"
#include "authsvc_httpd.h"
#include "authsvc_json.h"
#include "authsvc_return_url.h"
#include "authsvc_revocation_set.h"

static authsvc_gateway_server_t *gateway_server(cmd_parms *cmd)
{
    authsvc_server_config_t *c = ap_get_module_config(cmd->server->module_config,
                                                      &authsvc_module);
    return c->gateway;
}

const char *authsvc_gateway_portal_path(const server_rec *s)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    const authsvc_gateway_server_t *g = c->gateway;

    return g->portal_path_set ? g->portal_path : AUTHSVC_GATEWAY_PORTAL_DEFAULT;
}

static authsvc_gateway_dir_t *gateway_dir(void *dconf)
{
    return ((authsvc_dir_config_t *)dconf)->gateway;
}

const char *authsvc_gateway_set_mode(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_dir_t *c = gateway_dir(dconf);

    if (strcasecmp(arg, "bearer") == 0)
        c->mode = AUTHSVC_GATEWAY_BEARER;
    else if (strcasecmp(arg, "browser") == 0)
        c->mode = AUTHSVC_GATEWAY_BROWSER;
    else if (strcasecmp(arg, "both") == 0)
        c->mode = AUTHSVC_GATEWAY_BOTH;
    else
        return apr_psprintf(cmd->pool, "%s: '%s' is not bearer, browser or both",
                            cmd->cmd->name, arg);
    c->mode_set = 1;
    return NULL;
}

/* Appends value to a NULL-terminated list of strings made on first use. */
static void gateway_list_append(apr_pool_t *p, apr_array_header_t **list, int *set,
                                const char *value)
{
    if (!*set) {
        *list = apr_array_make(p, 4, sizeof(const char *));
        APR_ARRAY_PUSH(*list, const char *) = NULL;
        *set = 1;
    }
    APR_ARRAY_IDX(*list, (*list)->nelts - 1, const char *) = apr_pstrdup(p, value);
    APR_ARRAY_PUSH(*list, const char *) = NULL;
}

/* Each argument adds one client id. */
const char *authsvc_gateway_set_audience(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_dir_t *c = gateway_dir(dconf);

    if (!*arg)
        return apr_psprintf(cmd->pool, "%s: empty client id", cmd->cmd->name);
    gateway_list_append(cmd->pool, &c->audiences, &c->audiences_set, arg);
    return NULL;
}

const char *authsvc_gateway_set_issuer(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_dir_t *c = gateway_dir(dconf);
    apr_uri_t uri;

    if (apr_uri_parse(cmd->pool, arg, &uri) != APR_SUCCESS || !uri.scheme || !uri.hostname
        || (strcasecmp(uri.scheme, "https") != 0 && strcasecmp(uri.scheme, "http") != 0))
        return apr_psprintf(cmd->pool, "%s: '%s' is not an absolute http(s) URL",
                            cmd->cmd->name, arg);
    /* compared exactly with the token's iss (T-10: a trailing slash is another issuer) */
    c->issuer = apr_pstrdup(cmd->pool, arg);
    c->issuer_set = 1;
    return NULL;
}

const char *authsvc_gateway_set_user_claim(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_dir_t *c = gateway_dir(dconf);

    c->user_claim = apr_pstrdup(cmd->pool, arg);
    c->user_claim_set = 1;
    return NULL;
}

/* A header-name token ending in '-', e.g. X-Authsvc-. */
const char *authsvc_gateway_set_header_prefix(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);
    apr_size_t len = strlen(arg);

    (void)dconf;
    if (len < 3 || len > 64 || arg[len - 1] != '-'
        || strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "abcdefghijklmnopqrstuvwxyz"
                       "0123456789-")
               != len)
        return apr_psprintf(cmd->pool,
                            "%s: '%s' must be letters, digits and '-', ending "
                            "in '-'",
                            cmd->cmd->name, arg);
    c->header_prefix = apr_pstrdup(cmd->pool, arg);
    c->header_prefix_set = 1;
    return NULL;
}

const char *authsvc_gateway_set_cache(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);

    (void)dconf;
    if (cmd->server->is_virtual)
        return apr_psprintf(cmd->pool, "%s: only in the main server configuration",
                            cmd->cmd->name);
    c->cache_spec = apr_pstrdup(cmd->pool, arg);
    c->cache_spec_set = 1;
    return NULL;
}

const char *authsvc_gateway_set_poll(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);
    long v = 0;
    const char *err = authsvc_config_number(cmd, arg, 1, AUTHSVC_GATEWAY_POLL_MAX, &v);

    (void)dconf;
    if (err)
        return err;
    c->poll_interval = (int)v;
    c->poll_interval_set = 1;
    return NULL;
}

/* AuthsvcGatewayRevocationSlots N: one set per node, so main server only. */
const char *authsvc_gateway_set_revocation_slots(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);
    long v = 0;
    const char *err;

    (void)dconf;
    if (cmd->server->is_virtual)
        return apr_psprintf(cmd->pool, "%s: only in the main server configuration",
                            cmd->cmd->name);
    err = authsvc_config_number(cmd, arg, AUTHSVC_REVOCATION_SLOTS_MIN,
                                AUTHSVC_REVOCATION_SLOTS_MAX, &v);
    if (err)
        return err;
    c->revocation_slots = (int)v;
    c->revocation_slots_set = 1;
    return NULL;
}

/* Reads a JWK Set file (at most AUTHSVC_KEY_PEM_BYTES_MAX) into text. */
static const char *gateway_read_small_file(cmd_parms *cmd, const char *path, char **text,
                                           apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;

    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS || fi.size <= 0
        || fi.size > AUTHSVC_KEY_PEM_BYTES_MAX)
        return "cannot read the file (or it is empty or over 64 KiB)";
    *len = (apr_size_t)fi.size;
    *text = apr_palloc(cmd->temp_pool, *len + 1);
    if (apr_file_read_full(f, *text, *len, len) != APR_SUCCESS)
        return "cannot read the file";
    (*text)[*len] = '\0';
    apr_file_close(f);
    return NULL;
}

/* The keys of a published JWK Set (text[0..len)) into the server's gateway ring.
 * Secrets ("oct") and private keys are refused. NULL, or why not (for configtest). */
static const char *gateway_jwks_load(cmd_parms *cmd, const char *arg, const char *text,
                                     apr_size_t len)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);
    const char *why = NULL;
    const cJSON *keys, *jwk;
    cJSON *set = NULL;

    if (authsvc_json_parse(cmd->pool, text, len, &set) != AUTHSVC_JSON_VALID
        || !cJSON_IsArray(keys = cJSON_GetObjectItemCaseSensitive(set, "keys"))
        || cJSON_GetArraySize(keys) == 0)
        return apr_psprintf(cmd->pool, "%s %s: not a JWK Set with keys", cmd->cmd->name, arg);
    c->jwks = authsvc_keyring_make(cmd->pool);
    c->jwks_set = 1;
    cJSON_ArrayForEach(jwk, keys)
    {
        authsvc_key_t *key = NULL;
        if (cJSON_GetObjectItemCaseSensitive(jwk, "d")
            || cJSON_GetObjectItemCaseSensitive(jwk, "k"))
            return apr_psprintf(cmd->pool,
                                "%s %s: private or secret keys do not belong in a "
                                "published key set",
                                cmd->cmd->name, arg);
        if (authsvc_key_from_jwk(cmd->pool, jwk, &key, &why) != AUTHSVC_OK)
            return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, arg,
                                why ? why : "unusable key");
        authsvc_keyring_add(c->jwks, key);
    }
    return NULL;
}

/* AuthsvcGatewayJWKSFile FILE: the public keys of the issuer (its /.well-known/jwks.json),
 * for a gateway without the signing keys. */
const char *authsvc_gateway_set_jwks_file(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *path = ap_server_root_relative(cmd->pool, arg), *why = NULL;
    char *text = NULL;
    apr_size_t len = 0;

    (void)dconf;
    if (!path || (why = gateway_read_small_file(cmd, path, &text, &len)))
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, arg,
                            why ? why : "bad path");
    return gateway_jwks_load(cmd, arg, text, len);
}

/* AuthsvcGatewayJWKSURL URL [CAFILE]: the same keys fetched from the issuer when httpd
 * reads its configuration (start, graceful restart, configtest): a gateway that cannot
 * fetch them does not start. Restart gateways after the issuer adds a key, before it
 * signs with it (the issuer keeps publishing retired keys, so nothing else is needed). */
const char *authsvc_gateway_set_jwks_url(cmd_parms *cmd, void *dconf, const char *url,
                                         const char *ca_file)
{
    authsvc_http_options_t options = {NULL, 10000, 256 * 1024};
    authsvc_http_response_t res;
    const char *why = NULL;

    (void)dconf;
    options.ca_file = ca_file ? ap_server_root_relative(cmd->pool, ca_file) : NULL;
    if (authsvc_http_global_init() != AUTHSVC_OK
        || authsvc_http_call(cmd->temp_pool, &options, "GET", url, NULL, NULL, &res, &why)
               != AUTHSVC_OK)
        return apr_psprintf(cmd->pool, "%s %s: cannot fetch the key set: %s", cmd->cmd->name,
                            url, why ? why : "no answer");
    if (res.status != 200)
        return apr_psprintf(cmd->pool, "%s %s: the issuer answered %ld", cmd->cmd->name, url,
                            res.status);
    return gateway_jwks_load(cmd, url, res.body, res.len);
}

/* AuthsvcGatewayClient ID [SECRET_FILE]: the login page calls the login flow as this
 * client; the secret is read now, so a missing file fails configtest. */
const char *authsvc_gateway_set_client(cmd_parms *cmd, void *dconf, const char *id,
                                       const char *secret_file)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);
    char *text = NULL;
    apr_size_t len = 0;
    const char *why;

    (void)dconf;
    c->client_id = apr_pstrdup(cmd->pool, id);
    c->client_secret = NULL;
    if (secret_file) {
        const char *path = ap_server_root_relative(cmd->pool, secret_file);
        if (!path || (why = gateway_read_small_file(cmd, path, &text, &len)))
            return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, secret_file,
                                path ? why : "bad path");
        while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
            text[--len] = '\0';
        c->client_secret = apr_pstrmemdup(cmd->pool, text, len);
    }
    c->client_set = 1;
    return NULL;
}

const char *authsvc_gateway_set_portal_path(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);
    apr_size_t len = strlen(arg);

    (void)dconf;
    if (arg[0] != '/' || len < 2 || arg[len - 1] == '/' || strstr(arg, "//")
        || strstr(arg, "/.")
        || strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./")
               != len)
        return apr_psprintf(cmd->pool, "%s: '%s' must be a plain absolute path", cmd->cmd->name,
                            arg);
    c->portal_path = apr_pstrdup(cmd->pool, arg);
    c->portal_path_set = 1;
    return NULL;
}

const char *authsvc_gateway_set_return_origin(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);
    const char *origin = authsvc_return_url_origin(cmd->pool, arg);

    (void)dconf;
    if (!origin || strlen(origin) != strlen(arg))
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not an origin (scheme://host[:port], "
                            "lower case, no path)",
                            cmd->cmd->name, arg);
    gateway_list_append(cmd->pool, &c->return_origins, &c->return_origins_set, origin);
    return NULL;
}

const char *authsvc_gateway_set_session_time(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_gateway_server_t *c = gateway_server(cmd);
    long v = 0;
    const char *err = authsvc_config_number(cmd, arg, 60, AUTHSVC_GATEWAY_REMEMBER_LIFETIME,
                                            &v);

    (void)dconf;
    if (err)
        return err;
    if (cmd->info == NULL) {
        c->session_idle = (int)v;
        c->session_idle_set = 1;
    } else {
        c->session_lifetime = (int)v;
        c->session_lifetime_set = 1;
    }
    return NULL;
}
