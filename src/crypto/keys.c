/* JWS keys: loading and strength checks, RFC 7638 thumbprints (our key ids), public
 * JWKs and key rings. The algorithm belongs to the key: RSA signs RS256 only, EC P-256
 * ES256 only, Ed25519 EdDSA only, a shared secret HS256 only. */
#include <limits.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "authsvc_base64url.h"
#include "authsvc_json.h"
#include "authsvc_keys.h"

#define P256_COORDINATE_BYTES 32
#define ED25519_KEY_BYTES 32
#define SHA256_BYTES 32

/* Every OpenSSL object belongs to a pool from the moment it exists. */
#define KEYS_CLEANUP(name, type, release) \
    static apr_status_t name(void *object) \
    { \
        release((type *)object); \
        return APR_SUCCESS; \
    }
KEYS_CLEANUP(keys_free_pkey, EVP_PKEY, EVP_PKEY_free)
KEYS_CLEANUP(keys_free_pkey_ctx, EVP_PKEY_CTX, EVP_PKEY_CTX_free)
KEYS_CLEANUP(keys_free_md_ctx, EVP_MD_CTX, EVP_MD_CTX_free)
KEYS_CLEANUP(keys_free_bio, BIO, BIO_free)
KEYS_CLEANUP(keys_free_x509, X509, X509_free)
KEYS_CLEANUP(keys_free_bn, BIGNUM, BN_clear_free)
KEYS_CLEANUP(keys_free_param_bld, OSSL_PARAM_BLD, OSSL_PARAM_BLD_free)
KEYS_CLEANUP(keys_free_params, OSSL_PARAM, OSSL_PARAM_free)
KEYS_CLEANUP(keys_free_md, EVP_MD, EVP_MD_free)
KEYS_CLEANUP(keys_free_mac_ctx, EVP_MAC_CTX, EVP_MAC_CTX_free)

static void *keys_own(apr_pool_t *p, void *object, apr_status_t (*cleanup)(void *))
{
    if (object)
        apr_pool_cleanup_register(p, object, cleanup, apr_pool_cleanup_null);
    return object;
}

/* SHA-256 of the default library context, fetched once for as long as p lives: OpenSSL 3
 * looks EVP_sha256() up by name again on every use. */
static EVP_MD *keys_fetch_sha256(apr_pool_t *p)
{
    return keys_own(p, EVP_MD_fetch(NULL, "SHA256", NULL), keys_free_md);
}

/* Secret bytes in a pool are wiped when the pool goes. */
typedef struct {
    void *data;
    apr_size_t len;
} keys_secret_t;

static apr_status_t keys_cleanse(void *secret)
{
    keys_secret_t *s = secret;

    OPENSSL_cleanse(s->data, s->len);
    return APR_SUCCESS;
}

static void keys_wipe_later(apr_pool_t *p, void *data, apr_size_t len)
{
    keys_secret_t *s = apr_palloc(p, sizeof(*s));

    s->data = data;
    s->len = len;
    apr_pool_cleanup_register(p, s, keys_cleanse, apr_pool_cleanup_null);
}

/* A refusal: the reason for the operator, and no stale OpenSSL errors left behind. */
static authsvc_status_t keys_refuse(const char **why, const char *reason)
{
    ERR_clear_error();
    if (why)
        *why = reason;
    return AUTHSVC_INVALID;
}

const char *authsvc_jws_alg_name(authsvc_jws_alg_t alg)
{
    switch (alg) {
    case AUTHSVC_JWS_RS256: return "RS256";
    case AUTHSVC_JWS_ES256: return "ES256";
    case AUTHSVC_JWS_EDDSA: return "EdDSA";
    case AUTHSVC_JWS_HS256: return "HS256";
    }
    return NULL;
}

/* The only characters RFC 7638 members of the key types we support can hold, so the
 * canonical JSON needs no escaping. */
