/* keys.c: loading and strength checks (T-16), RFC 7638 key ids, public JWKs, key rings. */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "authsvc_base64url.h"
#include "authsvc_json.h"
#include "authsvc_keys.h"
#include "unit.h"

/* RFC 7638 §3.1: the example RSA public key and its thumbprint. */
#define RFC7638_N \
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJ" \
    "ECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2" \
    "QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6" \
    "WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
#define RFC7638_THUMBPRINT "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

/* RFC 7515 A.3: the P-256 key. */
#define A3_X "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define A3_Y "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
#define A3_D "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"

static apr_pool_t *pool;
static EVP_PKEY *rsa, *ec, *ed, *rsa_small, *ec_p384;

static apr_status_t free_pkey(void *pkey)
{
    EVP_PKEY_free(pkey);
    return APR_SUCCESS;
}

static apr_status_t free_bio(void *bio)
{
    BIO_free(bio);
    return APR_SUCCESS;
}

static apr_status_t free_x509(void *cert)
{
    X509_free(cert);
    return APR_SUCCESS;
}

static EVP_PKEY *own_pkey(EVP_PKEY *pkey)
{
    if (pkey)
        apr_pool_cleanup_register(pool, pkey, free_pkey, apr_pool_cleanup_null);
    return pkey;
}

static int suite_init(void)
{
    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    rsa = own_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048));
    rsa_small = own_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024));
    ec = own_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
    ec_p384 = own_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"));
    ed = own_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
    return rsa && rsa_small && ec && ec_p384 && ed ? 0 : 1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool);
    return 0;
}

/* The PEM text of a key: private (optionally encrypted) or public. */
static char *pem_of(EVP_PKEY *pkey, int private, const char *passphrase)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long len;
    int ok;

    if (!bio)
        return NULL;
    apr_pool_cleanup_register(pool, bio, free_bio, apr_pool_cleanup_null);
    if (!private)
        ok = PEM_write_bio_PUBKEY(bio, pkey);
    else if (passphrase)
        ok = PEM_write_bio_PrivateKey(bio, pkey, EVP_aes_256_cbc(), NULL, 0, NULL,
                                      (void *)passphrase);
    else
        ok = PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
    len = BIO_get_mem_data(bio, &data);
    return ok && len > 0 ? apr_pstrmemdup(pool, data, (apr_size_t)len) : NULL;
}

/* A self-signed certificate for pkey, as PEM. */
static char *certificate_pem_of(EVP_PKEY *pkey)
{
    X509 *cert = X509_new();
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long len;

    if (cert)
        apr_pool_cleanup_register(pool, cert, free_x509, apr_pool_cleanup_null);
    if (bio)
        apr_pool_cleanup_register(pool, bio, free_bio, apr_pool_cleanup_null);
    if (!cert || !bio || !X509_set_version(cert, 2)
        || !ASN1_INTEGER_set(X509_get_serialNumber(cert), 1)
        || !X509_gmtime_adj(X509_getm_notBefore(cert), 0)
        || !X509_gmtime_adj(X509_getm_notAfter(cert), 3600) || !X509_set_pubkey(cert, pkey)
        || !X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                                       (const unsigned char *)"authsvc test", -1, -1, 0)
        || !X509_set_issuer_name(cert, X509_get_subject_name(cert))
        || !X509_sign(cert, pkey, EVP_sha256()) || !PEM_write_bio_X509(bio, cert))
        return NULL;
    len = BIO_get_mem_data(bio, &data);
    return len > 0 ? apr_pstrmemdup(pool, data, (apr_size_t)len) : NULL;
}

/* Writes text to a fresh temporary file; the caller removes it. */
static const char *temp_file_with(const char *text)
{
    char *path = apr_pstrdup(pool, "/tmp/authsvc-test-key-XXXXXX");
    apr_file_t *f;
    apr_size_t len = strlen(text);

    if (apr_file_mktemp(&f, path, APR_FOPEN_CREATE | APR_FOPEN_WRITE | APR_FOPEN_EXCL, pool)
        != APR_SUCCESS)
        return NULL;
    if (apr_file_write_full(f, text, len, NULL) != APR_SUCCESS) {
        apr_file_close(f);
        return NULL;
    }
    apr_file_close(f);
    return path;
}

