/* The service provider's use of Lasso: a Lasso server per request (Lasso objects are
 * not shared between threads), signed AuthnRequests, the signature checks of a
 * Response, and the SP metadata document. No request_rec here. */
#ifndef AUTHSVC_SAML_SP_H
#define AUTHSVC_SAML_SP_H

#include <apr_pools.h>

#include "authsvc_saml_config.h"
#include "authsvc_status.h"

typedef struct authsvc_saml_sp authsvc_saml_sp_t;

typedef struct {
    const char *request_id; /* the AuthnRequest's ID, kept server-side */
    const char *url; /* redirect: the IdP URL with the signed query; post: the form action */
    const char *saml_request; /* post: the base64 SAMLRequest field; redirect: NULL */
} authsvc_saml_authn_t;

/* Once per process, before any other call: lasso_init() and Lasso's log messages
 * routed to level debug (they may quote protocol content). */
authsvc_status_t authsvc_saml_sp_process_init(void);

/* A Lasso server for this SP and its IdP, released with pool p. */
authsvc_status_t authsvc_saml_sp_open(apr_pool_t *p, const authsvc_saml_config_t *c,
                                      authsvc_saml_sp_t **out, const char **why);

/* A signed AuthnRequest for the configured IdP, NameID format and binding. */
authsvc_status_t authsvc_saml_sp_authn_request(authsvc_saml_sp_t *sp, apr_pool_t *p,
                                               authsvc_saml_authn_t *out, const char **why);

/* Lasso reads the base64 SAMLResponse (checking every signature in it against the
 * IdP's metadata keys), then the Assertion's own signature is verified once more by
 * itself: AUTHSVC_OK only when the Assertion with ID assertion_id is signed by the IdP. */
authsvc_status_t authsvc_saml_sp_verify(authsvc_saml_sp_t *sp, apr_pool_t *p,
                                        const char *saml_response, const char *assertion_id,
                                        const char **why);

/* The SP's EntityDescriptor: entity id, signing certificate, the ACS (HTTP-POST), the
 * NameID format, AuthnRequestsSigned and WantAssertionsSigned. */
const char *authsvc_saml_sp_metadata(apr_pool_t *p, const authsvc_saml_config_t *c);

#endif