static int keys_thumbprint_safe(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')
              || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* SHA-256 of {"name":"value",...} with the members in the (sorted) order given. */
static const char *keys_thumbprint_of(apr_pool_t *p, const char *const *names,
                                      const char *const *values)
{
    EVP_MD_CTX *md = keys_own(p, EVP_MD_CTX_new(), keys_free_md_ctx);
    unsigned char digest[SHA256_BYTES];
    unsigned int digest_len = 0;
    int ok, i;

    ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) && EVP_DigestUpdate(md, "{", 1);
    for (i = 0; ok && names[i]; i++) {
        ok = keys_thumbprint_safe(values[i]) && (i == 0 || EVP_DigestUpdate(md, ",", 1))
             && EVP_DigestUpdate(md, "\"", 1)
             && EVP_DigestUpdate(md, names[i], strlen(names[i]))
             && EVP_DigestUpdate(md, "\":\"", 3)
             && EVP_DigestUpdate(md, values[i], strlen(values[i]))
             && EVP_DigestUpdate(md, "\"", 1);
    }
    ok = ok && EVP_DigestUpdate(md, "}", 1) && EVP_DigestFinal_ex(md, digest, &digest_len)
         && digest_len == SHA256_BYTES;
    if (md)
        apr_pool_cleanup_run(p, md, keys_free_md_ctx);
    if (!ok) {
        ERR_clear_error();
        return NULL;
    }
    return authsvc_b64url_encode(p, digest, digest_len);
}

const char *authsvc_jwk_thumbprint(apr_pool_t *p, const cJSON *jwk)
{
    static const struct {
        const char *kty;
        const char *members[5];
    } required[] = {{"RSA", {"e", "kty", "n", NULL}},
                    {"EC", {"crv", "kty", "x", "y", NULL}},
                    {"OKP", {"crv", "kty", "x", NULL}},
                    {"oct", {"k", "kty", NULL}}};
    const char *kty = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(jwk, "kty"));
    const char *values[5] = {NULL};
    apr_size_t i;
    int m;

    for (i = 0; kty && i < sizeof(required) / sizeof(required[0]); i++) {
        if (strcmp(kty, required[i].kty) != 0)
            continue;
        for (m = 0; required[i].members[m]; m++)
            values[m] = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(jwk, required[i].members[m]));
        return keys_thumbprint_of(p, required[i].members, values);
    }
    return NULL;
}

/* The algorithm a key signs with, or a refusal saying why it is not good enough. */
static authsvc_status_t keys_classify(apr_pool_t *p, EVP_PKEY *pkey, authsvc_jws_alg_t *alg,
                                      const char **why)
{
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        int bits = EVP_PKEY_get_bits(pkey);
        if (bits < AUTHSVC_KEY_RSA_BITS_MIN)
            return keys_refuse(why, apr_psprintf(p,
                                                 "RSA key has %d bits; at least %d are "
                                                 "required",
                                                 bits, AUTHSVC_KEY_RSA_BITS_MIN));
        if (bits > AUTHSVC_KEY_RSA_BITS_MAX)
            return keys_refuse(why, apr_psprintf(p,
                                                 "RSA key has %d bits; at most %d are "
                                                 "supported",
                                                 bits, AUTHSVC_KEY_RSA_BITS_MAX));
        *alg = AUTHSVC_JWS_RS256;
        return AUTHSVC_OK;
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        char group[80];
        size_t group_len = 0;
        if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group), &group_len)
            || (strcmp(group, "prime256v1") != 0 && strcmp(group, "P-256") != 0))
            return keys_refuse(why, "EC key is not on the P-256 curve (ES256 needs P-256)");
        *alg = AUTHSVC_JWS_ES256;
        return AUTHSVC_OK;
    }
    if (EVP_PKEY_is_a(pkey, "ED25519")) {
        *alg = AUTHSVC_JWS_EDDSA;
        return AUTHSVC_OK;
    }
    return keys_refuse(why, apr_psprintf(p,
                                         "unsupported key type %s; use RSA (at least %d "
                                         "bits), EC P-256 or Ed25519",
                                         EVP_PKEY_get0_type_name(pkey)
                                             ? EVP_PKEY_get0_type_name(pkey)
                                             : "(unknown)",
                                         AUTHSVC_KEY_RSA_BITS_MIN));
}

static int keys_has_private(apr_pool_t *tmp, EVP_PKEY *pkey, authsvc_jws_alg_t alg)
{
    BIGNUM *bn = NULL;
    size_t len = 0;

    if (alg == AUTHSVC_JWS_EDDSA) {
        int ok = EVP_PKEY_get_raw_private_key(pkey, NULL, &len) == 1 && len > 0;
        ERR_clear_error();
        return ok;
    }
    if (!EVP_PKEY_get_bn_param(pkey,
                               alg == AUTHSVC_JWS_RS256 ? OSSL_PKEY_PARAM_RSA_D
                                                        : OSSL_PKEY_PARAM_PRIV_KEY,
                               &bn)) {
        ERR_clear_error();
        return 0;
    }
    keys_own(tmp, bn, keys_free_bn);
    return 1;
}