static authsvc_status_t load_pem_text(const char *text, authsvc_key_t **key, const char **why)
{
    const char *path = temp_file_with(text);
    authsvc_status_t st;

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    st = authsvc_key_load_pem_file(pool, path, key, why);
    apr_file_remove(path, pool);
    return st;
}

static authsvc_key_t *key_of(EVP_PKEY *pkey)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_pkey(pool, pkey, &key, &why), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(key);
    return key;
}

static cJSON *json(const char *text)
{
    cJSON *item = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_json_parse(pool, text, strlen(text), &item),
                          AUTHSVC_JSON_VALID);
    return item;
}

static void test_jws_alg_names(void)
{
    CU_ASSERT_STRING_EQUAL(authsvc_jws_alg_name(AUTHSVC_JWS_RS256), "RS256");
    CU_ASSERT_STRING_EQUAL(authsvc_jws_alg_name(AUTHSVC_JWS_ES256), "ES256");
    CU_ASSERT_STRING_EQUAL(authsvc_jws_alg_name(AUTHSVC_JWS_EDDSA), "EdDSA");
    CU_ASSERT_STRING_EQUAL(authsvc_jws_alg_name(AUTHSVC_JWS_HS256), "HS256");
    CU_ASSERT_PTR_NULL(authsvc_jws_alg_name((authsvc_jws_alg_t)0));
}

static void test_rfc7638_thumbprint_example(void)
{
    cJSON *jwk = json("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\","
                      "\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}");
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_STRING_EQUAL(authsvc_jwk_thumbprint(pool, jwk), RFC7638_THUMBPRINT);
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_jwk(pool, jwk, &key, &why), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(key->kid, RFC7638_THUMBPRINT); /* never the JWK's own "kid" */
    CU_ASSERT_EQUAL(key->alg, AUTHSVC_JWS_RS256);
    CU_ASSERT_EQUAL(key->can_sign, 0);
    CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(key->public_jwk, "n")),
                           RFC7638_N);
}

static void test_thumbprint_needs_required_members(void)
{
    CU_ASSERT_PTR_NULL(authsvc_jwk_thumbprint(pool, json("{\"kty\":\"RSA\",\"e\":\"AQAB\"}")));
    CU_ASSERT_PTR_NULL(authsvc_jwk_thumbprint(pool, json("{\"kty\":\"XYZ\",\"k\":\"AQAB\"}")));
    CU_ASSERT_PTR_NULL(
        authsvc_jwk_thumbprint(pool, json("{\"kty\":\"oct\",\"k\":\"a\\\"b\"}")));
}

