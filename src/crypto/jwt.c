/* Compact JWS/JWT: signing with a key's own algorithm, and verification that trusts
 * nothing in a token until its signature checked out under a key of our ring. The
 * algorithm is the key's: a token's "alg" must merely agree with it (RFC 8725 §3.1).
 * One token, one spelling: ECDSA accepts (r, s) and (r, n - s) alike, so we sign with
 * the low s and refuse the high one in our own tokens. */
#include <string.h>
#include <strings.h>

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "authsvc_base64url.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"

#define SHA256_BYTES 32
#define ES256_COORDINATE_BYTES 32
#define ES256_SIGNATURE_BYTES 64
#define ED25519_SIGNATURE_BYTES 64

/* The order n of the P-256 group: ECDSA needs 0 < r, s < n (RFC 7518 §3.4). */
static const unsigned char p256_order[ES256_COORDINATE_BYTES] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
    0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/* floor(n / 2): the largest low s. */
static const unsigned char p256_half_order[ES256_COORDINATE_BYTES] = {
    0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B,
    0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8};

/* Every integer up to 2^53 is exact in a double: the bound of exp, nbf and iat. */
#define NUMERIC_DATE_MAX 9007199254740992.0

/* Every OpenSSL object belongs to a pool from the moment it exists. */
static apr_status_t jwt_free_md_ctx(void *ctx)
{
    EVP_MD_CTX_free(ctx);
    return APR_SUCCESS;
}

static apr_status_t jwt_free_ecdsa_sig(void *sig)
{
    ECDSA_SIG_free(sig);
    return APR_SUCCESS;
}

static void *jwt_own(apr_pool_t *p, void *object, apr_status_t (*cleanup)(void *))
{
    if (object)
        apr_pool_cleanup_register(p, object, cleanup, apr_pool_cleanup_null);
    return object;
}

const char *authsvc_jwt_result_name(authsvc_jwt_result_t r)
{
    static const char *const names[] = {"valid",         "malformed",     "unsupported",
                                        "unknown key",   "bad signature", "expired",
                                        "not yet valid", "wrong issuer",  "wrong audience"};

    return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown result";
}

/* ---- signing ------------------------------------------------------------------------ */

/* 1 when the 32-byte big-endian s is at most n/2. s is public: memcmp is fine. */
static int jws_ecdsa_s_low(const unsigned char *s)
{
    return memcmp(s, p256_half_order, ES256_COORDINATE_BYTES) <= 0;
}

/* s := n - s, on 32-byte big-endian numbers (0 < s < n). */
static void jws_ecdsa_s_negate(unsigned char *s)
{
    int i, borrow = 0;

    for (i = ES256_COORDINATE_BYTES - 1; i >= 0; i--) {
        int d = (int)p256_order[i] - (int)s[i] - borrow;
        borrow = d < 0;
        s[i] = (unsigned char)(d + (borrow ? 256 : 0));
    }
}

/* OpenSSL's DER ECDSA signature as JWS's fixed-width r||s, with the low s. */
static authsvc_status_t jws_ecdsa_der_to_raw(apr_pool_t *tmp, const unsigned char *der,
                                             size_t der_len, unsigned char *raw)
{
    const unsigned char *cursor = der;
    ECDSA_SIG *es = jwt_own(tmp, d2i_ECDSA_SIG(NULL, &cursor, (long)der_len),
                            jwt_free_ecdsa_sig);
    const BIGNUM *r = NULL, *s = NULL;

    if (!es)
        return AUTHSVC_CRYPTO_ERROR;
    ECDSA_SIG_get0(es, &r, &s);
    if (BN_bn2binpad(r, raw, ES256_COORDINATE_BYTES) != ES256_COORDINATE_BYTES
        || BN_bn2binpad(s, raw + ES256_COORDINATE_BYTES, ES256_COORDINATE_BYTES)
               != ES256_COORDINATE_BYTES)
        return AUTHSVC_CRYPTO_ERROR;
    if (!jws_ecdsa_s_low(raw + ES256_COORDINATE_BYTES))
        jws_ecdsa_s_negate(raw + ES256_COORDINATE_BYTES);
    return AUTHSVC_OK;
}

