/* SAML service-provider directives and their completion in check_config (see
 * authsvc_saml_config.h). Files are read and checked here, at configuration time, so
 * `apachectl configtest` reports a weak key, a certificate of another key or IdP
 * metadata without an entity id. */
#include <string.h>

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "authsvc_httpd.h"
#include "authsvc_keys.h"
#include "authsvc_log.h"
#include "authsvc_saml_config.h"
#include "authsvc_saml_sp.h"

APLOG_USE_MODULE(authsvc);

#define SAML_FILE_BYTES_MAX (1024 * 1024)
#define SAML_SKEW_MAX 600
#define SAML_REQUEST_TTL_MAX 3600
#define NS_MD "urn:oasis:names:tc:SAML:2.0:metadata"
#define FORMAT_PERSISTENT "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"

static const char *const attribute_names[AUTHSVC_SAML_ATTR_COUNT] = {
    [AUTHSVC_SAML_ATTR_EMAIL] = "email",
    [AUTHSVC_SAML_ATTR_FIRST_NAME] = "firstName",
    [AUTHSVC_SAML_ATTR_LAST_NAME] = "lastName",
    [AUTHSVC_SAML_ATTR_GROUPS] = "groups"};

static const struct {
    const char *name, *uri;
} name_id_formats[] = {{"persistent", FORMAT_PERSISTENT},
                       {"transient", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"},
                       {"email", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"},
                       {"unspecified",
                        "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"}};

static authsvc_saml_config_t *saml_config(cmd_parms *cmd)
{
    authsvc_server_config_t *c = ap_get_module_config(cmd->server->module_config,
                                                      &authsvc_module);

    if (!c->saml)
        c->saml = apr_pcalloc(cmd->pool, sizeof(authsvc_saml_config_t));
    return c->saml;
}

/* The whole file as text (at most SAML_FILE_BYTES_MAX), or an error message. */
static const char *read_text(cmd_parms *cmd, const char *arg, const char **text)
{
    const char *path = ap_server_root_relative(cmd->temp_pool, arg);
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len;
    char *data;

    if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS
        || fi.size > SAML_FILE_BYTES_MAX)
        return apr_psprintf(cmd->pool, "%s: cannot read %s (or it is over %d bytes)",
                            cmd->cmd->name, arg, SAML_FILE_BYTES_MAX);
    len = (apr_size_t)fi.size;
    data = apr_palloc(cmd->pool, len + 1);
    if (apr_file_read_full(f, data, len, &len) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: cannot read %s", cmd->cmd->name, arg);
    apr_file_close(f);
    data[len] = '\0';
    *text = data;
    return NULL;
}

const char *authsvc_saml_cfg_entity_id(cmd_parms *cmd, void *dconf, const char *arg)
{
    (void)dconf;
    if (!*arg || strlen(arg) > 1024 || strchr(arg, '"') || strchr(arg, '<'))
        return apr_psprintf(cmd->pool, "%s: '%s' is not a usable entity id", cmd->cmd->name,
                            arg);
    saml_config(cmd)->entity_id = arg;
    return NULL;
}

/* AuthsvcSamlSigningKey KEY CERT: an RSA key of at least 2048 bits, and a certificate
 * of that very key. */
const char *authsvc_saml_cfg_key(cmd_parms *cmd, void *dconf, const char *key_file,
                                 const char *cert_file)
{
    authsvc_saml_config_t *c = saml_config(cmd);
    const char *err, *why = NULL;
    authsvc_key_t *key = NULL, *cert = NULL;

    (void)dconf;
    if ((err = read_text(cmd, key_file, &c->key_pem))
        || (err = read_text(cmd, cert_file, &c->cert_pem)))
        return err;
    if (authsvc_key_from_pem(cmd->temp_pool, c->key_pem, strlen(c->key_pem), &key, &why)
            != AUTHSVC_OK
        || !key->can_sign || key->alg != AUTHSVC_JWS_RS256)
        return apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, key_file,
                            why ? why : "not an RSA private key");
    if (!strstr(c->cert_pem, "-----BEGIN CERTIFICATE-----")
        || authsvc_key_from_pem(cmd->temp_pool, c->cert_pem, strlen(c->cert_pem), &cert, &why)
               != AUTHSVC_OK
        || EVP_PKEY_eq(key->pkey, cert->pkey) != 1)
        return apr_psprintf(cmd->pool, "%s %s: not a certificate of the key %s", cmd->cmd->name,
                            cert_file, key_file);
    return NULL;
}

/* The entityID of an EntityDescriptor that has an IDPSSODescriptor, or NULL. */
static const char *idp_entity_id(apr_pool_t *p, const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL, n;
    xmlChar *id = NULL;
    const char *out = NULL;

    if (root && root->ns && strcmp((const char *)root->ns->href, NS_MD) == 0
        && strcmp((const char *)root->name, "EntityDescriptor") == 0)
        for (n = root->children; n && !id; n = n->next)
            if (n->type == XML_ELEMENT_NODE
                && strcmp((const char *)n->name, "IDPSSODescriptor") == 0)
                id = xmlGetNoNsProp(root, (const xmlChar *)"entityID");
    if (id && *id)
        out = apr_pstrdup(p, (const char *)id);
    xmlFree(id);
    xmlFreeDoc(doc);
    return out;
}

const char *authsvc_saml_cfg_idp_metadata(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_saml_config_t *c = saml_config(cmd);
    const char *err = read_text(cmd, arg, &c->idp_metadata);

    (void)dconf;
    if (err)
        return err;
    c->idp_entity_id = idp_entity_id(cmd->pool, c->idp_metadata);
    if (!c->idp_entity_id)
        return apr_psprintf(cmd->pool,
                            "%s %s: not one md:EntityDescriptor with an entityID "
                            "and an IDPSSODescriptor",
                            cmd->cmd->name, arg);
    return NULL;
}

const char *authsvc_saml_cfg_attribute(cmd_parms *cmd, void *dconf, const char *what,
                                       const char *name)
{
    int i;

    (void)dconf;
    for (i = 0; i < AUTHSVC_SAML_ATTR_COUNT; i++)
        if (strcmp(what, attribute_names[i]) == 0) {
            saml_config(cmd)->attributes[i] = name;
            return NULL;
        }
    return apr_psprintf(cmd->pool, "%s: '%s' is not one of email, firstName, lastName, groups",
                        cmd->cmd->name, what);
}

const char *authsvc_saml_cfg_name_id_format(cmd_parms *cmd, void *dconf, const char *arg)
{
    apr_size_t i;

    (void)dconf;
    for (i = 0; i < sizeof(name_id_formats) / sizeof(name_id_formats[0]); i++)
        if (strcmp(arg, name_id_formats[i].name) == 0) {
            saml_config(cmd)->name_id_format = name_id_formats[i].uri;
            return NULL;
        }
    return apr_psprintf(cmd->pool,
                        "%s: '%s' is not persistent, transient, email or "
                        "unspecified",
                        cmd->cmd->name, arg);
}

const char *authsvc_saml_cfg_flag(cmd_parms *cmd, void *dconf, int flag)
{
    authsvc_saml_config_t *c = saml_config(cmd);
    int *value = NULL, *set = NULL;

    (void)dconf;
    switch ((authsvc_saml_flag_t)(apr_uintptr_t)cmd->info) {
    case AUTHSVC_SAML_FLAG_IDP_INITIATED:
        value = &c->idp_initiated;
        set = &c->idp_initiated_set;
        break;
    case AUTHSVC_SAML_FLAG_LINK_BY_EMAIL:
        value = &c->link_by_email;
        set = &c->link_by_email_set;
        break;
    case AUTHSVC_SAML_FLAG_EMAIL_VOUCHED:
        value = &c->email_vouched;
        set = &c->email_vouched_set;
        break;
    case AUTHSVC_SAML_FLAG_UPDATE_PROFILE:
        value = &c->update_profile;
        set = &c->update_profile_set;
        break;
    }
    if (!value)
        return apr_psprintf(cmd->pool, "%s: unknown flag", cmd->cmd->name);
    *value = flag;
    *set = 1;
    return NULL;
}

const char *authsvc_saml_cfg_seconds(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_saml_config_t *c = saml_config(cmd);
    int skew = cmd->info == NULL;
    long min = skew ? 0 : 30, max = skew ? SAML_SKEW_MAX : SAML_REQUEST_TTL_MAX;
    char *end;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);

    (void)dconf;
    if (*arg == '\0' || *end != '\0' || v < min || v > max)
        return apr_psprintf(cmd->pool, "%s: '%s' must be a whole number from %ld to %ld",
                            cmd->cmd->name, arg, min, max);
    if (skew)
        c->skew = (int)v + 1;
    else
        c->request_ttl = (int)v;
    return NULL;
}

