/* password.c: argon2id hashes, imported bcrypt hashes, the rehash decision, the
 * concurrency limiter, client-secret hashes, random tokens and UUIDs. */
#include <crypt.h>
#include <string.h>

#include <argon2.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>

#include "authsvc_password.h"
#include "unit.h"

#define DEFAULT_PREFIX "$argon2id$v=19$m=19456,t=2,p=1$"

static apr_pool_t *pool;

static int suite_init(void)
{
    return apr_pool_create(&pool, authsvc_test_pool()) == APR_SUCCESS ? 0 : 1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool);
    return 0;
}

/* Cheap parameters for tests that are not about the defaults. */
static const authsvc_password_params_t fast = {1024, 1, 1};

static const char *hash_of(const char *password, const authsvc_password_params_t *params)
{
    const char *encoded = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_password_hash(pool, password, strlen(password), params,
                                                &encoded),
                          AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(encoded);
    return encoded;
}

static void test_hash_uses_default_argon2id_parameters(void)
{
    const char *encoded = hash_of("correct horse battery staple", NULL);
    const char *salt = encoded + strlen(DEFAULT_PREFIX);
    const char *dollar = strchr(salt, '$');

    CU_ASSERT_EQUAL(strncmp(encoded, DEFAULT_PREFIX, strlen(DEFAULT_PREFIX)), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dollar);
    CU_ASSERT_EQUAL(dollar - salt, 22);       /* 16 bytes, unpadded base64 */
    CU_ASSERT_EQUAL(strlen(dollar + 1), 43u); /* 32 bytes, unpadded base64 */
    CU_ASSERT_PTR_NULL(strchr(salt, '='));    /* no base64 padding */
}

static void test_hash_salts_are_unique(void)
{
    const char *a = hash_of("same password", &fast);
    const char *b = hash_of("same password", &fast);
    const char *prefix = "$argon2id$v=19$m=1024,t=1,p=1$";

    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    CU_ASSERT_NOT_EQUAL(strncmp(a + strlen(prefix), b + strlen(prefix), 22), 0);
}

static void test_verify_accepts_right_password_only(void)
{
    const char *encoded = hash_of("correct horse battery staple", NULL);

    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, "correct horse battery staple", 28), 1);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, "correct horse battery stapl", 27), 0);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, "Correct horse battery staple", 28), 0);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, "", 0), 0);
}

static void test_verify_counts_every_byte(void)
{
    const char pw[] = "abc\0def"; /* binary-safe: the length decides, not a NUL */
    const char *encoded = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_password_hash(pool, pw, 7, &fast, &encoded), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, pw, 7), 1);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, pw, 3), 0);
}

static void test_hash_interoperates_with_libargon2(void)
{
    const unsigned char salt[16] = "0123456789abcdef";
    char theirs[128];
    const char *ours = hash_of("interop", &fast);

    /* libargon2 reads our string ... */
    CU_ASSERT_EQUAL(argon2id_verify(ours, "interop", 7), ARGON2_OK);
    CU_ASSERT_NOT_EQUAL(argon2id_verify(ours, "interoP", 7), ARGON2_OK);
    /* ... and we read its string */
    CU_ASSERT_EQUAL_FATAL(argon2id_hash_encoded(1, 1024, 1, "interop", 7, salt, sizeof(salt),
                                                32, theirs, sizeof(theirs)),
                          ARGON2_OK);
    CU_ASSERT_EQUAL(authsvc_password_verify(theirs, "interop", 7), 1);
    CU_ASSERT_EQUAL(authsvc_password_verify(theirs, "interoq", 7), 0);
}

/* Each string below is a genuine hash of the password that libargon2 itself accepts, so
 * only our own checks can refuse it. */