/* HMAC-SHA-256 of input[0..len) into mac (SHA256_BYTES): on a duplicate of the key's
 * keyed context, else (a key made without one) keyed now. */
static int jws_hmac(const authsvc_key_t *key, const char *input, apr_size_t len,
                    unsigned char *mac)
{
    EVP_MAC_CTX *ctx;
    size_t mac_len = 0;
    int ok;

    if (!key->secret)
        return 0;
    if (!key->hmac)
        return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key->secret, key->secret_len,
                         (const unsigned char *)input, len, mac, SHA256_BYTES, &mac_len)
               && mac_len == SHA256_BYTES;
    ctx = EVP_MAC_CTX_dup(key->hmac);
    ok = ctx && EVP_MAC_update(ctx, (const unsigned char *)input, len) == 1
         && EVP_MAC_final(ctx, mac, &mac_len, SHA256_BYTES) == 1 && mac_len == SHA256_BYTES;
    EVP_MAC_CTX_free(ctx);
    return ok;
}

static authsvc_status_t jws_sign_hmac(apr_pool_t *p, const authsvc_key_t *key,
                                      const char *input, apr_size_t len, unsigned char **sig,
                                      apr_size_t *sig_len)
{
    unsigned char *mac = apr_palloc(p, SHA256_BYTES);

    if (!jws_hmac(key, input, len, mac))
        return AUTHSVC_CRYPTO_ERROR;
    *sig = mac;
    *sig_len = SHA256_BYTES;
    return AUTHSVC_OK;
}

/* The digest of a signature with the key: none for EdDSA, else the key's pre-fetched
 * SHA-256 (EVP_sha256() for a key made without one). */
static const EVP_MD *jws_digest(const authsvc_key_t *key)
{
    if (key->alg == AUTHSVC_JWS_EDDSA)
        return NULL;
    return key->sha256 ? key->sha256 : EVP_sha256();
}