const char *authsvc_saml_cfg_binding(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_saml_config_t *c = saml_config(cmd);

    (void)dconf;
    if (strcmp(arg, "redirect") != 0 && strcmp(arg, "post") != 0)
        return apr_psprintf(cmd->pool, "%s: '%s' is not redirect or post", cmd->cmd->name, arg);
    c->post_binding = strcmp(arg, "post") == 0;
    c->post_binding_set = 1;
    return NULL;
}

/* lasso_init() once per process: check_config runs twice at start-up and again on
 * every restart, and children inherit the parent's initialisation. */
static int saml_process_init(server_rec *s)
{
    static const char key[] = "authsvc_saml_lasso_init";
    void *done = NULL;

    apr_pool_userdata_get(&done, key, s->process->pool);
    if (done)
        return OK;
    if (authsvc_saml_sp_process_init() != AUTHSVC_OK) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, AUTHSVC_LOGNO(1901) "lasso_init() failed");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_userdata_set((const void *)1, key, apr_pool_cleanup_null, s->process->pool);
    return OK;
}

/* Entity id, ACS URL and metadata from AuthsvcIssuer, then a trial Lasso server. */
static int saml_complete(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s,
                         authsvc_server_config_t *sc)
{
    authsvc_saml_config_t *c = sc->saml;
    authsvc_saml_sp_t *sp = NULL;
    const char *why = NULL;

    if (!c->entity_id)
        c->entity_id = apr_pstrcat(pconf, sc->issuer, "/auth/saml/metadata", NULL);
    if (!c->name_id_format)
        c->name_id_format = FORMAT_PERSISTENT;
    c->acs_url = apr_pstrcat(pconf, sc->issuer, "/auth/saml-redirect", NULL);
    c->metadata_xml = authsvc_saml_sp_metadata(pconf, c);
    if (authsvc_saml_sp_open(ptemp, c, &sp, &why) != AUTHSVC_OK) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, AUTHSVC_LOGNO(1902) "SAML: %s", why);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

int authsvc_saml_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                              server_rec *s)
{
    int rc = OK;

    (void)plog;
    for (; s && rc == OK; s = s->next) {
        authsvc_server_config_t *sc = ap_get_module_config(s->module_config, &authsvc_module);
        authsvc_saml_config_t *c = sc->saml;

        if (!c || !(c->key_pem || c->idp_metadata))
            continue;
        if (!c->key_pem || !c->idp_metadata) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         AUTHSVC_LOGNO(
                             1903) "SAML needs both "
                                   "AuthsvcSamlSigningKey and AuthsvcSamlIdpMetadata");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        rc = saml_process_init(s);
        if (rc == OK)
            rc = saml_complete(pconf, ptemp, s, sc);
    }
    return rc;
}
