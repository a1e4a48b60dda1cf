/* Configuration records, their merging, and the Authsvc* directives. */
#include <string.h>

#include <httpd.h>
#include <ap_listen.h>
#include <apr_file_io.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include <http_core.h>
#include <http_log.h>
#include <openssl/crypto.h>

#include "authsvc_column_crypt.h"
#include "authsvc_config_mfa.h"
#include "authsvc_config_mail.h"
#include "authsvc_config_password.h"
#include "authsvc_social_config.h"
#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_keys.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_page_templates.h"
#include "authsvc_saml_config.h"
#include "authsvc_version.h"

APLOG_USE_MODULE(authsvc);

void *authsvc_config_server_create(apr_pool_t *p, server_rec *server)
{
    authsvc_server_config_t *c = apr_pcalloc(p, sizeof(*c));

    (void)server;
    c->use_database = 1;
    c->mail = authsvc_config_mail_create(p);
    c->gateway = authsvc_gateway_server_create(p);
    return c;
}

void *authsvc_config_dir_create(apr_pool_t *p, char *dir)
{
    authsvc_dir_config_t *c = apr_pcalloc(p, sizeof(*c));

    (void)dir;
    c->gateway = authsvc_gateway_dir_create(p);
    return c;
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
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not an absolute http(s) URL without "
                            "query, fragment or credentials",
                            cmd->cmd->name, arg);
    while (len > 0 && url[len - 1] == '/')
        url[--len] = '\0';
    c->issuer = url;
    c->issuer_set = 1;
    return NULL;
}

static const char *set_lifetime(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = config_server(cmd);
    long which = (long)(apr_uintptr_t)cmd->info, v = 0;
    static const long max[] = {AUTHSVC_ACCESS_TTL_MAX, AUTHSVC_REFRESH_TTL_MAX,
                               AUTHSVC_AUTH_CODE_TTL_MAX};
    const char *err = authsvc_config_number(cmd, arg, 1, max[which], &v);

    (void)dconf;
    if (err)
        return err;
    if (which == 0) {
        c->access_ttl = (int)v;
        c->access_ttl_set = 1;
    } else if (which == 1) {
        c->refresh_ttl = (int)v;
        c->refresh_ttl_set = 1;
    } else {
        c->auth_code_ttl = (int)v;
        c->auth_code_ttl_set = 1;
    }
    return NULL;
}

/* The vhost's key ring, made on first use (keys of the main server are not merged in
 * once a vhost names keys of its own). */
static authsvc_keyring_t *config_keyring(cmd_parms *cmd)
{
    authsvc_server_config_t *c = config_server(cmd);

    if (!c->keyring_set) {
        c->keyring = authsvc_keyring_make(cmd->pool);
        c->keyring_set = 1;
    }
    return c->keyring;
}

/* AuthsvcSigningKey FILE: PEM key; the first one signs, the others verify and are
 * published (rotation). Weak keys fail here, so configtest reports them. */
static const char *set_signing_key(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *path = ap_server_root_relative(cmd->pool, arg), *why = NULL;
    authsvc_key_t *key = NULL;

    (void)dconf;
    if (!path || authsvc_key_load_pem_file(cmd->pool, path, &key, &why) != AUTHSVC_OK)
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, arg,
                            why ? why : "cannot load the key");
    authsvc_keyring_add(config_keyring(cmd), key);
    return NULL;
}

/* The bytes of a secret file, in cmd->temp_pool (the caller wipes them); a reason when
 * the file cannot be read or is too large to hold an HS256 secret. */
