/* The OAuth 2.0 / OpenID Connect client layer (oidc.c) and JWKS parsing (social_jwks.c). */
#include <string.h>

#include <apr_strings.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "authsvc_base64url.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_oidc.h"
#include "authsvc_social_jwks.h"
#include "unit.h"

/* RFC 7636 Appendix B. */
static void test_pkce_rfc7636_appendix_b(void)
{
    apr_pool_t *p = authsvc_test_pool();

    CU_ASSERT_STRING_EQUAL(
        authsvc_oidc_pkce_challenge(p, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

/* RFC 7636 4.1: 43 to 128 characters of the unreserved set. */
static void test_pkce_verifier_length_and_characters(void)
{
    apr_pool_t *p = authsvc_test_pool();
    char v[130];

    memset(v, 'a', sizeof(v));
    v[42] = '\0';
    CU_ASSERT_PTR_NULL(authsvc_oidc_pkce_challenge(p, v));
    v[42] = 'a';
    v[43] = '\0';
    CU_ASSERT_PTR_NOT_NULL(authsvc_oidc_pkce_challenge(p, v));
    v[43] = 'a';
    v[128] = '\0';
    CU_ASSERT_TRUE(authsvc_oidc_pkce_verifier_valid(v));
    v[128] = 'a';
    v[129] = '\0';
    CU_ASSERT_FALSE(authsvc_oidc_pkce_verifier_valid(v));
    CU_ASSERT_FALSE(
        authsvc_oidc_pkce_verifier_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+"));
}

static authsvc_social_provider_t test_provider(void)
{
    authsvc_social_provider_t pr;

    memset(&pr, 0, sizeof(pr));
    pr.name = "keycloak";
    pr.openid = 1;
    pr.issuer = "https://idp.example/realms/r";
    pr.authorization_endpoint = "https://idp.example/auth?kc_idp_hint=x";
    pr.token_endpoint = "https://idp.example/token";
    pr.client_id = "my client";
    pr.client_secret = "s3cr:t";
    pr.scope = "openid email";
    return pr;
}

static void test_authorize_url_encodes_every_parameter(void)
{
    authsvc_social_provider_t pr = test_provider();
    const char *url = authsvc_oidc_authorize_url(authsvc_test_pool(), &pr, "https://svc/cb?a=1",
                                                 "st", "no", "ch");

    CU_ASSERT_STRING_EQUAL(url,
                           "https://idp.example/auth?kc_idp_hint=x&response_type=code"
                           "&client_id=my+client&redirect_uri=https%3a%2f%2fsvc%2fcb%3fa%3d1"
                           "&scope=openid+email&state=st&nonce=no&code_challenge=ch"
                           "&code_challenge_method=S256");
}

static void test_token_request_basic_and_post(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_social_provider_t pr = test_provider();
    apr_array_header_t *headers;
    const char *body;

    CU_ASSERT_EQUAL(authsvc_oidc_token_request(p, &pr, "c", "https://svc/cb", "v", 0, &body,
                                               &headers),
                    AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(body, "grant_type=authorization_code&code=c"
                                 "&redirect_uri=https%3a%2f%2fsvc%2fcb&code_verifier=v"
                                 "&client_id=my+client");
    /* RFC 6749 2.3.1: id and secret form-encoded, then Basic: "my+client:s3cr%3at" */
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(headers, 2, const char *),
                           "Authorization: Basic bXkrY2xpZW50OnMzY3IlM2F0");
    pr.client_auth = AUTHSVC_SOCIAL_AUTH_POST;
    CU_ASSERT_EQUAL(authsvc_oidc_token_request(p, &pr, "c", "https://svc/cb", NULL, 0, &body,
                                               &headers),
                    AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "&client_secret=s3cr%3at"));
    CU_ASSERT_PTR_NULL(strstr(body, "code_verifier"));
    CU_ASSERT_EQUAL(headers->nelts, 2);
}

/* An ES256 key pair made here; the ring of its public half. */
static authsvc_key_t *test_es256_key(apr_pool_t *p)
{
    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(pkey);
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_pkey(p, pkey, &key, &why), AUTHSVC_OK);
    EVP_PKEY_free(pkey);
    return key;
}

static void test_apple_client_secret_is_an_es256_jwt_of_the_team(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_social_provider_t pr = test_provider();
    authsvc_keyring_t *ring = authsvc_keyring_make(p);
    authsvc_key_t *key = test_es256_key(p), verify;
    const char *const aud[] = {"https://appleid.apple.com", NULL};
    authsvc_jwt_expect_t expect = {.issuer = "TEAM123456", .audiences = aud, .now = 1700000000};
    const char *jwt = NULL;
    cJSON *claims = NULL;

    pr.private_key = key;
    pr.team_id = "TEAM123456";
    pr.key_id = "KEY1234567";
    pr.client_secret_audience = "https://appleid.apple.com";
    CU_ASSERT_EQUAL_FATAL(authsvc_oidc_apple_client_secret(p, &pr, 1700000000, &jwt),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(authsvc_oidc_token_kid(p, jwt), "KEY1234567");
    verify = *key;
    verify.kid = "KEY1234567";
    authsvc_keyring_add(ring, &verify);
    CU_ASSERT_EQUAL(authsvc_jwt_verify(p, ring, jwt, &expect, &claims), AUTHSVC_JWT_VALID);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(claims, "sub")->valuestring, "my client");
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(claims, "exp")->valuedouble, 1700000300);
}

/* An ID token signed by key with the given claims (as JSON text). */
static const char *test_id_token(apr_pool_t *p, const authsvc_key_t *key, const char *json)
{
    cJSON *claims = authsvc_json_own(p, cJSON_Parse(json));
    const char *jwt = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_jwt_sign(p, key, claims, &jwt), AUTHSVC_OK);
    return jwt;
}