static void test_pem_private_keys_load_as_signers(void)
{
    EVP_PKEY *pkeys[] = {rsa, ec, ed};
    authsvc_jws_alg_t algs[] = {AUTHSVC_JWS_RS256, AUTHSVC_JWS_ES256, AUTHSVC_JWS_EDDSA};
    int i;

    for (i = 0; i < 3; i++) {
        authsvc_key_t *key = NULL;
        const char *why = NULL;
        CU_ASSERT_EQUAL(load_pem_text(pem_of(pkeys[i], 1, NULL), &key, &why), AUTHSVC_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(key);
        CU_ASSERT_EQUAL(key->alg, algs[i]);
        CU_ASSERT_EQUAL(key->can_sign, 1);
        CU_ASSERT_PTR_NOT_NULL(key->pkey);
        CU_ASSERT_EQUAL(strlen(key->kid), 43u);
        CU_ASSERT_STRING_EQUAL(key->kid, key_of(pkeys[i])->kid);
    }
}

static void test_pem_public_keys_verify_only_same_kid(void)
{
    EVP_PKEY *pkeys[] = {rsa, ec, ed};
    int i;

    for (i = 0; i < 3; i++) {
        authsvc_key_t *key = NULL;
        const char *why = NULL;
        CU_ASSERT_EQUAL(load_pem_text(pem_of(pkeys[i], 0, NULL), &key, &why), AUTHSVC_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(key);
        CU_ASSERT_EQUAL(key->can_sign, 0);
        CU_ASSERT_STRING_EQUAL(key->kid, key_of(pkeys[i])->kid);
    }
}

static void test_pem_certificate_verify_only(void)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;
    const char *pem = certificate_pem_of(ec);

    CU_ASSERT_PTR_NOT_NULL_FATAL(pem);
    CU_ASSERT_EQUAL(load_pem_text(pem, &key, &why), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(key);
    CU_ASSERT_EQUAL(key->alg, AUTHSVC_JWS_ES256);
    CU_ASSERT_EQUAL(key->can_sign, 0);
    CU_ASSERT_STRING_EQUAL(key->kid, key_of(ec)->kid);
}

/* T-16: configtest must fail with a clear reason. */
static void test_pem_rsa_1024_refused_with_reason(void)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL(load_pem_text(pem_of(rsa_small, 1, NULL), &key, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_STRING_EQUAL(why, "RSA key has 1024 bits; at least 2048 are required");
    why = NULL;
    CU_ASSERT_EQUAL(load_pem_text(pem_of(rsa_small, 0, NULL), &key, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(why);
}

static void test_pem_ec_p384_refused(void)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL(load_pem_text(pem_of(ec_p384, 1, NULL), &key, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(key);
    CU_ASSERT(why && strstr(why, "P-256"));
}

/* No passphrase prompt (httpd may hold a terminal); a reason instead. */
static void test_pem_encrypted_refused_without_prompt(void)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL(load_pem_text(pem_of(rsa, 1, "a passphrase"), &key, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(key);
    CU_ASSERT(why && strstr(why, "encrypted"));
}

static void test_pem_missing_or_garbage_refused(void)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL(authsvc_key_load_pem_file(pool, "/nonexistent/authsvc.pem", &key, &why),
                    AUTHSVC_INVALID);
    CU_ASSERT(why && strstr(why, "cannot read the key file"));
    why = NULL;
    CU_ASSERT_EQUAL(
        load_pem_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", &key,
                      &why),
        AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(why);
    why = NULL;
    CU_ASSERT_EQUAL(authsvc_key_from_pem(pool, "", 0, &key, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(key);
    CU_ASSERT_PTR_NOT_NULL(why);
}

/* T-16: an HS256 secret needs 256 bits. */
static void test_secret_31_bytes_refused_32_accepted(void)
{
    unsigned char secret[32];
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(RAND_bytes(secret, sizeof(secret)), 1);
    CU_ASSERT_EQUAL(authsvc_key_from_secret(pool, secret, 31, &key, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_STRING_EQUAL(why, "HS256 secret has 31 bytes; at least 32 are required");
    CU_ASSERT_EQUAL(authsvc_key_from_secret(pool, secret, 32, &key, &why), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(key);
    CU_ASSERT_EQUAL(key->alg, AUTHSVC_JWS_HS256);
    CU_ASSERT_EQUAL(key->can_sign, 1);
    CU_ASSERT_PTR_NULL(key->pkey);
    CU_ASSERT_PTR_NULL(key->public_jwk);
    CU_ASSERT_EQUAL(key->secret_len, 32u);
    CU_ASSERT(key->secret != secret && memcmp(key->secret, secret, 32) == 0);
}

static void test_secret_kid_is_oct_thumbprint(void)
{
    unsigned char secret[40];
    authsvc_key_t *key = NULL, *from_jwk = NULL;
    const char *why = NULL;
    cJSON *jwk;

    CU_ASSERT_EQUAL_FATAL(RAND_bytes(secret, sizeof(secret)), 1);
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_secret(pool, secret, sizeof(secret), &key, &why),
                          AUTHSVC_OK);
    jwk = json(apr_psprintf(pool, "{\"kty\":\"oct\",\"k\":\"%s\"}",
                            authsvc_b64url_encode(pool, secret, sizeof(secret))));
    CU_ASSERT_STRING_EQUAL(key->kid, authsvc_jwk_thumbprint(pool, jwk));
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_jwk(pool, jwk, &from_jwk, &why), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(from_jwk->kid, key->kid);
    CU_ASSERT_EQUAL(from_jwk->secret_len, sizeof(secret));
}

static int has_member(const cJSON *jwk, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(jwk, name) != NULL;
}

/* The published half: kty, key members, kid, alg, use; never a private member. */
static void test_public_jwk_has_public_members_only(void)
{
    static const char *const private_members[] = {"d", "p", "q", "dp", "dq", "qi", "k"};
    EVP_PKEY *pkeys[] = {rsa, ec, ed};
    static const char *const kty[] = {"RSA", "EC", "OKP"};
    int i;
    apr_size_t m;

    for (i = 0; i < 3; i++) {
        const authsvc_key_t *key = key_of(pkeys[i]);
        const cJSON *jwk = key->public_jwk;
        CU_ASSERT_EQUAL(key->can_sign, 1);
        CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(jwk, "kty")), kty[i]);
        CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(jwk, "kid")), key->kid);
        CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(jwk, "alg")),
                               authsvc_jws_alg_name(key->alg));
        CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(jwk, "use")), "sig");
        for (m = 0; m < sizeof(private_members) / sizeof(private_members[0]); m++)
            CU_ASSERT_FALSE(has_member(jwk, private_members[m]));
    }
    CU_ASSERT(has_member(key_of(rsa)->public_jwk, "n")
              && has_member(key_of(rsa)->public_jwk, "e"));
    CU_ASSERT(has_member(key_of(ec)->public_jwk, "y"));
    CU_ASSERT_EQUAL(strlen(
                        cJSON_GetStringValue(cJSON_GetObjectItem(key_of(ed)->public_jwk, "x"))),
                    43u);
}

static void test_public_jwk_round_trips_to_verify_only_key(void)
{
    EVP_PKEY *pkeys[] = {rsa, ec, ed};
    int i;

    for (i = 0; i < 3; i++) {
        const authsvc_key_t *key = key_of(pkeys[i]);
        authsvc_key_t *again = NULL;
        const char *why = NULL;
        CU_ASSERT_EQUAL(authsvc_key_from_jwk(pool, key->public_jwk, &again, &why), AUTHSVC_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(again);
        CU_ASSERT_EQUAL(again->alg, key->alg);
        CU_ASSERT_EQUAL(again->can_sign, 0);
        CU_ASSERT_STRING_EQUAL(again->kid, key->kid);
    }
}

static void test_jwk_rfc7515_a3_private_and_public(void)
{
    authsvc_key_t *priv = NULL, *pub = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL(authsvc_key_from_jwk(pool,
                                         json("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" A3_X
                                              "\",\"y\":\"" A3_Y "\",\"d\":\"" A3_D "\"}"),
                                         &priv, &why),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_key_from_jwk(pool,
                                         json("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" A3_X
                                              "\",\"y\":\"" A3_Y "\",\"use\":\"sig\","
                                              "\"alg\":\"ES256\"}"),
                                         &pub, &why),
                    AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(priv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pub);
    CU_ASSERT_EQUAL(priv->can_sign, 1);
    CU_ASSERT_EQUAL(pub->can_sign, 0);
    CU_ASSERT_STRING_EQUAL(priv->kid, pub->kid);
    CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(pub->public_jwk, "x")),
                           A3_X);
    CU_ASSERT_FALSE(has_member(priv->public_jwk, "d"));
}

/* Each JWK must be refused with a reason. */
static void refuse_jwk(const char *text)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL(authsvc_key_from_jwk(pool, json(text), &key, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(key);
    CU_ASSERT_PTR_NOT_NULL(why);
}

static void test_jwk_refusals(void)
{
    const char *other_d = cJSON_GetStringValue(
        cJSON_GetObjectItem(json("{\"d\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\"}"),
                            "d"));
    const char *ed_x = cJSON_GetStringValue(cJSON_GetObjectItem(key_of(ed)->public_jwk, "x"));

    refuse_jwk("{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"" A3_X "\",\"y\":\"" A3_Y "\"}");
    refuse_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" A3_Y "\",\"y\":\"" A3_X "\"}");
    refuse_jwk(
        "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE\","
        "\"y\":\"" A3_Y "\"}");
    refuse_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" A3_X "=\",\"y\":\"" A3_Y "\"}");
    refuse_jwk(apr_psprintf(pool,
                            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" A3_X "\",\"y\":\"" A3_Y
                            "\",\"d\":\"%s\"}",
                            other_d));
    refuse_jwk(apr_psprintf(pool,
                            "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"d\":\"%s\"}",
                            ed_x, other_d));
    refuse_jwk("{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" A3_X "\"}");
    refuse_jwk("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\",\"alg\":\"HS256\"}");
    refuse_jwk("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\",\"use\":\"enc\"}");
    refuse_jwk("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\",\"d\":\"AQAB\"}");
    refuse_jwk("{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\"}");
    refuse_jwk("{\"kty\":\"oct\",\"k\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg\"}");
    refuse_jwk("{\"kty\":\"foo\"}");
    refuse_jwk("{\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\"}");
}

static apr_status_t free_bn(void *bn)
{
    BN_free(bn);
    return APR_SUCCESS;
}

static void test_jwk_rsa_1024_refused(void)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;
    BIGNUM *n = NULL;
    unsigned char buf[128];

    CU_ASSERT_FATAL(EVP_PKEY_get_bn_param(rsa_small, "n", &n) == 1);
    apr_pool_cleanup_register(pool, n, free_bn, apr_pool_cleanup_null);
    CU_ASSERT_EQUAL_FATAL(BN_bn2binpad(n, buf, sizeof(buf)), 128);
    CU_ASSERT_EQUAL(authsvc_key_from_jwk(
                        pool,
                        json(apr_psprintf(pool, "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"%s\"}",
                                          authsvc_b64url_encode(pool, buf, sizeof(buf)))),
                        &key, &why),
                    AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_STRING_EQUAL(why, "RSA key has 1024 bits; at least 2048 are required");
}

static authsvc_keyring_t *ring_of_four(authsvc_key_t **hs)
{
    authsvc_keyring_t *ring = authsvc_keyring_make(pool);
    unsigned char secret[32];
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(RAND_bytes(secret, sizeof(secret)), 1);
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_secret(pool, secret, sizeof(secret), hs, &why),
                          AUTHSVC_OK);
    authsvc_keyring_add(ring, key_of(rsa));
    authsvc_keyring_add(ring, key_of(ec));
    authsvc_keyring_add(ring, key_of(ed));
    authsvc_keyring_add(ring, *hs);
    return ring;
}

