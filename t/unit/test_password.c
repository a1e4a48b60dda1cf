/* password.c: argon2id hashes, client-secret hashes, random tokens and UUIDs. */
#include <string.h>

#include <argon2.h>
#include <apr_strings.h>

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
                                                &encoded), AUTHSVC_OK);
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
    CU_ASSERT_EQUAL(dollar - salt, 22);        /* 16 bytes, unpadded base64 */
    CU_ASSERT_EQUAL(strlen(dollar + 1), 43u); /* 32 bytes, unpadded base64 */
    CU_ASSERT_PTR_NULL(strchr(salt, '=')); /* no base64 padding */
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
                                                32, theirs, sizeof(theirs)), ARGON2_OK);
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
                                               32, buf, sizeof(buf)), ARGON2_OK);
    CU_ASSERT_EQUAL(authsvc_password_verify(buf, "pw-123456", 9), 0);
    CU_ASSERT_EQUAL_FATAL(argon2_hash(1, 1024, 1, "pw-123456", 9, salt, sizeof(salt), NULL, 32,
                                      buf, sizeof(buf), Argon2_id, ARGON2_VERSION_10), ARGON2_OK);
    CU_ASSERT_EQUAL(argon2id_verify(buf, "pw-123456", 9), ARGON2_OK);
    CU_ASSERT_EQUAL(authsvc_password_verify(buf, "pw-123456", 9), 0); /* v=16 */
    CU_ASSERT_EQUAL_FATAL(argon2id_hash_encoded(AUTHSVC_ARGON2_T_COST_MAX + 1, 1024, 1,
                                                "pw-123456", 9, salt, sizeof(salt), 32, buf,
                                                sizeof(buf)), ARGON2_OK);
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
    CU_ASSERT_EQUAL(authsvc_secret_verify("s3cret", "s3cret", 6), 0);   /* plaintext */
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
    CU_add_test(s, "hashes interoperate with libargon2", test_hash_interoperates_with_libargon2);
    CU_add_test(s, "verify refuses argon2i, v=16, over-limit and malformed hashes",
                test_verify_refuses_what_it_does_not_trust);
    CU_add_test(s, "hash honours and checks its parameters",
                test_hash_honours_and_checks_parameters);
    CU_add_test(s, "secret hash is sha256 hex", test_secret_hash_is_sha256_hex);
    CU_add_test(s, "secret verify", test_secret_verify);
    CU_add_test(s, "random token is hex from the CSPRNG", test_random_token);
    CU_add_test(s, "uuid v4 format", test_uuid_v4_format);
}
