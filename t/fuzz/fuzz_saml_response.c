/* The strict reading and the checks of a SAML Response (saml_response.c), as the ACS
 * runs them on the decoded SAMLResponse before Lasso checks the signatures:
 * authsvc_saml_response_parse, then authsvc_saml_response_check against a fixed IdP,
 * SP and clock, and what the login takes from a response that passes. */
#include <stdlib.h>

#include "authsvc_saml_response.h"
#include "fuzz.h"

#define FUZZ_IDP "https://idp.example/metadata"
#define FUZZ_SP "https://sp.example/auth/saml/metadata"
#define FUZZ_ACS "https://sp.example/auth/saml-redirect"
#define FUZZ_NOW 1893456000000LL /* 2030-01-01T00:00:00Z */

static const char *const acs_urls[] = {FUZZ_ACS, NULL};
static const authsvc_saml_expect_t expect = {FUZZ_IDP, FUZZ_SP, acs_urls, FUZZ_NOW, 60000};

void authsvc_fuzz_init(apr_pool_t *root)
{
    (void)root;
}

void authsvc_fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    authsvc_saml_response_t *r = NULL;
    const char *why = NULL;

    if (authsvc_saml_response_parse(p, (const char *)data, size, &r, &why) != AUTHSVC_OK) {
        if (!why)
            abort();
        return;
    }
    /* Response/@ID may be absent (nothing uses it); the Assertion's is what its
     * signature references and what the replay cache keeps. */
    if (!r || !r->assertion_id || !r->audiences || !r->attributes)
        abort();
    why = NULL;
    if (authsvc_saml_response_check(r, &expect, &why) != AUTHSVC_OK) {
        if (!why)
            abort();
        return;
    }
    if (!r->name_id || authsvc_saml_response_replay_until(r, expect.skew_ms) < FUZZ_NOW)
        abort();
    authsvc_saml_response_attribute(r, "groups");
}
