/* Lasso as the service provider's engine (see authsvc_saml_sp.h). Every Lasso object
 * gets a pool cleanup the moment it exists. */
/* dladdr and RTLD_NODELETE need _GNU_SOURCE, which the build defines */
#include <dlfcn.h>
#include <string.h>

#include <apr_escape.h>
#include <apr_strings.h>
#include <lasso/lasso.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_response.h>
#include <lasso/xml/saml-2.0/saml2_assertion.h>

#include "authsvc_saml_sp.h"

struct authsvc_saml_sp {
    LassoServer *server;
    const authsvc_saml_config_t *config;
};

static apr_status_t object_unref(void *object)
{
    g_object_unref(object);
    return APR_SUCCESS;
}

static void *pool_owned(apr_pool_t *p, void *object)
{
    if (object)
        apr_pool_cleanup_register(p, object, object_unref, apr_pool_cleanup_null);
    return object;
}

/* Lasso's messages can quote XML: never above debug, and only to stderr's log. */
static void lasso_log_quiet(const gchar *domain, GLogLevelFlags level, const gchar *message,
                            gpointer data)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

/* httpd unloads and loads its modules again between configuration passes, and with
 * mod_authsvc liblasso would go and come back while GLib's type registry stays: Lasso
 * would then register its GTypes twice and fail. Lasso is kept loaded instead. */
static int lasso_pin(void)
{
    Dl_info info;

    return dladdr((void *)lasso_init, &info) && info.dli_fname
           && dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != NULL;
}

authsvc_status_t authsvc_saml_sp_process_init(void)
{
    if (!lasso_pin())
        return AUTHSVC_CRYPTO_ERROR;
    g_log_set_handler("Lasso", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                      lasso_log_quiet, NULL);
    return lasso_init() == 0 ? AUTHSVC_OK : AUTHSVC_CRYPTO_ERROR;
}

authsvc_status_t authsvc_saml_sp_open(apr_pool_t *p, const authsvc_saml_config_t *c,
                                      authsvc_saml_sp_t **out, const char **why)
{
    authsvc_saml_sp_t *sp = apr_pcalloc(p, sizeof(*sp));
    int rc;

    *out = NULL;
    sp->config = c;
    sp->server = pool_owned(p, lasso_server_new_from_buffers(c->metadata_xml, c->key_pem, NULL,
                                                             c->cert_pem));
    if (!sp->server) {
        *why = "Lasso refused the SP metadata, key or certificate";
        return AUTHSVC_INVALID;
    }
    sp->server->signature_method = LASSO_SIGNATURE_METHOD_RSA_SHA256;
    rc = lasso_server_add_provider_from_buffer(sp->server, LASSO_PROVIDER_ROLE_IDP,
                                               c->idp_metadata, NULL, NULL);
    if (rc != 0) {
        *why = apr_pstrcat(p, "Lasso refused the IdP metadata: ", lasso_strerror(rc), NULL);
        return AUTHSVC_INVALID;
    }
    *out = sp;
    return AUTHSVC_OK;
}

static void replace_string(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value);
}

