/* Effective SAML settings (defaults applied). Apart from saml_config.c so that flows
 * and unit tests read them without linking httpd. */
#include "authsvc_saml_config.h"

#define SAML_SKEW_DEFAULT 60
#define SAML_REQUEST_TTL_DEFAULT 300

int authsvc_saml_configured(const authsvc_saml_config_t *c)
{
    return c && c->key_pem && c->cert_pem && c->idp_metadata && c->metadata_xml;
}

int authsvc_saml_skew(const authsvc_saml_config_t *c)
{
    return c->skew ? c->skew - 1 : SAML_SKEW_DEFAULT; /* stored +1: 0 is a value */
}

int authsvc_saml_request_ttl(const authsvc_saml_config_t *c)
{
    return c->request_ttl ? c->request_ttl : SAML_REQUEST_TTL_DEFAULT;
}
