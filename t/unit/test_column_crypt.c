/* column_crypt.c: AES-256-GCM column values, a fresh nonce each (docs/security-model.md T-69). */
#include <string.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_base64url.h"
#include "authsvc_column_crypt.h"
#include "unit.h"

static apr_pool_t *pool;
static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";
static const unsigned char other_key[32] = "fedcba9876543210fedcba9876543210";

static int suite_init(void)
{
    return apr_pool_create(&pool, authsvc_test_pool()) == APR_SUCCESS ? 0 : 1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool);
    return 0;
}

static void test_round_trip(void)
{
    const char *sealed = NULL, *back = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_column_encrypt(pool, key, "c", "{\"email\":\"a@b\"}",
                                                 &sealed),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(strncmp(sealed, "gcm1:", 5), 0);
    CU_ASSERT_PTR_NULL(strstr(sealed, "email"));
    CU_ASSERT_EQUAL(authsvc_column_decrypt(pool, key, "c", sealed, &back), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(back, "{\"email\":\"a@b\"}");
    CU_ASSERT_EQUAL(authsvc_column_encrypt(pool, key, "c", "", &sealed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_column_decrypt(pool, key, "c", sealed, &back), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(back, "");
}

static void test_equal_plaintexts_get_fresh_nonces(void)
{
    const char *a = NULL, *b = NULL;
    unsigned char *ra = NULL, *rb = NULL;
    apr_size_t na = 0, nb = 0;

    authsvc_column_encrypt(pool, key, "c", "same value", &a);
    authsvc_column_encrypt(pool, key, "c", "same value", &b);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    CU_ASSERT_EQUAL_FATAL(authsvc_b64url_decode(pool, a + 5, strlen(a + 5), &ra, &na),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_b64url_decode(pool, b + 5, strlen(b + 5), &rb, &nb),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(na, 12 + 10 + 16);
    CU_ASSERT_NOT_EQUAL(memcmp(ra, rb, 12), 0);           /* nonces */
    CU_ASSERT_NOT_EQUAL(memcmp(ra + 12, rb + 12, 10), 0); /* ciphertexts */
}

static void test_tampering_wrong_key_or_column_fail(void)
{
    const char *sealed = NULL, *back = "x";
    char *bad;
    apr_size_t i;

    authsvc_column_encrypt(pool, key, "c", "secret claims", &sealed);
    CU_ASSERT_EQUAL(authsvc_column_decrypt(pool, other_key, "c", sealed, &back),
                    AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(back);
    CU_ASSERT_EQUAL(authsvc_column_decrypt(pool, key, "d", sealed, &back), AUTHSVC_INVALID);
    for (i = 5; i < strlen(sealed); i += 7) {
        bad = apr_pstrdup(pool, sealed);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        CU_ASSERT_EQUAL(authsvc_column_decrypt(pool, key, "c", bad, &back), AUTHSVC_INVALID);
    }
    CU_ASSERT_EQUAL(authsvc_column_decrypt(pool, key, "c", "gcm1:AAAA", &back),
                    AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_column_decrypt(pool, key, "c", "gcm1:", &back), AUTHSVC_INVALID);
}

static void test_plain_values_pass_through(void)
{
    const char *back = NULL;

    CU_ASSERT_EQUAL(authsvc_column_decrypt(pool, key, "c", "{\"a\":1}", &back), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(back, "{\"a\":1}");
}

static const char *write_file(const char *data, apr_size_t len)
{
    const char *path = apr_psprintf(pool, "/tmp/authsvc-unit-key-%d", (int)getpid());
    apr_file_t *f;
    apr_size_t n = len;

    apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                  APR_FPROT_UREAD | APR_FPROT_UWRITE, pool);
    apr_file_write_full(f, data, len, &n);
    apr_file_close(f);
    return path;
}

static void test_key_files(void)
{
    const unsigned char *k = NULL;
    const char *why = NULL, *path;

    path = write_file((const char *)key, 32);
    CU_ASSERT_EQUAL(authsvc_column_key_load(pool, path, &k, &why), AUTHSVC_OK);
    CU_ASSERT_EQUAL(memcmp(k, key, 32), 0);
    path = write_file("00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\n", 65);
    CU_ASSERT_EQUAL(authsvc_column_key_load(pool, path, &k, &why), AUTHSVC_OK);
    CU_ASSERT_EQUAL(k[0], 0x00);
    CU_ASSERT_EQUAL(k[31], 0xff);
    path = write_file("too short", 9);
    CU_ASSERT_EQUAL(authsvc_column_key_load(pool, path, &k, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "32 bytes"));
    path = write_file("zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 64);
    CU_ASSERT_EQUAL(authsvc_column_key_load(pool, path, &k, &why), AUTHSVC_INVALID);
    apr_file_remove(path, pool);
    CU_ASSERT_EQUAL(authsvc_column_key_load(pool, path, &k, &why), AUTHSVC_NOT_FOUND);
}

void authsvc_test_register_column_crypt(void)
{
    CU_pSuite s = CU_add_suite("column_crypt", suite_init, suite_clean);

    CU_add_test(s, "round trip", test_round_trip);
    CU_add_test(s, "equal plaintexts get fresh nonces", test_equal_plaintexts_get_fresh_nonces);
    CU_add_test(s, "tampering, a wrong key or column fail",
                test_tampering_wrong_key_or_column_fail);
    CU_add_test(s, "plain values pass through", test_plain_values_pass_through);
    CU_add_test(s, "key files", test_key_files);
}