static const char *config_read_secret(cmd_parms *cmd, const char *arg, unsigned char **data,
                                      apr_size_t *len)
{
    const char *path = ap_server_root_relative(cmd->temp_pool, arg);
    apr_file_t *f;
    apr_finfo_t fi;

    *data = NULL;
    *len = 0;
    if (!path
        || apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, cmd->temp_pool)
               != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS)
        return "cannot read the secret file";
    if (fi.size > AUTHSVC_KEY_SECRET_BYTES_MAX + 2) /* room for a final CR LF */
        return apr_psprintf(cmd->temp_pool,
                            "the secret file has %" APR_OFF_T_FMT " bytes; an "
                            "HS256 secret has at most %d",
                            fi.size, AUTHSVC_KEY_SECRET_BYTES_MAX);
    *data = apr_palloc(cmd->temp_pool, (apr_size_t)fi.size + 1);
    (void)apr_file_read_full(f, *data, (apr_size_t)fi.size, len);
    apr_file_close(f);
    if (*len != (apr_size_t)fi.size) {
        OPENSSL_cleanse(*data, *len);
        *data = NULL;
        return "cannot read the secret file";
    }
    return NULL;
}

/* AuthsvcSigningSecretFile FILE: an HS256 secret (at least 32 bytes), for services that
 * verify with a shared secret. Never published. A final newline is not part of it. */
static const char *set_signing_secret(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_status_t st = AUTHSVC_INVALID;
    authsvc_key_t *key = NULL;
    unsigned char *data;
    apr_size_t len, used;
    const char *why = config_read_secret(cmd, arg, &data, &len);

    (void)dconf;
    if (!why) {
        used = len;
        while (used > 0 && (data[used - 1] == '\n' || data[used - 1] == '\r'))
            used--;
        st = authsvc_key_from_secret(cmd->pool, data, used, &key, &why);
        OPENSSL_cleanse(data, len); /* the key keeps a copy of its own, wiped with pconf */
    }
    if (st != AUTHSVC_OK)
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, arg,
                            why ? why : "unusable secret");
    authsvc_keyring_add(config_keyring(cmd), key);
    return NULL;
}

