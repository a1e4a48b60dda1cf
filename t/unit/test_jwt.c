/* jwt.c: RFC 7515 appendix A vectors (T-17) and every verification rule of a compact JWT
 * (docs/security-model.md T-01 to T-15), with freshly generated keys of each algorithm. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/pem.h>

#include "authsvc_base64url.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_keys.h"
#include "unit.h"

/* Not formatted by clang-format: known-answer vectors as the RFCs print them. */
/* clang-format off */

#define NOW ((apr_int64_t)1800000000)
#define I64 "%" APR_INT64_T_FMT /* apr_psprintf knows no %lld */
#define LEEWAY 60
#define ISSUER "https://issuer.example"
#define AUDIENCE "client-a"

/* RFC 7515 appendix A: the shared payload, and per example the header, key, signature. */
#define A_PAYLOAD "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
#define A_PAYLOAD_B64                                                                             \
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl" \
    "fQ"
#define A1_HEADER "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"
#define A1_HEADER_B64 "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
#define A1_K "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
#define A1_SIG "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define A2_HEADER_B64 "eyJhbGciOiJSUzI1NiJ9" /* {"alg":"RS256"} */
#define A2_N                                                                                     \
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm" \
    "4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5r" \
    "exMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyx" \
    "XFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
#define A2_D                                                                                     \
    "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NX" \
    "OoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V5" \
    "1gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3" \
    "ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ"
#define A2_P                                                                                     \
    "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5" \
    "PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc"
#define A2_Q                                                                                     \
    "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQe" \
    "ZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc"
#define A2_DP                                                                                    \
    "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1" \
    "R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0"
#define A2_DQ                                                                                    \
    "h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0aj" \
    "aHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU"
#define A2_QI                                                                                    \
    "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7" \
    "YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"
#define A2_SIG                                                                                   \
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp" \
    "5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHl" \
    "b1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9Q" \
    "OYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
#define A3_HEADER_B64 "eyJhbGciOiJFUzI1NiJ9" /* {"alg":"ES256"} */
#define A3_X "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define A3_Y "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
#define A3_D "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"
#define A3_SIG "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
#define A5_TOKEN "eyJhbGciOiJub25lIn0." A_PAYLOAD_B64 "." /* {"alg":"none"}, no signature */

/* The P-256 group order n. */
static const unsigned char p256_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

static apr_pool_t *pool;
/* Our keys (all in ring), and an attacker's keys of the same kinds (in no ring). */
static authsvc_key_t *rsa, *ec, *ed, *hs, *evil_rsa, *evil_ed;
static authsvc_key_t *keys[4];
static authsvc_keyring_t *ring;
static const char *const audiences[] = {"client-x", AUDIENCE, NULL};

/* clang-format on */

static apr_status_t free_pkey(void *pkey)
{
    EVP_PKEY_free(pkey);
    return APR_SUCCESS;
}

static authsvc_key_t *generated(const char *type, size_t bits)
{
    EVP_PKEY *pkey = bits                      ? EVP_PKEY_Q_keygen(NULL, NULL, type, bits)
                     : strcmp(type, "EC") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, type, "P-256")
                                               : EVP_PKEY_Q_keygen(NULL, NULL, type);
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    if (!pkey)
        return NULL;
    apr_pool_cleanup_register(pool, pkey, free_pkey, apr_pool_cleanup_null);
    return authsvc_key_from_pkey(pool, pkey, &key, &why) == AUTHSVC_OK ? key : NULL;
}

static int suite_init(void)
{
    unsigned char secret[32];
    const char *why = NULL;
    int i;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS
        || RAND_bytes(secret, sizeof(secret)) != 1
        || authsvc_key_from_secret(pool, secret, sizeof(secret), &hs, &why) != AUTHSVC_OK)
        return 1;
    keys[0] = rsa = generated("RSA", 2048);
    keys[1] = ec = generated("EC", 0);
    keys[2] = ed = generated("ED25519", 0);
    keys[3] = hs;
    evil_rsa = generated("RSA", 2048);
    evil_ed = generated("ED25519", 0);
    ring = authsvc_keyring_make(pool);
    for (i = 0; i < 4; i++)
        authsvc_keyring_add(ring, keys[i]);
    return rsa && ec && ed && evil_rsa && evil_ed ? 0 : 1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

static const char *b64(const char *text)
{
    return authsvc_b64url_encode(pool, (const unsigned char *)text, strlen(text));
}

static const char *assemble(const char *header, const char *payload, const unsigned char *sig,
                            apr_size_t sig_len)
{
    return apr_pstrcat(pool, b64(header), ".", b64(payload), ".",
                       authsvc_b64url_encode(pool, sig, sig_len), NULL);
}

/* header.payload signed by key with its own algorithm, whatever the header says. */
static const char *forge(const authsvc_key_t *key, const char *header, const char *payload)
{
    const char *input = apr_pstrcat(pool, b64(header), ".", b64(payload), NULL);
    unsigned char *sig = NULL;
    apr_size_t sig_len = 0;

    CU_ASSERT_EQUAL_FATAL(authsvc_jws_sign_input(pool, key, input, strlen(input), &sig,
                                                 &sig_len),
                          AUTHSVC_OK);
    return apr_pstrcat(pool, input, ".", authsvc_b64url_encode(pool, sig, sig_len), NULL);
}

/* header.payload with an HMAC-SHA-256 under any bytes, computed here (not by jwt.c). */
static const char *forge_hmac(const void *secret, apr_size_t len, const char *header,
                              const char *payload)
{
    const char *input = apr_pstrcat(pool, b64(header), ".", b64(payload), NULL);
    unsigned char mac[32];
    size_t mac_len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, len,
                                           (const unsigned char *)input, strlen(input), mac,
                                           sizeof(mac), &mac_len));
    return apr_pstrcat(pool, input, ".", authsvc_b64url_encode(pool, mac, mac_len), NULL);
}

static const char *header_of(const authsvc_key_t *key)
{
    return apr_psprintf(pool, "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
                        authsvc_jws_alg_name(key->alg), key->kid);
}

/* Claims valid at NOW, plus extra members (",\"x\":1"); exp given. */
static const char *claims_exp(apr_int64_t exp, const char *extra)
{
    return apr_psprintf(pool,
                        "{\"iss\":\"" ISSUER "\",\"sub\":\"user-1\",\"aud\":\"" AUDIENCE
                        "\",\"iat\":" I64 ",\"exp\":" I64 ",\"jti\":\"jti-1\"%s}",
                        NOW - 10, exp, extra ? extra : "");
}

static const char *claims(void)
{
    return claims_exp(NOW + 900, NULL);
}

static authsvc_jwt_expect_t expect_default(void)
{
    authsvc_jwt_expect_t expect;

    memset(&expect, 0, sizeof(expect));
    expect.issuer = ISSUER;
    expect.audiences = audiences;
    expect.now = NOW;
    expect.leeway = LEEWAY;
    return expect;
}

/* The verdict; claims are handed out exactly when the verdict allows it. */
static authsvc_jwt_result_t verify_with(const char *token, const authsvc_jwt_expect_t *expect)
{
    cJSON *out = (cJSON *)"untouched";
    authsvc_jwt_result_t r = authsvc_jwt_verify(pool, ring, token, expect, &out);
    int handed_out = r == AUTHSVC_JWT_VALID
                     || (r == AUTHSVC_JWT_EXPIRED && expect->allow_expired);

    CU_ASSERT(handed_out ? cJSON_IsObject(out) : out == NULL);
    return r;
}

