/* Password hashing (argon2id), client-secret hashing, and random identifiers.
 * No request_rec, no database: a pure layer. */
#ifndef AUTHSVC_PASSWORD_H
#define AUTHSVC_PASSWORD_H

#include <stdint.h>
#include <apr_pools.h>
#include "authsvc_status.h"

/* argon2id cost (OWASP's minimum configuration) and the sizes of its output. */
#define AUTHSVC_ARGON2_M_COST_DEFAULT 19456u /* KiB */
#define AUTHSVC_ARGON2_T_COST_DEFAULT 2u
#define AUTHSVC_ARGON2_PARALLELISM_DEFAULT 1u
#define AUTHSVC_ARGON2_SALT_LEN 16
#define AUTHSVC_ARGON2_HASH_LEN 32

/* What a stored hash may ask for before verification refuses it (bounds the memory
 * and time one verification can cost). */
#define AUTHSVC_ARGON2_M_COST_MAX (1024u * 1024u) /* KiB: 1 GiB */
#define AUTHSVC_ARGON2_T_COST_MAX 64u
#define AUTHSVC_ARGON2_PARALLELISM_MAX 16u
#define AUTHSVC_ARGON2_SALT_LEN_MIN 8
#define AUTHSVC_ARGON2_SALT_LEN_MAX 64
#define AUTHSVC_ARGON2_HASH_LEN_MIN 16
#define AUTHSVC_ARGON2_HASH_LEN_MAX 64
#define AUTHSVC_ARGON2_ENCODED_MAX 256

typedef struct {
    uint32_t m_cost;      /* KiB */
    uint32_t t_cost;      /* passes */
    uint32_t parallelism; /* lanes */
} authsvc_password_params_t;

/* The defaults: m=19456 KiB, t=2, p=1. */
const authsvc_password_params_t *authsvc_password_params_default(void);

/* Hashes password[0..len) with argon2id, a fresh 16-byte salt and a 32-byte output.
 * *encoded (in p) is the PHC string "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>".
 * params NULL means the defaults. The working memory is mapped for the call alone and
 * unmapped at once. */
authsvc_status_t authsvc_password_hash(apr_pool_t *p, const char *password, apr_size_t len,
                                       const authsvc_password_params_t *params,
                                       const char **encoded);

/* 1 when password matches encoded, 0 otherwise (also for anything that is not a
 * well-formed argon2id v=19 hash within the limits above). Constant-time comparison. */
int authsvc_password_verify(const char *encoded, const char *password, apr_size_t len);

/* Client secrets are 256-bit random values, so a fast hash is right: "sha256:<64 hex>". */
authsvc_status_t authsvc_secret_hash(apr_pool_t *p, const char *secret, apr_size_t len,
                                     const char **hashed);

/* 1 when secret matches the stored "sha256:" hash (constant-time), 0 otherwise. */
int authsvc_secret_verify(const char *stored, const char *secret, apr_size_t len);

/* nbytes from the CSPRNG as 2*nbytes lowercase hex characters; NULL when the CSPRNG
 * fails or nbytes is 0 or over AUTHSVC_RANDOM_BYTES_MAX. */
#define AUTHSVC_RANDOM_BYTES_MAX 1024
char *authsvc_random_token(apr_pool_t *p, apr_size_t nbytes);

/* A random (version 4) UUID, lowercase "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"; NULL when
 * the CSPRNG fails. */
char *authsvc_uuid_v4(apr_pool_t *p);

#endif