static void test_verify_refuses_what_it_does_not_trust(void)
{
    const unsigned char salt[16] = "0123456789abcdef";
    char buf[160];
    const char *good = hash_of("pw-123456", &fast);
    char *tampered = apr_pstrdup(pool, good), *zero;

    CU_ASSERT_EQUAL_FATAL(argon2i_hash_encoded(1, 1024, 1, "pw-123456", 9, salt, sizeof(salt),
                                               32, buf, sizeof(buf)),
                          ARGON2_OK);
    CU_ASSERT_EQUAL(authsvc_password_verify(buf, "pw-123456", 9), 0);
    CU_ASSERT_EQUAL_FATAL(argon2_hash(1, 1024, 1, "pw-123456", 9, salt, sizeof(salt), NULL, 32,
                                      buf, sizeof(buf), Argon2_id, ARGON2_VERSION_10),
                          ARGON2_OK);
    CU_ASSERT_EQUAL(argon2id_verify(buf, "pw-123456", 9), ARGON2_OK);
    CU_ASSERT_EQUAL(authsvc_password_verify(buf, "pw-123456", 9), 0); /* v=16 */
    CU_ASSERT_EQUAL_FATAL(argon2id_hash_encoded(AUTHSVC_ARGON2_T_COST_MAX + 1, 1024, 1,
                                                "pw-123456", 9, salt, sizeof(salt), 32, buf,
                                                sizeof(buf)),
                          ARGON2_OK);
    CU_ASSERT_EQUAL(authsvc_password_verify(buf, "pw-123456", 9), 0); /* over the limit */
    zero = apr_pstrcat(pool, "$argon2id$v=19$m=01024", good + strlen("$argon2id$v=19$m=1024"),
                       NULL);
    CU_ASSERT_EQUAL(authsvc_password_verify(zero, "pw-123456", 9), 0);
    CU_ASSERT_EQUAL(authsvc_password_verify(apr_pstrcat(pool, good, "=", NULL), "pw-123456", 9),
                    0);
    tampered[strlen(tampered) - 2] = tampered[strlen(tampered) - 2] == 'A' ? 'B' : 'A';
    CU_ASSERT_EQUAL(authsvc_password_verify(tampered, "pw-123456", 9), 0);
    CU_ASSERT_EQUAL(authsvc_password_verify(good, "pw-123456", 9), 1);
    CU_ASSERT_EQUAL(authsvc_password_verify("", "pw-123456", 9), 0);
    CU_ASSERT_EQUAL(authsvc_password_verify(NULL, "pw-123456", 9), 0);
}

static void test_hash_honours_and_checks_parameters(void)
{
    const authsvc_password_params_t bad = {1024, 0, 1};
    const authsvc_password_params_t huge = {AUTHSVC_ARGON2_M_COST_MAX + 1, 1, 1};
    const char *encoded = hash_of("parameters", &fast);
    const char *out = "unchanged";

    CU_ASSERT_EQUAL(strncmp(encoded, "$argon2id$v=19$m=1024,t=1,p=1$", 30), 0);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, "parameters", 10), 1);
    CU_ASSERT_EQUAL(authsvc_password_hash(pool, "x", 1, &bad, &out), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(authsvc_password_hash(pool, "x", 1, &huge, &out), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_password_params_default()->m_cost, 19456u);
}

/* The OpenBSD / crypt_blowfish test vector. */
#define BCRYPT_VECTOR "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"

/* A bcrypt hash of password made here by libxcrypt, with prefix "$2a$", "$2b$" or "$2y$". */
static const char *bcrypt_of(const char *prefix, const char *password)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data *data = apr_pcalloc(pool, sizeof(*data));
    const char *out;

    CU_ASSERT_PTR_NOT_NULL_FATAL(
        crypt_gensalt_rn(prefix, 4, NULL, 0, setting, sizeof(setting)));
    out = crypt_rn(password, setting, data, (int)sizeof(*data));
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL_FATAL(strlen(out), AUTHSVC_BCRYPT_ENCODED_LEN);
    return apr_pstrdup(pool, out);
}

/* authsvc_password_check with the defaults and no cap: its status, and *rehash. */
static authsvc_status_t check(const char *encoded, const char *password, int *rehash)
{
    *rehash = -1;
    return authsvc_password_check(encoded, password, strlen(password), NULL, NULL, rehash);
}