static authsvc_jwt_result_t verify(const char *token)
{
    authsvc_jwt_expect_t expect = expect_default();

    return verify_with(token, &expect);
}

static authsvc_key_t *jwk_key(const char *text)
{
    cJSON *jwk = NULL;
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_json_parse(pool, text, strlen(text), &jwk),
                          AUTHSVC_JSON_VALID);
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_jwk(pool, jwk, &key, &why), AUTHSVC_OK);
    return key;
}

static unsigned char *decoded(const char *text, apr_size_t *len)
{
    unsigned char *out = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_b64url_decode(pool, text, strlen(text), &out, len),
                          AUTHSVC_OK);
    return out;
}

/* ---- T-17: RFC 7515 appendix A ------------------------------------------------------ */

static void test_rfc7515_a1_hs256_known_answer(void)
{
    const authsvc_key_t *key = jwk_key("{\"kty\":\"oct\",\"k\":\"" A1_K "\"}");
    const char *input = A1_HEADER_B64 "." A_PAYLOAD_B64;
    unsigned char *sig = NULL;
    apr_size_t sig_len = 0;

    CU_ASSERT_STRING_EQUAL(b64(A1_HEADER), A1_HEADER_B64); /* CR LF and spaces kept */
    CU_ASSERT_STRING_EQUAL(b64(A_PAYLOAD), A_PAYLOAD_B64);
    CU_ASSERT_EQUAL(key->alg, AUTHSVC_JWS_HS256);
    CU_ASSERT_EQUAL_FATAL(authsvc_jws_sign_input(pool, key, input, strlen(input), &sig,
                                                 &sig_len),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(authsvc_b64url_encode(pool, sig, sig_len), A1_SIG);
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(key, input, strlen(input), sig, sig_len), 1);
    sig[7] ^= 0x10;
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(key, input, strlen(input), sig, sig_len), 0);
    sig[7] ^= 0x10;
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(key, input, strlen(input), sig, sig_len - 1), 0);
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(key, input, strlen(input) - 1, sig, sig_len), 0);
}

/* PKCS#1 v1.5 is deterministic: the signature must come out byte for byte. */
static void test_rfc7515_a2_rs256_known_answer(void)
{
    const authsvc_key_t *key = jwk_key("{\"kty\":\"RSA\",\"n\":\"" A2_N
                                       "\",\"e\":\"AQAB\",\"d\":\"" A2_D "\",\"p\":\"" A2_P
                                       "\",\"q\":\"" A2_Q "\",\"dp\":\"" A2_DP
                                       "\",\"dq\":\"" A2_DQ "\",\"qi\":\"" A2_QI "\"}");
    const authsvc_key_t *pub = jwk_key("{\"kty\":\"RSA\",\"n\":\"" A2_N "\",\"e\":\"AQAB\"}");
    const char *input = A2_HEADER_B64 "." A_PAYLOAD_B64;
    unsigned char *sig = NULL;
    apr_size_t sig_len = 0;

    CU_ASSERT_EQUAL(key->alg, AUTHSVC_JWS_RS256);
    CU_ASSERT_EQUAL(key->can_sign, 1);
    CU_ASSERT_EQUAL_FATAL(authsvc_jws_sign_input(pool, key, input, strlen(input), &sig,
                                                 &sig_len),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(authsvc_b64url_encode(pool, sig, sig_len), A2_SIG);
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(key, input, strlen(input), sig, sig_len), 1);
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(pub, input, strlen(input), sig, sig_len), 1);
    sig[100] ^= 0x01;
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(pub, input, strlen(input), sig, sig_len), 0);
}

