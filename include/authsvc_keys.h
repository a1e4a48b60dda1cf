/* Signing keys and key rings for JWS: loading (PEM, HS256 secret, JWK), strength
 * checks, RFC 7638 thumbprints as key ids, and the published JWK Set. A pure layer:
 * no request_rec, no file or database lookup by key id. */
#ifndef AUTHSVC_KEYS_H
#define AUTHSVC_KEYS_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "authsvc_status.h"

/* Strength floors (RFC 7518 §3.2, §3.3; RFC 8725 §3.5). */
#define AUTHSVC_KEY_RSA_BITS_MIN 2048
#define AUTHSVC_KEY_SECRET_BYTES_MIN 32
/* Ceilings, so a key file or JWK cannot make loading or verifying expensive. */
#define AUTHSVC_KEY_RSA_BITS_MAX 8192
#define AUTHSVC_KEY_SECRET_BYTES_MAX 4096
#define AUTHSVC_KEY_PEM_BYTES_MAX (64 * 1024)
/* Key ids we accept in a token header; ours are 43 characters. */
#define AUTHSVC_KEY_KID_LENGTH_MAX 128

typedef enum {
    AUTHSVC_JWS_RS256 = 1,
    AUTHSVC_JWS_ES256,
    AUTHSVC_JWS_EDDSA,
    AUTHSVC_JWS_HS256
} authsvc_jws_alg_t;

/* "RS256", "ES256", "EdDSA", "HS256"; NULL for anything else. */
const char *authsvc_jws_alg_name(authsvc_jws_alg_t alg);

typedef struct {
    authsvc_jws_alg_t alg;       /* fixed by the key, never taken from a token */
    const char *kid;             /* RFC 7638 JWK thumbprint (SHA-256, base64url) */
    EVP_PKEY *pkey;              /* RSA / EC P-256 / Ed25519; NULL for HS256 */
    int can_sign;                /* private key present (or HS256 secret) */
    const unsigned char *secret; /* HS256 only */
    apr_size_t secret_len;
    cJSON *public_jwk; /* {"kty",...,"kid","alg","use":"sig"}; NULL for HS256 */
    EVP_MD *sha256;    /* RS256, ES256: SHA-256 fetched once with the key (not by
                                    name on every signature); NULL otherwise */
    EVP_MAC_CTX *hmac; /* HS256: HMAC-SHA-256 keyed once with the secret; every
                                    use works on a duplicate, so threads share it */
} authsvc_key_t;

/* A PEM file: a private key (RSA of at least 2048 bits → RS256, EC P-256 → ES256,
 * Ed25519 → EdDSA), or a public key or certificate (verify only). Encrypted keys are
 * refused. On failure *why (in p) is a one-line reason for a configtest error. */
authsvc_status_t authsvc_key_load_pem_file(apr_pool_t *p, const char *path, authsvc_key_t **out,
                                           const char **why);

/* The same from PEM text in memory. */
authsvc_status_t authsvc_key_from_pem(apr_pool_t *p, const char *pem, apr_size_t len,
                                      authsvc_key_t **out, const char **why);

/* An EVP_PKEY the caller made (the key takes a reference of its own, released with p).
 * The same checks as the PEM loaders. */
authsvc_status_t authsvc_key_from_pkey(apr_pool_t *p, EVP_PKEY *pkey, authsvc_key_t **out,
                                       const char **why);

/* An HS256 shared secret of at least AUTHSVC_KEY_SECRET_BYTES_MIN bytes (copied into p);
 * AUTHSVC_INVALID with a why otherwise. */
authsvc_status_t authsvc_key_from_secret(apr_pool_t *p, const unsigned char *secret,
                                         apr_size_t len, authsvc_key_t **out, const char **why);

/* A JWK object (RFC 7517): RSA, EC (P-256) or OKP (Ed25519), public or private, or oct.
 * "alg" and "use", when present, must fit the key. The JWK's own "kid" is ignored: the
 * key id is always the thumbprint. */
authsvc_status_t authsvc_key_from_jwk(apr_pool_t *p, const cJSON *jwk, authsvc_key_t **out,
                                      const char **why);

/* The RFC 7638 thumbprint (SHA-256, base64url) of a public JWK (or an oct one). NULL
 * when the JWK lacks a required member. */
const char *authsvc_jwk_thumbprint(apr_pool_t *p, const cJSON *jwk);

#define AUTHSVC_KEYRING_TAG_LENGTH 8

typedef struct {
    apr_array_header_t *keys; /* of authsvc_key_t*; keys[0] signs */
    /* names the ring's kids in order (SHA-256 chained over them): caches of tokens
     * verified under one ring keep them apart from another's */
    unsigned char tag[AUTHSVC_KEYRING_TAG_LENGTH];
    /* SHA-256 fetched once with the ring, for the tag and the gateway's cache keys (NULL
     * when the fetch failed: then EVP_sha256(), looked up on every use) */
    EVP_MD *sha256;
} authsvc_keyring_t;

authsvc_keyring_t *authsvc_keyring_make(apr_pool_t *p);
void authsvc_keyring_add(authsvc_keyring_t *ring, authsvc_key_t *key);

/* keys[0], or NULL for an empty ring. */
const authsvc_key_t *authsvc_keyring_signer(const authsvc_keyring_t *ring);

/* The key whose kid equals kid exactly, or NULL. Only the ring is searched; every key is
 * compared over a fixed length, so the time does not depend on where kid differs. */
const authsvc_key_t *authsvc_keyring_find(const authsvc_keyring_t *ring, const char *kid);

/* {"keys":[public JWKs]} owned by p; HS256 secrets are never published. */
cJSON *authsvc_keyring_jwks(apr_pool_t *p, const authsvc_keyring_t *ring);

#endif