static void test_keyring_signer_is_first_key(void)
{
    authsvc_key_t *hs = NULL;
    authsvc_keyring_t *ring = ring_of_four(&hs);

    CU_ASSERT_PTR_NULL(authsvc_keyring_signer(authsvc_keyring_make(pool)));
    CU_ASSERT_EQUAL(authsvc_keyring_signer(ring)->alg, AUTHSVC_JWS_RS256);
    CU_ASSERT_STRING_EQUAL(authsvc_keyring_signer(ring)->kid, key_of(rsa)->kid);
}

static void test_keyring_find_is_exact(void)
{
    authsvc_key_t *hs = NULL;
    authsvc_keyring_t *ring = ring_of_four(&hs);
    const char *kid = key_of(ec)->kid;
    char *changed = apr_pstrdup(pool, kid);
    char long_kid[AUTHSVC_KEY_KID_LENGTH_MAX + 2];

    CU_ASSERT_EQUAL(authsvc_keyring_find(ring, kid)->alg, AUTHSVC_JWS_ES256);
    CU_ASSERT_PTR_EQUAL(authsvc_keyring_find(ring, hs->kid), hs);
    CU_ASSERT_EQUAL(authsvc_keyring_find(ring, key_of(ed)->kid)->alg, AUTHSVC_JWS_EDDSA);
    changed[0] = changed[0] == 'A' ? 'B' : 'A';
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(ring, changed));
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(ring, apr_pstrndup(pool, kid, 42)));
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(ring, apr_pstrcat(pool, kid, "x", NULL)));
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(ring, ""));
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(ring, NULL));
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(NULL, kid));
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(ring, "../../../../dev/null"));
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(ring, "' OR '1'='1"));
    memset(long_kid, 'A', sizeof(long_kid) - 1);
    long_kid[sizeof(long_kid) - 1] = '\0';
    CU_ASSERT_PTR_NULL(authsvc_keyring_find(ring, long_kid));
}