/* OpenSSL's own consistency checks: a public key that is a valid key (an RSA modulus
 * that is odd and composite, a point on the curve), a private key matching its public. */
static authsvc_status_t keys_check(apr_pool_t *tmp, EVP_PKEY *pkey, int private,
                                   const char **why)
{
    EVP_PKEY_CTX *ctx = keys_own(tmp, EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL),
                                 keys_free_pkey_ctx);
    int rv;

    if (!ctx)
        return AUTHSVC_CRYPTO_ERROR;
    rv = private ? EVP_PKEY_pairwise_check(ctx) : EVP_PKEY_public_check(ctx);
    ERR_clear_error();
    if (rv == 1 || rv == -2) /* -2: the key type has no such check */
        return AUTHSVC_OK;
    return keys_refuse(why, private ? "the private key does not match its public key"
                                    : "the public key is not a valid key");
}

/* A big-number parameter as base64url; pad > 0 gives a fixed width. */
static const char *keys_bn_b64url(apr_pool_t *p, apr_pool_t *tmp, EVP_PKEY *pkey,
                                  const char *param, int pad)
{
    BIGNUM *bn = NULL;
    unsigned char *buf;
    int len;

    if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
        return NULL;
    keys_own(tmp, bn, keys_free_bn);
    len = pad > 0 ? pad : BN_num_bytes(bn);
    if (len <= 0 || BN_num_bytes(bn) > len)
        return NULL;
    buf = apr_palloc(tmp, (apr_size_t)len);
    if (BN_bn2binpad(bn, buf, len) != len)
        return NULL;
    return authsvc_b64url_encode(p, buf, (apr_size_t)len);
}

static const char *keys_raw_public_b64url(apr_pool_t *p, EVP_PKEY *pkey)
{
    unsigned char buf[ED25519_KEY_BYTES];
    size_t len = sizeof(buf);

    if (EVP_PKEY_get_raw_public_key(pkey, buf, &len) != 1 || len != sizeof(buf))
        return NULL;
    return authsvc_b64url_encode(p, buf, len);
}

/* {"kty",<key members>,"kid","alg","use":"sig"}: the public half only, owned by p. */
static cJSON *keys_public_jwk(apr_pool_t *p, apr_pool_t *tmp, EVP_PKEY *pkey,
                              authsvc_jws_alg_t alg)
{
    cJSON *jwk = authsvc_json_own(p, cJSON_CreateObject());
    const char *kid;

    if (!jwk)
        return NULL;
    if (alg == AUTHSVC_JWS_RS256) {
        cJSON_AddStringToObject(jwk, "kty", "RSA");
        cJSON_AddStringToObject(jwk, "n",
                                keys_bn_b64url(p, tmp, pkey, OSSL_PKEY_PARAM_RSA_N, 0));
        cJSON_AddStringToObject(jwk, "e",
                                keys_bn_b64url(p, tmp, pkey, OSSL_PKEY_PARAM_RSA_E, 0));
    } else if (alg == AUTHSVC_JWS_ES256) {
        cJSON_AddStringToObject(jwk, "kty", "EC");
        cJSON_AddStringToObject(jwk, "crv", "P-256");
        cJSON_AddStringToObject(jwk, "x",
                                keys_bn_b64url(p, tmp, pkey, OSSL_PKEY_PARAM_EC_PUB_X,
                                               P256_COORDINATE_BYTES));
        cJSON_AddStringToObject(jwk, "y",
                                keys_bn_b64url(p, tmp, pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
                                               P256_COORDINATE_BYTES));
    } else {
        cJSON_AddStringToObject(jwk, "kty", "OKP");
        cJSON_AddStringToObject(jwk, "crv", "Ed25519");
        cJSON_AddStringToObject(jwk, "x", keys_raw_public_b64url(p, pkey));
    }
    kid = authsvc_jwk_thumbprint(p, jwk); /* NULL when a member above failed */
    if (!kid || !cJSON_AddStringToObject(jwk, "kid", kid)
        || !cJSON_AddStringToObject(jwk, "alg", authsvc_jws_alg_name(alg))
        || !cJSON_AddStringToObject(jwk, "use", "sig"))
        return NULL;
    return jwk;
}

