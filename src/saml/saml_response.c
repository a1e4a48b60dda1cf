/* The strict reading of a SAML Response (see authsvc_saml_response.h). Signature
 * wrapping needs a second Assertion, a Signature out of place, a Reference to some
 * other element or two elements with one ID; each of those is refused here, so the
 * one Assertion read below is the one whose signature saml_sp.c verifies. */
#include <limits.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "authsvc_iso8601.h"
#include "authsvc_saml_response.h"

#define NS_SAMLP "urn:oasis:names:tc:SAML:2.0:protocol"
#define NS_SAML "urn:oasis:names:tc:SAML:2.0:assertion"
#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define SAML_SUCCESS "urn:oasis:names:tc:SAML:2.0:status:Success"
#define SAML_BEARER "urn:oasis:names:tc:SAML:2.0:cm:bearer"

/* SHA-256 or better only (RFC 6931 names): SHA-1 is refused. */
static const char *const signature_methods[] = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    NULL};
static const char *const digest_methods[] = {"http://www.w3.org/2001/04/xmlenc#sha256",
                                             "http://www.w3.org/2001/04/xmldsig-more#sha384",
                                             "http://www.w3.org/2001/04/xmlenc#sha512", NULL};
static const char *const transforms[] = {
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#", NULL};
static const char *const canonicalizations[] = {"http://www.w3.org/2001/10/xml-exc-c14n#",
                                                NULL};

typedef struct {
    apr_pool_t *pool;
    const char *why;
    apr_hash_t *ids;
    xmlNodePtr root, assertion;
    int assertions;
} reader_t;

static int is_element(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href
           && strcmp((const char *)n->ns->href, ns) == 0
           && strcmp((const char *)n->name, name) == 0;
}

/* The first child element ns:name, or NULL. */
static xmlNodePtr child(const xmlNode *parent, const char *ns, const char *name)
{
    xmlNodePtr n;

    for (n = parent ? parent->children : NULL; n; n = n->next)
        if (is_element(n, ns, name))
            return n;
    return NULL;
}

static const char *attr(apr_pool_t *p, const xmlNode *n, const char *name)
{
    xmlChar *v = n ? xmlGetNoNsProp(n, (const xmlChar *)name) : NULL;
    const char *out = v ? apr_pstrdup(p, (const char *)v) : NULL;

    xmlFree(v);
    return out;
}

static const char *text(apr_pool_t *p, const xmlNode *n)
{
    xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
    const char *out = v ? apr_pstrdup(p, (const char *)v) : NULL;

    xmlFree(v);
    return out;
}

static int listed(const char *value, const char *const *list)
{
    for (; value && *list; list++)
        if (strcmp(value, *list) == 0)
            return 1;
    return 0;
}

static int refuse(reader_t *rd, const char *why)
{
    if (!rd->why)
        rd->why = why;
    return 0;
}

/* Every node of the document: no comments or processing instructions, IDs unique,
 * Assertions counted, Signatures only as a child of the Response or its Assertion. */
static int walk(reader_t *rd, xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE
            || n->type == XML_ENTITY_REF_NODE || n->type == XML_DTD_NODE)
            return refuse(rd, "comment, processing instruction or entity in the document");
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (xmlHasProp(n, (const xmlChar *)"ID")) {
            const char *id = attr(rd->pool, n, "ID");
            if (apr_hash_get(rd->ids, id, APR_HASH_KEY_STRING))
                return refuse(rd, "two elements carry the same ID");
            apr_hash_set(rd->ids, id, APR_HASH_KEY_STRING, n);
        }
        if (is_element(n, NS_SAML, "EncryptedAssertion"))
            return refuse(rd, "encrypted assertions are not supported");
        if (is_element(n, NS_SAML, "Assertion")) {
            rd->assertions++;
            rd->assertion = n;
        }
        if (is_element(n, NS_DS, "Signature") && n->parent != rd->root
            && !is_element(n->parent, NS_SAML, "Assertion"))
            return refuse(rd, "a Signature outside the Response and Assertion");
        if (!walk(rd, n->children))
            return 0;
    }
    return 1;
}