static void test_keyring_jwks_publishes_public_keys_once(void)
{
    authsvc_key_t *hs = NULL;
    authsvc_keyring_t *ring = ring_of_four(&hs);
    const cJSON *keys, *jwk;
    cJSON *doc;
    int count = 0;

    authsvc_keyring_add(ring, key_of(rsa)); /* the same key twice: published once */
    doc = authsvc_keyring_jwks(pool, ring);
    keys = cJSON_GetObjectItem(doc, "keys");
    CU_ASSERT_FATAL(cJSON_IsArray(keys));
    cJSON_ArrayForEach(jwk, keys)
    {
        count++;
        CU_ASSERT_FALSE(has_member(jwk, "d"));
        CU_ASSERT_FALSE(has_member(jwk, "k"));
        CU_ASSERT_STRING_NOT_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(jwk, "kid")),
                                   hs->kid);
    }
    CU_ASSERT_EQUAL(count, 3);
    CU_ASSERT_STRING_EQUAL(authsvc_json_print(pool, cJSON_GetArrayItem(keys, 0)),
                           authsvc_json_print(pool, key_of(rsa)->public_jwk));
    doc = authsvc_keyring_jwks(pool, authsvc_keyring_make(pool));
    CU_ASSERT_STRING_EQUAL(authsvc_json_print(pool, doc), "{\"keys\":[]}");
}