static const char *set_seconds(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = config_server(cmd);
    int leeway = cmd->info == NULL;
    long v = 0;
    const char *err = authsvc_config_number(cmd, arg, leeway ? 0 : 3600,
                                            leeway ? AUTHSVC_LEEWAY_MAX : 365L * 86400, &v);

    (void)dconf;
    if (err)
        return err;
    if (leeway) {
        c->leeway = (int)v;
        c->leeway_set = 1;
    } else {
        c->family_ttl = (int)v;
        c->family_ttl_set = 1;
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

/* AuthsvcLoginActivity On|Off, AuthsvcLoginActivityRetention DAYS */
static const char *set_activity_record(cmd_parms *cmd, void *dconf, int flag)
{
    authsvc_server_config_t *c = config_server(cmd);

    (void)dconf;
    c->activity_record = flag;
    c->activity_record_set = 1;
    return NULL;
}

static const char *set_activity_retention(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = config_server(cmd);
    long v = 0;
    const char *err = authsvc_config_number(cmd, arg, 0, 36500, &v);

    (void)dconf;
    if (err)
        return err;
    c->activity_retention = (int)v;
    c->activity_retention_set = 1;
    return NULL;
}

/* AuthsvcLoginActivityKeyFile FILE: AES-256-GCM key of the token_payload column. */
static const char *set_activity_key(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = config_server(cmd);
    const char *path = ap_server_root_relative(cmd->pool, arg), *why = NULL;

    (void)dconf;
    if (!path || authsvc_column_key_load(cmd->pool, path, &c->activity_key, &why) != AUTHSVC_OK)
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, arg,
                            why ? why : "cannot read the key");
    c->activity_key_set = 1;
    return NULL;
}

/* AuthsvcLinkProtectedRoles ROLE...: accounts holding one of these roles (by name, in
 * any tenant) are never linked to an external identity by e-mail. */
static const char *set_link_protected_roles(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = config_server(cmd);
    const char *p;

    (void)dconf;
    for (p = arg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            break;
    if (!*arg || *p || strlen(arg) > AUTHSVC_NAME_LENGTH_MAX)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a role name", cmd->cmd->name, arg);
    if (!c->link_protected_roles_set) {
        c->link_protected_roles = apr_hash_make(cmd->pool);
        c->link_protected_roles_set = 1;
    }
    apr_hash_set(c->link_protected_roles, apr_pstrdup(cmd->pool, arg), APR_HASH_KEY_STRING, "");
    return NULL;
}

static const char *set_body_limit(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_dir_config_t *c = dconf;
    long v = 0;
    const char *err = authsvc_config_number(cmd, arg, 1, AUTHSVC_BODY_LIMIT_MAX, &v);

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
        return apr_psprintf(cmd->pool, "%s: '%s' must be a plain absolute path", cmd->cmd->name,
                            arg);
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
                  "Default auth-code lifetime in seconds (60, at most 600)"),
    AP_INIT_ITERATE("AuthsvcSigningKey", set_signing_key, NULL, RSRC_CONF,
                    "PEM key files (RSA >= 2048 bits, EC P-256, Ed25519): the first signs"),
    AP_INIT_TAKE1("AuthsvcSigningSecretFile", set_signing_secret, NULL, RSRC_CONF,
                  "File holding an HS256 secret of at least 32 bytes"),
    AP_INIT_TAKE1("AuthsvcTokenLeeway", set_seconds, NULL, RSRC_CONF,
                  "Clock skew accepted on exp/nbf/iat, seconds (60)"),
    AP_INIT_TAKE1("AuthsvcRefreshFamilyLifetime", set_seconds, (void *)1, RSRC_CONF,
                  "Absolute lifetime of a login session across refreshes, seconds (30 days)"),
    AP_INIT_FLAG("AuthsvcDatabase", set_use_database, NULL, RSRC_CONF,
                 "Register the service's SQL statements with this server's mod_dbd (On)"),
    AP_INIT_FLAG("AuthsvcLoginActivity", set_activity_record, NULL, RSRC_CONF,
                 "Record logins, refreshes, logouts and failed logins (On)"),
    AP_INIT_TAKE1("AuthsvcLoginActivityRetention", set_activity_retention, NULL, RSRC_CONF,
                  "Days login activity is kept, 0 for ever (0)"),
    AP_INIT_TAKE1("AuthsvcLoginActivityKeyFile", set_activity_key, NULL, RSRC_CONF,
                  "32-byte key (raw or 64 hex digits) encrypting the token payload column"),
    AP_INIT_ITERATE("AuthsvcLinkProtectedRoles", set_link_protected_roles, NULL, RSRC_CONF,
                    "Roles whose accounts are never linked to an external identity by "
                    "e-mail (every role that grants a permission)"),
    AP_INIT_TAKE1("AuthsvcMaxBodySize", set_body_limit, NULL, RSRC_CONF | ACCESS_CONF,
                  "Largest request body accepted, in bytes (65536)"),
    AP_INIT_TAKE1("AuthsvcBasePath", set_base_path, NULL, ACCESS_CONF,
                  "URL prefix stripped before routing, e.g. /api"),
    AUTHSVC_PASSWORD_DIRECTIVES,
    AUTHSVC_MFA_DIRECTIVES,
    AUTHSVC_SOCIAL_DIRECTIVES,
    AUTHSVC_MAIL_DIRECTIVES,
    AUTHSVC_SAML_DIRECTIVES,
    AUTHSVC_GATEWAY_DIRECTIVES,
    AUTHSVC_PAGE_DIRECTIVES,
    {0}};

/* The one port in ports[0..n) (0 = any), or 0 when there is none or several. */
static apr_port_t config_single_port(const apr_port_t *ports, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (!ports[i] || ports[i] != ports[0])
            return 0;
    return n ? ports[0] : 0;
}

/* The port a default issuer names: ServerName's; else the one port the server is
 * reached on (a vhost's own addresses; for the main server, every Listen); else 0. */
static apr_port_t config_issuer_port(apr_pool_t *p, const server_rec *s)
{
    apr_array_header_t *ports = apr_array_make(p, 4, sizeof(apr_port_t));
    const server_addr_rec *a;
    const ap_listen_rec *l;

    if (s->port)
        return s->port;
    if (s->is_virtual)
        for (a = s->addrs; a; a = a->next)
            APR_ARRAY_PUSH(ports, apr_port_t) = a->host_port;
    else
        for (l = ap_listeners; l; l = l->next)
            APR_ARRAY_PUSH(ports, apr_port_t) = l->bind_addr ? l->bind_addr->port : 0;
    return config_single_port((const apr_port_t *)ports->elts, ports->nelts);
}

/* A vhost without AuthsvcIssuer gets one from its ServerName (scheme, host, port) and
 * the port it listens on (never from a request's Host header); README "Configuration". */
static const char *config_default_issuer(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    const char *scheme = s->server_scheme ? s->server_scheme : "http";
    apr_port_t port = config_issuer_port(ptemp, s);
    int https = strcmp(scheme, "https") == 0;

    if (!port)
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            AUTHSVC_LOGNO(
                2201) "AuthsvcIssuer not "
                      "set, and neither ServerName nor the addresses of this server name one "
                      "port: the issuer %s://%s names none; set AuthsvcIssuer",
            scheme, s->server_hostname);
    if (!port || port == (https ? 443 : 80))
        return apr_psprintf(pconf, "%s://%s", scheme, s->server_hostname);
    return apr_psprintf(pconf, "%s://%s:%u", scheme, s->server_hostname, (unsigned)port);
}

