/* argon2id password hashes (PHC string format), verification of imported bcrypt hashes,
 * the per-process cap on concurrent hashes, SHA-256 client-secret hashes, and CSPRNG
 * tokens and UUIDs.
 *
 * The argon2id work area (19 MiB by default) is mapped for each call and unmapped right
 * after, instead of going through malloc: glibc would keep a freed block that large in
 * the heap, and every worker's resident size would grow by it. The limiter bounds how
 * many such areas a process maps at once (docs/design.md section 11). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS under -std=c11 */
#include <crypt.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include <apr_strings.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>
#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "authsvc_password.h"

#if !APR_HAS_THREADS
#error "mod_authsvc needs APR with threads (the limiter is a thread semaphore)"
#endif

#define ARGON2ID_PREFIX "$argon2id$v=19$"
#define SECRET_PREFIX "sha256:"
#define SHA256_HEX_LEN 64

static const authsvc_password_params_t default_params = {AUTHSVC_ARGON2_M_COST_DEFAULT,
                                                         AUTHSVC_ARGON2_T_COST_DEFAULT,
                                                         AUTHSVC_ARGON2_PARALLELISM_DEFAULT};

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* bcrypt's own base64 alphabet. */
static const char bcrypt_alphabet[] =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

struct authsvc_password_limiter_t {
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *freed; /* signalled on every release */
    unsigned max, in_use;
    apr_interval_time_t wait;
};

/* Work areas mapped now and the most at once: counted in the allocate/free callbacks. */
static atomic_uint work_areas_live;
static atomic_uint work_areas_peak;

const authsvc_password_params_t *authsvc_password_params_default(void)
{
    return &default_params;
}