static authsvc_status_t jws_sign_pkey(apr_pool_t *p, apr_pool_t *tmp, const authsvc_key_t *key,
                                      const char *input, apr_size_t len, unsigned char **sig,
                                      apr_size_t *sig_len)
{
    EVP_MD_CTX *md = jwt_own(tmp, EVP_MD_CTX_new(), jwt_free_md_ctx);
    EVP_PKEY_CTX *pctx = NULL;
    size_t out_len = (size_t)EVP_PKEY_get_size(key->pkey);
    unsigned char *out = apr_palloc(key->alg == AUTHSVC_JWS_ES256 ? tmp : p, out_len);

    if (!md || EVP_DigestSignInit(md, &pctx, jws_digest(key), NULL, key->pkey) != 1
        || (key->alg == AUTHSVC_JWS_RS256
            && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
        || EVP_DigestSign(md, out, &out_len, (const unsigned char *)input, len) != 1)
        return AUTHSVC_CRYPTO_ERROR;
    if (key->alg != AUTHSVC_JWS_ES256) {
        *sig = out;
        *sig_len = out_len;
        return AUTHSVC_OK;
    }
    *sig = apr_palloc(p, ES256_SIGNATURE_BYTES);
    *sig_len = ES256_SIGNATURE_BYTES;
    return jws_ecdsa_der_to_raw(tmp, out, out_len, *sig);
}

authsvc_status_t authsvc_jws_sign_input(apr_pool_t *p, const authsvc_key_t *key,
                                        const char *input, apr_size_t len, unsigned char **sig,
                                        apr_size_t *sig_len)
{
    authsvc_status_t st;
    apr_pool_t *tmp;

    *sig = NULL;
    *sig_len = 0;
    if (!key || !key->can_sign || (key->alg != AUTHSVC_JWS_HS256 && !key->pkey))
        return AUTHSVC_INVALID;
    if (key->alg == AUTHSVC_JWS_HS256)
        st = jws_sign_hmac(p, key, input, len, sig, sig_len);
    else if (apr_pool_create(&tmp, p) != APR_SUCCESS)
        return AUTHSVC_NO_MEMORY;
    else {
        st = jws_sign_pkey(p, tmp, key, input, len, sig, sig_len);
        apr_pool_destroy(tmp);
    }
    if (st != AUTHSVC_OK) {
        ERR_clear_error();
        *sig = NULL;
        *sig_len = 0;
    }
    return st;
}

/* ---- verification ------------------------------------------------------------------- */

/* 1 when the 32-byte big-endian v is in [1, n-1]. Public values: memcmp is fine. */
static int jws_ecdsa_scalar_ok(const unsigned char *v)
{
    static const unsigned char zero[ES256_COORDINATE_BYTES] = {0};

    return memcmp(v, zero, ES256_COORDINATE_BYTES) != 0
           && memcmp(v, p256_order, ES256_COORDINATE_BYTES) < 0;
}

/* A DER INTEGER of a 32-byte unsigned big-endian value (minimal, non-negative). */
static apr_size_t jws_der_integer(unsigned char *out, const unsigned char *v)
{
    apr_size_t skip = 0, n, pad;

    while (skip < ES256_COORDINATE_BYTES - 1 && v[skip] == 0)
        skip++;
    n = ES256_COORDINATE_BYTES - skip;
    pad = (v[skip] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (unsigned char)(n + pad);
    out[2] = 0x00;
    memcpy(out + 2 + pad, v + skip, n);
    return 2 + pad + n;
}

/* JWS's r||s as the DER SEQUENCE OpenSSL verifies; at most 72 bytes, so short lengths. */
static apr_size_t jws_ecdsa_raw_to_der(const unsigned char *raw, unsigned char *der)
{
    apr_size_t len = 2;

    len += jws_der_integer(der + len, raw);
    len += jws_der_integer(der + len, raw + ES256_COORDINATE_BYTES);
    der[0] = 0x30;
    der[1] = (unsigned char)(len - 2);
    return len;
}

static int jws_verify_pkey(apr_pool_t *tmp, const authsvc_key_t *key, const char *input,
                           apr_size_t len, const unsigned char *sig, apr_size_t sig_len)
{
    EVP_MD_CTX *md = jwt_own(tmp, EVP_MD_CTX_new(), jwt_free_md_ctx);
    EVP_PKEY_CTX *pctx = NULL;
    int ok;

    ok = md && EVP_DigestVerifyInit(md, &pctx, jws_digest(key), NULL, key->pkey) == 1
         && (key->alg != AUTHSVC_JWS_RS256
             || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0)
         && EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)input, len) == 1;
    ERR_clear_error();
    return ok;
}

static int jws_verify_hmac(const authsvc_key_t *key, const char *input, apr_size_t len,
                           const unsigned char *sig, apr_size_t sig_len)
{
    unsigned char mac[SHA256_BYTES];
    int ok;

    if (sig_len != SHA256_BYTES)
        return 0;
    ok = jws_hmac(key, input, len, mac) && CRYPTO_memcmp(mac, sig, SHA256_BYTES) == 0;
    OPENSSL_cleanse(mac, sizeof(mac));
    ERR_clear_error();
    return ok;
}

/* The key decides the algorithm; the signature's shape is checked before OpenSSL sees it.
 * low_s: an ES256 signature's s must be at most n/2 (our own tokens). */
static int jws_verify(apr_pool_t *tmp, const authsvc_key_t *key, const char *input,
                      apr_size_t len, const unsigned char *sig, apr_size_t sig_len, int low_s)
{
    unsigned char der[2 + 2 * (3 + ES256_COORDINATE_BYTES)];

    switch (key ? key->alg : 0) {
    case AUTHSVC_JWS_HS256: return !key->pkey && jws_verify_hmac(key, input, len, sig, sig_len);
    case AUTHSVC_JWS_RS256:
        return key->pkey && EVP_PKEY_is_a(key->pkey, "RSA")
               && sig_len == (apr_size_t)EVP_PKEY_get_size(key->pkey)
               && jws_verify_pkey(tmp, key, input, len, sig, sig_len);
    case AUTHSVC_JWS_ES256:
        return key->pkey && EVP_PKEY_is_a(key->pkey, "EC") && sig_len == ES256_SIGNATURE_BYTES
               && jws_ecdsa_scalar_ok(sig) && jws_ecdsa_scalar_ok(sig + ES256_COORDINATE_BYTES)
               && (!low_s || jws_ecdsa_s_low(sig + ES256_COORDINATE_BYTES))
               && jws_verify_pkey(tmp, key, input, len, der, jws_ecdsa_raw_to_der(sig, der));
    case AUTHSVC_JWS_EDDSA:
        return key->pkey && EVP_PKEY_is_a(key->pkey, "ED25519")
               && sig_len == ED25519_SIGNATURE_BYTES
               && jws_verify_pkey(tmp, key, input, len, sig, sig_len);
    }
    return 0;
}