static void test_rfc7515_a3_es256_verifies(void)
{
    const authsvc_key_t *key = jwk_key("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" A3_X
                                       "\",\"y\":\"" A3_Y "\",\"d\":\"" A3_D "\"}");
    const char *input = A3_HEADER_B64 "." A_PAYLOAD_B64;
    apr_size_t sig_len = 0, bit;
    unsigned char *sig = decoded(A3_SIG, &sig_len), *own = NULL;
    int flips_refused = 1;

    CU_ASSERT_EQUAL_FATAL(sig_len, 64u);
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(key, input, strlen(input), sig, sig_len), 1);
    for (bit = 0; bit < sig_len * 8; bit++) {
        sig[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        flips_refused &= authsvc_jws_verify_input(key, input, strlen(input), sig, sig_len) == 0;
        sig[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
    CU_ASSERT(flips_refused);
    /* ECDSA is randomised: our own signature differs, and verifies. */
    CU_ASSERT_EQUAL_FATAL(authsvc_jws_sign_input(pool, key, input, strlen(input), &own,
                                                 &sig_len),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(sig_len, 64u);
    CU_ASSERT_EQUAL(authsvc_jws_verify_input(key, input, strlen(input), own, sig_len), 1);
}

/* T-01: the unsecured JWS of A.5, and the same with one of our kids. */
static void test_rfc7515_a5_alg_none_refused(void)
{
    CU_ASSERT_EQUAL(verify(A5_TOKEN), AUTHSVC_JWT_UNSUPPORTED);
    CU_ASSERT_EQUAL(verify(apr_pstrcat(
                        pool,
                        b64(apr_psprintf(pool, "{\"alg\":\"none\",\"kid\":\"%s\"}", rsa->kid)),
                        ".", b64(claims()), ".", NULL)),
                    AUTHSVC_JWT_UNSUPPORTED);
}

/* ---- signing and the happy path ----------------------------------------------------- */

static void test_sign_and_verify_with_each_algorithm(void)
{
    int i;

    for (i = 0; i < 4; i++) {
        cJSON *in = NULL, *out = NULL, *header = NULL;
        const char *token = NULL, *dot;
        authsvc_jwt_expect_t expect = expect_default();
        apr_size_t len = 0;
        unsigned char *h;

        CU_ASSERT_EQUAL_FATAL(authsvc_json_parse(pool, claims(), strlen(claims()), &in),
                              AUTHSVC_JSON_VALID);
        CU_ASSERT_EQUAL_FATAL(authsvc_jwt_sign(pool, keys[i], in, &token), AUTHSVC_OK);
        CU_ASSERT_EQUAL(authsvc_jwt_verify(pool, ring, token, &expect, &out),
                        AUTHSVC_JWT_VALID);
        CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(out, "sub")), "user-1");
        dot = strchr(token, '.');
        CU_ASSERT_PTR_NOT_NULL_FATAL(dot);
        h = decoded(apr_pstrndup(pool, token, (apr_size_t)(dot - token)), &len);
        CU_ASSERT_STRING_EQUAL((const char *)h, header_of(keys[i]));
        CU_ASSERT_EQUAL(authsvc_json_parse(pool, (const char *)h, len, &header),
                        AUTHSVC_JSON_VALID);
    }
}

static void test_sign_refuses_verify_only_keys_and_non_objects(void)
{
    authsvc_key_t *pub = NULL;
    const char *why = NULL, *token = "untouched";
    unsigned char *sig = NULL;
    apr_size_t sig_len = 0;
    cJSON *array = authsvc_json_own(pool, cJSON_CreateArray());
    cJSON *object = authsvc_json_own(pool, cJSON_CreateObject());

    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_jwk(pool, ec->public_jwk, &pub, &why), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_jwt_sign(pool, pub, object, &token), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(token);
    CU_ASSERT_EQUAL(authsvc_jws_sign_input(pool, pub, "a.b", 3, &sig, &sig_len),
                    AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(sig);
    CU_ASSERT_EQUAL(authsvc_jwt_sign(pool, rsa, array, &token), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_jwt_sign(pool, NULL, object, &token), AUTHSVC_INVALID);
}

static void test_sign_refuses_tokens_over_the_limit(void)
{
    cJSON *big = authsvc_json_own(pool, cJSON_CreateObject());
    char *filler = apr_palloc(pool, AUTHSVC_JWT_LENGTH_MAX);
    const char *token = NULL;

    memset(filler, 'x', AUTHSVC_JWT_LENGTH_MAX - 1);
    filler[AUTHSVC_JWT_LENGTH_MAX - 1] = '\0';
    cJSON_AddStringToObject(big, "filler", filler);
    CU_ASSERT_EQUAL(authsvc_jwt_sign(pool, hs, big, &token), AUTHSVC_TOO_LARGE);
    CU_ASSERT_PTR_NULL(token);
}

/* Rotation: a verify-only old key still verifies; the new first key signs. */
static void test_rotation_old_key_still_verifies(void)
{
    authsvc_keyring_t *rotated = authsvc_keyring_make(pool);
    authsvc_key_t *old_public = NULL;
    const char *why = NULL, *token = forge(rsa, header_of(rsa), claims());
    authsvc_jwt_expect_t expect = expect_default();
    cJSON *out = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_jwk(pool, rsa->public_jwk, &old_public, &why),
                          AUTHSVC_OK);
    authsvc_keyring_add(rotated, ed);
    authsvc_keyring_add(rotated, old_public);
    CU_ASSERT_PTR_EQUAL(authsvc_keyring_signer(rotated), ed);
    CU_ASSERT_EQUAL(authsvc_jwt_verify(pool, rotated, token, &expect, &out), AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(authsvc_jwt_verify(pool, authsvc_keyring_make(pool), token, &expect, &out),
                    AUTHSVC_JWT_UNKNOWN_KEY);
    CU_ASSERT_EQUAL(authsvc_jwt_verify(pool, NULL, token, &expect, &out),
                    AUTHSVC_JWT_UNKNOWN_KEY);
    CU_ASSERT_EQUAL(authsvc_jwt_verify(pool, ring, token, NULL, &out), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_PTR_NULL(out);
}

static void test_result_names_are_distinct(void)
{
    int i, j;

    for (i = AUTHSVC_JWT_VALID; i <= AUTHSVC_JWT_WRONG_AUDIENCE; i++)
        for (j = AUTHSVC_JWT_VALID; j < i; j++)
            CU_ASSERT_STRING_NOT_EQUAL(authsvc_jwt_result_name((authsvc_jwt_result_t)i),
                                       authsvc_jwt_result_name((authsvc_jwt_result_t)j));
    CU_ASSERT_STRING_EQUAL(authsvc_jwt_result_name(AUTHSVC_JWT_BAD_SIGNATURE), "bad signature");
}

/* ---- the header: alg, kid, crit, typ (T-02 to T-05, T-12, T-13) --------------------- */

/* T-02: each alg spelling refused, even under a signature our RSA key really made. */
static void test_alg_variants_refused(void)
{
    static const char *const algs[] = {"\"none\"",    "\"None\"",  "\"NONE\"",
                                       "\"nOnE\"",    "\"rs256\"", "\"RS384\"",
                                       "\"PS256\"",   "\"\"",      "256",
                                       "[\"RS256\"]", "null",      "{\"RS256\":1}"};
    apr_size_t i;

    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        const char *header = apr_psprintf(pool, "{\"alg\":%s,\"kid\":\"%s\"}", algs[i],
                                          rsa->kid);
        CU_ASSERT_EQUAL(verify(forge(rsa, header, claims())), AUTHSVC_JWT_UNSUPPORTED);
        CU_ASSERT_EQUAL(verify(apr_pstrcat(pool, b64(header), ".", b64(claims()), ".", NULL)),
                        AUTHSVC_JWT_UNSUPPORTED);
    }
    CU_ASSERT_EQUAL(verify(
                        forge(rsa, apr_psprintf(pool, "{\"kid\":\"%s\"}", rsa->kid), claims())),
                    AUTHSVC_JWT_UNSUPPORTED);
}

/* The key's algorithm, not the token's: another supported alg is refused too. */
static void test_alg_must_be_the_keys_own(void)
{
    CU_ASSERT_EQUAL(
        verify(forge(ec, apr_psprintf(pool, "{\"alg\":\"RS256\",\"kid\":\"%s\"}", ec->kid),
                     claims())),
        AUTHSVC_JWT_UNSUPPORTED);
    CU_ASSERT_EQUAL(
        verify(forge(ed, apr_psprintf(pool, "{\"alg\":\"ES256\",\"kid\":\"%s\"}", ed->kid),
                     claims())),
        AUTHSVC_JWT_UNSUPPORTED);
    CU_ASSERT_EQUAL(
        verify(forge(hs, apr_psprintf(pool, "{\"alg\":\"EdDSA\",\"kid\":\"%s\"}", hs->kid),
                     claims())),
        AUTHSVC_JWT_UNSUPPORTED);
    CU_ASSERT_EQUAL(
        verify(forge(ec, apr_psprintf(pool, "{\"alg\":\"ES256\",\"kid\":\"%s\"}", ec->kid),
                     claims())),
        AUTHSVC_JWT_VALID);
}

static apr_status_t free_bio(void *bio)
{
    BIO_free(bio);
    return APR_SUCCESS;
}

static apr_status_t free_openssl(void *data)
{
    OPENSSL_free(data);
    return APR_SUCCESS;
}

/* T-03: HMAC-SHA-256 keyed with our RSA public key as PEM, DER and JWK text. */
static void test_hmac_with_public_key_bytes_refused(void)
{
    BIO *bio = BIO_new(BIO_s_mem());
    unsigned char *der = NULL;
    char *pem = NULL;
    long pem_len;
    int der_len, i;
    const void *secrets[3];
    apr_size_t lens[3];

    CU_ASSERT_PTR_NOT_NULL_FATAL(bio);
    apr_pool_cleanup_register(pool, bio, free_bio, apr_pool_cleanup_null);
    CU_ASSERT_FATAL(PEM_write_bio_PUBKEY(bio, rsa->pkey) == 1);
    pem_len = BIO_get_mem_data(bio, &pem);
    der_len = i2d_PUBKEY(rsa->pkey, &der);
    CU_ASSERT_FATAL(pem_len > 0 && der_len > 0);
    apr_pool_cleanup_register(pool, der, free_openssl, apr_pool_cleanup_null);
    secrets[0] = pem;
    lens[0] = (apr_size_t)pem_len;
    secrets[1] = der;
    lens[1] = (apr_size_t)der_len;
    secrets[2] = authsvc_json_print(pool, rsa->public_jwk);
    lens[2] = strlen(secrets[2]);
    for (i = 0; i < 3; i++) {
        const char *hs_header = apr_psprintf(pool, "{\"alg\":\"HS256\",\"kid\":\"%s\"}",
                                             rsa->kid);
        CU_ASSERT_EQUAL(verify(forge_hmac(secrets[i], lens[i], hs_header, claims())),
                        AUTHSVC_JWT_UNSUPPORTED);
        CU_ASSERT_EQUAL(verify(forge_hmac(secrets[i], lens[i], header_of(rsa), claims())),
                        AUTHSVC_JWT_BAD_SIGNATURE);
        /* Even naming our real HS256 key, the public key is not its secret. */
        CU_ASSERT_EQUAL(verify(forge_hmac(secrets[i], lens[i], header_of(hs), claims())),
                        AUTHSVC_JWT_BAD_SIGNATURE);
    }
    CU_ASSERT_EQUAL(verify(forge_hmac(hs->secret, hs->secret_len, header_of(hs), claims())),
                    AUTHSVC_JWT_VALID);
}

/* T-04: keys a token brings along (jwk, jku, x5u, x5c) are never used. */
static void test_embedded_keys_never_used(void)
{
    const char *evil_jwk = authsvc_json_print(pool, evil_ed->public_jwk);
    static const char *const carriers[] = {"\"jku\":\"http://127.0.0.1:9/jwks.json\"",
                                           "\"x5u\":\"http://127.0.0.1:9/cert.pem\"",
                                           "\"x5c\":[\"MIIBIjANBgkqhkiG9w0BAQEFAAOC\"]"};
    apr_size_t i;

    CU_ASSERT_EQUAL(verify(forge(evil_ed,
                                 apr_psprintf(pool,
                                              "{\"alg\":\"EdDSA\",\"kid\":\"%s\","
                                              "\"jwk\":%s}",
                                              evil_ed->kid, evil_jwk),
                                 claims())),
                    AUTHSVC_JWT_UNKNOWN_KEY);
    CU_ASSERT_EQUAL(verify(forge(evil_ed,
                                 apr_psprintf(pool,
                                              "{\"alg\":\"EdDSA\",\"kid\":\"%s\","
                                              "\"jwk\":%s}",
                                              ed->kid, evil_jwk),
                                 claims())),
                    AUTHSVC_JWT_BAD_SIGNATURE);
    for (i = 0; i < sizeof(carriers) / sizeof(carriers[0]); i++) {
        CU_ASSERT_EQUAL(verify(forge(evil_ed,
                                     apr_psprintf(pool,
                                                  "{\"alg\":\"EdDSA\",\"kid\":"
                                                  "\"%s\",%s}",
                                                  ed->kid, carriers[i]),
                                     claims())),
                        AUTHSVC_JWT_BAD_SIGNATURE);
        CU_ASSERT_EQUAL(verify(forge(evil_ed,
                                     apr_psprintf(pool,
                                                  "{\"alg\":\"EdDSA\",\"kid\":"
                                                  "\"%s\",%s}",
                                                  evil_ed->kid, carriers[i]),
                                     claims())),
                        AUTHSVC_JWT_UNKNOWN_KEY);
    }
    /* An attacker's RSA key under our RSA kid. */
    CU_ASSERT_EQUAL(verify(forge(evil_rsa, header_of(rsa), claims())),
                    AUTHSVC_JWT_BAD_SIGNATURE);
}

/* T-05: kid values that would be dangerous anywhere but an in-memory ring. */
static void test_kid_attacks(void)
{
    static const char *const unknown[] = {"../../../../dev/null", "' OR '1'='1", "/etc/passwd",
                                          "http://127.0.0.1:9/k", "x"};
    char *long_kid = apr_palloc(pool, 10 * 1024 + 1);
    apr_size_t i;

    for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        CU_ASSERT_EQUAL(verify(forge(rsa,
                                     apr_psprintf(pool, "{\"alg\":\"RS256\",\"kid\":\"%s\"}",
                                                  unknown[i]),
                                     claims())),
                        AUTHSVC_JWT_UNKNOWN_KEY);
    memset(long_kid, 'A', 10 * 1024);
    long_kid[129] = '\0';
    CU_ASSERT_EQUAL(
        verify(forge(rsa, apr_psprintf(pool, "{\"alg\":\"RS256\",\"kid\":\"%s\"}", long_kid),
                     claims())),
        AUTHSVC_JWT_UNKNOWN_KEY);
    long_kid[129] = 'A';
    long_kid[10 * 1024] = '\0';
    CU_ASSERT_EQUAL(
        verify(forge(rsa, apr_psprintf(pool, "{\"alg\":\"RS256\",\"kid\":\"%s\"}", long_kid),
                     claims())),
        AUTHSVC_JWT_MALFORMED); /* over the length limit */
    CU_ASSERT_EQUAL(verify(forge(rsa,
                                 apr_psprintf(pool, "{\"alg\":\"RS256\",\"kid\":\"%s\\u0000\"}",
                                              rsa->kid),
                                 claims())),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(rsa, "{\"alg\":\"RS256\"}", claims())), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(rsa, "{\"alg\":\"RS256\",\"kid\":7}", claims())),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(
        verify(forge(rsa, apr_psprintf(pool, "{\"alg\":\"RS256\",\"kid\":[\"%s\"]}", rsa->kid),
                     claims())),
        AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(
        verify(forge(rsa, apr_psprintf(pool, "{\"alg\":\"RS256\",\"kid\":\"%s \"}", rsa->kid),
                     claims())),
        AUTHSVC_JWT_UNKNOWN_KEY);
}

/* T-12: duplicate members, in the header and in the claims, under a real signature. */
static void test_duplicate_members_refused(void)
{
    CU_ASSERT_EQUAL(verify(forge(rsa,
                                 apr_psprintf(pool,
                                              "{\"alg\":\"RS256\",\"alg\":\"none\","
                                              "\"kid\":\"%s\"}",
                                              rsa->kid),
                                 claims())),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(rsa,
                                 apr_psprintf(pool,
                                              "{\"alg\":\"RS256\",\"kid\":\"%s\","
                                              "\"kid\":\"x\"}",
                                              rsa->kid),
                                 claims())),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(rsa, header_of(rsa),
                                 claims_exp(NOW + 900, ",\"sub\":\"admin\""))),
                    AUTHSVC_JWT_MALFORMED);
}