authsvc_status_t authsvc_saml_sp_authn_request(authsvc_saml_sp_t *sp, apr_pool_t *p,
                                               authsvc_saml_authn_t *out, const char **why)
{
    LassoLogin *login = pool_owned(p, lasso_login_new(sp->server));
    LassoProfile *profile = LASSO_PROFILE(login);
    LassoSamlp2AuthnRequest *request;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = login ? lasso_login_init_authn_request(login, (gchar *)sp->config->idp_entity_id,
                                                sp->config->post_binding
                                                    ? LASSO_HTTP_METHOD_POST
                                                    : LASSO_HTTP_METHOD_REDIRECT)
               : LASSO_ERROR_UNDEFINED;
    if (rc != 0) {
        *why = lasso_strerror(rc);
        return AUTHSVC_INVALID;
    }
    request = LASSO_SAMLP2_AUTHN_REQUEST(profile->request);
    replace_string(&request->NameIDPolicy->Format, sp->config->name_id_format);
    request->NameIDPolicy->AllowCreate = TRUE;
    replace_string(&request->ProtocolBinding, LASSO_SAML2_METADATA_BINDING_POST);
    rc = lasso_login_build_authn_request_msg(login);
    if (rc != 0) {
        *why = lasso_strerror(rc);
        return AUTHSVC_INVALID;
    }
    out->request_id = apr_pstrdup(p, LASSO_SAMLP2_REQUEST_ABSTRACT(request)->ID);
    out->url = apr_pstrdup(p, profile->msg_url);
    if (sp->config->post_binding)
        out->saml_request = apr_pstrdup(p, profile->msg_body);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_saml_sp_verify(authsvc_saml_sp_t *sp, apr_pool_t *p,
                                        const char *saml_response, const char *assertion_id,
                                        const char **why)
{
    LassoLogin *login = pool_owned(p, lasso_login_new(sp->server));
    LassoSamlp2Response *response;
    LassoSaml2Assertion *assertion;
    LassoProvider *idp = lasso_server_get_provider(sp->server, sp->config->idp_entity_id);
    int rc = login && idp
                 ? lasso_login_process_authn_response_msg(login, (gchar *)saml_response)
                 : LASSO_ERROR_UNDEFINED;

    if (rc != 0) {
        *why = apr_pstrcat(p, "Lasso refused the Response: ", lasso_strerror(rc), NULL);
        return AUTHSVC_INVALID;
    }
    response = LASSO_IS_SAMLP2_RESPONSE(LASSO_PROFILE(login)->response)
                   ? LASSO_SAMLP2_RESPONSE(LASSO_PROFILE(login)->response)
                   : NULL;
    if (!response || g_list_length(response->Assertion) != 1
        || !LASSO_IS_SAML2_ASSERTION(response->Assertion->data)) {
        *why = "Lasso did not read exactly one Assertion";
        return AUTHSVC_INVALID;
    }
    assertion = LASSO_SAML2_ASSERTION(response->Assertion->data);
    if (!assertion->ID || strcmp(assertion->ID, assertion_id) != 0) {
        *why = "Lasso read another Assertion than the module";
        return AUTHSVC_INVALID;
    }
    rc = lasso_provider_verify_single_node_signature(idp, LASSO_NODE(assertion), "ID");
    if (rc != 0) {
        *why = apr_pstrcat(p, "the Assertion's signature does not verify: ", lasso_strerror(rc),
                           NULL);
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}

/* XML attribute and text escaping for values from configuration. */
static const char *xml_escape(apr_pool_t *p, const char *s)
{
    return apr_pescape_entity(p, s, 0);
}

/* The certificate's base64 body: the PEM without its armour lines and line breaks. */
static const char *cert_body(apr_pool_t *p, const char *pem)
{
    const char *start = strstr(pem, "-----BEGIN CERTIFICATE-----"), *end;
    char *out, *o;

    if (!start)
        return "";
    start += strlen("-----BEGIN CERTIFICATE-----");
    end = strstr(start, "-----END");
    out = o = apr_palloc(p, (apr_size_t)(end ? end - start : 0) + 1);
    for (; end && start < end; start++)
        if (*start != '\n' && *start != '\r' && *start != ' ')
            *o++ = *start;
    *o = '\0';
    return out;
}

const char *authsvc_saml_sp_metadata(apr_pool_t *p, const authsvc_saml_config_t *c)
{
    return apr_pstrcat(
        p,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
        "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"",
        xml_escape(p, c->entity_id),
        "\">\n"
        " <md:SPSSODescriptor AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"true\" "
        "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n"
        "  <md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>",
        cert_body(p, c->cert_pem),
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n"
        "  <md:NameIDFormat>",
        xml_escape(p, c->name_id_format),
        "</md:NameIDFormat>\n"
        "  <md:AssertionConsumerService index=\"0\" isDefault=\"true\" "
        "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"",
        xml_escape(p, c->acs_url),
        "\"/>\n"
        " </md:SPSSODescriptor>\n"
        "</md:EntityDescriptor>\n",
        NULL);
}