authsvc_status_t authsvc_key_from_pkey(apr_pool_t *p, EVP_PKEY *pkey, authsvc_key_t **out,
                                       const char **why)
{
    authsvc_key_t *key = apr_pcalloc(p, sizeof(*key));
    authsvc_status_t st;
    apr_pool_t *tmp;

    *out = NULL;
    if (!pkey)
        return keys_refuse(why, "no key");
    st = keys_classify(p, pkey, &key->alg, why);
    if (st != AUTHSVC_OK)
        return st;
    if (key->alg != AUTHSVC_JWS_EDDSA && !(key->sha256 = keys_fetch_sha256(p)))
        return AUTHSVC_CRYPTO_ERROR;
    if (apr_pool_create(&tmp, p) != APR_SUCCESS)
        return AUTHSVC_NO_MEMORY;
    key->can_sign = keys_has_private(tmp, pkey, key->alg);
    st = keys_check(tmp, pkey, key->can_sign, why);
    if (st == AUTHSVC_OK) {
        key->public_jwk = keys_public_jwk(p, tmp, pkey, key->alg);
        key->kid = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(key->public_jwk, "kid"));
        if (!key->kid)
            st = keys_refuse(why, "cannot describe the public key as a JWK");
    }
    apr_pool_destroy(tmp);
    if (st != AUTHSVC_OK)
        return st;
    if (EVP_PKEY_up_ref(pkey) != 1)
        return AUTHSVC_CRYPTO_ERROR;
    key->pkey = keys_own(p, pkey, keys_free_pkey);
    *out = key;
    return AUTHSVC_OK;
}

/* Never prompt for a passphrase (httpd may have a terminal at startup): note the ask. */
static int keys_no_passphrase(char *buf, int size, int rwflag, void *asked)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    *(int *)asked = 1;
    return -1;
}

/* The first private key in the PEM text, else its public key, else a certificate's. */
static EVP_PKEY *keys_read_pem(apr_pool_t *tmp, const char *pem, apr_size_t len, int *asked)
{
    BIO *bio = keys_own(tmp, BIO_new_mem_buf(pem, (int)len), keys_free_bio);
    EVP_PKEY *pkey;
    X509 *cert;

    if (!bio)
        return NULL;
    pkey = keys_own(tmp, PEM_read_bio_PrivateKey(bio, NULL, keys_no_passphrase, asked),
                    keys_free_pkey);
    if (pkey || *asked)
        return pkey;
    ERR_clear_error();
    (void)BIO_reset(bio);
    pkey = keys_own(tmp, PEM_read_bio_PUBKEY(bio, NULL, keys_no_passphrase, asked),
                    keys_free_pkey);
    if (pkey)
        return pkey;
    ERR_clear_error();
    (void)BIO_reset(bio);
    cert = keys_own(tmp, PEM_read_bio_X509(bio, NULL, keys_no_passphrase, asked),
                    keys_free_x509);
    return cert ? keys_own(tmp, X509_get_pubkey(cert), keys_free_pkey) : NULL;
}

authsvc_status_t authsvc_key_from_pem(apr_pool_t *p, const char *pem, apr_size_t len,
                                      authsvc_key_t **out, const char **why)
{
    authsvc_status_t st;
    EVP_PKEY *pkey;
    apr_pool_t *tmp;
    int asked = 0;

    *out = NULL;
    if (!pem || len > AUTHSVC_KEY_PEM_BYTES_MAX)
        return keys_refuse(why, apr_psprintf(p, "the key file is larger than %d bytes",
                                             AUTHSVC_KEY_PEM_BYTES_MAX));
    if (apr_pool_create(&tmp, p) != APR_SUCCESS)
        return AUTHSVC_NO_MEMORY;
    pkey = keys_read_pem(tmp, pem, len, &asked);
    if (asked)
        st = keys_refuse(why, "the private key is encrypted; give it unencrypted, readable "
                              "by root only");
    else if (!pkey)
        st = keys_refuse(why, "no PEM private key, public key or certificate found");
    else
        st = authsvc_key_from_pkey(p, pkey, out, why);
    apr_pool_destroy(tmp);
    return st;
}

