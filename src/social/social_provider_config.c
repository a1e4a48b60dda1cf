/* AuthsvcSocialProvider NAME KEY VALUE...: providers as data. Each line sets one
 * property; check_config (configtest too) checks that every provider is complete. Keys follow the names
 * of OpenID Provider metadata where there is one (issuer, authorization_endpoint, ...). */
#include <stddef.h>
#include <string.h>

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <apr_escape.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_uri.h>

#include "authsvc_http_fetch.h"
#include "authsvc_httpd.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_social_config.h"
#include "authsvc_social_jwks.h"
#include "authsvc_social_provider.h"

APLOG_USE_MODULE(authsvc);

typedef const char *(*key_setter_t)(cmd_parms *cmd, authsvc_social_provider_t *p,
                                    apr_size_t offset, int argc, char *const argv[]);

typedef struct {
    const char *key;
    key_setter_t set;
    apr_size_t offset;
    int nargs; /* values after the key */
} provider_key_t;

#define FIELD(type, p, offset) ((type *)(void *)((char *)(p) + (offset)))

static const char *key_string(cmd_parms *cmd, authsvc_social_provider_t *p, apr_size_t offset,
                              int argc, char *const argv[])
{
    (void)argc;
    *FIELD(const char *, p, offset) = apr_pstrdup(cmd->pool, argv[0]);
    return NULL;
}

/* An absolute http(s) URL without fragment or credentials. */
static const char *key_url(cmd_parms *cmd, authsvc_social_provider_t *p, apr_size_t offset,
                           int argc, char *const argv[])
{
    apr_uri_t uri;

    if (apr_uri_parse(cmd->pool, argv[0], &uri) != APR_SUCCESS || !uri.scheme || !uri.hostname
        || (strcasecmp(uri.scheme, "https") != 0 && strcasecmp(uri.scheme, "http") != 0)
        || uri.fragment || uri.user || uri.password)
        return "must be an absolute http(s) URL without fragment or credentials";
    return key_string(cmd, p, offset, argc, argv);
}

static const char *key_flag(cmd_parms *cmd, authsvc_social_provider_t *p, apr_size_t offset,
                            int argc, char *const argv[])
{
    (void)cmd;
    (void)argc;
    if (strcasecmp(argv[0], "on") != 0 && strcasecmp(argv[0], "off") != 0)
        return "must be On or Off";
    *FIELD(int, p, offset) = strcasecmp(argv[0], "on") == 0;
    return NULL;
}

static const char *key_timeout(cmd_parms *cmd, authsvc_social_provider_t *p, apr_size_t offset,
                               int argc, char *const argv[])
{
    char *end;
    apr_int64_t v = apr_strtoi64(argv[0], &end, 10);

    (void)cmd;
    (void)argc;
    if (*argv[0] == '\0' || *end != '\0' || v < 1 || v > AUTHSVC_SOCIAL_TIMEOUT_MAX)
        return apr_psprintf(cmd->pool, "must be 1 to %d seconds", AUTHSVC_SOCIAL_TIMEOUT_MAX);
    *FIELD(int, p, offset) = (int)v;
    return NULL;
}

/* A secret read from a file (trailing newlines dropped), so it stays out of the config. */
static const char *key_secret_file(cmd_parms *cmd, authsvc_social_provider_t *p,
                                   apr_size_t offset, int argc, char *const argv[])
{
    const char *path = ap_server_root_relative(cmd->pool, argv[0]);
    apr_file_t *f;
    char buf[4097];
    apr_size_t len = sizeof(buf) - 1;

    (void)argc;
    if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS)
        return "cannot open the file";
    if (apr_file_read_full(f, buf, len, &len) != APR_SUCCESS && len == 0)
        return "cannot read the file";
    apr_file_close(f);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    if (len == 0 || len >= sizeof(buf) - 1)
        return "the file must hold one secret of at most 4096 bytes";
    *FIELD(const char *, p, offset) = apr_pstrmemdup(cmd->pool, buf, len);
    return NULL;
}