static void test_bcrypt_known_vector_matches_and_asks_for_rehash(void)
{
    int rehash;

    CU_ASSERT_EQUAL(check(BCRYPT_VECTOR, "U*U", &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 1);
    CU_ASSERT_EQUAL(check(BCRYPT_VECTOR, "U*V", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(rehash, 0);
    CU_ASSERT_EQUAL(authsvc_password_verify(BCRYPT_VECTOR, "U*U", 3), 1);
    CU_ASSERT_EQUAL(authsvc_password_verify(BCRYPT_VECTOR, "U*U*", 4), 0);
}

static void test_bcrypt_2a_2b_2y_verify(void)
{
    static const char *const prefixes[] = {"$2a$", "$2b$", "$2y$"};
    int rehash;
    size_t i;

    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        const char *encoded = bcrypt_of(prefixes[i], "imported Pa55word");

        CU_ASSERT_EQUAL(strncmp(encoded, prefixes[i], 4), 0);
        CU_ASSERT_EQUAL(check(encoded, "imported Pa55word", &rehash), AUTHSVC_OK);
        CU_ASSERT_EQUAL(rehash, 1);
        CU_ASSERT_EQUAL(check(encoded, "imported pa55word", &rehash), AUTHSVC_INVALID);
        CU_ASSERT_EQUAL(rehash, 0);
        CU_ASSERT_EQUAL(check(encoded, "", &rehash), AUTHSVC_INVALID);
    }
}

/* bcrypt cuts at 72 bytes; we refuse instead, so a long password and its prefix are
 * never one credential (docs/security-model.md T-52). */
static void test_bcrypt_refuses_passwords_over_72_bytes(void)
{
    char p100[101], p73[74];
    const char *encoded;
    int rehash;

    memset(p100, 'x', 100);
    p100[100] = '\0';
    memcpy(p100, "long-", 5);
    memcpy(p73, p100, 73);
    p73[73] = '\0';
    encoded = bcrypt_of("$2b$", p100); /* crypt itself hashes only the first 72 bytes */
    CU_ASSERT_EQUAL(check(encoded, p100, &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check(encoded, p73, &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_password_check(encoded, p100, 72, NULL, NULL, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 1);
}

static void test_bcrypt_refuses_a_nul_byte(void)
{
    const char *encoded = bcrypt_of("$2b$", "abc");
    int rehash;

    CU_ASSERT_EQUAL(authsvc_password_check(encoded, "abc\0def", 7, NULL, NULL, &rehash),
                    AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_password_check(encoded, "abc", 3, NULL, NULL, &rehash), AUTHSVC_OK);
}

/* argon2id reads every byte: the 72-byte prefix of a 100-byte password is another one. */
static void test_argon2id_prefix_of_long_password_fails(void)
{
    char p100[101];
    const char *encoded;

    memset(p100, 'y', 100);
    p100[100] = '\0';
    encoded = hash_of(p100, &fast);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, p100, 100), 1);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, p100, 72), 0);
}

/* NFC "é" (C3 A9) and NFD "é" (65 CC 81): no normalisation, different passwords. */
static void test_nfc_and_nfd_are_different_passwords(void)
{
    const char *nfc = "caf\xC3\xA9-au-lait", *nfd = "cafe\xCC\x81-au-lait";
    const char *encoded = hash_of(nfc, &fast);

    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, nfc, strlen(nfc)), 1);
    CU_ASSERT_EQUAL(authsvc_password_verify(encoded, nfd, strlen(nfd)), 0);
}

/* A copy of s with the character at i replaced. */
static const char *with_char(const char *s, size_t i, char c)
{
    char *copy = apr_pstrdup(pool, s);

    copy[i] = c;
    return copy;
}