/* T-13: extensions we would have to understand, and JWE members. */
static void test_crit_b64_and_jwe_members_refused(void)
{
    static const char *const members[] = {"\"crit\":[\"x\"]",    "\"crit\":[]",
                                          "\"b64\":false",       "\"b64\":true",
                                          "\"enc\":\"A256GCM\"", "\"zip\":\"DEF\""};
    apr_size_t i;

    for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
        CU_ASSERT_EQUAL(verify(forge(hs,
                                     apr_psprintf(pool, "{\"alg\":\"HS256\",\"kid\":\"%s\",%s}",
                                                  hs->kid, members[i]),
                                     claims())),
                        AUTHSVC_JWT_UNSUPPORTED);
}

static void test_typ_values(void)
{
    static const char *const good[] = {"\"JWT\"", "\"jwt\"", "\"at+jwt\"", "\"AT+JWT\""};
    static const char *const bad[] = {"\"JOSE\"", "\"\"", "\"application/json\"", "1", "null"};
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CU_ASSERT_EQUAL(verify(forge(ed,
                                     apr_psprintf(pool,
                                                  "{\"alg\":\"EdDSA\",\"kid\":\"%s\","
                                                  "\"typ\":%s}",
                                                  ed->kid, good[i]),
                                     claims())),
                        AUTHSVC_JWT_VALID);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(verify(forge(ed,
                                     apr_psprintf(pool,
                                                  "{\"alg\":\"EdDSA\",\"kid\":\"%s\","
                                                  "\"typ\":%s}",
                                                  ed->kid, bad[i]),
                                     claims())),
                        AUTHSVC_JWT_UNSUPPORTED);
    CU_ASSERT_EQUAL(
        verify(forge(ed, apr_psprintf(pool, "{\"alg\":\"EdDSA\",\"kid\":\"%s\"}", ed->kid),
                     claims())),
        AUTHSVC_JWT_VALID);
}