authsvc_status_t authsvc_key_load_pem_file(apr_pool_t *p, const char *path, authsvc_key_t **out,
                                           const char **why)
{
    authsvc_status_t st;
    apr_status_t rv;
    apr_pool_t *tmp;
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len = 0;
    char *buf, err[120];

    *out = NULL;
    if (!path)
        return keys_refuse(why, "no key file named");
    if (apr_pool_create(&tmp, p) != APR_SUCCESS)
        return AUTHSVC_NO_MEMORY;
    rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, tmp);
    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv != APR_SUCCESS)
        st = keys_refuse(why, apr_psprintf(p, "cannot read the key file: %s",
                                           apr_strerror(rv, err, sizeof(err))));
    else if (fi.size > AUTHSVC_KEY_PEM_BYTES_MAX)
        st = keys_refuse(why, apr_psprintf(p, "the key file is larger than %d bytes",
                                           AUTHSVC_KEY_PEM_BYTES_MAX));
    else {
        buf = apr_palloc(tmp, (apr_size_t)fi.size + 1);
        keys_wipe_later(tmp, buf, (apr_size_t)fi.size + 1);
        rv = apr_file_read_full(f, buf, (apr_size_t)fi.size, &len);
        buf[len] = '\0';
        st = rv != APR_SUCCESS && rv != APR_EOF ? keys_refuse(why, "cannot read the key file")
                                                : authsvc_key_from_pem(p, buf, len, out, why);
    }
    apr_pool_destroy(tmp);
    return st;
}

/* HMAC-SHA-256 keyed with secret, owned by p (its cleanup runs before the secret's
 * wipe, which was registered first). */
static EVP_MAC_CTX *keys_hmac_ctx(apr_pool_t *p, const unsigned char *secret, apr_size_t len)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = keys_own(p, mac ? EVP_MAC_CTX_new(mac) : NULL, keys_free_mac_ctx);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                            (char *)"SHA256", 0),
                           OSSL_PARAM_construct_end()};

    EVP_MAC_free(mac); /* the context holds a reference of its own */
    return ctx && EVP_MAC_init(ctx, secret, len, params) == 1 ? ctx : NULL;
}

/* kid of a shared secret: the thumbprint of its oct JWK (RFC 7638 §3.2). */
static const char *keys_secret_kid(apr_pool_t *p, const unsigned char *secret, apr_size_t len)
{
    static const char *const names[] = {"k", "kty", NULL};
    const char *values[2];
    char *k = authsvc_b64url_encode(p, secret, len);
    const char *kid;

    values[0] = k;
    values[1] = "oct";
    kid = keys_thumbprint_of(p, names, values);
    OPENSSL_cleanse(k, strlen(k));
    return kid;
}

authsvc_status_t authsvc_key_from_secret(apr_pool_t *p, const unsigned char *secret,
                                         apr_size_t len, authsvc_key_t **out, const char **why)
{
    authsvc_key_t *key;
    unsigned char *copy;

    *out = NULL;
    if (!secret || len < AUTHSVC_KEY_SECRET_BYTES_MIN)
        return keys_refuse(why, apr_psprintf(p,
                                             "HS256 secret has %" APR_SIZE_T_FMT " bytes; at "
                                             "least %d are required",
                                             secret ? len : 0, AUTHSVC_KEY_SECRET_BYTES_MIN));
    if (len > AUTHSVC_KEY_SECRET_BYTES_MAX)
        return keys_refuse(why, apr_psprintf(p,
                                             "HS256 secret has %" APR_SIZE_T_FMT " bytes; at "
                                             "most %d are supported",
                                             len, AUTHSVC_KEY_SECRET_BYTES_MAX));
    key = apr_pcalloc(p, sizeof(*key));
    copy = apr_pmemdup(p, secret, len);
    keys_wipe_later(p, copy, len);
    key->alg = AUTHSVC_JWS_HS256;
    key->can_sign = 1;
    key->secret = copy;
    key->secret_len = len;
    key->kid = keys_secret_kid(p, copy, len);
    key->hmac = keys_hmac_ctx(p, copy, len);
    if (!key->kid || !key->hmac)
        return AUTHSVC_CRYPTO_ERROR;
    *out = key;
    return AUTHSVC_OK;
}

