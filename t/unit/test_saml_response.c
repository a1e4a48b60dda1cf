/* The strict reading and the checks of a SAML Response (saml_response.c), on
 * hand-written documents: signatures are Lasso's business and are not verified here. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_saml_response.h"
#include "unit.h"

#define IDP "https://idp.example/metadata"
#define SP "https://sp.example/auth/saml/metadata"
#define ACS "https://sp.example/auth/saml-redirect"
#define NOW 1893456000000LL /* 2030-01-01T00:00:00Z */

/* A signature element over #id with the given algorithms. */
static const char *signature(const char *id, const char *method, const char *digest)
{
    return apr_psprintf(
        authsvc_test_pool(),
        "<ds:Signature><ds:SignedInfo>"
        "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
        "<ds:SignatureMethod Algorithm=\"%s\"/><ds:Reference URI=\"#%s\"><ds:Transforms>"
        "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
        "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>"
        "<ds:DigestMethod Algorithm=\"%s\"/><ds:DigestValue>AA==</ds:DigestValue>"
        "</ds:Reference></ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue>"
        "</ds:Signature>",
        method, id, digest);
}

#define RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"

/* A Response whose assertion part (between Issuer and Subject) and name id are given. */
static const char *response(const char *assertion_sig, const char *name_id, const char *extra)
{
    return apr_pstrcat(
        authsvc_test_pool(),
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
        "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" "
        "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" ID=\"_r1\" InResponseTo=\"_q1\" "
        "Destination=\"" ACS "\"><saml:Issuer>" IDP "</saml:Issuer>"
        "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>"
        "</samlp:Status>",
        extra, "<saml:Assertion ID=\"_a1\"><saml:Issuer>" IDP "</saml:Issuer>", assertion_sig,
        "<saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:"
        "persistent\">",
        name_id,
        "</saml:NameID><saml:SubjectConfirmation "
        "Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml:SubjectConfirmationData "
        "NotOnOrAfter=\"2030-01-01T00:05:00Z\" Recipient=\"" ACS "\" InResponseTo=\"_q1\"/>"
        "</saml:SubjectConfirmation></saml:Subject><saml:Conditions "
        "NotBefore=\"2029-12-31T23:59:00Z\" NotOnOrAfter=\"2030-01-01T00:05:00Z\">"
        "<saml:AudienceRestriction><saml:Audience>" SP "</saml:Audience>"
        "</saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement/>"
        "<saml:AttributeStatement><saml:Attribute Name=\"groups\"><saml:AttributeValue>a"
        "</saml:AttributeValue><saml:AttributeValue>b</saml:AttributeValue></saml:Attribute>"
        "</saml:AttributeStatement></saml:Assertion></samlp:Response>",
        NULL);
}

static authsvc_status_t parse(const char *xml, authsvc_saml_response_t **r, const char **why)
{
    return authsvc_saml_response_parse(authsvc_test_pool(), xml, strlen(xml), r, why);
}

static const char *const acs_urls[] = {ACS, NULL};
static const authsvc_saml_expect_t expect = {IDP, SP, acs_urls, NOW, 60000};