static void test_header_and_claims_must_be_json_objects(void)
{
    CU_ASSERT_EQUAL(verify(forge(hs, "[\"HS256\"]", claims())), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(hs, "\"HS256\"", claims())), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(hs, "not json", claims())), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(hs, "", claims())), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(hs, header_of(hs), "[1]")), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(hs, header_of(hs), "")), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(hs, header_of(hs), claims_exp(NOW + 900, ",\"x\":\"\xff\""))),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(forge(hs, header_of(hs), apr_pstrcat(pool, claims(), " x", NULL))),
                    AUTHSVC_JWT_MALFORMED);
}

/* ---- the compact form (T-06, T-14) -------------------------------------------------- */

static void test_segment_counts_refused(void)
{
    const char *token = forge(ec, header_of(ec), claims());
    const char *jwe = apr_pstrcat(pool, b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}"),
                                  ".AAAA.AAAA.AAAA.AAAA", NULL);

    CU_ASSERT_EQUAL(verify(token), AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(verify(apr_pstrndup(pool, token, strrchr(token, '.') - token)),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(apr_pstrcat(pool, token, ".", NULL)), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(apr_pstrcat(pool, token, ".AAAA", NULL)), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(apr_pstrcat(pool, token, ".AAAA.AAAA", NULL)),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(jwe), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(".."), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(""), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify("abc"), AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify(NULL), AUTHSVC_JWT_MALFORMED);
}

static void test_length_limit(void)
{
    apr_size_t fill = AUTHSVC_JWT_LENGTH_MAX;
    char *filler = apr_palloc(pool, fill + 1);
    const char *token;

    memset(filler, 'x', fill);
    filler[fill] = '\0';
    token = forge(hs, header_of(hs),
                  claims_exp(NOW + 900, apr_psprintf(pool, ",\"f\":\"%s\"", filler)));
    CU_ASSERT(strlen(token) > AUTHSVC_JWT_LENGTH_MAX);
    CU_ASSERT_EQUAL(verify(token), AUTHSVC_JWT_MALFORMED);
}

/* T-06: empty and wrong-length signatures. */
static void test_signature_lengths_refused(void)
{
    unsigned char zeros[257];
    apr_size_t lengths[] = {0, 1, 255, 257}, i;

    memset(zeros, 0, sizeof(zeros));
    for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        CU_ASSERT_EQUAL(verify(assemble(header_of(rsa), claims(), zeros, lengths[i])),
                        AUTHSVC_JWT_BAD_SIGNATURE);
        CU_ASSERT_EQUAL(verify(assemble(header_of(hs), claims(), zeros, lengths[i])),
                        AUTHSVC_JWT_BAD_SIGNATURE);
    }
    CU_ASSERT_EQUAL(verify(assemble(header_of(rsa), claims(), zeros, 256)),
                    AUTHSVC_JWT_BAD_SIGNATURE);
    CU_ASSERT_EQUAL(verify(assemble(header_of(ed), claims(), zeros, 63)),
                    AUTHSVC_JWT_BAD_SIGNATURE);
    CU_ASSERT_EQUAL(verify(assemble(header_of(ed), claims(), zeros, 65)),
                    AUTHSVC_JWT_BAD_SIGNATURE);
    CU_ASSERT_EQUAL(verify(assemble(header_of(ed), claims(), zeros, 64)),
                    AUTHSVC_JWT_BAD_SIGNATURE);
}

/* The token with segment (0 header, 1 payload, 2 signature) replaced by bytes. */
static const char *with_segment(const char *token, int segment, const unsigned char *bytes,
                                apr_size_t len)
{
    char **parts = apr_palloc(pool, 3 * sizeof(char *));
    char *copy = apr_pstrdup(pool, token), *state = NULL;
    int i;

    for (i = 0; i < 3; i++)
        parts[i] = apr_strtok(i == 0 ? copy : NULL, ".", &state);
    parts[segment] = authsvc_b64url_encode(pool, bytes, len);
    return apr_pstrcat(pool, parts[0], ".", parts[1], ".", parts[2], NULL);
}

/* T-07: every single-bit change of every segment's bytes is refused, for every key. */
static void test_bit_flips_in_each_segment_refused(void)
{
    int k, segment;

    for (k = 0; k < 4; k++) {
        const char *token = forge(keys[k], header_of(keys[k]), claims());
        CU_ASSERT_EQUAL(verify(token), AUTHSVC_JWT_VALID);
        for (segment = 0; segment < 3; segment++) {
            char *copy = apr_pstrdup(pool, token), *state = NULL, *text = NULL;
            unsigned char *bytes;
            apr_size_t len, bit;
            int accepted = 0, i;
            for (i = 0; i <= segment; i++)
                text = apr_strtok(i == 0 ? copy : NULL, ".", &state);
            bytes = decoded(text, &len);
            for (bit = 0; bit < len * 8; bit++) {
                bytes[bit / 8] ^= (unsigned char)(1u << (bit % 8));
                accepted += verify(with_segment(token, segment, bytes, len))
                            == AUTHSVC_JWT_VALID;
                bytes[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            }
            CU_ASSERT_EQUAL(accepted, 0);
        }
    }
}

/* T-07 on the text: flipping the low bit of any character (dots aside) is refused. */
static void test_character_flips_refused(void)
{
    const char *token = forge(ed, header_of(ed), claims());
    apr_size_t i, len = strlen(token);
    int accepted = 0;

    for (i = 0; i < len; i++) {
        char *copy = apr_pstrdup(pool, token);
        if (copy[i] == '.')
            continue;
        copy[i] ^= 0x01;
        accepted += verify(copy) == AUTHSVC_JWT_VALID;
    }
    CU_ASSERT_EQUAL(accepted, 0);
}

/* T-14: one signature, one spelling: no sibling last character, no padding, no '+' '/'. */
static void test_signature_spelling_variants_refused(void)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const authsvc_key_t *signers[] = {hs, rsa};
    int k, i;

    for (k = 0; k < 2; k++) {
        const char *token = forge(signers[k], header_of(signers[k]), claims());
        apr_size_t len = strlen(token);
        const char *last = strchr(alphabet, token[len - 1]);
        int unused = signers[k] == hs ? 4 : 16; /* 2 or 4 unused bits in the last character */
        CU_ASSERT_PTR_NOT_NULL_FATAL(last);
        for (i = 1; i < unused; i++) {
            char *sibling = apr_pstrdup(pool, token);
            sibling[len - 1] = alphabet[(last - alphabet) ^ i];
            CU_ASSERT_EQUAL(verify(sibling), AUTHSVC_JWT_MALFORMED);
        }
        CU_ASSERT_EQUAL(verify(apr_pstrcat(pool, token, "=", NULL)), AUTHSVC_JWT_MALFORMED);
        CU_ASSERT_EQUAL(verify(apr_pstrcat(pool, token, "==", NULL)), AUTHSVC_JWT_MALFORMED);
        CU_ASSERT_EQUAL(verify(apr_pstrcat(pool, token, " ", NULL)), AUTHSVC_JWT_MALFORMED);
        for (i = 0; i < 2; i++) {
            char *swapped = apr_pstrdup(pool, token);
            swapped[strrchr(swapped, '.') - swapped + 1] = i ? '+' : '/';
            CU_ASSERT_EQUAL(verify(swapped), AUTHSVC_JWT_MALFORMED);
        }
    }
}