/* The bytes of a base64url JWK member (wiped with tmp when secret), or NULL. */
static unsigned char *jwk_member(apr_pool_t *tmp, const cJSON *jwk, const char *name,
                                 int secret, apr_size_t *len)
{
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(jwk, name));
    unsigned char *out = NULL;

    *len = 0;
    if (!text || authsvc_b64url_decode(tmp, text, strlen(text), &out, len) != AUTHSVC_OK
        || *len == 0 || *len > INT_MAX)
        return NULL;
    if (secret)
        keys_wipe_later(tmp, out, *len);
    return out;
}

/* A member as a BIGNUM pushed onto bld; private values live in secure memory. */
static int jwk_push_bn(apr_pool_t *tmp, OSSL_PARAM_BLD *bld, const cJSON *jwk,
                       const char *member, const char *param, int secret)
{
    apr_size_t len;
    unsigned char *bytes = jwk_member(tmp, jwk, member, secret, &len);
    BIGNUM *bn;

    if (!bytes)
        return 0;
    bn = keys_own(tmp, secret ? BN_secure_new() : BN_new(), keys_free_bn);
    return bn && BN_bin2bn(bytes, (int)len, bn) && OSSL_PARAM_BLD_push_BN(bld, param, bn);
}

static EVP_PKEY *keys_fromdata(apr_pool_t *tmp, const char *type, OSSL_PARAM_BLD *bld,
                               int private)
{
    OSSL_PARAM *params = keys_own(tmp, OSSL_PARAM_BLD_to_param(bld), keys_free_params);
    EVP_PKEY_CTX *ctx = keys_own(tmp, EVP_PKEY_CTX_new_from_name(NULL, type, NULL),
                                 keys_free_pkey_ctx);
    EVP_PKEY *pkey = NULL;

    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                             params)
               != 1)
        return NULL;
    return keys_own(tmp, pkey, keys_free_pkey);
}

static EVP_PKEY *jwk_rsa(apr_pool_t *p, apr_pool_t *tmp, const cJSON *jwk, const char **why)
{
    static const char *const members[] = {"n", "e", "d", "p", "q", "dp", "dq", "qi"};
    static const char *const params[] = {
        OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,
        OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
        OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
        OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    OSSL_PARAM_BLD *bld = keys_own(tmp, OSSL_PARAM_BLD_new(), keys_free_param_bld);
    int private = cJSON_GetObjectItemCaseSensitive(jwk, "d") != NULL, i;
    int count = private ? 8 : 2;

    if (!bld)
        return NULL;
    if (cJSON_GetObjectItemCaseSensitive(jwk, "oth")) {
        *why = "multi-prime RSA JWKs are not supported";
        return NULL;
    }
    for (i = 0; i < count; i++)
        if (!jwk_push_bn(tmp, bld, jwk, members[i], params[i], i >= 2)) {
            *why = apr_psprintf(p, "RSA JWK member \"%s\" is missing or not base64url",
                                members[i]);
            return NULL;
        }
    return keys_fromdata(tmp, "RSA", bld, private);
}

static EVP_PKEY *jwk_ec(apr_pool_t *tmp, const cJSON *jwk, const char **why)
{
    const char *crv = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(jwk, "crv"));
    OSSL_PARAM_BLD *bld = keys_own(tmp, OSSL_PARAM_BLD_new(), keys_free_param_bld);
    unsigned char point[1 + 2 * P256_COORDINATE_BYTES], *x, *y;
    apr_size_t x_len, y_len, d_len = 0;
    int private = cJSON_GetObjectItemCaseSensitive(jwk, "d") != NULL;

    if (!crv || strcmp(crv, "P-256") != 0) {
        *why = "EC JWK is not on the P-256 curve (ES256 needs P-256)";
        return NULL;
    }
    x = jwk_member(tmp, jwk, "x", 0, &x_len);
    y = jwk_member(tmp, jwk, "y", 0, &y_len);
    if (private)
        jwk_member(tmp, jwk, "d", 1, &d_len);
    if (!x || !y || x_len != P256_COORDINATE_BYTES || y_len != P256_COORDINATE_BYTES
        || (private && d_len != P256_COORDINATE_BYTES)) {
        *why = "EC JWK needs x, y (and d) of 32 bytes each, base64url";
        return NULL;
    }
    point[0] = 0x04; /* uncompressed */
    memcpy(point + 1, x, P256_COORDINATE_BYTES);
    memcpy(point + 1 + P256_COORDINATE_BYTES, y, P256_COORDINATE_BYTES);
    if (!bld
        || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0)
        || !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point))
        || (private && !jwk_push_bn(tmp, bld, jwk, "d", OSSL_PKEY_PARAM_PRIV_KEY, 1)))
        return NULL;
    return keys_fromdata(tmp, "EC", bld, private);
}