/* The release, logged once per start or restart into the error log (post_config: the
 * log is open then; not in the first of httpd's two configuration passes at start-up). */
int authsvc_config_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                               server_rec *s)
{
    (void)pconf;
    (void)plog;
    (void)ptemp;
    if (ap_state_query(AP_SQ_MAIN_STATE) != AP_SQ_MS_CREATE_PRE_CONFIG)
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     AUTHSVC_LOGNO(2301) "mod_authsvc %s loaded", AUTHSVC_VERSION);
    return OK;
}

/* With the sign-in pages on this server (an AuthsvcGatewayClient) and no link set, the
 * mails' reset and invite links open those pages (<portal>/reset, <portal>/signup) on
 * the issuer, instead of the issuer's /reset-password and /sign-up, which nothing
 * serves unless a client application does (README, "Sign-in pages"). */
static void config_default_links(apr_pool_t *pconf, server_rec *s, authsvc_server_config_t *c)
{
    const authsvc_gateway_server_t *g = c->gateway;
    const char *pages;
    authsvc_mail_config_t *m;

    if (!g || !g->client_set || !c->mail
        || (c->mail->reset_link_set && c->mail->invite_link_set))
        return;
    pages = apr_pstrcat(pconf, c->issuer, authsvc_gateway_portal_path(s), NULL);
    m = apr_pmemdup(pconf, c->mail, sizeof(*m)); /* the record may be shared */
    if (!m->reset_link_set) {
        m->reset_link = apr_pstrcat(pconf, pages, "/reset", NULL);
        m->reset_link_set = 1;
    }
    if (!m->invite_link_set) {
        m->invite_link = apr_pstrcat(pconf, pages, "/signup", NULL);
        m->invite_link_set = 1;
    }
    c->mail = m;
}

/* A vhost without an Authsvc* directive of its own shares the main server's record
 * (httpd merges none for it), and so its issuer: the first server to use a record,
 * the main server, names the issuer, and no later vhost may overwrite it. */
int authsvc_config_complete(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    apr_hash_t *seen = apr_hash_make(ptemp);
    server_rec *first = s;

    (void)plog;
    for (; s; s = s->next) {
        authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
        if (c->issuer_set || apr_hash_get(seen, &c, sizeof(c)))
            continue;
        apr_hash_set(seen, apr_pmemdup(ptemp, &c, sizeof(c)), sizeof(c), c);
        c->issuer = config_default_issuer(pconf, ptemp, s);
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                     AUTHSVC_LOGNO(0001) "AuthsvcIssuer not set; using %s", c->issuer);
    }
    for (; first; first = first->next)
        config_default_links(pconf, first,
                             ap_get_module_config(first->module_config, &authsvc_module));
    return OK;
}