/* ---- T-15: ES256 signature shapes --------------------------------------------------- */

static apr_status_t free_md_ctx(void *ctx)
{
    EVP_MD_CTX_free(ctx);
    return APR_SUCCESS;
}

/* OpenSSL's own (DER) ECDSA signature of the signing input. */
static const char *with_der_signature(const char *header, const char *payload)
{
    const char *input = apr_pstrcat(pool, b64(header), ".", b64(payload), NULL);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[80];
    size_t der_len = sizeof(der);

    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    apr_pool_cleanup_register(pool, md, free_md_ctx, apr_pool_cleanup_null);
    CU_ASSERT_FATAL(
        EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, ec->pkey) == 1
        && EVP_DigestSign(md, der, &der_len, (const unsigned char *)input, strlen(input)) == 1);
    return apr_pstrcat(pool, input, ".", authsvc_b64url_encode(pool, der, der_len), NULL);
}

static void test_es256_signature_shapes_refused(void)
{
    const char *header = header_of(ec), *token = forge(ec, header, claims());
    apr_size_t len = 0;
    unsigned char *good = decoded(strrchr(token, '.') + 1, &len), sig[66];

    CU_ASSERT_EQUAL_FATAL(len, 64u);
    CU_ASSERT_EQUAL(verify(token), AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(verify(with_der_signature(header, claims())), AUTHSVC_JWT_BAD_SIGNATURE);
    memset(sig, 0, sizeof(sig)); /* r = s = 0 (CVE-2022-21449) */
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), sig, 64)), AUTHSVC_JWT_BAD_SIGNATURE);
    memcpy(sig, good, 64);
    memset(sig, 0, 32); /* r = 0 */
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), sig, 64)), AUTHSVC_JWT_BAD_SIGNATURE);
    memcpy(sig, good, 64);
    memset(sig + 32, 0, 32); /* s = 0 */
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), sig, 64)), AUTHSVC_JWT_BAD_SIGNATURE);
    memcpy(sig + 32, p256_n, 32); /* s = n */
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), sig, 64)), AUTHSVC_JWT_BAD_SIGNATURE);
    memset(sig + 32, 0xff, 32); /* s > n */
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), sig, 64)), AUTHSVC_JWT_BAD_SIGNATURE);
    memcpy(sig, p256_n, 32); /* r = n */
    memcpy(sig + 32, good + 32, 32);
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), sig, 64)), AUTHSVC_JWT_BAD_SIGNATURE);
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), good, 63)), AUTHSVC_JWT_BAD_SIGNATURE);
    memcpy(sig, good, 64);
    sig[64] = 0;
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), sig, 65)), AUTHSVC_JWT_BAD_SIGNATURE);
    sig[0] = 0;
    memcpy(sig + 1, good, 64);
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), sig, 65)), AUTHSVC_JWT_BAD_SIGNATURE);
    CU_ASSERT_EQUAL(verify(assemble(header, claims(), good, 64)), AUTHSVC_JWT_VALID);
}

/* s as a 32-byte big-endian number is at most n/2: the low-s form. */
static int es256_s_is_low(const unsigned char *s)
{
    BIGNUM *v = BN_bin2bn(s, 32, NULL), *half = BN_bin2bn(p256_n, 32, NULL);
    int low;

    CU_ASSERT_FATAL(v && half && BN_rshift1(half, half));
    low = BN_cmp(v, half) <= 0;
    BN_free(v);
    BN_free(half);
    return low;
}

/* The same ES256 token with s replaced by n - s: the other signature ECDSA accepts. */
static const char *with_negated_s(const char *token)
{
    apr_size_t len = 0;
    unsigned char *sig = decoded(strrchr(token, '.') + 1, &len);
    BIGNUM *s, *n = BN_bin2bn(p256_n, 32, NULL);

    CU_ASSERT_EQUAL_FATAL(len, 64u);
    s = BN_bin2bn(sig + 32, 32, NULL);
    CU_ASSERT_FATAL(s && n && BN_sub(s, n, s) && BN_bn2binpad(s, sig + 32, 32) == 32);
    BN_free(s);
    BN_free(n);
    return with_segment(token, 2, sig, len);
}

/* Issue 14: ECDSA's (r, n - s) is a second valid signature of the same token. We sign
 * with the low s, so the high one of our own tokens is a forgery of its spelling. */
static void test_es256_signs_with_low_s(void)
{
    const char *input = "eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ";
    int i, all_low = 1;

    for (i = 0; i < 64; i++) { /* a random s is high half of the time */
        unsigned char *sig = NULL;
        apr_size_t len = 0;
        CU_ASSERT_EQUAL_FATAL(authsvc_jws_sign_input(pool, ec, input, strlen(input), &sig,
                                                     &len),
                              AUTHSVC_OK);
        CU_ASSERT_EQUAL_FATAL(len, 64u);
        all_low &= es256_s_is_low(sig + 32);
        all_low &= authsvc_jws_verify_input(ec, input, strlen(input), sig, len);
    }
    CU_ASSERT(all_low);
}

static void test_es256_high_s_refused_in_own_tokens_only(void)
{
    authsvc_jwt_expect_t expect = expect_default();
    int i, refused = 1, foreign_accepted = 1;

    for (i = 0; i < 16; i++) {
        const char *token = forge(ec, header_of(ec), claims());
        const char *twin = with_negated_s(token);
        CU_ASSERT_EQUAL(verify(token), AUTHSVC_JWT_VALID);
        refused &= verify(twin) == AUTHSVC_JWT_BAD_SIGNATURE;
        expect.issued_elsewhere = 1; /* a provider's ID token: both forms are ECDSA */
        foreign_accepted &= verify_with(twin, &expect) == AUTHSVC_JWT_VALID;
        expect.issued_elsewhere = 0;
    }
    CU_ASSERT(refused);
    CU_ASSERT(foreign_accepted);
}

/* ---- claims (T-08 to T-10) ---------------------------------------------------------- */

static authsvc_jwt_result_t verify_claims(const char *payload)
{
    return verify(forge(hs, header_of(hs), payload));
}