int authsvc_jws_verify_input(const authsvc_key_t *key, const char *input, apr_size_t len,
                             const unsigned char *sig, apr_size_t sig_len)
{
    apr_pool_t *tmp;
    int ok;

    if (apr_pool_create(&tmp, NULL) != APR_SUCCESS)
        return 0;
    ok = jws_verify(tmp, key, input, len, sig, sig_len, 0);
    apr_pool_destroy(tmp);
    return ok;
}

/* ---- compact JWTs ------------------------------------------------------------------- */

authsvc_status_t authsvc_jwt_sign(apr_pool_t *p, const authsvc_key_t *key, const cJSON *claims,
                                  const char **token)
{
    cJSON *header = authsvc_json_own(p, cJSON_CreateObject());
    const char *header_text, *claims_text;
    unsigned char *sig;
    apr_size_t sig_len;
    char *input, *out;
    authsvc_status_t st;

    *token = NULL;
    if (!key || !key->can_sign || !key->kid || !cJSON_IsObject(claims))
        return AUTHSVC_INVALID;
    if (!header || !cJSON_AddStringToObject(header, "alg", authsvc_jws_alg_name(key->alg))
        || !cJSON_AddStringToObject(header, "typ", "JWT")
        || !cJSON_AddStringToObject(header, "kid", key->kid))
        return AUTHSVC_NO_MEMORY;
    header_text = authsvc_json_print(p, header);
    claims_text = authsvc_json_print(p, claims);
    if (!header_text || !claims_text)
        return AUTHSVC_NO_MEMORY;
    input = apr_pstrcat(
        p, authsvc_b64url_encode(p, (const unsigned char *)header_text, strlen(header_text)),
        ".", authsvc_b64url_encode(p, (const unsigned char *)claims_text, strlen(claims_text)),
        NULL);
    st = authsvc_jws_sign_input(p, key, input, strlen(input), &sig, &sig_len);
    if (st != AUTHSVC_OK)
        return st;
    out = apr_pstrcat(p, input, ".", authsvc_b64url_encode(p, sig, sig_len), NULL);
    if (strlen(out) > AUTHSVC_JWT_LENGTH_MAX)
        return AUTHSVC_TOO_LARGE;
    *token = out;
    return AUTHSVC_OK;
}

/* A compact JWS taken apart: three strict base64url segments. */
typedef struct {
    apr_size_t input_len; /* header "." payload: what the signature covers */
    unsigned char *header, *payload, *sig;
    apr_size_t header_len, payload_len, sig_len;
} jwt_parts_t;

