/* Password hashing (argon2id), verification of argon2id and imported bcrypt hashes, a
 * per-process cap on concurrent hashes, client-secret hashing, and random identifiers.
 * No request_rec, no database: a pure layer. */
#ifndef AUTHSVC_PASSWORD_H
#define AUTHSVC_PASSWORD_H

#include <stdint.h>
#include <apr_pools.h>
#include <apr_time.h>
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

/* The floors a configured cost may not go under: OWASP's minimum argon2id configuration,
 * which is what docs/security-model.md T-53 inspects in stored hashes, so configuration can raise
 * the cost but never lower it. (The hash function itself takes cheaper parameters, which
 * only the unit tests use.) */
#define AUTHSVC_ARGON2_M_COST_MIN AUTHSVC_ARGON2_M_COST_DEFAULT
#define AUTHSVC_ARGON2_T_COST_MIN AUTHSVC_ARGON2_T_COST_DEFAULT

/* bcrypt hashes imported from the old service: "$2a$", "$2b$" or "$2y$", two cost digits,
 * 22 salt and 31 hash characters. bcrypt reads only the first 72 bytes of a password, so a
 * longer password never matches one (it would otherwise share its credential with its own
 * 72-byte prefix). The cost cap bounds the time one verification can take. */
#define AUTHSVC_BCRYPT_ENCODED_LEN 60
#define AUTHSVC_BCRYPT_PASSWORD_MAX 72
#define AUTHSVC_BCRYPT_COST_MIN 4
#define AUTHSVC_BCRYPT_COST_MAX 16

/* The concurrency cap: at most this many hashes at once per limiter, and how long a caller
 * waits for a turn by default before the attempt is refused as unavailable. */
#define AUTHSVC_PASSWORD_LIMITER_MAX 64u
#define AUTHSVC_PASSWORD_LIMITER_WAIT_DEFAULT apr_time_from_sec(10)

typedef struct {
    uint32_t m_cost;      /* KiB */
    uint32_t t_cost;      /* passes */
    uint32_t parallelism; /* lanes (and threads argon2 starts for one hash) */
} authsvc_password_params_t;

/* The defaults: m=19456 KiB, t=2, p=1. */
const authsvc_password_params_t *authsvc_password_params_default(void);

/* AUTHSVC_OK when params may be configured: m_cost from AUTHSVC_ARGON2_M_COST_MIN to
 * AUTHSVC_ARGON2_M_COST_MAX, t_cost from AUTHSVC_ARGON2_T_COST_MIN to
 * AUTHSVC_ARGON2_T_COST_MAX, parallelism from 1 to AUTHSVC_ARGON2_PARALLELISM_MAX;
 * AUTHSVC_INVALID otherwise. For directive handlers. */
authsvc_status_t authsvc_password_params_check(const authsvc_password_params_t *params);

/* A counting semaphore for one process: at most max password hashes (argon2id or bcrypt,
 * hashing or verifying) run at once among the threads that share it, which bounds the
 * memory argon2id maps (max x m_cost). Create it per child (child_init, in the child's
 * pool); it lives as long as that pool. */
typedef struct authsvc_password_limiter_t authsvc_password_limiter_t;

/* max from 1 to AUTHSVC_PASSWORD_LIMITER_MAX, else AUTHSVC_INVALID. A caller waits at most
 * wait for a turn (wait <= 0: without a limit). */
authsvc_status_t authsvc_password_limiter_create(apr_pool_t *p, unsigned max,
                                                 apr_interval_time_t wait,
                                                 authsvc_password_limiter_t **limiter);

/* Takes a turn: AUTHSVC_OK, or AUTHSVC_UNAVAILABLE when none came free within the wait
 * (or the lock failed). Every AUTHSVC_OK is paired with one release. */
authsvc_status_t authsvc_password_limiter_acquire(authsvc_password_limiter_t *limiter);
void authsvc_password_limiter_release(authsvc_password_limiter_t *limiter);

/* Hashes password[0..len) with argon2id, a fresh 16-byte salt and a 32-byte output.
 * *encoded (in p) is the PHC string "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>".
 * params NULL means the defaults. The working memory is mapped for the call alone and
 * unmapped at once. */
authsvc_status_t authsvc_password_hash(apr_pool_t *p, const char *password, apr_size_t len,
                                       const authsvc_password_params_t *params,
                                       const char **encoded);

/* The same, taking a turn from limiter first (NULL: no cap, as in the CLI). Also
 * AUTHSVC_UNAVAILABLE when no turn came free in time. */
authsvc_status_t authsvc_password_hash_limited(apr_pool_t *p, const char *password,
                                               apr_size_t len,
                                               const authsvc_password_params_t *params,
                                               authsvc_password_limiter_t *limiter,
                                               const char **encoded);

/* Checks password[0..len) against a stored hash: argon2id v=19 within the limits above, or
 * an imported bcrypt "$2a$"/"$2b$"/"$2y$" hash; every other scheme (argon2i, argon2d, DES,
 * MD5 or SHA crypt, ...) and every malformed string never matches. Comparison is constant
 * time over the whole output.
 *   AUTHSVC_OK           the password matches;
 *   AUTHSVC_INVALID      it does not, or the stored hash is refused;
 *   AUTHSVC_UNAVAILABLE  limiter gave no turn in time;
 *   AUTHSVC_NO_MEMORY    the argon2id work area could not be mapped.
 * On a match, *needs_rehash (when not NULL) is 1 when the caller should store a fresh
 * argon2id hash: always for bcrypt, and for argon2id whose m_cost or t_cost is under
 * params (NULL: the defaults) or whose salt or output is shorter than ours. A stronger
 * stored hash is kept, and parallelism alone never asks for a rehash. Otherwise 0.
 * limiter NULL: no cap. */
authsvc_status_t authsvc_password_check(const char *encoded, const char *password,
                                        apr_size_t len, const authsvc_password_params_t *params,
                                        authsvc_password_limiter_t *limiter, int *needs_rehash);

/* 1 when authsvc_password_check (defaults, no cap) says AUTHSVC_OK, 0 otherwise. */
int authsvc_password_verify(const char *encoded, const char *password, apr_size_t len);

/* argon2id work areas mapped in this process right now (*live) and the most mapped at once
 * since the last reset (*peak); either may be NULL. For tests and status pages. */
void authsvc_password_work_areas(unsigned *live, unsigned *peak);
void authsvc_password_work_areas_peak_reset(void);

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