/* One enveloped signature over exactly its parent, with allowed algorithms. */
static int signature_ok(reader_t *rd, const xmlNode *sig, const xmlNode *parent)
{
    const xmlNode *info = child(sig, NS_DS, "SignedInfo"), *ref, *n;
    const char *id = attr(rd->pool, parent, "ID"), *uri;
    int refs = 0;

    if (!info || !child(sig, NS_DS, "SignatureValue"))
        return refuse(rd, "a Signature without SignedInfo or SignatureValue");
    if (!listed(attr(rd->pool, child(info, NS_DS, "CanonicalizationMethod"), "Algorithm"),
                canonicalizations))
        return refuse(rd, "a canonicalization method that is not exclusive c14n");
    if (!listed(attr(rd->pool, child(info, NS_DS, "SignatureMethod"), "Algorithm"),
                signature_methods))
        return refuse(rd, "a signature algorithm weaker than SHA-256 (or unknown)");
    for (ref = info->children; ref; ref = ref->next)
        refs += is_element(ref, NS_DS, "Reference");
    ref = child(info, NS_DS, "Reference");
    uri = attr(rd->pool, ref, "URI");
    if (refs != 1 || !id || !uri || uri[0] != '#' || strcmp(uri + 1, id) != 0)
        return refuse(rd, "a Signature whose Reference is not its own parent element");
    if (!listed(attr(rd->pool, child(ref, NS_DS, "DigestMethod"), "Algorithm"), digest_methods))
        return refuse(rd, "a digest algorithm weaker than SHA-256 (or unknown)");
    for (n = child(child(ref, NS_DS, "Transforms"), NS_DS, "Transform"); n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !listed(attr(rd->pool, n, "Algorithm"), transforms))
            return refuse(rd, "a signature transform that is not allowed");
    return 1;
}

/* Signatures of parent: at most one; *present says whether there is one. */
static int signatures_of(reader_t *rd, const xmlNode *parent, int *present)
{
    const xmlNode *n;

    *present = 0;
    for (n = parent->children; n; n = n->next) {
        if (!is_element(n, NS_DS, "Signature"))
            continue;
        if (*present)
            return refuse(rd, "two Signatures on one element");
        if (!signature_ok(rd, n, parent))
            return 0;
        *present = 1;
    }
    return 1;
}

static long long time_attr(reader_t *rd, const xmlNode *n, const char *name, int *ok)
{
    const char *v = attr(rd->pool, n, name);
    long long ms = 0;

    if (v && authsvc_iso8601_parse(v, &ms) != AUTHSVC_OK) {
        *ok = refuse(rd, "a time that is not an xs:dateTime");
        return 0;
    }
    return v ? ms : 0;
}

static void read_attributes(reader_t *rd, authsvc_saml_response_t *r, const xmlNode *a)
{
    const xmlNode *st, *at, *v;

    for (st = a->children; st; st = st->next) {
        if (!is_element(st, NS_SAML, "AttributeStatement"))
            continue;
        for (at = st->children; at; at = at->next) {
            const char *name = attr(rd->pool, at, "Name");
            if (!is_element(at, NS_SAML, "Attribute") || !name)
                continue;
            for (v = at->children; v; v = v->next)
                if (is_element(v, NS_SAML, "AttributeValue"))
                    apr_table_add(r->attributes, name, text(rd->pool, v));
        }
    }
}

static int read_conditions(reader_t *rd, authsvc_saml_response_t *r, const xmlNode *c)
{
    const xmlNode *ar, *au;
    int ok = 1;

    r->not_before = time_attr(rd, c, "NotBefore", &ok);
    r->not_on_or_after = time_attr(rd, c, "NotOnOrAfter", &ok);
    for (ar = c ? c->children : NULL; ar; ar = ar->next) {
        if (!is_element(ar, NS_SAML, "AudienceRestriction"))
            continue;
        r->audience_restrictions++;
        for (au = ar->children; au; au = au->next)
            if (is_element(au, NS_SAML, "Audience"))
                APR_ARRAY_PUSH(r->audiences, const char *) = text(rd->pool, au);
    }
    return ok;
}