/* T-08: exp <= now - leeway is expired; exp is required and numeric. */
static void test_expiry_edges(void)
{
    CU_ASSERT_EQUAL(verify_claims(claims_exp(NOW - (LEEWAY + 1), NULL)), AUTHSVC_JWT_EXPIRED);
    CU_ASSERT_EQUAL(verify_claims(claims_exp(NOW - LEEWAY, NULL)), AUTHSVC_JWT_EXPIRED);
    CU_ASSERT_EQUAL(verify_claims(claims_exp(NOW - LEEWAY + 1, NULL)), AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(verify_claims(claims_exp(NOW - (LEEWAY - 30), NULL)), AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(verify_claims("{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\"}"),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify_claims("{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\","
                                  "\"exp\":\"1800000900\"}"),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify_claims("{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\","
                                  "\"exp\":null}"),
                    AUTHSVC_JWT_MALFORMED);
}

/* A payload valid at NOW with one registered time claim set to value (JSON text). */
static const char *claims_time(const char *name, const char *value)
{
    const char *exp = strcmp(name, "exp") == 0 ? value : apr_psprintf(pool, I64, NOW + 900);

    return apr_psprintf(pool, "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\",\"exp\":%s%s}",
                        exp,
                        strcmp(name, "exp") == 0
                            ? ""
                            : apr_psprintf(pool, ",\"%s\":%s", name, value));
}

/* Issue 14: exp, nbf and iat of our tokens are integers in [0, 2^53]. 1e400 is infinity
 * to a double (an exp that never comes), 1e18 is past any exact integer. */
static void test_numeric_dates_integers_in_range(void)
{
    static const char *const odd[] = {"1e400", "-1e400",           "1.5",     "-1",
                                      "1e18",  "9007199254740994", "\"123\"", "1800000900.5"};
    static const char *const names[] = {"exp", "nbf", "iat"};
    apr_size_t i, k;

    for (k = 0; k < 3; k++) {
        for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
            CU_ASSERT_EQUAL(verify_claims(claims_time(names[k], odd[i])),
                            AUTHSVC_JWT_MALFORMED);
        CU_ASSERT_EQUAL(verify_claims(claims_time(names[k], k ? "0" : "9007199254740992")),
                        AUTHSVC_JWT_VALID); /* 0 and 2^53 are the bounds */
    }
}

/* A provider's NumericDate may carry a fraction (RFC 7519 §2); the range holds for all. */
static void test_numeric_dates_of_providers(void)
{
    authsvc_jwt_expect_t foreign = expect_default();
    static const char *const refused[] = {"1e400", "-1", "1e18", "\"123\"", "null"};
    apr_size_t i;

    foreign.issued_elsewhere = 1;
    CU_ASSERT_EQUAL(verify_with(forge(hs, header_of(hs), claims_time("exp", "1800000900.5")),
                                &foreign),
                    AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(verify_with(forge(hs, header_of(hs), claims_time("iat", "1799999990.25")),
                                &foreign),
                    AUTHSVC_JWT_VALID);
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        CU_ASSERT_EQUAL(verify_with(forge(hs, header_of(hs), claims_time("exp", refused[i])),
                                    &foreign),
                        AUTHSVC_JWT_MALFORMED);
        CU_ASSERT_EQUAL(verify_with(forge(hs, header_of(hs), claims_time("nbf", refused[i])),
                                    &foreign),
                        AUTHSVC_JWT_MALFORMED);
    }
}

/* token-refresh: an expired but otherwise perfect token is handed out as EXPIRED. */
static void test_allow_expired_only_when_all_else_holds(void)
{
    authsvc_jwt_expect_t expect = expect_default();
    const char *expired = claims_exp(NOW - 3600, NULL);
    const char *token = forge(rsa, header_of(rsa), expired);
    apr_size_t len = 0;
    unsigned char *sig = decoded(strrchr(token, '.') + 1, &len);

    expect.allow_expired = 1;
    CU_ASSERT_EQUAL(verify_with(token, &expect), AUTHSVC_JWT_EXPIRED); /* claims handed out */
    CU_ASSERT_EQUAL(verify_with(forge(rsa, header_of(rsa), claims()), &expect),
                    AUTHSVC_JWT_VALID);
    sig[10] ^= 0x01;
    CU_ASSERT_EQUAL(verify_with(with_segment(token, 2, sig, len), &expect),
                    AUTHSVC_JWT_BAD_SIGNATURE);
    expect.issuer = "https://other.example";
    CU_ASSERT_EQUAL(verify_with(token, &expect), AUTHSVC_JWT_WRONG_ISSUER);
    expect = expect_default();
    expect.allow_expired = 1;
    expect.audiences = audiences + 2; /* empty allow-list */
    CU_ASSERT_EQUAL(verify_with(token, &expect), AUTHSVC_JWT_WRONG_AUDIENCE);
    expect = expect_default();
    expect.allow_expired = 1;
    CU_ASSERT_EQUAL(verify_with(forge(rsa, header_of(rsa),
                                      claims_exp(NOW - 3600, ",\"nbf\":1900000000")),
                                &expect),
                    AUTHSVC_JWT_NOT_YET_VALID);
    CU_ASSERT_EQUAL(verify_with(forge(evil_rsa, header_of(rsa), expired), &expect),
                    AUTHSVC_JWT_BAD_SIGNATURE);
}

/* T-09: not before, and issued in the future, beyond the leeway. */
static void test_nbf_and_iat_in_the_future(void)
{
    CU_ASSERT_EQUAL(verify_claims(claims_exp(NOW + 900, apr_psprintf(pool, ",\"nbf\":" I64,
                                                                     NOW + LEEWAY + 60))),
                    AUTHSVC_JWT_NOT_YET_VALID);
    CU_ASSERT_EQUAL(verify_claims(claims_exp(NOW + 900, apr_psprintf(pool, ",\"nbf\":" I64,
                                                                     NOW + LEEWAY + 1))),
                    AUTHSVC_JWT_NOT_YET_VALID);
    CU_ASSERT_EQUAL(verify_claims(claims_exp(NOW + 900, apr_psprintf(pool, ",\"nbf\":" I64,
                                                                     NOW + LEEWAY))),
                    AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(verify_claims(claims_exp(NOW + 900, ",\"nbf\":\"soon\"")),
                    AUTHSVC_JWT_MALFORMED);
    CU_ASSERT_EQUAL(verify_claims(apr_psprintf(pool,
                                               "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE
                                               "\",\"iat\":" I64 ",\"exp\":" I64 "}",
                                               NOW + 86400, NOW + 86400 + 900)),
                    AUTHSVC_JWT_NOT_YET_VALID);
    CU_ASSERT_EQUAL(verify_claims(apr_psprintf(pool,
                                               "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE
                                               "\",\"iat\":" I64 ",\"exp\":" I64 "}",
                                               NOW + 30, NOW + 930)),
                    AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(verify_claims(apr_psprintf(pool,
                                               "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE
                                               "\",\"iat\":true,\"exp\":" I64 "}",
                                               NOW + 900)),
                    AUTHSVC_JWT_MALFORMED);
}

static const char *claims_iss_aud(const char *iss_aud)
{
    return apr_psprintf(pool, "{%s\"sub\":\"user-1\",\"exp\":" I64 "}", iss_aud, NOW + 900);
}

/* T-10: the issuer exactly; a trailing slash is another issuer. */
static void test_issuer_exact(void)
{
    authsvc_jwt_expect_t expect = expect_default();

    CU_ASSERT_EQUAL(verify_claims(
                        claims_iss_aud("\"iss\":\"" ISSUER "/\",\"aud\":\"" AUDIENCE "\",")),
                    AUTHSVC_JWT_WRONG_ISSUER);
    CU_ASSERT_EQUAL(verify_claims(claims_iss_aud(
                        "\"iss\":\"https://ISSUER.example\",\"aud\":\"" AUDIENCE "\",")),
                    AUTHSVC_JWT_WRONG_ISSUER);
    CU_ASSERT_EQUAL(verify_claims(claims_iss_aud("\"aud\":\"" AUDIENCE "\",")),
                    AUTHSVC_JWT_WRONG_ISSUER);
    CU_ASSERT_EQUAL(verify_claims(
                        claims_iss_aud("\"iss\":[\"" ISSUER "\"],\"aud\":\"" AUDIENCE "\",")),
                    AUTHSVC_JWT_WRONG_ISSUER);
    expect.issuer = NULL;
    CU_ASSERT_EQUAL(verify_with(forge(hs, header_of(hs),
                                      claims_iss_aud("\"aud\":\"" AUDIENCE "\",")),
                                &expect),
                    AUTHSVC_JWT_VALID);
}

/* T-10: the audience, as a string or an array, must be on the allow-list. */
static void test_audience_allow_list(void)
{
    authsvc_jwt_expect_t expect = expect_default();

    CU_ASSERT_EQUAL(verify_claims(
                        claims_iss_aud("\"iss\":\"" ISSUER "\",\"aud\":\"client-b\",")),
                    AUTHSVC_JWT_WRONG_AUDIENCE);
    CU_ASSERT_EQUAL(verify_claims(
                        claims_iss_aud("\"iss\":\"" ISSUER "\",\"aud\":\"Client-A\",")),
                    AUTHSVC_JWT_WRONG_AUDIENCE);
    CU_ASSERT_EQUAL(verify_claims(claims_iss_aud("\"iss\":\"" ISSUER "\",")),
                    AUTHSVC_JWT_WRONG_AUDIENCE);
    CU_ASSERT_EQUAL(verify_claims(claims_iss_aud("\"iss\":\"" ISSUER "\",\"aud\":[],")),
                    AUTHSVC_JWT_WRONG_AUDIENCE);
    CU_ASSERT_EQUAL(verify_claims(claims_iss_aud("\"iss\":\"" ISSUER "\",\"aud\":7,")),
                    AUTHSVC_JWT_WRONG_AUDIENCE);
    CU_ASSERT_EQUAL(verify_claims(claims_iss_aud("\"iss\":\"" ISSUER "\",\"aud\":[\"client-b\","
                                                 "\"" AUDIENCE "\"],")),
                    AUTHSVC_JWT_VALID);
    CU_ASSERT_EQUAL(verify_claims(
                        claims_iss_aud("\"iss\":\"" ISSUER "\",\"aud\":\"client-x\",")),
                    AUTHSVC_JWT_VALID); /* the first entry of the allow-list */
    CU_ASSERT_EQUAL(verify_claims(
                        claims_iss_aud("\"iss\":\"" ISSUER "\",\"aud\":[1,\"" AUDIENCE "\"],")),
                    AUTHSVC_JWT_MALFORMED);
    expect.audiences = NULL;
    CU_ASSERT_EQUAL(verify_with(forge(hs, header_of(hs),
                                      claims_iss_aud("\"iss\":\"" ISSUER
                                                     "\",\"aud\":\"any\",")),
                                &expect),
                    AUTHSVC_JWT_VALID);
}

void authsvc_test_register_jwt(void)
{
    CU_pSuite s = CU_add_suite("jwt", suite_init, suite_clean);

    CU_add_test(s, "T-17 RFC 7515 A.1 HS256 known answer", test_rfc7515_a1_hs256_known_answer);
    CU_add_test(s, "T-17 RFC 7515 A.2 RS256 known answer", test_rfc7515_a2_rs256_known_answer);
    CU_add_test(s, "T-17 RFC 7515 A.3 ES256 verifies, bit flips fail",
                test_rfc7515_a3_es256_verifies);
    CU_add_test(s, "T-01 RFC 7515 A.5 alg none refused", test_rfc7515_a5_alg_none_refused);
    CU_add_test(s, "sign and verify with RS256, ES256, EdDSA, HS256",
                test_sign_and_verify_with_each_algorithm);
    CU_add_test(s, "sign refuses verify-only keys and non-objects",
                test_sign_refuses_verify_only_keys_and_non_objects);
    CU_add_test(s, "sign refuses tokens over the length limit",
                test_sign_refuses_tokens_over_the_limit);
    CU_add_test(s, "rotation: old verify-only key still verifies",
                test_rotation_old_key_still_verifies);
    CU_add_test(s, "result names distinct", test_result_names_are_distinct);
    CU_add_test(s, "T-02 alg variants refused", test_alg_variants_refused);
    CU_add_test(s, "alg must be the key's own", test_alg_must_be_the_keys_own);
    CU_add_test(s, "T-03 HMAC with the RSA public key refused",
                test_hmac_with_public_key_bytes_refused);
    CU_add_test(s, "T-04 jwk/jku/x5u/x5c never used", test_embedded_keys_never_used);
    CU_add_test(s, "T-05 kid attacks", test_kid_attacks);
    CU_add_test(s, "T-12 duplicate members refused", test_duplicate_members_refused);
    CU_add_test(s, "T-13 crit, b64 and JWE members refused",
                test_crit_b64_and_jwe_members_refused);
    CU_add_test(s, "typ: JWT or at+jwt only", test_typ_values);
    CU_add_test(s, "header and claims must be JSON objects",
                test_header_and_claims_must_be_json_objects);
    CU_add_test(s, "T-06 2, 4, 5 segments and JWE refused", test_segment_counts_refused);
    CU_add_test(s, "tokens over 8 KiB refused", test_length_limit);
    CU_add_test(s, "T-06 empty and wrong-length signatures refused",
                test_signature_lengths_refused);
    CU_add_test(s, "T-07 bit flips in header, payload, signature refused",
                test_bit_flips_in_each_segment_refused);
    CU_add_test(s, "T-07 character flips refused", test_character_flips_refused);
    CU_add_test(s, "T-14 sibling, padded, '+' '/' signatures refused",
                test_signature_spelling_variants_refused);
    CU_add_test(s, "T-15 ES256 DER, zero, s >= n, 63/65 bytes refused",
                test_es256_signature_shapes_refused);
    CU_add_test(s, "ES256 signs with low s", test_es256_signs_with_low_s);
    CU_add_test(s, "ES256 high s refused in own tokens, accepted from providers",
                test_es256_high_s_refused_in_own_tokens_only);
    CU_add_test(s, "T-08 expiry edges and exp required", test_expiry_edges);
    CU_add_test(s, "exp, nbf, iat: integers in [0, 2^53]",
                test_numeric_dates_integers_in_range);
    CU_add_test(s, "exp, nbf, iat of providers: fractions allowed, range kept",
                test_numeric_dates_of_providers);
    CU_add_test(s, "allow_expired hands out only otherwise perfect tokens",
                test_allow_expired_only_when_all_else_holds);
    CU_add_test(s, "T-09 nbf and iat in the future refused", test_nbf_and_iat_in_the_future);
    CU_add_test(s, "T-10 issuer exact", test_issuer_exact);
    CU_add_test(s, "T-10 audience allow-list", test_audience_allow_list);
}