/* jwt with its ES256 s replaced by n - s: the other spelling of the same signature. */
static const char *test_negated_s(apr_pool_t *p, const char *jwt)
{
    static const unsigned char n_bytes[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00,
                                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                              0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84,
                                              0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
    const char *dot = strrchr(jwt, '.') + 1;
    unsigned char *sig = NULL;
    apr_size_t len = 0;
    BIGNUM *s, *n = BN_bin2bn(n_bytes, 32, NULL);

    CU_ASSERT_EQUAL_FATAL(authsvc_b64url_decode(p, dot, strlen(dot), &sig, &len), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(len, 64u);
    s = BN_bin2bn(sig + 32, 32, NULL);
    CU_ASSERT_FATAL(s && n && BN_sub(s, n, s) && BN_bn2binpad(s, sig + 32, 32) == 32);
    BN_free(s);
    BN_free(n);
    return apr_pstrcat(p, apr_pstrndup(p, jwt, (apr_size_t)(dot - jwt)),
                       authsvc_b64url_encode(p, sig, len), NULL);
}

/* Our own tokens refuse a high s and fractional times; a provider's ID token keeps both
 * (issue 14: only the spelling of our tokens is ours to decide). */
static void test_id_token_high_s_and_fractional_times_accepted(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_social_provider_t pr = test_provider();
    authsvc_key_t *key = test_es256_key(p);
    authsvc_keyring_t *ring = authsvc_keyring_make(p);
    cJSON *c = NULL;
    const char *token = test_id_token(
        p, key,
        "{\"iss\":\"https://idp.example/realms/r\",\"sub\":\"u1\","
        "\"aud\":\"my client\",\"iat\":1000.5,\"exp\":2000.25,"
        "\"nonce\":\"n1\"}");

    authsvc_keyring_add(ring, key);
    CU_ASSERT_EQUAL(authsvc_oidc_id_token_check(p, &pr, ring, token, "n1", 1500, 0, &c),
                    AUTHSVC_OIDC_VALID);
    CU_ASSERT_EQUAL(authsvc_oidc_id_token_check(p, &pr, ring, test_negated_s(p, token), "n1",
                                                1500, 0, &c),
                    AUTHSVC_OIDC_VALID);
}

static void test_id_token_checks(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_social_provider_t pr = test_provider();
    authsvc_key_t *key = test_es256_key(p);
    authsvc_keyring_t *ring = authsvc_keyring_make(p);
    cJSON *c = NULL;
    const char *good =
        "{\"iss\":\"https://idp.example/realms/r\",\"sub\":\"u1\",\"aud\":\"my client\","
        "\"iat\":1000,\"exp\":2000,\"nonce\":\"n1\"}";

    authsvc_keyring_add(ring, key);
    CU_ASSERT_EQUAL(authsvc_oidc_id_token_check(p, &pr, ring, test_id_token(p, key, good), "n1",
                                                1500, 0, &c),
                    AUTHSVC_OIDC_VALID);
    CU_ASSERT_EQUAL(authsvc_oidc_id_token_check(p, &pr, ring, test_id_token(p, key, good), "n2",
                                                1500, 0, &c),
                    AUTHSVC_OIDC_NONCE);
    CU_ASSERT_EQUAL(authsvc_oidc_id_token_check(p, &pr, ring, test_id_token(p, key, good), "n1",
                                                2100, 0, &c),
                    AUTHSVC_OIDC_EXPIRED);
    CU_ASSERT_EQUAL(authsvc_oidc_id_token_check(
                        p, &pr, ring,
                        test_id_token(p, key,
                                      "{\"iss\":\"https://idp.example/realms/r\","
                                      "\"sub\":\"u1\",\"aud\":[\"my client\",\"x\"],"
                                      "\"iat\":1000,\"exp\":2000,\"nonce\":\"n1\"}"),
                        "n1", 1500, 0, &c),
                    AUTHSVC_OIDC_AZP);
    CU_ASSERT_EQUAL(authsvc_oidc_id_token_check(
                        p, &pr, ring,
                        test_id_token(p, key,
                                      "{\"iss\":\"https://idp.example/realms/other\","
                                      "\"sub\":\"u1\",\"aud\":\"my client\","
                                      "\"iat\":1000,\"exp\":2000,\"nonce\":\"n1\"}"),
                        "n1", 1500, 0, &c),
                    AUTHSVC_OIDC_ISSUER);
    CU_ASSERT_PTR_NULL(c);
}

static void test_jwks_parse_takes_the_providers_kid_and_skips_the_rest(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_key_t *key = test_es256_key(p);
    cJSON *doc = cJSON_CreateObject(), *keys = cJSON_AddArrayToObject(doc, "keys");
    cJSON *jwk = cJSON_Duplicate(key->public_jwk, 1);
    authsvc_keyring_t *ring = NULL;
    const char *text;

    cJSON_ReplaceItemInObject(jwk, "kid", cJSON_CreateString("provider-kid-1"));
    cJSON_AddItemToArray(keys, jwk);
    cJSON_AddItemToArray(keys, cJSON_Parse("{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"AAAA\"}"));
    cJSON_AddItemToArray(keys, cJSON_Parse("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}"));
    text = authsvc_json_print(p, doc);
    cJSON_Delete(doc);
    CU_ASSERT_EQUAL_FATAL(authsvc_social_jwks_parse(p, text, strlen(text), &ring), AUTHSVC_OK);
    CU_ASSERT_EQUAL(ring->keys->nelts, 1);
    CU_ASSERT_PTR_NOT_NULL(authsvc_keyring_find(ring, "provider-kid-1"));
    CU_ASSERT_EQUAL(authsvc_social_jwks_parse(p, "{\"keys\":[]}", 11, &ring),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_social_jwks_parse(p, "[]", 2, &ring), AUTHSVC_INVALID);
}

static void test_claims_as_text_and_booleans_as_strings(void)
{
    apr_pool_t *p = authsvc_test_pool();
    cJSON *c = authsvc_json_own(p, cJSON_Parse(
                                       "{\"a\":\"x\",\"n\":12345,\"big\":17841400000000001,"
                                       "\"t\":\"true\",\"f\":\"false\",\"b\":true}"));

    CU_ASSERT_STRING_EQUAL(authsvc_oidc_claim_text(p, c, "a"), "x");
    CU_ASSERT_STRING_EQUAL(authsvc_oidc_claim_text(p, c, "n"), "12345");
    CU_ASSERT_PTR_NULL(authsvc_oidc_claim_text(p, c, "big")); /* above 2^53: not exact */
    CU_ASSERT_TRUE(authsvc_oidc_claim_true(c, "t"));
    CU_ASSERT_TRUE(authsvc_oidc_claim_true(c, "b"));
    CU_ASSERT_FALSE(authsvc_oidc_claim_true(c, "f"));
    CU_ASSERT_FALSE(authsvc_oidc_claim_true(c, "missing"));
}

void authsvc_test_register_oidc(void)
{
    CU_pSuite s = CU_add_suite("oidc", NULL, NULL);

    CU_add_test(s, "PKCE: RFC 7636 Appendix B", test_pkce_rfc7636_appendix_b);
    CU_add_test(s, "PKCE: verifier length and characters",
                test_pkce_verifier_length_and_characters);
    CU_add_test(s, "authorization URL encodes every parameter",
                test_authorize_url_encodes_every_parameter);
    CU_add_test(s, "token request: client_secret_basic and _post",
                test_token_request_basic_and_post);
    CU_add_test(s, "Apple client_secret: ES256 JWT of the team",
                test_apple_client_secret_is_an_es256_jwt_of_the_team);
    CU_add_test(s, "ID token: nonce, exp, azp, iss", test_id_token_checks);
    CU_add_test(s, "ID token: high ES256 s and fractional times accepted",
                test_id_token_high_s_and_fractional_times_accepted);
    CU_add_test(s, "JWKS: the provider's kid, unusable keys skipped",
                test_jwks_parse_takes_the_providers_kid_and_skips_the_rest);
    CU_add_test(s, "claims: text, big numbers, string booleans",
                test_claims_as_text_and_booleans_as_strings);
}
