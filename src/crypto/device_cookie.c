/* Device cookies of the login page (see authsvc_device_cookie.h). */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "authsvc_base64url.h"
#include "authsvc_device_cookie.h"
#include "authsvc_password.h"

#define DEVICE_MAC_BYTES 32
#define DEVICE_KEY_LABEL "mod_authsvc device cookie v1"

static int device_hmac(const unsigned char *key, size_t key_len, const char *data, size_t len,
                       unsigned char out[DEVICE_MAC_BYTES])
{
    size_t out_len = 0;

    return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len,
                     (const unsigned char *)data, len, out, DEVICE_MAC_BYTES, &out_len)
           && out_len == DEVICE_MAC_BYTES;
}

/* The cookie key of a private key: an HMAC of a fixed label under the key's secret
 * bytes (the HS256 secret, or the private key's DER), so the signing key itself never
 * keys anything but signatures. 0 for a key that cannot sign. */
static int device_key(const authsvc_key_t *key, unsigned char out[DEVICE_MAC_BYTES])
{
    unsigned char *der = NULL;
    int len, ok;

    if (!key->can_sign)
        return 0;
    if (key->secret)
        return device_hmac(key->secret, key->secret_len, DEVICE_KEY_LABEL,
                           sizeof(DEVICE_KEY_LABEL) - 1, out);
    len = i2d_PrivateKey(key->pkey, &der);
    if (len <= 0)
        return 0;
    ok = device_hmac(der, (size_t)len, DEVICE_KEY_LABEL, sizeof(DEVICE_KEY_LABEL) - 1, out);
    OPENSSL_clear_free(der, (size_t)len);
    return ok;
}

/* The base64url MAC of payload under key, or NULL. */
static const char *device_mac(apr_pool_t *p, const authsvc_key_t *key, const char *payload)
{
    unsigned char k[DEVICE_MAC_BYTES], mac[DEVICE_MAC_BYTES];
    int ok = device_key(key, k) && device_hmac(k, sizeof(k), payload, strlen(payload), mac);

    OPENSSL_cleanse(k, sizeof(k));
    return ok ? authsvc_b64url_encode(p, mac, sizeof(mac)) : NULL;
}

static int device_id_valid(const char *id)
{
    return id && strlen(id) == AUTHSVC_DEVICE_ID_BYTES * 2
           && strspn(id, "0123456789abcdef") == AUTHSVC_DEVICE_ID_BYTES * 2;
}

const char *authsvc_device_cookie_make(apr_pool_t *p, const authsvc_keyring_t *ring,
                                       const char *user_id, const char *device_id,
                                       long long now_s)
{
    const authsvc_key_t *signer = ring ? authsvc_keyring_signer(ring) : NULL;
    const char *payload, *mac;

    if (!device_id_valid(device_id))
        device_id = authsvc_random_token(p, AUTHSVC_DEVICE_ID_BYTES);
    if (!signer || !user_id || !device_id)
        return NULL;
    payload = apr_psprintf(p, "1.%s.%" APR_INT64_T_FMT ".%s",
                           authsvc_b64url_encode(p, (const unsigned char *)user_id,
                                                 strlen(user_id)),
                           (apr_int64_t)now_s, device_id);
    mac = device_mac(p, signer, payload);
    if (!mac || strlen(payload) + 1 + strlen(mac) > AUTHSVC_DEVICE_COOKIE_LENGTH_MAX)
        return NULL;
    return apr_pstrcat(p, payload, ".", mac, NULL);
}

/* 1 when mac (base64url) is the MAC of payload under a private key of the ring. */
static int device_mac_matches(apr_pool_t *p, const authsvc_keyring_t *ring, const char *payload,
                              const char *mac)
{
    int i, found = 0;

    for (i = 0; ring && i < ring->keys->nelts; i++) {
        const char *expected = device_mac(p, APR_ARRAY_IDX(ring->keys, i, authsvc_key_t *),
                                          payload);

        if (expected && strlen(expected) == strlen(mac)
            && CRYPTO_memcmp(expected, mac, strlen(mac)) == 0)
            found = 1;
    }
    return found;
}

/* Splits "1.<user>.<issued>.<device>" into its parts; 0 when malformed. */
static int device_parse(apr_pool_t *p, char *payload, const char **user_id, long long *issued,
                        const char **device_id)
{
    char *last = NULL, *version = apr_strtok(payload, ".", &last);
    char *user = apr_strtok(NULL, ".", &last), *time = apr_strtok(NULL, ".", &last);
    char *device = apr_strtok(NULL, ".", &last), *end = NULL;
    unsigned char *decoded = NULL;
    apr_size_t len = 0;

    if (!version || strcmp(version, "1") != 0 || !user || !time || !device
        || apr_strtok(NULL, ".", &last) || !device_id_valid(device)
        || strspn(time, "0123456789") != strlen(time) || strlen(time) > 15
        || authsvc_b64url_decode(p, user, strlen(user), &decoded, &len) != AUTHSVC_OK
        || len == 0 || memchr(decoded, '\0', len))
        return 0;
    *issued = strtoll(time, &end, 10);
    *user_id = (const char *)decoded;
    *device_id = device;
    return end && *end == '\0';
}

authsvc_status_t authsvc_device_cookie_verify(apr_pool_t *p, const authsvc_keyring_t *ring,
                                              const char *value, long long now_s,
                                              long long max_age_s, const char **user_id,
                                              const char **device_id)
{
    const char *dot = value ? strrchr(value, '.') : NULL;
    char *payload;
    long long issued = 0;

    *user_id = *device_id = NULL;
    if (!dot || strlen(value) > AUTHSVC_DEVICE_COOKIE_LENGTH_MAX)
        return AUTHSVC_INVALID;
    payload = apr_pstrmemdup(p, value, (apr_size_t)(dot - value));
    if (!device_mac_matches(p, ring, payload, dot + 1)
        || !device_parse(p, payload, user_id, &issued, device_id)
        || issued > now_s + AUTHSVC_DEVICE_COOKIE_FUTURE_MAX || issued + max_age_s < now_s) {
        *user_id = *device_id = NULL;
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}