static void test_saml_response_reads_a_signed_assertion(void)
{
    authsvc_saml_response_t *r = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(parse(response(signature("_a1", RSA_SHA256, SHA256), "u-1", ""), &r,
                                &why),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(r->assertion_id, "_a1");
    CU_ASSERT_STRING_EQUAL(r->name_id, "u-1");
    CU_ASSERT_STRING_EQUAL(r->confirmation_in_response_to, "_q1");
    CU_ASSERT_EQUAL(r->not_on_or_after, NOW + 300000);
    CU_ASSERT_STRING_EQUAL(authsvc_saml_response_attribute(r, "groups"), "a");
    CU_ASSERT_EQUAL(apr_table_elts(r->attributes)->nelts, 2);
    CU_ASSERT_EQUAL(authsvc_saml_response_check(r, &expect, &why), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_saml_response_replay_until(r, 60000), NOW + 360000);
}

static void refused(const char *xml, const char *reason)
{
    authsvc_saml_response_t *r = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL(parse(xml, &r, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    if (!strstr(why, reason))
        printf("\n    expected '%s', got '%s'", reason, why);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, reason));
}

static void test_saml_response_refuses_weak_missing_or_misplaced_signatures(void)
{
    refused(response("", "u", ""), "not signed");
    refused(response(signature("_a1", "http://www.w3.org/2000/09/xmldsig#rsa-sha1", SHA256),
                     "u", ""),
            "weaker than SHA-256");
    refused(response(signature("_a1", RSA_SHA256, "http://www.w3.org/2000/09/xmldsig#sha1"),
                     "u", ""),
            "weaker than SHA-256");
    refused(response(signature("_r1", RSA_SHA256, SHA256), "u", ""), "not its own parent");
    refused(response(signature("_a1", RSA_SHA256, SHA256), "u",
                     "<samlp:Extensions>"
                     "<x:y xmlns:x=\"urn:x\">"
                     "<ds:Signature/></x:y></samlp:Extensions>"),
            "outside");
}

static void test_saml_response_refuses_wrapping_comments_and_doctype(void)
{
    const char *sig = signature("_a1", RSA_SHA256, SHA256);
    const char *two = response(sig, "u", "<saml:Assertion ID=\"_a2\"/>");
    const char *dup = response(sig, "u",
                               "<samlp:Extensions><x:y xmlns:x=\"urn:x\" ID=\"_a1\"/>"
                               "</samlp:Extensions>");

    refused(two, "not exactly one Assertion");
    refused(dup, "same ID");
    refused(response(sig, "admin@corp.example<!---->.evil.example", ""), "comment");
    refused(apr_pstrcat(authsvc_test_pool(), "<!DOCTYPE r [<!ENTITY e \"x\">]>",
                        response(sig, "u", ""), NULL),
            "DOCTYPE");
    refused("\xff\xfe<\0r\0/\0>\0", "not UTF-8");
    refused("<samlp:Response", "well-formed");
}

/* Text with the first occurrence of from replaced by to. */
static const char *replaced(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);

    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    return apr_pstrcat(authsvc_test_pool(),
                       apr_pstrndup(authsvc_test_pool(), text, (apr_size_t)(at - text)), to,
                       at + strlen(from), NULL);
}

static void test_saml_response_refuses_a_response_or_assertion_without_id(void)
{
    const char *ok = response(signature("_a1", RSA_SHA256, SHA256), "u", "");

    refused(replaced(ok, " ID=\"_r1\"", ""), "the Response has no ID");
    refused(replaced(ok, " ID=\"_r1\"", " ID=\"\""), "the Response has no ID");
    refused(replaced(ok, "<saml:Assertion ID=\"_a1\">", "<saml:Assertion>"),
            "the Assertion has no ID");
}

static void test_saml_response_checks_audience_recipient_and_times(void)
{
    authsvc_saml_response_t *r = NULL;
    authsvc_saml_expect_t late = expect, other_sp = expect;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(parse(response(signature("_a1", RSA_SHA256, SHA256), "u", ""), &r,
                                &why),
                          AUTHSVC_OK);
    late.now_ms = NOW + 361000;
    CU_ASSERT_EQUAL(authsvc_saml_response_check(r, &late, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "expired"));
    late.now_ms = NOW + 359000; /* within the skew */
    CU_ASSERT_EQUAL(authsvc_saml_response_check(r, &late, &why), AUTHSVC_OK);
    late.now_ms = NOW - 200000;
    CU_ASSERT_EQUAL(authsvc_saml_response_check(r, &late, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "not valid yet"));
    other_sp.sp_entity_id = "https://other.example/";
    CU_ASSERT_EQUAL(authsvc_saml_response_check(r, &other_sp, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "Audience"));
    other_sp = expect;
    other_sp.idp_entity_id = "https://evil.example/";
    CU_ASSERT_EQUAL(authsvc_saml_response_check(r, &other_sp, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "issuer"));
    r->recipient = "https://other.example/acs";
    CU_ASSERT_EQUAL(authsvc_saml_response_check(r, &expect, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "Recipient"));
}

void authsvc_test_register_saml_response(void)
{
    CU_pSuite s = CU_add_suite("saml_response", NULL, NULL);

    CU_add_test(s, "reads a signed assertion", test_saml_response_reads_a_signed_assertion);
    CU_add_test(s, "refuses weak, missing or misplaced signatures",
                test_saml_response_refuses_weak_missing_or_misplaced_signatures);
    CU_add_test(s, "refuses wrapping, comments and DOCTYPE",
                test_saml_response_refuses_wrapping_comments_and_doctype);
    CU_add_test(s, "refuses a Response or Assertion without ID",
                test_saml_response_refuses_a_response_or_assertion_without_id);
    CU_add_test(s, "checks audience, recipient and times",
                test_saml_response_checks_audience_recipient_and_times);
}