static EVP_PKEY *jwk_okp(apr_pool_t *tmp, const cJSON *jwk, const char **why)
{
    const char *crv = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(jwk, "crv"));
    int private = cJSON_GetObjectItemCaseSensitive(jwk, "d") != NULL;
    unsigned char *x, *d = NULL, derived[ED25519_KEY_BYTES];
    apr_size_t x_len, d_len = 0, derived_len = sizeof(derived);
    EVP_PKEY *pkey;

    if (!crv || strcmp(crv, "Ed25519") != 0) {
        *why = "OKP JWK is not an Ed25519 key";
        return NULL;
    }
    x = jwk_member(tmp, jwk, "x", 0, &x_len);
    if (private)
        d = jwk_member(tmp, jwk, "d", 1, &d_len);
    if (!x || x_len != ED25519_KEY_BYTES || (private && d_len != ED25519_KEY_BYTES)) {
        *why = "Ed25519 JWK needs x (and d) of 32 bytes, base64url";
        return NULL;
    }
    if (!private)
        return keys_own(tmp, EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, x_len),
                        keys_free_pkey);
    pkey = keys_own(tmp, EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, d, d_len),
                    keys_free_pkey);
    if (pkey
        && (EVP_PKEY_get_raw_public_key(pkey, derived, &derived_len) != 1
            || derived_len != x_len || CRYPTO_memcmp(derived, x, x_len) != 0)) {
        *why = "the private key does not match its public key";
        return NULL;
    }
    return pkey;
}

/* "alg" and "use" of a JWK, when present, must be what the key type implies. */
static authsvc_status_t jwk_check_usage(const cJSON *jwk, authsvc_jws_alg_t alg,
                                        const char **why)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(jwk, "alg");
    const cJSON *use = cJSON_GetObjectItemCaseSensitive(jwk, "use");

    if (a && (!cJSON_IsString(a) || strcmp(a->valuestring, authsvc_jws_alg_name(alg)) != 0))
        return keys_refuse(why, "the JWK's \"alg\" does not fit its key type");
    if (use && (!cJSON_IsString(use) || strcmp(use->valuestring, "sig") != 0))
        return keys_refuse(why, "the JWK's \"use\" is not \"sig\"");
    return AUTHSVC_OK;
}

static authsvc_status_t jwk_oct(apr_pool_t *p, const cJSON *jwk, authsvc_key_t **out,
                                const char **why)
{
    apr_pool_t *tmp;
    apr_size_t len;
    unsigned char *k;
    authsvc_status_t st;

    if (apr_pool_create(&tmp, p) != APR_SUCCESS)
        return AUTHSVC_NO_MEMORY;
    k = jwk_member(tmp, jwk, "k", 1, &len);
    st = k ? authsvc_key_from_secret(p, k, len, out, why)
           : keys_refuse(why, "oct JWK member \"k\" is missing or not base64url");
    apr_pool_destroy(tmp);
    return st;
}

authsvc_status_t authsvc_key_from_jwk(apr_pool_t *p, const cJSON *jwk, authsvc_key_t **out,
                                      const char **why)
{
    static const struct {
        const char *kty;
        authsvc_jws_alg_t alg;
    } types[] = {{"RSA", AUTHSVC_JWS_RS256},
                 {"EC", AUTHSVC_JWS_ES256},
                 {"OKP", AUTHSVC_JWS_EDDSA},
                 {"oct", AUTHSVC_JWS_HS256}};
    const char *kty = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(jwk, "kty"));
    const char *reason = "cannot build a key from the JWK";
    authsvc_status_t st;
    EVP_PKEY *pkey;
    apr_pool_t *tmp;
    apr_size_t i;

    *out = NULL;
    for (i = 0; kty && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(kty, types[i].kty) == 0)
            break;
    if (!kty || i == sizeof(types) / sizeof(types[0]))
        return keys_refuse(why, "the JWK's \"kty\" is missing or not RSA, EC, OKP or oct");
    st = jwk_check_usage(jwk, types[i].alg, why);
    if (st != AUTHSVC_OK || types[i].alg == AUTHSVC_JWS_HS256)
        return st != AUTHSVC_OK ? st : jwk_oct(p, jwk, out, why);
    if (apr_pool_create(&tmp, p) != APR_SUCCESS)
        return AUTHSVC_NO_MEMORY;
    pkey = types[i].alg == AUTHSVC_JWS_RS256   ? jwk_rsa(p, tmp, jwk, &reason)
           : types[i].alg == AUTHSVC_JWS_ES256 ? jwk_ec(tmp, jwk, &reason)
                                               : jwk_okp(tmp, jwk, &reason);
    st = pkey ? authsvc_key_from_pkey(p, pkey, out, why) : keys_refuse(why, reason);
    apr_pool_destroy(tmp);
    return st;
}