void authsvc_test_register_keys(void)
{
    CU_pSuite s = CU_add_suite("keys", suite_init, suite_clean);

    CU_add_test(s, "alg names", test_jws_alg_names);
    CU_add_test(s, "RFC 7638 §3.1 thumbprint is the kid", test_rfc7638_thumbprint_example);
    CU_add_test(s, "thumbprint needs the required members",
                test_thumbprint_needs_required_members);
    CU_add_test(s, "PEM private keys sign with their own alg",
                test_pem_private_keys_load_as_signers);
    CU_add_test(s, "PEM public keys verify only, same kid",
                test_pem_public_keys_verify_only_same_kid);
    CU_add_test(s, "PEM certificate verifies only", test_pem_certificate_verify_only);
    CU_add_test(s, "T-16 RSA 1024 refused with a reason",
                test_pem_rsa_1024_refused_with_reason);
    CU_add_test(s, "EC P-384 refused", test_pem_ec_p384_refused);
    CU_add_test(s, "encrypted PEM refused, no prompt",
                test_pem_encrypted_refused_without_prompt);
    CU_add_test(s, "missing or garbage PEM refused", test_pem_missing_or_garbage_refused);
    CU_add_test(s, "T-16 HS256 secret of 31 bytes refused, 32 accepted",
                test_secret_31_bytes_refused_32_accepted);
    CU_add_test(s, "HS256 kid is the oct thumbprint", test_secret_kid_is_oct_thumbprint);
    CU_add_test(s, "public JWK has no private member", test_public_jwk_has_public_members_only);
    CU_add_test(s, "public JWK loads as a verify-only key",
                test_public_jwk_round_trips_to_verify_only_key);
    CU_add_test(s, "RFC 7515 A.3 JWK, private and public",
                test_jwk_rfc7515_a3_private_and_public);
    CU_add_test(s, "bad JWKs refused with a reason", test_jwk_refusals);
    CU_add_test(s, "RSA 1024 JWK refused", test_jwk_rsa_1024_refused);
    CU_add_test(s, "key ring: first key signs", test_keyring_signer_is_first_key);
    CU_add_test(s, "key ring: kid lookup is exact", test_keyring_find_is_exact);
    CU_add_test(s, "key ring: JWKS publishes public keys once",
                test_keyring_jwks_publishes_public_keys_once);
}