static void test_bcrypt_refuses_other_variants_and_malformed(void)
{
    const char *good = bcrypt_of("$2b$", "pw-123456");
    int rehash;

    CU_ASSERT_EQUAL(check(good, "pw-123456", &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(check(with_char(good, 2, 'x'), "pw-123456", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check(with_char(good, 2, 'c'), "pw-123456", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check(with_char(good, 5, '3'), "pw-123456", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check(with_char(with_char(good, 4, '1'), 5, '7'), "pw-123456", &rehash),
                    AUTHSVC_INVALID); /* cost 17: over the cap */
    CU_ASSERT_EQUAL(check(with_char(good, 20, '!'), "pw-123456", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check(apr_pstrcat(pool, good, "x", NULL), "pw-123456", &rehash),
                    AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check(apr_pstrndup(pool, good, 59), "pw-123456", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check(apr_pstrndup(pool, good, 29), "pw-123456", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check(with_char(good, 58, good[58] == 'A' ? 'B' : 'A'), "pw-123456",
                          &rehash),
                    AUTHSVC_INVALID);
}

/* Genuine hashes of the password in schemes libxcrypt or libargon2 would accept. */
static void test_check_refuses_other_schemes(void)
{
    static const char *const settings[] = {"$1$saltsalt$", "$5$saltsaltsaltsalt$",
                                           "$6$saltsaltsaltsalt$", "ab", "_J9..salt"};
    const unsigned char salt[16] = "0123456789abcdef";
    struct crypt_data *data = apr_pcalloc(pool, sizeof(*data));
    char buf[160];
    int rehash;
    size_t i;

    for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
        const char *out = crypt_rn("pw-123456", settings[i], data, (int)sizeof(*data));

        if (out != NULL) { /* DES may be compiled out of libxcrypt */
            CU_ASSERT_EQUAL(check(apr_pstrdup(pool, out), "pw-123456", &rehash),
                            AUTHSVC_INVALID);
        }
    }
    CU_ASSERT_EQUAL_FATAL(argon2d_hash_encoded(1, 1024, 1, "pw-123456", 9, salt, sizeof(salt),
                                               32, buf, sizeof(buf)),
                          ARGON2_OK);
    CU_ASSERT_EQUAL(check(buf, "pw-123456", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check("pw-123456", "pw-123456", &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(check("", "", &rehash), AUTHSVC_INVALID);
}

static authsvc_status_t check_against(const char *encoded, const char *password,
                                      const authsvc_password_params_t *configured, int *rehash)
{
    *rehash = -1;
    return authsvc_password_check(encoded, password, strlen(password), configured, NULL,
                                  rehash);
}

static void test_rehash_when_argon2id_is_weaker_than_configured(void)
{
    const authsvc_password_params_t more_memory = {2048, 1, 1}, more_passes = {1024, 2, 1};
    const authsvc_password_params_t more_lanes = {1024, 1, 2};
    const char *weak = hash_of("rehash me", &fast);
    const char *strong = hash_of("rehash me", NULL);
    int rehash;

    CU_ASSERT_EQUAL(check_against(weak, "rehash me", NULL, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 1);
    CU_ASSERT_EQUAL(check_against(weak, "rehash me", &more_memory, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 1);
    CU_ASSERT_EQUAL(check_against(weak, "rehash me", &more_passes, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 1);
    CU_ASSERT_EQUAL(check_against(weak, "rehash me", &fast, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 0);
    CU_ASSERT_EQUAL(check_against(weak, "rehash me", &more_lanes, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 0); /* parallelism alone never asks */
    CU_ASSERT_EQUAL(check_against(strong, "rehash me", NULL, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 0);
    CU_ASSERT_EQUAL(check_against(strong, "rehash me", &fast, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 0); /* a stronger stored hash is kept */
    CU_ASSERT_EQUAL(check_against(weak, "rehash you", NULL, &rehash), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(rehash, 0); /* no verdict without a match */
}

static void test_rehash_when_salt_is_short(void)
{
    const unsigned char salt[8] = "01234567";
    char buf[160];
    int rehash;

    CU_ASSERT_EQUAL_FATAL(argon2id_hash_encoded(1, 1024, 1, "short salt", 10, salt,
                                                sizeof(salt), 32, buf, sizeof(buf)),
                          ARGON2_OK);
    CU_ASSERT_EQUAL(check_against(buf, "short salt", &fast, &rehash), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 1);
}

static void test_params_check_floors_and_ceilings(void)
{
    const authsvc_password_params_t ok[] = {{19456, 2, 1}, {65536, 3, 1}, {47104, 2, 4}};
    const authsvc_password_params_t bad[] = {{19455, 2, 1},
                                             {19456, 1, 1},
                                             {19456, 2, 0},
                                             {1024, 1, 1},
                                             {AUTHSVC_ARGON2_M_COST_MAX + 1, 2, 1},
                                             {19456, AUTHSVC_ARGON2_T_COST_MAX + 1, 1},
                                             {19456, 2, AUTHSVC_ARGON2_PARALLELISM_MAX + 1}};
    size_t i;

    CU_ASSERT_EQUAL(authsvc_password_params_check(authsvc_password_params_default()),
                    AUTHSVC_OK);
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        CU_ASSERT_EQUAL(authsvc_password_params_check(&ok[i]), AUTHSVC_OK);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_EQUAL(authsvc_password_params_check(&bad[i]), AUTHSVC_INVALID);
    }
    CU_ASSERT_EQUAL(authsvc_password_params_check(NULL), AUTHSVC_INVALID);
}

static void test_work_area_is_unmapped_after_each_call(void)
{
    unsigned live = 99, peak = 99;

    authsvc_password_work_areas_peak_reset();
    hash_of("mapped and unmapped", NULL);
    authsvc_password_work_areas(&live, &peak);
    CU_ASSERT_EQUAL(live, 0u);
    CU_ASSERT_EQUAL(peak, 1u); /* the callbacks ran: the area was mapped, then unmapped */
}

static void test_limiter_refuses_bad_sizes(void)
{
    authsvc_password_limiter_t *limiter = NULL;

    CU_ASSERT_EQUAL(authsvc_password_limiter_create(pool, AUTHSVC_PASSWORD_LIMITER_MAX, 0,
                                                    &limiter),
                    AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL(limiter);
    CU_ASSERT_EQUAL(authsvc_password_limiter_create(pool, 0, 0, &limiter), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(limiter);
    CU_ASSERT_EQUAL(authsvc_password_limiter_create(pool, AUTHSVC_PASSWORD_LIMITER_MAX + 1, 0,
                                                    &limiter),
                    AUTHSVC_INVALID);
}

/* With every turn taken, hashing and checking wait, then answer unavailable; a string that
 * is refused anyway needs no turn. */
static void test_limiter_full_means_unavailable(void)
{
    authsvc_password_limiter_t *limiter = NULL;
    const char *good = hash_of("wait for me", &fast), *encoded = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_password_limiter_create(pool, 1, apr_time_from_msec(20),
                                                          &limiter),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_password_limiter_acquire(limiter), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_password_limiter_acquire(limiter), AUTHSVC_UNAVAILABLE);
    CU_ASSERT_EQUAL(authsvc_password_hash_limited(pool, "wait for me", 11, &fast, limiter,
                                                  &encoded),
                    AUTHSVC_UNAVAILABLE);
    CU_ASSERT_PTR_NULL(encoded);
    CU_ASSERT_EQUAL(authsvc_password_check(good, "wait for me", 11, &fast, limiter, NULL),
                    AUTHSVC_UNAVAILABLE);
    CU_ASSERT_EQUAL(authsvc_password_check("$1$x$y", "wait for me", 11, &fast, limiter, NULL),
                    AUTHSVC_INVALID);
    authsvc_password_limiter_release(limiter);
    CU_ASSERT_EQUAL(authsvc_password_hash_limited(pool, "wait for me", 11, &fast, limiter,
                                                  &encoded),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_password_check(good, "wait for me", 11, &fast, limiter, NULL),
                    AUTHSVC_OK);
}

#define LIMITER_THREADS 6
#define LIMITER_ROUNDS 4

typedef struct {
    authsvc_password_limiter_t *limiter;
    apr_pool_t *pool; /* this thread's own */
    int failures;
} hash_job_t;

static void *APR_THREAD_FUNC hash_worker(apr_thread_t *thread, void *data)
{
    hash_job_t *job = data;
    int i;

    for (i = 0; i < LIMITER_ROUNDS; i++) {
        const char *encoded = NULL;

        if (authsvc_password_hash_limited(job->pool, "limit me", 8, &fast, job->limiter,
                                          &encoded)
                != AUTHSVC_OK
            || authsvc_password_check(encoded, "limit me", 8, &fast, job->limiter, NULL)
                   != AUTHSVC_OK) {
            job->failures++;
        }
    }
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

/* Runs LIMITER_THREADS threads hashing and checking through one limiter of size max
 * (callers waiting at most wait); returns the most argon2id work areas mapped at once
 * meanwhile. */
static unsigned hash_in_threads(unsigned max, apr_interval_time_t wait)
{
    authsvc_password_limiter_t *limiter = NULL;
    apr_thread_t *threads[LIMITER_THREADS];
    hash_job_t jobs[LIMITER_THREADS];
    apr_status_t rv;
    unsigned live = 99, peak = 99;
    int i;

    CU_ASSERT_EQUAL_FATAL(authsvc_password_limiter_create(pool, max, wait, &limiter),
                          AUTHSVC_OK);
    authsvc_password_work_areas_peak_reset();
    for (i = 0; i < LIMITER_THREADS; i++) {
        jobs[i].limiter = limiter;
        jobs[i].failures = 0;
        CU_ASSERT_EQUAL_FATAL(apr_pool_create(&jobs[i].pool, pool), APR_SUCCESS);
        CU_ASSERT_EQUAL_FATAL(apr_thread_create(&threads[i], NULL, hash_worker, &jobs[i], pool),
                              APR_SUCCESS);
    }
    for (i = 0; i < LIMITER_THREADS; i++) {
        apr_thread_join(&rv, threads[i]);
        CU_ASSERT_EQUAL(jobs[i].failures, 0);
        apr_pool_destroy(jobs[i].pool);
    }
    authsvc_password_work_areas(&live, &peak);
    CU_ASSERT_EQUAL(live, 0u);
    return peak;
}

static void test_limiter_of_one_never_overlaps(void)
{
    CU_ASSERT_EQUAL(hash_in_threads(1, AUTHSVC_PASSWORD_LIMITER_WAIT_DEFAULT), 1u);
}

static void test_limiter_of_two_never_exceeds_two(void)
{
    unsigned peak = hash_in_threads(2, 0); /* and waiting without a limit */

    CU_ASSERT_TRUE(peak >= 1 && peak <= 2);
}

static void test_secret_hash_is_sha256_hex(void)
{
    const char *hashed = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_secret_hash(pool, "abc", 3, &hashed), AUTHSVC_OK);
    /* FIPS 180-2 test vector for "abc" */
    CU_ASSERT_STRING_EQUAL(hashed, "sha256:ba7816bf8f01cfea414140de5dae2223"
                                   "b00361a396177a9cb410ff61f20015ad");
}

static void test_secret_verify(void)
{
    const char *hashed = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_secret_hash(pool, "s3cret", 6, &hashed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_secret_verify(hashed, "s3cret", 6), 1);
    CU_ASSERT_EQUAL(authsvc_secret_verify(hashed, "s3creT", 6), 0);
    CU_ASSERT_EQUAL(authsvc_secret_verify(hashed, "s3cre", 5), 0);
    CU_ASSERT_EQUAL(authsvc_secret_verify(hashed + 7, "s3cret", 6), 0); /* no prefix */
    CU_ASSERT_EQUAL(authsvc_secret_verify("sha256:00", "s3cret", 6), 0);
    CU_ASSERT_EQUAL(authsvc_secret_verify(NULL, "s3cret", 6), 0);
    CU_ASSERT_EQUAL(authsvc_secret_verify("s3cret", "s3cret", 6), 0); /* plaintext */
}

static int all_hex(const char *s)
{
    return strspn(s, "0123456789abcdef") == strlen(s);
}

static void test_random_token(void)
{
    char *a = authsvc_random_token(pool, 32), *b = authsvc_random_token(pool, 32);

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(strlen(a), 64u);
    CU_ASSERT_TRUE(all_hex(a));
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    CU_ASSERT_PTR_NULL(authsvc_random_token(pool, 0));
    CU_ASSERT_PTR_NULL(authsvc_random_token(pool, AUTHSVC_RANDOM_BYTES_MAX + 1));
}

static void test_uuid_v4_format(void)
{
    char *a = authsvc_uuid_v4(pool), *b = authsvc_uuid_v4(pool);
    int i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL_FATAL(strlen(a), 36u);
    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            CU_ASSERT_EQUAL(a[i], '-');
        } else {
            CU_ASSERT_PTR_NOT_NULL(strchr("0123456789abcdef", a[i]));
        }
    }
    CU_ASSERT_EQUAL(a[14], '4');
    CU_ASSERT_PTR_NOT_NULL(strchr("89ab", a[19]));
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

void authsvc_test_register_password(void)
{
    CU_pSuite s = CU_add_suite("password", suite_init, suite_clean);

    CU_add_test(s, "argon2id hash has the default parameters",
                test_hash_uses_default_argon2id_parameters);
    CU_add_test(s, "argon2id salts are unique", test_hash_salts_are_unique);
    CU_add_test(s, "verify accepts the right password only",
                test_verify_accepts_right_password_only);
    CU_add_test(s, "verify counts every byte", test_verify_counts_every_byte);
    CU_add_test(s, "hashes interoperate with libargon2",
                test_hash_interoperates_with_libargon2);
    CU_add_test(s, "verify refuses argon2i, v=16, over-limit and malformed hashes",
                test_verify_refuses_what_it_does_not_trust);
    CU_add_test(s, "hash honours and checks its parameters",
                test_hash_honours_and_checks_parameters);
    CU_add_test(s, "bcrypt known vector matches and asks for a rehash",
                test_bcrypt_known_vector_matches_and_asks_for_rehash);
    CU_add_test(s, "bcrypt $2a$, $2b$ and $2y$ verify", test_bcrypt_2a_2b_2y_verify);
    CU_add_test(s, "bcrypt refuses passwords over 72 bytes",
                test_bcrypt_refuses_passwords_over_72_bytes);
    CU_add_test(s, "bcrypt refuses a password with a NUL byte", test_bcrypt_refuses_a_nul_byte);
    CU_add_test(s, "argon2id: the 72-byte prefix of a 100-byte password fails",
                test_argon2id_prefix_of_long_password_fails);
    CU_add_test(s, "NFC and NFD spellings are different passwords",
                test_nfc_and_nfd_are_different_passwords);
    CU_add_test(s, "bcrypt refuses $2x$, bad costs and malformed strings",
                test_bcrypt_refuses_other_variants_and_malformed);
    CU_add_test(s, "check refuses MD5, SHA and DES crypt and argon2d",
                test_check_refuses_other_schemes);
    CU_add_test(s, "rehash when argon2id is weaker than configured",
                test_rehash_when_argon2id_is_weaker_than_configured);
    CU_add_test(s, "rehash when the salt is short", test_rehash_when_salt_is_short);
    CU_add_test(s, "configured parameters have floors and ceilings",
                test_params_check_floors_and_ceilings);
    CU_add_test(s, "the work area is unmapped after each call",
                test_work_area_is_unmapped_after_each_call);
    CU_add_test(s, "limiter refuses bad sizes", test_limiter_refuses_bad_sizes);
    CU_add_test(s, "full limiter means unavailable, not a wrong password",
                test_limiter_full_means_unavailable);
    CU_add_test(s, "limiter of one: hashes never overlap", test_limiter_of_one_never_overlaps);
    CU_add_test(s, "limiter of two: never more than two at once",
                test_limiter_of_two_never_exceeds_two);
    CU_add_test(s, "secret hash is sha256 hex", test_secret_hash_is_sha256_hex);
    CU_add_test(s, "secret verify", test_secret_verify);
    CU_add_test(s, "random token is hex from the CSPRNG", test_random_token);
    CU_add_test(s, "uuid v4 format", test_uuid_v4_format);
}