authsvc_status_t authsvc_password_params_check(const authsvc_password_params_t *params)
{
    if (params == NULL || params->m_cost < AUTHSVC_ARGON2_M_COST_MIN
        || params->m_cost > AUTHSVC_ARGON2_M_COST_MAX
        || params->t_cost < AUTHSVC_ARGON2_T_COST_MIN
        || params->t_cost > AUTHSVC_ARGON2_T_COST_MAX || params->parallelism < 1
        || params->parallelism > AUTHSVC_ARGON2_PARALLELISM_MAX) {
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_password_limiter_create(apr_pool_t *p, unsigned max,
                                                 apr_interval_time_t wait,
                                                 authsvc_password_limiter_t **limiter)
{
    authsvc_password_limiter_t *l;

    *limiter = NULL;
    if (max < 1 || max > AUTHSVC_PASSWORD_LIMITER_MAX) {
        return AUTHSVC_INVALID;
    }
    l = apr_pcalloc(p, sizeof(*l));
    l->max = max;
    l->wait = wait;
    if (apr_thread_mutex_create(&l->mutex, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS
        || apr_thread_cond_create(&l->freed, p) != APR_SUCCESS) {
        return AUTHSVC_NO_MEMORY;
    }
    *limiter = l;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_password_limiter_acquire(authsvc_password_limiter_t *limiter)
{
    apr_time_t deadline = apr_time_now() + limiter->wait;
    apr_status_t rv = APR_SUCCESS;
    authsvc_status_t st = AUTHSVC_UNAVAILABLE;

    if (apr_thread_mutex_lock(limiter->mutex) != APR_SUCCESS) {
        return AUTHSVC_UNAVAILABLE;
    }
    /* Wakeups may be spurious: the count decides, the loop re-checks it. */
    while (limiter->in_use >= limiter->max && rv == APR_SUCCESS) {
        apr_interval_time_t left = deadline - apr_time_now();

        if (limiter->wait <= 0) {
            rv = apr_thread_cond_wait(limiter->freed, limiter->mutex);
        } else {
            rv = left > 0 ? apr_thread_cond_timedwait(limiter->freed, limiter->mutex, left)
                          : APR_TIMEUP;
        }
    }
    if (limiter->in_use < limiter->max) {
        limiter->in_use++;
        st = AUTHSVC_OK;
    }
    apr_thread_mutex_unlock(limiter->mutex);
    return st;
}

void authsvc_password_limiter_release(authsvc_password_limiter_t *limiter)
{
    apr_thread_mutex_lock(limiter->mutex);
    if (limiter->in_use > 0) {
        limiter->in_use--;
    }
    apr_thread_cond_signal(limiter->freed);
    apr_thread_mutex_unlock(limiter->mutex);
}

void authsvc_password_work_areas(unsigned *live, unsigned *peak)
{
    if (live != NULL) {
        *live = atomic_load(&work_areas_live);
    }
    if (peak != NULL) {
        *peak = atomic_load(&work_areas_peak);
    }
}

void authsvc_password_work_areas_peak_reset(void)
{
    atomic_store(&work_areas_peak, atomic_load(&work_areas_live));
}

static void work_area_mapped(void)
{
    unsigned now = atomic_fetch_add(&work_areas_live, 1) + 1;
    unsigned peak = atomic_load(&work_areas_peak);

    while (now > peak && !atomic_compare_exchange_weak(&work_areas_peak, &peak, now)) {
    }
}

static void hex_encode(char *out, const unsigned char *in, apr_size_t len)
{
    static const char digits[] = "0123456789abcdef";
    apr_size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * len] = '\0';
}

/* Standard base64 without padding, as the PHC format writes it. */
static char *b64_encode(apr_pool_t *p, const unsigned char *in, apr_size_t len)
{
    char *out = apr_palloc(p, (len + 2) / 3 * 4 + 1);
    apr_size_t i, o = 0;

    for (i = 0; i < len; i += 3) {
        unsigned long v = (unsigned long)in[i] << 16;
        apr_size_t n = len - i < 3 ? len - i : 3;

        if (n > 1) {
            v |= (unsigned long)in[i + 1] << 8;
        }
        if (n > 2) {
            v |= in[i + 2];
        }
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        if (n > 1) {
            out[o++] = b64_alphabet[(v >> 6) & 63];
        }
        if (n > 2) {
            out[o++] = b64_alphabet[v & 63];
        }
    }
    out[o] = '\0';
    return out;
}

/* Decodes unpadded base64 in[0..len) into out (room for max bytes); -1 when malformed. */
static int b64_decode(unsigned char *out, apr_size_t max, const char *in, apr_size_t len)
{
    unsigned long acc = 0;
    int bits = 0;
    apr_size_t i, o = 0;

    if (len % 4 == 1) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        const char *pos = memchr(b64_alphabet, in[i], 64);

        if (in[i] == '\0' || pos == NULL) {
            return -1;
        }
        acc = (acc << 6) | (unsigned long)(pos - b64_alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == max) {
                return -1;
            }
            out[o++] = (unsigned char)((acc >> bits) & 0xff);
        }
    }
    if ((acc & ((1ul << bits) - 1)) != 0) { /* non-canonical trailing bits */
        return -1;
    }
    return (int)o;
}

static int map_memory(uint8_t **memory, size_t bytes)
{
    void *area = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (area == MAP_FAILED) {
        *memory = NULL;
        return ARGON2_MEMORY_ALLOCATION_ERROR;
    }
    *memory = area;
    work_area_mapped();
    return ARGON2_OK;
}

/* libargon2 has already wiped the area (ARGON2_DEFAULT_FLAGS) when it calls this. */
static void unmap_memory(uint8_t *memory, size_t bytes)
{
    if (memory != NULL) {
        munmap(memory, bytes);
        atomic_fetch_sub(&work_areas_live, 1);
    }
}

static int params_valid(const authsvc_password_params_t *params)
{
    return params->t_cost >= 1 && params->t_cost <= AUTHSVC_ARGON2_T_COST_MAX
           && params->parallelism >= 1 && params->parallelism <= AUTHSVC_ARGON2_PARALLELISM_MAX
           && params->m_cost >= 8 * params->parallelism
           && params->m_cost <= AUTHSVC_ARGON2_M_COST_MAX;
}

/* Raw argon2id of password with salt into out[0..outlen). */
static int argon2id_raw(const authsvc_password_params_t *params, const char *password,
                        apr_size_t len, const unsigned char *salt, apr_size_t saltlen,
                        unsigned char *out, apr_size_t outlen)
{
    argon2_context ctx;

    if (len > UINT32_MAX) {
        return ARGON2_PWD_TOO_LONG;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.out = out;
    ctx.outlen = (uint32_t)outlen;
    ctx.pwd = (uint8_t *)password;
    ctx.pwdlen = (uint32_t)len;
    ctx.salt = (uint8_t *)salt;
    ctx.saltlen = (uint32_t)saltlen;
    ctx.t_cost = params->t_cost;
    ctx.m_cost = params->m_cost;
    ctx.lanes = params->parallelism;
    ctx.threads = params->parallelism;
    ctx.version = ARGON2_VERSION_13;
    ctx.allocate_cbk = map_memory;
    ctx.free_cbk = unmap_memory;
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    return argon2_ctx(&ctx, Argon2_id);
}

/* Takes a turn from limiter, when there is one. */
static authsvc_status_t limiter_enter(authsvc_password_limiter_t *limiter)
{
    return limiter == NULL ? AUTHSVC_OK : authsvc_password_limiter_acquire(limiter);
}

static void limiter_leave(authsvc_password_limiter_t *limiter)
{
    if (limiter != NULL) {
        authsvc_password_limiter_release(limiter);
    }
}

authsvc_status_t authsvc_password_hash(apr_pool_t *p, const char *password, apr_size_t len,
                                       const authsvc_password_params_t *params,
                                       const char **encoded)
{
    return authsvc_password_hash_limited(p, password, len, params, NULL, encoded);
}

authsvc_status_t authsvc_password_hash_limited(apr_pool_t *p, const char *password,
                                               apr_size_t len,
                                               const authsvc_password_params_t *params,
                                               authsvc_password_limiter_t *limiter,
                                               const char **encoded)
{
    unsigned char salt[AUTHSVC_ARGON2_SALT_LEN];
    unsigned char hash[AUTHSVC_ARGON2_HASH_LEN];
    authsvc_status_t st;
    int rc;

    *encoded = NULL;
    if (params == NULL) {
        params = &default_params;
    }
    if (!params_valid(params) || (password == NULL && len != 0)) {
        return AUTHSVC_INVALID;
    }
    if (RAND_bytes(salt, sizeof(salt)) != 1) {
        return AUTHSVC_CRYPTO_ERROR;
    }
    if ((st = limiter_enter(limiter)) != AUTHSVC_OK) {
        return st;
    }
    rc = argon2id_raw(params, password, len, salt, sizeof(salt), hash, sizeof(hash));
    limiter_leave(limiter);
    if (rc != ARGON2_OK) {
        OPENSSL_cleanse(hash, sizeof(hash));
        return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? AUTHSVC_NO_MEMORY : AUTHSVC_CRYPTO_ERROR;
    }
    *encoded = apr_psprintf(p, ARGON2ID_PREFIX "m=%u,t=%u,p=%u$%s$%s", (unsigned)params->m_cost,
                            (unsigned)params->t_cost, (unsigned)params->parallelism,
                            b64_encode(p, salt, sizeof(salt)),
                            b64_encode(p, hash, sizeof(hash)));
    OPENSSL_cleanse(hash, sizeof(hash));
    return AUTHSVC_OK;
}

/* Reads "<name>=<decimal>" followed by end; advances *s past it. 0 on success. */
static int parse_param(const char **s, char name, char end, uint32_t *value)
{
    const char *c = *s;
    unsigned long long v = 0;

    if (c[0] != name || c[1] != '=' || c[2] < '0' || c[2] > '9'
        || (c[2] == '0' && c[3] != end)) {
        return -1;
    }
    for (c += 2; *c >= '0' && *c <= '9'; c++) {
        v = v * 10 + (unsigned long long)(*c - '0');
        if (v > UINT32_MAX) {
            return -1;
        }
    }
    if (*c != end) {
        return -1;
    }
    *value = (uint32_t)v;
    *s = c + 1;
    return 0;
}

typedef struct {
    authsvc_password_params_t params;
    unsigned char salt[AUTHSVC_ARGON2_SALT_LEN_MAX];
    int saltlen;
    unsigned char hash[AUTHSVC_ARGON2_HASH_LEN_MAX];
    int hashlen;
} decoded_hash_t;

static int decode_argon2id(const char *encoded, decoded_hash_t *d)
{
    const char *s = encoded + sizeof(ARGON2ID_PREFIX) - 1;
    const char *dollar;

    if (strlen(encoded) > AUTHSVC_ARGON2_ENCODED_MAX
        || strncmp(encoded, ARGON2ID_PREFIX, sizeof(ARGON2ID_PREFIX) - 1) != 0
        || parse_param(&s, 'm', ',', &d->params.m_cost) != 0
        || parse_param(&s, 't', ',', &d->params.t_cost) != 0
        || parse_param(&s, 'p', '$', &d->params.parallelism) != 0 || !params_valid(&d->params)
        || (dollar = strchr(s, '$')) == NULL) {
        return -1;
    }
    d->saltlen = b64_decode(d->salt, sizeof(d->salt), s, (apr_size_t)(dollar - s));
    d->hashlen = b64_decode(d->hash, sizeof(d->hash), dollar + 1, strlen(dollar + 1));
    if (d->saltlen < AUTHSVC_ARGON2_SALT_LEN_MIN || d->hashlen < AUTHSVC_ARGON2_HASH_LEN_MIN) {
        return -1;
    }
    return 0;
}

static authsvc_status_t check_argon2id(const decoded_hash_t *d, const char *password,
                                       apr_size_t len)
{
    unsigned char computed[AUTHSVC_ARGON2_HASH_LEN_MAX];
    authsvc_status_t st = AUTHSVC_INVALID;
    int rc = argon2id_raw(&d->params, password, len, d->salt, (apr_size_t)d->saltlen, computed,
                          (apr_size_t)d->hashlen);

    if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
        st = AUTHSVC_NO_MEMORY;
    } else if (rc == ARGON2_OK && CRYPTO_memcmp(computed, d->hash, (size_t)d->hashlen) == 0) {
        st = AUTHSVC_OK;
    }
    OPENSSL_cleanse(computed, sizeof(computed));
    return st;
}

/* Weaker than what we would store now. Parallelism is left out: more lanes over the same
 * memory is not a weaker hash, and p is 1 in every configuration we expect. */
static int argon2id_weaker(const decoded_hash_t *d, const authsvc_password_params_t *params)
{
    return d->params.m_cost < params->m_cost || d->params.t_cost < params->t_cost
           || d->saltlen < AUTHSVC_ARGON2_SALT_LEN || d->hashlen < AUTHSVC_ARGON2_HASH_LEN;
}

/* "$2a$", "$2b$" or "$2y$" (not the buggy "$2x$"), a cost within our bounds, and exactly
 * 53 characters of bcrypt base64. */
static int bcrypt_well_formed(const char *encoded)
{
    const char *e = encoded;
    int cost;

    if (strlen(e) != AUTHSVC_BCRYPT_ENCODED_LEN || e[0] != '$' || e[1] != '2'
        || memchr("aby", e[2], 3) == NULL || e[3] != '$' || e[4] < '0' || e[4] > '9'
        || e[5] < '0' || e[5] > '9' || e[6] != '$'
        || strspn(e + 7, bcrypt_alphabet) != AUTHSVC_BCRYPT_ENCODED_LEN - 7) {
        return 0;
    }
    cost = (e[4] - '0') * 10 + (e[5] - '0');
    return cost >= AUTHSVC_BCRYPT_COST_MIN && cost <= AUTHSVC_BCRYPT_COST_MAX;
}

/* crypt_rn (libxcrypt) recomputes the whole string; we compare all 60 characters. A
 * password over 72 bytes never matches rather than being cut, and one with a NUL byte
 * neither, since crypt reads a C string and would stop there. Both still cost one bcrypt
 * run, so the answer's timing does not tell that the account has an imported hash. */
static authsvc_status_t check_bcrypt(const char *encoded, const char *password, apr_size_t len)
{
    char phrase[AUTHSVC_BCRYPT_PASSWORD_MAX + 1];
    apr_size_t used = len < AUTHSVC_BCRYPT_PASSWORD_MAX ? len : AUTHSVC_BCRYPT_PASSWORD_MAX;
    int refused = len > AUTHSVC_BCRYPT_PASSWORD_MAX
                  || (len > 0 && memchr(password, '\0', len) != NULL);
    struct crypt_data *data;
    const char *out;
    authsvc_status_t st = AUTHSVC_INVALID;

    /* 32 KiB of state: too large for a worker thread's stack. */
    if ((data = OPENSSL_zalloc(sizeof(*data))) == NULL) {
        return AUTHSVC_NO_MEMORY;
    }
    if (used > 0) {
        memcpy(phrase, password, used);
    }
    phrase[used] = '\0';
    out = crypt_rn(phrase, encoded, data, (int)sizeof(*data));
    if (out != NULL && strlen(out) == AUTHSVC_BCRYPT_ENCODED_LEN
        && CRYPTO_memcmp(out, encoded, AUTHSVC_BCRYPT_ENCODED_LEN) == 0 && !refused) {
        st = AUTHSVC_OK;
    }
    OPENSSL_cleanse(phrase, sizeof(phrase));
    OPENSSL_clear_free(data, sizeof(*data));
    return st;
}

authsvc_status_t authsvc_password_check(const char *encoded, const char *password,
                                        apr_size_t len, const authsvc_password_params_t *params,
                                        authsvc_password_limiter_t *limiter, int *needs_rehash)
{
    decoded_hash_t d;
    int bcrypt;
    authsvc_status_t st;

    if (needs_rehash != NULL) {
        *needs_rehash = 0;
    }
    if (encoded == NULL || (password == NULL && len != 0)) {
        return AUTHSVC_INVALID;
    }
    /* Refused strings cost nothing and take no turn. */
    bcrypt = bcrypt_well_formed(encoded);
    if (!bcrypt && decode_argon2id(encoded, &d) != 0) {
        return AUTHSVC_INVALID;
    }
    if ((st = limiter_enter(limiter)) != AUTHSVC_OK) {
        return st;
    }
    st = bcrypt ? check_bcrypt(encoded, password, len) : check_argon2id(&d, password, len);
    limiter_leave(limiter);
    if (st == AUTHSVC_OK && needs_rehash != NULL) {
        *needs_rehash = bcrypt || argon2id_weaker(&d, params ? params : &default_params);
    }
    return st;
}

int authsvc_password_verify(const char *encoded, const char *password, apr_size_t len)
{
    return authsvc_password_check(encoded, password, len, NULL, NULL, NULL) == AUTHSVC_OK;
}

static int sha256_hex(const char *data, apr_size_t len, char hex[SHA256_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1
        || mdlen * 2 != SHA256_HEX_LEN) {
        return -1;
    }
    hex_encode(hex, md, mdlen);
    return 0;
}

authsvc_status_t authsvc_secret_hash(apr_pool_t *p, const char *secret, apr_size_t len,
                                     const char **hashed)
{
    char hex[SHA256_HEX_LEN + 1];

    *hashed = NULL;
    if (secret == NULL || sha256_hex(secret, len, hex) != 0) {
        return secret == NULL ? AUTHSVC_INVALID : AUTHSVC_CRYPTO_ERROR;
    }
    *hashed = apr_pstrcat(p, SECRET_PREFIX, hex, NULL);
    return AUTHSVC_OK;
}

int authsvc_secret_verify(const char *stored, const char *secret, apr_size_t len)
{
    char hex[SHA256_HEX_LEN + 1];

    if (stored == NULL || secret == NULL
        || strlen(stored) != sizeof(SECRET_PREFIX) - 1 + SHA256_HEX_LEN
        || strncmp(stored, SECRET_PREFIX, sizeof(SECRET_PREFIX) - 1) != 0
        || sha256_hex(secret, len, hex) != 0) {
        return 0;
    }
    return CRYPTO_memcmp(hex, stored + sizeof(SECRET_PREFIX) - 1, SHA256_HEX_LEN) == 0;
}

char *authsvc_random_token(apr_pool_t *p, apr_size_t nbytes)
{
    unsigned char buf[AUTHSVC_RANDOM_BYTES_MAX];
    char *out;

    if (nbytes == 0 || nbytes > sizeof(buf) || RAND_bytes(buf, (int)nbytes) != 1) {
        return NULL;
    }
    out = apr_palloc(p, 2 * nbytes + 1);
    hex_encode(out, buf, nbytes);
    OPENSSL_cleanse(buf, nbytes);
    return out;
}

char *authsvc_uuid_v4(apr_pool_t *p)
{
    unsigned char b[16];
    char hex[33];

    if (RAND_bytes(b, sizeof(b)) != 1) {
        return NULL;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    hex_encode(hex, b, sizeof(b));
    return apr_psprintf(p, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                        hex + 20);
}