authsvc_keyring_t *authsvc_keyring_make(apr_pool_t *p)
{
    authsvc_keyring_t *ring = apr_pcalloc(p, sizeof(*ring));

    ring->keys = apr_array_make(p, 4, sizeof(authsvc_key_t *));
    ring->sha256 = keys_fetch_sha256(p);
    return ring;
}

/* tag = SHA-256(tag || kid || NUL), first bytes. */
static void keyring_tag_add(authsvc_keyring_t *ring, const char *kid)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    memset(md, 0, sizeof(md));
    if (ctx && EVP_DigestInit_ex(ctx, ring->sha256 ? ring->sha256 : EVP_sha256(), NULL)
        && EVP_DigestUpdate(ctx, ring->tag, sizeof(ring->tag))
        && EVP_DigestUpdate(ctx, kid, strlen(kid) + 1))
        EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    memcpy(ring->tag, md, sizeof(ring->tag));
}

void authsvc_keyring_add(authsvc_keyring_t *ring, authsvc_key_t *key)
{
    if (ring && key && key->kid) {
        APR_ARRAY_PUSH(ring->keys, authsvc_key_t *) = key;
        keyring_tag_add(ring, key->kid);
    }
}

const authsvc_key_t *authsvc_keyring_signer(const authsvc_keyring_t *ring)
{
    return ring && ring->keys->nelts > 0 ? APR_ARRAY_IDX(ring->keys, 0, authsvc_key_t *) : NULL;
}

/* kid copied into a zeroed buffer of the maximum length; 0 when empty or too long. */
static int keys_kid_fixed(const char *kid, unsigned char *buf)
{
    apr_size_t len = 0;

    memset(buf, 0, AUTHSVC_KEY_KID_LENGTH_MAX + 1);
    while (len <= AUTHSVC_KEY_KID_LENGTH_MAX && kid[len])
        len++;
    if (len == 0 || len > AUTHSVC_KEY_KID_LENGTH_MAX)
        return 0;
    memcpy(buf, kid, len);
    return 1;
}

const authsvc_key_t *authsvc_keyring_find(const authsvc_keyring_t *ring, const char *kid)
{
    unsigned char want[AUTHSVC_KEY_KID_LENGTH_MAX + 1], have[AUTHSVC_KEY_KID_LENGTH_MAX + 1];
    const authsvc_key_t *found = NULL;
    int i;

    if (!ring || !kid || !keys_kid_fixed(kid, want))
        return NULL;
    for (i = 0; i < ring->keys->nelts; i++) {
        const authsvc_key_t *key = APR_ARRAY_IDX(ring->keys, i, authsvc_key_t *);
        int same = keys_kid_fixed(key->kid, have)
                   && CRYPTO_memcmp(want, have, sizeof(want)) == 0;
        if (same && !found)
            found = key;
    }
    return found;
}

cJSON *authsvc_keyring_jwks(apr_pool_t *p, const authsvc_keyring_t *ring)
{
    cJSON *doc = authsvc_json_own(p, cJSON_CreateObject());
    cJSON *keys = doc ? cJSON_AddArrayToObject(doc, "keys") : NULL;
    int i, j;

    for (i = 0; keys && ring && i < ring->keys->nelts; i++) {
        const authsvc_key_t *key = APR_ARRAY_IDX(ring->keys, i, authsvc_key_t *);
        int published = 0;
        if (!key->public_jwk)
            continue; /* HS256: a shared secret is never published */
        for (j = 0; j < i; j++)
            published |= strcmp(APR_ARRAY_IDX(ring->keys, j, authsvc_key_t *)->kid, key->kid)
                         == 0;
        if (!published)
            cJSON_AddItemToArray(keys, cJSON_Duplicate(key->public_jwk, 1));
    }
    return doc;
}
