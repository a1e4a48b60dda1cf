/* A SAML 2.0 Response as the ACS receives it: a strict reading of its shape (one
 * Assertion, signatures only where they belong and only with SHA-256 or better, no
 * DOCTYPE, comments or duplicate IDs), the values the service uses, and the checks of
 * SAML Profiles 4.1.4.3 (issuer, audience, recipient, destination, times). Pure: no
 * Lasso and no request_rec; the signatures themselves are checked by saml_sp.c, on
 * the same bytes. */
#ifndef AUTHSVC_SAML_RESPONSE_H
#define AUTHSVC_SAML_RESPONSE_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_status.h"

typedef struct {
    const char *id;             /* Response/@ID */
    const char *issuer;         /* Response/Issuer, or NULL */
    const char *destination;    /* Response/@Destination, or NULL */
    const char *in_response_to; /* Response/@InResponseTo, or NULL */
    const char *status;         /* StatusCode/@Value */
    int signed_response;        /* the Response has its own Signature */
    const char *assertion_id;
    const char *assertion_issuer;
    int signed_assertion;       /* the Assertion has a Signature (always 1 once parsed) */
    const char *name_id;        /* full text content (comments cannot split it) */
    const char *name_id_format; /* NULL: unspecified */
    const char *confirmation_method;
    const char *recipient;
    const char *confirmation_in_response_to;
    long long confirmation_not_before; /* epoch ms; 0: absent */
    long long confirmation_not_on_or_after;
    long long not_before; /* Conditions; 0: absent */
    long long not_on_or_after;
    int audience_restrictions;     /* AudienceRestriction elements */
    apr_array_header_t *audiences; /* const char *: every Audience, in order */
    int authn_statements;
    apr_table_t *attributes; /* Attribute/@Name -> each value (apr_table_add) */
} authsvc_saml_response_t;

/* What the checks compare against. */
typedef struct {
    const char *idp_entity_id;
    const char *sp_entity_id;
    const char *const *acs_urls; /* NULL-terminated: URLs Recipient / Destination may name */
    long long now_ms;
    long long skew_ms;
} authsvc_saml_expect_t;

/* Parses the decoded XML of a SAMLResponse. AUTHSVC_INVALID with *why (for the log,
 * never assertion content) when anything is outside the strict shape. */
authsvc_status_t authsvc_saml_response_parse(apr_pool_t *p, const char *xml, apr_size_t len,
                                             authsvc_saml_response_t **out, const char **why);

/* Status, issuers, bearer confirmation, recipient, destination, audience, times with
 * skew, NameID and AuthnStatement. AUTHSVC_OK, or AUTHSVC_INVALID with *why. */
authsvc_status_t authsvc_saml_response_check(const authsvc_saml_response_t *r,
                                             const authsvc_saml_expect_t *expect,
                                             const char **why);

/* Until when the Assertion's ID must stay in the replay cache (epoch ms). */
long long authsvc_saml_response_replay_until(const authsvc_saml_response_t *r,
                                             long long skew_ms);

/* The first value of attribute name, or NULL. */
const char *authsvc_saml_response_attribute(const authsvc_saml_response_t *r, const char *name);

#endif