static int read_subject(reader_t *rd, authsvc_saml_response_t *r, const xmlNode *s)
{
    const xmlNode *name_id = child(s, NS_SAML, "NameID"), *sc, *data;
    int ok = 1, confirmations = 0;

    r->name_id = text(rd->pool, name_id);
    r->name_id_format = attr(rd->pool, name_id, "Format");
    for (sc = s ? s->children : NULL; sc; sc = sc->next)
        confirmations += is_element(sc, NS_SAML, "SubjectConfirmation");
    if (confirmations != 1)
        return refuse(rd, "not exactly one SubjectConfirmation");
    sc = child(s, NS_SAML, "SubjectConfirmation");
    data = child(sc, NS_SAML, "SubjectConfirmationData");
    r->confirmation_method = attr(rd->pool, sc, "Method");
    r->recipient = attr(rd->pool, data, "Recipient");
    r->confirmation_in_response_to = attr(rd->pool, data, "InResponseTo");
    r->confirmation_not_before = time_attr(rd, data, "NotBefore", &ok);
    r->confirmation_not_on_or_after = time_attr(rd, data, "NotOnOrAfter", &ok);
    return ok;
}

static int read_assertion(reader_t *rd, authsvc_saml_response_t *r)
{
    const xmlNode *a = rd->assertion, *n;

    if (rd->assertions != 1 || a->parent != rd->root)
        return refuse(rd, "not exactly one Assertion, as a child of the Response");
    r->assertion_id = attr(rd->pool, a, "ID");
    if (!r->assertion_id || !*r->assertion_id)
        return refuse(rd, "the Assertion has no ID (SAML requires one)");
    if (!signatures_of(rd, a, &r->signed_assertion))
        return 0;
    if (!r->signed_assertion)
        return refuse(rd, "the Assertion is not signed");
    r->assertion_issuer = text(rd->pool, child(a, NS_SAML, "Issuer"));
    for (n = a->children; n; n = n->next)
        r->authn_statements += is_element(n, NS_SAML, "AuthnStatement");
    read_attributes(rd, r, a);
    return read_conditions(rd, r, child(a, NS_SAML, "Conditions"))
           && read_subject(rd, r, child(a, NS_SAML, "Subject"));
}

static int read_response(reader_t *rd, authsvc_saml_response_t *r)
{
    const xmlNode *status;

    if (!is_element(rd->root, NS_SAMLP, "Response"))
        return refuse(rd, "the document is not a samlp:Response");
    if (!walk(rd, rd->root))
        return 0;
    if (!signatures_of(rd, rd->root, &r->signed_response))
        return 0;
    r->id = attr(rd->pool, rd->root, "ID");
    if (!r->id || !*r->id)
        return refuse(rd, "the Response has no ID (SAML requires one)");
    r->issuer = text(rd->pool, child(rd->root, NS_SAML, "Issuer"));
    r->destination = attr(rd->pool, rd->root, "Destination");
    r->in_response_to = attr(rd->pool, rd->root, "InResponseTo");
    status = child(child(rd->root, NS_SAMLP, "Status"), NS_SAMLP, "StatusCode");
    r->status = attr(rd->pool, status, "Value");
    if (!rd->assertion)
        return refuse(rd, r->status && strcmp(r->status, SAML_SUCCESS) != 0
                              ? "the IdP answered a failure status"
                              : "no Assertion");
    return read_assertion(rd, r);
}

/* No DOCTYPE may even reach the parser, and the text must start as UTF-8 XML does
 * (a UTF-16 document could hide one from the byte search). */
static int prolog_ok(const char *xml, apr_size_t len)
{
    apr_size_t i = 0;

    while (i < len && (xml[i] == ' ' || xml[i] == '\t' || xml[i] == '\r' || xml[i] == '\n'))
        i++;
    if (i == len || xml[i] != '<')
        return 0;
    for (; i + 9 <= len; i++)
        if (xml[i] == '<' && xml[i + 1] == '!'
            && (memcmp(xml + i, "<!DOCTYPE", 9) == 0 || memcmp(xml + i, "<!ENTITY", 8) == 0))
            return 0;
    return 1;
}

static apr_status_t doc_free(void *doc)
{
    xmlFreeDoc(doc);
    return APR_SUCCESS;
}

