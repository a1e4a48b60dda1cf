/* JWS (RFC 7515) compact JWTs (RFC 7519): signing and strict verification against a key
 * ring. A pure layer: no request_rec, no network (jku, jwk, x5u and x5c headers are
 * never used), no lookup by kid outside the ring. */
#ifndef AUTHSVC_JWT_H
#define AUTHSVC_JWT_H

#include <apr_pools.h>
#include <cjson/cJSON.h>

#include "authsvc_keys.h"
#include "authsvc_status.h"

/* Longest compact token accepted or produced, in bytes. */
#define AUTHSVC_JWT_LENGTH_MAX 8192

/* Low level: signs input[0..len) (a JWS signing input) with the key's own algorithm.
 * *sig (in p) is the JWS signature: PKCS#1 v1.5 for RS256, r||s (64 bytes) for ES256,
 * 64 bytes for EdDSA, HMAC-SHA-256 for HS256. AUTHSVC_INVALID when the key cannot sign. */
authsvc_status_t authsvc_jws_sign_input(apr_pool_t *p, const authsvc_key_t *key,
                                        const char *input, apr_size_t len, unsigned char **sig,
                                        apr_size_t *sig_len);

/* 1 when sig is a valid signature of input[0..len) under the key's own algorithm, else 0.
 * ES256 signatures are produced with s <= n/2; here either s verifies (authsvc_jwt_verify
 * refuses the high s in our own tokens). */
int authsvc_jws_verify_input(const authsvc_key_t *key, const char *input, apr_size_t len,
                             const unsigned char *sig, apr_size_t sig_len);

/* A compact JWT with header {"alg","typ":"JWT","kid"} and the claims as payload; *token
 * in p. AUTHSVC_INVALID when the key cannot sign or claims is not an object,
 * AUTHSVC_TOO_LARGE when the token would exceed AUTHSVC_JWT_LENGTH_MAX. */
authsvc_status_t authsvc_jwt_sign(apr_pool_t *p, const authsvc_key_t *key, const cJSON *claims,
                                  const char **token);

typedef struct {
    const char *issuer;           /* required equal (exact string) when not NULL */
    const char *const *audiences; /* NULL-terminated allow-list; NULL = do not check aud */
    long long now;                /* seconds since epoch */
    int leeway;                   /* seconds (callers use AUTHSVC_LEEWAY_DEFAULT: 60) */
    int allow_expired;            /* token-refresh accepts an expired (but genuine) token */
    int issued_elsewhere;         /* 1: another issuer's token (a provider's ID token):
                                        ES256 with either s, NumericDates with a fraction.
                                        0: ours, signed with the low s, integer times */
} authsvc_jwt_expect_t;

typedef enum {
    AUTHSVC_JWT_VALID = 0,
    AUTHSVC_JWT_MALFORMED,     /* not 3 strict base64url segments of JSON objects, too long,
                                    kid or exp missing, a claim of the wrong type, exp, nbf
                                    or iat not a number in [0, 2^53] (not an integer) */
    AUTHSVC_JWT_UNSUPPORTED,   /* alg not the key's, crit, b64, JWE members, odd typ */
    AUTHSVC_JWT_UNKNOWN_KEY,   /* kid not in the ring */
    AUTHSVC_JWT_BAD_SIGNATURE, /* also an ES256 s > n/2 in our own tokens */
    AUTHSVC_JWT_EXPIRED,       /* exp <= now - leeway */
    AUTHSVC_JWT_NOT_YET_VALID, /* nbf or iat > now + leeway */
    AUTHSVC_JWT_WRONG_ISSUER,
    AUTHSVC_JWT_WRONG_AUDIENCE
} authsvc_jwt_result_t;

/* "valid", "malformed", ...: for logs. */
const char *authsvc_jwt_result_name(authsvc_jwt_result_t r);

/* Verifies token against the ring and expect. *claims (owned by p) is set only for
 * AUTHSVC_JWT_VALID, or AUTHSVC_JWT_EXPIRED when expect->allow_expired (returned only
 * when every other check passed); NULL otherwise. */
authsvc_jwt_result_t authsvc_jwt_verify(apr_pool_t *p, const authsvc_keyring_t *ring,
                                        const char *token, const authsvc_jwt_expect_t *expect,
                                        cJSON **claims);

/* The claim checks of authsvc_jwt_verify alone (exp, nbf, iat, iss, aud), for claims
 * whose signature was verified before (the gateway's verified-token cache). */
authsvc_jwt_result_t authsvc_jwt_check_claims(const cJSON *claims,
                                              const authsvc_jwt_expect_t *expect);

#endif