static const char *key_readable_file(cmd_parms *cmd, authsvc_social_provider_t *p,
                                     apr_size_t offset, int argc, char *const argv[])
{
    const char *path = ap_server_root_relative(cmd->pool, argv[0]);
    apr_finfo_t fi;

    (void)argc;
    if (!path || apr_stat(&fi, path, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS
        || fi.filetype != APR_REG)
        return "is not a readable file";
    *FIELD(const char *, p, offset) = path;
    return NULL;
}

/* Apple's ES256 key (a P-256 private key in PEM): checked here, so configtest fails. */
static const char *key_private_key(cmd_parms *cmd, authsvc_social_provider_t *p,
                                   apr_size_t offset, int argc, char *const argv[])
{
    const char *path = ap_server_root_relative(cmd->pool, argv[0]), *why = NULL;
    authsvc_key_t *key = NULL;

    (void)offset;
    (void)argc;
    if (!path || authsvc_key_load_pem_file(cmd->pool, path, &key, &why) != AUTHSVC_OK)
        return why ? why : "cannot load the key";
    if (key->alg != AUTHSVC_JWS_ES256 || !key->can_sign)
        return "must be an EC P-256 private key (ES256)";
    p->private_key = key;
    return NULL;
}

static const char *key_client_auth(cmd_parms *cmd, authsvc_social_provider_t *p,
                                   apr_size_t offset, int argc, char *const argv[])
{
    static const char *const names[] = {"client_secret_basic", "client_secret_post",
                                        "apple_es256"};
    int i;

    (void)cmd;
    (void)offset;
    (void)argc;
    for (i = 0; i < 3; i++)
        if (strcmp(argv[0], names[i]) == 0) {
            p->client_auth = (authsvc_social_client_auth_t)i;
            return NULL;
        }
    return "must be client_secret_basic, client_secret_post or apple_es256";
}

static const char *key_response_mode(cmd_parms *cmd, authsvc_social_provider_t *p,
                                     apr_size_t offset, int argc, char *const argv[])
{
    if (strcmp(argv[0], "form_post") != 0 && strcmp(argv[0], "query") != 0)
        return "must be query or form_post";
    return key_string(cmd, p, offset, argc, argv);
}

/* authorize_param NAME VALUE: sent as is with every authorization request. */
static const char *key_authorize_param(cmd_parms *cmd, authsvc_social_provider_t *p,
                                       apr_size_t offset, int argc, char *const argv[])
{
    (void)offset;
    (void)argc;
    if (!p->authorize_params)
        p->authorize_params = apr_array_make(cmd->pool, 2, sizeof(const char *));
    APR_ARRAY_PUSH(p->authorize_params,
                   const char *) = apr_pstrcat(cmd->pool,
                                               apr_pescape_urlencoded(cmd->pool, argv[0]), "=",
                                               apr_pescape_urlencoded(cmd->pool, argv[1]),
                                               NULL);
    return NULL;
}

/* signup TENANT_KEY ROLE_NAME: first logins create a user there (off by default). */
static const char *key_signup(cmd_parms *cmd, authsvc_social_provider_t *p, apr_size_t offset,
                              int argc, char *const argv[])
{
    (void)offset;
    (void)argc;
    p->signup_tenant = apr_pstrdup(cmd->pool, argv[0]);
    p->signup_role = apr_pstrdup(cmd->pool, argv[1]);
    return NULL;
}

#define OFF(field) offsetof(authsvc_social_provider_t, field)

static const provider_key_t provider_keys[] = {
    {"openid", key_flag, OFF(openid), 1},
    {"issuer", key_url, OFF(issuer), 1},
    {"authorization_endpoint", key_url, OFF(authorization_endpoint), 1},
    {"token_endpoint", key_url, OFF(token_endpoint), 1},
    {"userinfo_endpoint", key_url, OFF(userinfo_endpoint), 1},
    {"jwks_uri", key_url, OFF(jwks_uri), 1},
    {"revocation_endpoint", key_url, OFF(revocation_endpoint), 1},
    {"end_session_endpoint", key_url, OFF(end_session_endpoint), 1},
    {"redirect_uri", key_url, OFF(redirect_uri), 1},
    {"client_id", key_string, OFF(client_id), 1},
    {"client_secret_file", key_secret_file, OFF(client_secret), 1},
    {"token_endpoint_auth_method", key_client_auth, 0, 1},
    {"team_id", key_string, OFF(team_id), 1},
    {"key_id", key_string, OFF(key_id), 1},
    {"private_key_file", key_private_key, 0, 1},
    {"client_secret_audience", key_string, OFF(client_secret_audience), 1},
    {"scope", key_string, OFF(scope), 1},
    {"subject_claim", key_string, OFF(subject_claim), 1},
    {"response_mode", key_response_mode, OFF(response_mode), 1},
    {"authorize_param", key_authorize_param, 0, 2},
    {"userinfo_token_param", key_string, OFF(userinfo_token_param), 1},
    {"ca_file", key_readable_file, OFF(ca_file), 1},
    {"timeout", key_timeout, OFF(timeout), 1},
    {"pkce", key_flag, OFF(pkce), 1},
    {"link_verified_email", key_flag, OFF(link_verified_email), 1},
    {"update_profile", key_flag, OFF(update_profile), 1},
    {"signup", key_signup, 0, 2},
    {"keep_state_params", key_flag, OFF(keep_state_params), 1},
    {NULL, NULL, 0, 0}};

static authsvc_social_provider_t *provider_get(cmd_parms *cmd, const char *name)
{
    authsvc_server_config_t *c = ap_get_module_config(cmd->server->module_config,
                                                      &authsvc_module);
    authsvc_social_provider_t *p;

    if (!c->social_providers_set) {
        c->social_providers = apr_hash_make(cmd->pool);
        c->social_providers_set = 1;
    }
    p = apr_hash_get(c->social_providers, name, APR_HASH_KEY_STRING);
    if (!p) {
        p = apr_pcalloc(cmd->pool, sizeof(*p));
        p->name = apr_pstrdup(cmd->pool, name);
        p->openid = 1;
        p->pkce = 1;
        p->subject_claim = "sub";
        p->scope = "openid email profile";
        p->timeout = AUTHSVC_SOCIAL_TIMEOUT_DEFAULT;
        apr_hash_set(c->social_providers, p->name, APR_HASH_KEY_STRING, p);
    }
    return p;
}

const char *authsvc_cfg_social_provider(cmd_parms *cmd, void *dconf, int argc,
                                        char *const argv[])
{
    const provider_key_t *k;
    const char *err;

    (void)dconf;
    if (argc < 3)
        return apr_psprintf(cmd->pool, "%s NAME KEY VALUE...", cmd->cmd->name);
    if (!authsvc_social_provider_name_known(argv[0]))
        return apr_psprintf(cmd->pool,
                            "%s: unknown provider '%s' (google, azure, cognito, "
                            "keycloak, apple, facebook, instagram)",
                            cmd->cmd->name, argv[0]);
    for (k = provider_keys; k->key; k++)
        if (strcmp(k->key, argv[1]) == 0)
            break;
    if (!k->key)
        return apr_psprintf(cmd->pool, "%s %s: unknown key '%s'", cmd->cmd->name, argv[0],
                            argv[1]);
    if (argc - 2 != k->nargs)
        return apr_psprintf(cmd->pool, "%s %s %s takes %d value(s)", cmd->cmd->name, argv[0],
                            argv[1], k->nargs);
    err = k->set(cmd, provider_get(cmd, argv[0]), k->offset, argc - 2, argv + 2);
    return err ? apr_psprintf(cmd->pool, "%s %s %s: %s", cmd->cmd->name, argv[0], argv[1], err)
               : NULL;
}

/* check_config, so that configtest reports an incomplete provider too. */
int authsvc_social_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s)
{
    (void)pconf;
    (void)plog;
    for (; s; s = s->next) {
        authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
        apr_hash_index_t *hi;

        for (hi = c->social_providers ? apr_hash_first(ptemp, c->social_providers) : NULL; hi;
             hi = apr_hash_next(hi)) {
            const char *why = authsvc_social_provider_check(ptemp, apr_hash_this_val(hi));
            if (why) {
                ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, AUTHSVC_LOGNO(0801) "%s", why);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
        }
    }
    return OK;
}

int authsvc_social_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                               server_rec *s)
{
    server_rec *v;
    int any = 0;

    (void)pconf;
    (void)plog;
    (void)ptemp;
    for (v = s; v; v = v->next) {
        authsvc_server_config_t *c = ap_get_module_config(v->module_config, &authsvc_module);

        if (c->social_providers && apr_hash_count(c->social_providers) > 0)
            any = 1;
    }
    if (any && authsvc_http_global_init() != AUTHSVC_OK) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, AUTHSVC_LOGNO(0802) "libcurl cannot start");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

void authsvc_social_child_init(apr_pool_t *pchild, server_rec *s)
{
    for (; s; s = s->next) {
        authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
        apr_hash_index_t *hi;

        for (hi = c->social_providers ? apr_hash_first(pchild, c->social_providers) : NULL; hi;
             hi = apr_hash_next(hi)) {
            authsvc_social_provider_t *p = apr_hash_this_val(hi);
            if (p->openid && !p->jwks
                && authsvc_social_jwks_create(pchild, &p->jwks) != AUTHSVC_OK)
                ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                             AUTHSVC_LOGNO(0803) "provider %s: cannot make the JWKS cache",
                             p->name);
        }
    }
}