authsvc_status_t authsvc_saml_response_parse(apr_pool_t *p, const char *xml, apr_size_t len,
                                             authsvc_saml_response_t **out, const char **why)
{
    reader_t rd = {p, NULL, apr_hash_make(p), NULL, NULL, 0};
    authsvc_saml_response_t *r = apr_pcalloc(p, sizeof(*r));
    xmlDocPtr doc;

    *out = NULL;
    *why = "a DOCTYPE or ENTITY declaration, or text that is not UTF-8 XML";
    if (len > INT_MAX || !prolog_ok(xml, len))
        return AUTHSVC_INVALID;
    doc = xmlReadMemory(xml, (int)len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    *why = "not well-formed XML";
    if (!doc)
        return AUTHSVC_INVALID;
    apr_pool_cleanup_register(p, doc, doc_free, apr_pool_cleanup_null);
    if (doc->intSubset || doc->extSubset)
        return AUTHSVC_INVALID;
    rd.root = xmlDocGetRootElement(doc);
    r->audiences = apr_array_make(p, 2, sizeof(const char *));
    r->attributes = apr_table_make(p, 8);
    if (!read_response(&rd, r)) {
        *why = rd.why;
        return AUTHSVC_INVALID;
    }
    *why = NULL;
    *out = r;
    return AUTHSVC_OK;
}

static int url_listed(const char *url, const char *const *urls)
{
    return url && listed(url, urls);
}

/* Every AudienceRestriction must name us (they are ANDed). */
static int audience_ok(const authsvc_saml_response_t *r, const char *sp)
{
    int i, matches = 0;

    for (i = 0; i < r->audiences->nelts; i++)
        matches += strcmp(APR_ARRAY_IDX(r->audiences, i, const char *), sp) == 0;
    return r->audience_restrictions > 0 && matches == r->audience_restrictions;
}

static const char *times_why(const authsvc_saml_response_t *r, const authsvc_saml_expect_t *e)
{
    if (!r->confirmation_not_on_or_after)
        return "the bearer confirmation has no NotOnOrAfter";
    if (r->confirmation_not_on_or_after <= e->now_ms - e->skew_ms
        || (r->not_on_or_after && r->not_on_or_after <= e->now_ms - e->skew_ms))
        return "the assertion has expired (NotOnOrAfter)";
    if ((r->not_before && r->not_before > e->now_ms + e->skew_ms)
        || (r->confirmation_not_before && r->confirmation_not_before > e->now_ms + e->skew_ms))
        return "the assertion is not valid yet (NotBefore)";
    return NULL;
}

authsvc_status_t authsvc_saml_response_check(const authsvc_saml_response_t *r,
                                             const authsvc_saml_expect_t *e, const char **why)
{
    *why = NULL;
    if (!r->status || strcmp(r->status, SAML_SUCCESS) != 0)
        *why = "the IdP answered a failure status";
    else if ((r->issuer && strcmp(r->issuer, e->idp_entity_id) != 0) || !r->assertion_issuer
             || strcmp(r->assertion_issuer, e->idp_entity_id) != 0)
        *why = "the issuer is not the configured IdP";
    else if (r->destination && !url_listed(r->destination, e->acs_urls))
        *why = "the Destination is not this service's ACS";
    else if (r->signed_response && !r->destination)
        *why = "a signed Response without Destination";
    else if (!r->confirmation_method || strcmp(r->confirmation_method, SAML_BEARER) != 0)
        *why = "the subject confirmation is not bearer";
    else if (!url_listed(r->recipient, e->acs_urls))
        *why = "the Recipient is not this service's ACS";
    else if (r->in_response_to && r->confirmation_in_response_to
             && strcmp(r->in_response_to, r->confirmation_in_response_to) != 0)
        *why = "the Response and its Assertion answer different requests";
    else if (!audience_ok(r, e->sp_entity_id))
        *why = "the Audience is not this service provider";
    else if (!r->name_id || !*r->name_id)
        *why = "no NameID";
    else if (r->authn_statements < 1)
        *why = "no AuthnStatement";
    else
        *why = times_why(r, e);
    return *why ? AUTHSVC_INVALID : AUTHSVC_OK;
}

long long authsvc_saml_response_replay_until(const authsvc_saml_response_t *r,
                                             long long skew_ms)
{
    long long until = r->confirmation_not_on_or_after;

    if (r->not_on_or_after > until)
        until = r->not_on_or_after;
    return until + skew_ms;
}

const char *authsvc_saml_response_attribute(const authsvc_saml_response_t *r, const char *name)
{
    return name ? apr_table_get(r->attributes, name) : NULL;
}