static authsvc_jwt_result_t jwt_split(apr_pool_t *p, const char *token, jwt_parts_t *parts)
{
    const char *dot1, *dot2, *end;
    apr_size_t len = 0;

    if (!token)
        return AUTHSVC_JWT_MALFORMED;
    while (len <= AUTHSVC_JWT_LENGTH_MAX && token[len])
        len++;
    if (len > AUTHSVC_JWT_LENGTH_MAX)
        return AUTHSVC_JWT_MALFORMED;
    end = token + len;
    dot1 = memchr(token, '.', len);
    dot2 = dot1 ? memchr(dot1 + 1, '.', (apr_size_t)(end - dot1 - 1)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', (apr_size_t)(end - dot2 - 1)))
        return AUTHSVC_JWT_MALFORMED; /* 2 segments, or 4 and more (a JWE has 5) */
    parts->input_len = (apr_size_t)(dot2 - token);
    if (authsvc_b64url_decode(p, token, (apr_size_t)(dot1 - token), &parts->header,
                              &parts->header_len)
            != AUTHSVC_OK
        || authsvc_b64url_decode(p, dot1 + 1, (apr_size_t)(dot2 - dot1 - 1), &parts->payload,
                                 &parts->payload_len)
               != AUTHSVC_OK
        || authsvc_b64url_decode(p, dot2 + 1, (apr_size_t)(end - dot2 - 1), &parts->sig,
                                 &parts->sig_len)
               != AUTHSVC_OK)
        return AUTHSVC_JWT_MALFORMED;
    return AUTHSVC_JWT_VALID;
}

static int jwt_alg_known(const char *name)
{
    authsvc_jws_alg_t alg;

    for (alg = AUTHSVC_JWS_RS256; alg <= AUTHSVC_JWS_HS256; alg++)
        if (strcmp(name, authsvc_jws_alg_name(alg)) == 0)
            return 1;
    return 0;
}

/* The protected header: strict JSON, a known alg, nothing we would have to understand
 * (crit, b64) or that belongs to JWE, then the key by kid from the ring alone. jku, jwk,
 * x5u and x5c are ignored: a token never chooses its own key. */
static authsvc_jwt_result_t jwt_header(apr_pool_t *p, const authsvc_keyring_t *ring,
                                       const jwt_parts_t *parts, const authsvc_key_t **key)
{
    static const char *const refused[] = {"crit", "b64", "enc", "zip"};
    cJSON *header = NULL;
    const cJSON *alg, *typ, *kid;
    apr_size_t i;

    *key = NULL;
    if (authsvc_json_parse(p, (const char *)parts->header, parts->header_len, &header)
            != AUTHSVC_JSON_VALID
        || !cJSON_IsObject(header))
        return AUTHSVC_JWT_MALFORMED;
    alg = cJSON_GetObjectItemCaseSensitive(header, "alg");
    if (!cJSON_IsString(alg) || !jwt_alg_known(alg->valuestring))
        return AUTHSVC_JWT_UNSUPPORTED;
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (cJSON_GetObjectItemCaseSensitive(header, refused[i]))
            return AUTHSVC_JWT_UNSUPPORTED;
    typ = cJSON_GetObjectItemCaseSensitive(header, "typ");
    if (typ
        && !(cJSON_IsString(typ)
             && (strcasecmp(typ->valuestring, "JWT") == 0
                 || strcasecmp(typ->valuestring, "at+jwt") == 0)))
        return AUTHSVC_JWT_UNSUPPORTED;
    kid = cJSON_GetObjectItemCaseSensitive(header, "kid");
    if (!cJSON_IsString(kid))
        return AUTHSVC_JWT_MALFORMED;
    *key = authsvc_keyring_find(ring, kid->valuestring);
    if (!*key)
        return AUTHSVC_JWT_UNKNOWN_KEY;
    if (strcmp(alg->valuestring, authsvc_jws_alg_name((*key)->alg)) != 0) {
        *key = NULL;
        return AUTHSVC_JWT_UNSUPPORTED;
    }
    return AUTHSVC_JWT_VALID;
}

static authsvc_jwt_result_t jwt_check_audience(const cJSON *payload,
                                               const char *const *audiences)
{
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(payload, "aud"), *item;
    const char *const *want;

    if (!audiences)
        return AUTHSVC_JWT_VALID;
    if (cJSON_IsArray(aud)) {
        cJSON_ArrayForEach(item, aud) if (!cJSON_IsString(item)) return AUTHSVC_JWT_MALFORMED;
    } else if (!cJSON_IsString(aud))
        return AUTHSVC_JWT_WRONG_AUDIENCE;
    for (want = audiences; *want; want++) {
        if (cJSON_IsString(aud) && strcmp(aud->valuestring, *want) == 0)
            return AUTHSVC_JWT_VALID;
        cJSON_ArrayForEach(item, aud) if (cJSON_IsString(item)
                                          && strcmp(item->valuestring, *want)
                                                 == 0) return AUTHSVC_JWT_VALID;
    }
    return AUTHSVC_JWT_WRONG_AUDIENCE;
}

/* A NumericDate (RFC 7519 §2) we can compare: a number in [0, 2^53] (never infinity or
 * NaN), and an integer unless the token is another issuer's (the RFC allows fractions;
 * we never write them). Absent is fine here; exp's presence is checked by the caller. */
static int jwt_numeric_date_ok(const cJSON *item, int fractions)
{
    double v;

    if (!item)
        return 1;
    if (!cJSON_IsNumber(item))
        return 0;
    v = item->valuedouble;
    return v >= 0 && v <= NUMERIC_DATE_MAX && (fractions || v == (double)(long long)v);
}

/* Registered claims. Expiry is judged last, so that EXPIRED (which token-refresh accepts)
 * always means "genuine and right in every other respect". */
authsvc_jwt_result_t authsvc_jwt_check_claims(const cJSON *payload,
                                              const authsvc_jwt_expect_t *expect)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(payload, "exp");
    const cJSON *nbf = cJSON_GetObjectItemCaseSensitive(payload, "nbf");
    const cJSON *iat = cJSON_GetObjectItemCaseSensitive(payload, "iat");
    const cJSON *iss = cJSON_GetObjectItemCaseSensitive(payload, "iss");
    double leeway = expect->leeway > 0 ? expect->leeway : 0, now = (double)expect->now;
    int fractions = expect->issued_elsewhere;
    authsvc_jwt_result_t r;

    if (!exp || !jwt_numeric_date_ok(exp, fractions) || !jwt_numeric_date_ok(nbf, fractions)
        || !jwt_numeric_date_ok(iat, fractions))
        return AUTHSVC_JWT_MALFORMED;
    if (expect->issuer
        && !(cJSON_IsString(iss) && strcmp(iss->valuestring, expect->issuer) == 0))
        return AUTHSVC_JWT_WRONG_ISSUER;
    r = jwt_check_audience(payload, expect->audiences);
    if (r != AUTHSVC_JWT_VALID)
        return r;
    if ((nbf && nbf->valuedouble > now + leeway) || (iat && iat->valuedouble > now + leeway))
        return AUTHSVC_JWT_NOT_YET_VALID;
    if (exp->valuedouble <= now - leeway)
        return AUTHSVC_JWT_EXPIRED;
    return AUTHSVC_JWT_VALID;
}

