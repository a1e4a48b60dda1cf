/* totp.c: RFC 4226 appendix D, RFC 6238 appendix B, RFC 4648 section 10 vectors, and the
 * +-1 step window (docs/security-model.md T-17, T-51). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_totp.h"
#include "unit.h"

static apr_pool_t *pool;
static const unsigned char seed20[] = "12345678901234567890";
static const unsigned char seed32[] = "12345678901234567890123456789012";
static const unsigned char seed64[] =
    "1234567890123456789012345678901234567890123456789012345678901234";

static int suite_init(void)
{
    return apr_pool_create(&pool, authsvc_test_pool()) == APR_SUCCESS ? 0 : 1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool);
    return 0;
}

static void test_rfc4226_appendix_d(void)
{
    static const long want[] = {755224, 287082, 359152, 969429, 338314,
                                254676, 287922, 162583, 399871, 520489};
    uint64_t c;

    for (c = 0; c < 10; c++)
        CU_ASSERT_EQUAL(authsvc_hotp(seed20, 20, c, 6, AUTHSVC_OTP_SHA1), want[c]);
}

static void test_rfc6238_appendix_b(void)
{
    static const struct {
        int64_t t;
        long sha1, sha256, sha512;
    } v[] = {
        {59, 94287082, 46119246, 90693936},
        {1111111109, 7081804, 68084774, 25091201},
        {1111111111, 14050471, 67062674, 99943326},
        {1234567890, 89005924, 91819424, 93441116},
        {2000000000, 69279037, 90698825, 38618901},
        {20000000000LL, 65353130, 77737706, 47863826},
    };
    apr_size_t i;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint64_t step = authsvc_totp_step(v[i].t);
        CU_ASSERT_EQUAL(authsvc_hotp(seed20, 20, step, 8, AUTHSVC_OTP_SHA1), v[i].sha1);
        CU_ASSERT_EQUAL(authsvc_hotp(seed32, 32, step, 8, AUTHSVC_OTP_SHA256), v[i].sha256);
        CU_ASSERT_EQUAL(authsvc_hotp(seed64, 64, step, 8, AUTHSVC_OTP_SHA512), v[i].sha512);
    }
}

static const char *code_at(int64_t t)
{
    long v = authsvc_hotp(seed20, 20, authsvc_totp_step(t), 6, AUTHSVC_OTP_SHA1);

    return apr_psprintf(pool, "%06ld", v);
}

static void test_window_is_exactly_one_step(void)
{
    int64_t now = 1795870080; /* a step boundary + 0 */
    uint64_t step = 0;

    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, code_at(now), now, &step), AUTHSVC_OK);
    CU_ASSERT_EQUAL(step, authsvc_totp_step(now));
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, code_at(now - 30), now, &step), AUTHSVC_OK);
    CU_ASSERT_EQUAL(step, authsvc_totp_step(now) - 1);
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, code_at(now + 30), now, &step), AUTHSVC_OK);
    CU_ASSERT_EQUAL(step, authsvc_totp_step(now) + 1);
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, code_at(now - 60), now, &step),
                    AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, code_at(now + 60), now, &step),
                    AUTHSVC_INVALID);
}

static void test_malformed_codes_are_refused(void)
{
    int64_t now = 1795870080;
    uint64_t step = 0;
    const char *good = code_at(now);

    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, NULL, now, &step), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, "", now, &step), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, apr_pstrcat(pool, good, "0", NULL), now,
                                       &step),
                    AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, apr_pstrcat(pool, " ", good + 1, NULL), now,
                                       &step),
                    AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, "12345a", now, &step), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_totp_check(seed20, 20, "-12345", now, &step), AUTHSVC_INVALID);
}

static void test_base32_rfc4648_vectors(void)
{
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const out[] = {"",        "MY",       "MZXQ",      "MZXW6",
                                      "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
    apr_size_t i, len = 0;

    for (i = 0; i < 7; i++) {
        unsigned char *back;

        CU_ASSERT_STRING_EQUAL(authsvc_base32_encode(pool, (const unsigned char *)in[i],
                                                     strlen(in[i])),
                               out[i]);
        back = authsvc_base32_decode(pool, out[i], &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        CU_ASSERT_EQUAL(len, strlen(in[i]));
        CU_ASSERT_EQUAL(memcmp(back, in[i], len), 0);
    }
    CU_ASSERT_PTR_NOT_NULL(authsvc_base32_decode(pool, "mzxw6ytboi======", &len));
    CU_ASSERT_EQUAL(len, 6);
    CU_ASSERT_PTR_NULL(authsvc_base32_decode(pool, "MZXW1", &len));
    CU_ASSERT_PTR_NULL(authsvc_base32_decode(pool, "MZ!W", &len));
}

static void test_key_uri_escapes_issuer_and_user(void)
{
    CU_ASSERT_STRING_EQUAL(authsvc_totp_key_uri(pool, "Example Corp", "ann@b.c", "MZXW6"),
                           "otpauth://totp/Example%20Corp:ann%40b.c?secret=MZXW6"
                           "&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30");
    CU_ASSERT_STRING_EQUAL(authsvc_totp_key_uri(pool, "A&B", "x:y/z", "K"),
                           "otpauth://totp/A%26B:x%3Ay%2Fz?secret=K&issuer=A%26B"
                           "&algorithm=SHA1&digits=6&period=30");
}

/* 20 bytes from the CSPRNG: 32 base32 characters that decode back to 20 bytes, and no
 * two alike. */
static void test_secret_new(void)
{
    const char *a = authsvc_totp_secret_new(pool), *b = authsvc_totp_secret_new(pool);
    apr_size_t len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(strlen(a), 32);
    CU_ASSERT_EQUAL(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
    CU_ASSERT_PTR_NOT_NULL(authsvc_base32_decode(pool, a, &len));
    CU_ASSERT_EQUAL(len, AUTHSVC_TOTP_SECRET_BYTES);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

void authsvc_test_register_totp(void)
{
    CU_pSuite s = CU_add_suite("totp", suite_init, suite_clean);

    CU_add_test(s, "RFC 4226 appendix D", test_rfc4226_appendix_d);
    CU_add_test(s, "RFC 6238 appendix B (SHA-1, SHA-256, SHA-512)", test_rfc6238_appendix_b);
    CU_add_test(s, "the window is exactly one step", test_window_is_exactly_one_step);
    CU_add_test(s, "malformed codes are refused", test_malformed_codes_are_refused);
    CU_add_test(s, "base32: RFC 4648 vectors", test_base32_rfc4648_vectors);
    CU_add_test(s, "the key URI escapes issuer and user", test_key_uri_escapes_issuer_and_user);
    CU_add_test(s, "a new secret: 160 random bits in base32", test_secret_new);
}
