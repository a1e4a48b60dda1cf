/* SAML service-provider directives (saml_config.c); config.c puts
 * AUTHSVC_SAML_DIRECTIVES in the module's table and merges through
 * authsvc_saml_config_merge. Everything is read at configuration time; afterwards the
 * record is read-only. */
#ifndef AUTHSVC_SAML_CONFIG_H
#define AUTHSVC_SAML_CONFIG_H

#include <httpd.h>
#include <http_config.h>

/* Attributes the service maps, by what they mean. */
typedef enum {
    AUTHSVC_SAML_ATTR_EMAIL,
    AUTHSVC_SAML_ATTR_FIRST_NAME,
    AUTHSVC_SAML_ATTR_LAST_NAME,
    AUTHSVC_SAML_ATTR_GROUPS,
    AUTHSVC_SAML_ATTR_COUNT
} authsvc_saml_attr_t;

typedef struct authsvc_saml_config {
    const char *entity_id; /* AuthsvcSamlEntityId; default ISSUER/auth/saml/metadata */
    const char *key_pem;   /* AuthsvcSamlSigningKey KEY CERT: PEM text */
    const char *cert_pem;
    const char *idp_metadata;  /* AuthsvcSamlIdpMetadata FILE: the XML text */
    const char *idp_entity_id; /* its entityID */
    const char *attributes[AUTHSVC_SAML_ATTR_COUNT]; /* AuthsvcSamlAttribute WHAT NAME */
    const char *name_id_format; /* AuthsvcSamlNameIdFormat: a SAML format URI */
    int idp_initiated;          /* AuthsvcSamlIdpInitiated On|Off (Off) */
    int idp_initiated_set;
    int skew;          /* AuthsvcSamlClockSkew, seconds (60) */
    int request_ttl;   /* AuthsvcSamlRequestLifetime, seconds (300) */
    int link_by_email; /* AuthsvcSamlLinkByEmail On|Off (Off) */
    int link_by_email_set;
    int email_vouched; /* AuthsvcSamlIdpVouchesEmail On|Off (Off) */
    int email_vouched_set;
    int update_profile; /* AuthsvcSamlUpdateProfile On|Off (Off) */
    int update_profile_set;
    int post_binding; /* AuthsvcSamlBinding redirect|post (redirect) */
    int post_binding_set;
    /* made in check_config from the above and AuthsvcIssuer */
    const char *acs_url;
    const char *metadata_xml; /* what GET /auth/saml/metadata serves */
} authsvc_saml_config_t;

/* Which On|Off directive authsvc_saml_cfg_flag sets (its cmd->info). */
typedef enum {
    AUTHSVC_SAML_FLAG_IDP_INITIATED,
    AUTHSVC_SAML_FLAG_LINK_BY_EMAIL,
    AUTHSVC_SAML_FLAG_EMAIL_VOUCHED,
    AUTHSVC_SAML_FLAG_UPDATE_PROFILE
} authsvc_saml_flag_t;

authsvc_saml_config_t *authsvc_saml_config_merge(apr_pool_t *p,
                                                 const authsvc_saml_config_t *base,
                                                 const authsvc_saml_config_t *add);

/* 1 when the vhost is a service provider (key, certificate and IdP metadata set). */
int authsvc_saml_configured(const authsvc_saml_config_t *c);

/* Effective values. */
int authsvc_saml_skew(const authsvc_saml_config_t *c);
int authsvc_saml_request_ttl(const authsvc_saml_config_t *c);

/* check_config (configtest too): initialises Lasso once per process when any vhost uses
 * SAML, completes each vhost's record (entity id, ACS URL, metadata) and builds its Lasso
 * server once, so a key, certificate or metadata Lasso refuses fails configtest. */
int authsvc_saml_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                              server_rec *s);

const char *authsvc_saml_cfg_entity_id(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_saml_cfg_key(cmd_parms *cmd, void *dconf, const char *key,
                                 const char *cert);
const char *authsvc_saml_cfg_idp_metadata(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_saml_cfg_attribute(cmd_parms *cmd, void *dconf, const char *what,
                                       const char *name);
const char *authsvc_saml_cfg_name_id_format(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_saml_cfg_flag(cmd_parms *cmd, void *dconf, int flag);
const char *authsvc_saml_cfg_seconds(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_saml_cfg_binding(cmd_parms *cmd, void *dconf, const char *arg);

/* clang-format off */
#define AUTHSVC_SAML_DIRECTIVES \
    AP_INIT_TAKE1("AuthsvcSamlEntityId", authsvc_saml_cfg_entity_id, NULL, RSRC_CONF, \
                  "SAML entity id of this service provider (ISSUER/auth/saml/metadata)"), \
    AP_INIT_TAKE2("AuthsvcSamlSigningKey", authsvc_saml_cfg_key, NULL, RSRC_CONF, \
                  "PEM key (RSA >= 2048 bits) and certificate signing AuthnRequests"), \
    AP_INIT_TAKE1("AuthsvcSamlIdpMetadata", authsvc_saml_cfg_idp_metadata, NULL, RSRC_CONF, \
                  "File with the IdP's SAML metadata (one EntityDescriptor)"), \
    AP_INIT_TAKE2("AuthsvcSamlAttribute", authsvc_saml_cfg_attribute, NULL, RSRC_CONF, \
                  "email|firstName|lastName|groups and the SAML attribute Name carrying it"), \
    AP_INIT_TAKE1("AuthsvcSamlNameIdFormat", authsvc_saml_cfg_name_id_format, NULL, \
                  RSRC_CONF, "persistent|transient|email|unspecified (persistent)"), \
    AP_INIT_FLAG("AuthsvcSamlIdpInitiated", authsvc_saml_cfg_flag, \
                 (void *)AUTHSVC_SAML_FLAG_IDP_INITIATED, RSRC_CONF, \
                 "Accept unsolicited (IdP-initiated) Responses (Off)"), \
    AP_INIT_FLAG("AuthsvcSamlLinkByEmail", authsvc_saml_cfg_flag, \
                 (void *)AUTHSVC_SAML_FLAG_LINK_BY_EMAIL, RSRC_CONF, \
                 "Link a NameID not yet linked to the account with its mapped e-mail, " \
                 "where the link rule allows (Off)"), \
    AP_INIT_FLAG("AuthsvcSamlIdpVouchesEmail", authsvc_saml_cfg_flag, \
                 (void *)AUTHSVC_SAML_FLAG_EMAIL_VOUCHED, RSRC_CONF, \
                 "The IdP verifies the e-mail it sends, so it may link accounts (Off)"), \
    AP_INIT_FLAG("AuthsvcSamlUpdateProfile", authsvc_saml_cfg_flag, \
                 (void *)AUTHSVC_SAML_FLAG_UPDATE_PROFILE, RSRC_CONF, \
                 "Mapped names (and a vouched e-mail) replace the account's at each " \
                 "login (Off)"), \
    AP_INIT_TAKE1("AuthsvcSamlClockSkew", authsvc_saml_cfg_seconds, (void *)0, RSRC_CONF, \
                  "Clock skew accepted on SAML times, seconds (60)"), \
    AP_INIT_TAKE1("AuthsvcSamlRequestLifetime", authsvc_saml_cfg_seconds, (void *)1, \
                  RSRC_CONF, "Seconds an AuthnRequest may be answered (300)"), \
    AP_INIT_TAKE1("AuthsvcSamlBinding", authsvc_saml_cfg_binding, NULL, RSRC_CONF, \
                  "How AuthnRequests travel: redirect (signed query) or post (redirect)")
/* clang-format on */

#endif