authsvc_jwt_result_t authsvc_jwt_verify(apr_pool_t *p, const authsvc_keyring_t *ring,
                                        const char *token, const authsvc_jwt_expect_t *expect,
                                        cJSON **claims)
{
    const authsvc_key_t *key = NULL;
    cJSON *payload = NULL;
    authsvc_jwt_result_t r;
    jwt_parts_t parts;
    apr_pool_t *tmp;
    int ok;

    *claims = NULL;
    if (!expect)
        return AUTHSVC_JWT_MALFORMED;
    r = jwt_split(p, token, &parts);
    if (r == AUTHSVC_JWT_VALID)
        r = jwt_header(p, ring, &parts, &key);
    if (r != AUTHSVC_JWT_VALID)
        return r;
    if (apr_pool_create(&tmp, p) != APR_SUCCESS)
        return AUTHSVC_JWT_BAD_SIGNATURE;
    ok = jws_verify(tmp, key, token, parts.input_len, parts.sig, parts.sig_len,
                    !expect->issued_elsewhere);
    apr_pool_destroy(tmp);
    if (!ok)
        return AUTHSVC_JWT_BAD_SIGNATURE;
    if (authsvc_json_parse(p, (const char *)parts.payload, parts.payload_len, &payload)
            != AUTHSVC_JSON_VALID
        || !cJSON_IsObject(payload))
        return AUTHSVC_JWT_MALFORMED;
    r = authsvc_jwt_check_claims(payload, expect);
    if (r == AUTHSVC_JWT_VALID || (r == AUTHSVC_JWT_EXPIRED && expect->allow_expired))
        *claims = payload;
    return r;
}
