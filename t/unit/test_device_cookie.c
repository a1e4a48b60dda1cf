/* device_cookie.c: the login page's device cookies verify only as made, under a key of
 * the ring, within their age. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>

#include "authsvc_device_cookie.h"
#include "authsvc_keys.h"
#include "unit.h"

#define NOW 1767225600LL /* 2026-01-01 */
#define DAY 86400LL

static const authsvc_key_t *secret_key(unsigned char fill)
{
    unsigned char secret[32];
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    memset(secret, fill, sizeof(secret));
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_secret(authsvc_test_pool(), secret, sizeof(secret),
                                                  &key, &why),
                          AUTHSVC_OK);
    return key;
}

static apr_status_t free_pkey(void *pkey)
{
    EVP_PKEY_free(pkey);
    return APR_SUCCESS;
}

static const authsvc_key_t *ec_key(void)
{
    EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(pkey);
    apr_pool_cleanup_register(authsvc_test_pool(), pkey, free_pkey, apr_pool_cleanup_null);
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_pkey(authsvc_test_pool(), pkey, &key, &why),
                          AUTHSVC_OK);
    return key;
}

static authsvc_keyring_t *ring_of(const authsvc_key_t *a, const authsvc_key_t *b)
{
    authsvc_keyring_t *ring = authsvc_keyring_make(authsvc_test_pool());

    authsvc_keyring_add(ring, (authsvc_key_t *)a);
    if (b)
        authsvc_keyring_add(ring, (authsvc_key_t *)b);
    return ring;
}

static authsvc_status_t verify(const authsvc_keyring_t *ring, const char *value, long long now,
                               const char **user, const char **device)
{
    return authsvc_device_cookie_verify(authsvc_test_pool(), ring, value, now, 30 * DAY, user,
                                        device);
}

static void test_cookie_verifies_as_made(void)
{
    authsvc_keyring_t *ring = ring_of(ec_key(), NULL);
    const char *value = authsvc_device_cookie_make(authsvc_test_pool(), ring, "user-1.x", NULL,
                                                   NOW);
    const char *user = NULL, *device = NULL, *again;

    CU_ASSERT_PTR_NOT_NULL_FATAL(value);
    CU_ASSERT_EQUAL(strncmp(value, "1.", 2), 0);
    CU_ASSERT_EQUAL(verify(ring, value, NOW + 29 * DAY, &user, &device), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(user, "user-1.x");
    CU_ASSERT_EQUAL(strlen(device), AUTHSVC_DEVICE_ID_BYTES * 2);
    /* issued again for the same device: the id stays, the time moves */
    again = authsvc_device_cookie_make(authsvc_test_pool(), ring, "user-1.x", device,
                                       NOW + DAY);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    CU_ASSERT_PTR_NOT_NULL(strstr(again, device));
    CU_ASSERT_STRING_NOT_EQUAL(again, value);
}

static void test_changed_or_foreign_cookies_are_refused(void)
{
    authsvc_keyring_t *ring = ring_of(secret_key(1), NULL),
                      *other = ring_of(secret_key(2), NULL);
    const char *value = authsvc_device_cookie_make(authsvc_test_pool(), ring, "u1", NULL, NOW);
    const char *user = NULL, *device = NULL;
    char *changed;
    apr_size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(value);
    CU_ASSERT_EQUAL(verify(other, value, NOW, &user, &device), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(user);
    for (i = 0; value[i]; i++) {
        changed = apr_pstrdup(authsvc_test_pool(), value);
        changed[i] = changed[i] == 'A' ? 'B' : 'A';
        CU_ASSERT_EQUAL(verify(ring, changed, NOW, &user, &device), AUTHSVC_INVALID);
    }
    CU_ASSERT_EQUAL(verify(ring, "", NOW, &user, &device), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(verify(ring, "1.dTE.1767225600.x.y", NOW, &user, &device), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(verify(ring, NULL, NOW, &user, &device), AUTHSVC_INVALID);
}

static void test_cookie_age_is_bounded(void)
{
    authsvc_keyring_t *ring = ring_of(secret_key(3), NULL);
    const char *value = authsvc_device_cookie_make(authsvc_test_pool(), ring, "u1", NULL, NOW);
    const char *user = NULL, *device = NULL;

    CU_ASSERT_EQUAL(verify(ring, value, NOW + 30 * DAY, &user, &device), AUTHSVC_OK);
    CU_ASSERT_EQUAL(verify(ring, value, NOW + 30 * DAY + 1, &user, &device), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(verify(ring, value, NOW - AUTHSVC_DEVICE_COOKIE_FUTURE_MAX - 1, &user,
                           &device),
                    AUTHSVC_INVALID);
}

static void test_cookie_outlives_a_key_rotation(void)
{
    const authsvc_key_t *old = secret_key(4), *next = ec_key();
    const char *value = authsvc_device_cookie_make(authsvc_test_pool(), ring_of(old, NULL),
                                                   "u1", NULL, NOW);
    const char *user = NULL, *device = NULL;

    CU_ASSERT_EQUAL(verify(ring_of(next, old), value, NOW, &user, &device), AUTHSVC_OK);
    CU_ASSERT_EQUAL(verify(ring_of(next, NULL), value, NOW, &user, &device), AUTHSVC_INVALID);
}

void authsvc_test_register_device_cookie(void)
{
    CU_pSuite s = CU_add_suite("device_cookie", NULL, NULL);

    CU_add_test(s, "a cookie verifies as made", test_cookie_verifies_as_made);
    CU_add_test(s, "changed or foreign cookies are refused",
                test_changed_or_foreign_cookies_are_refused);
    CU_add_test(s, "a cookie's age is bounded", test_cookie_age_is_bounded);
    CU_add_test(s, "a cookie outlives a key rotation", test_cookie_outlives_a_key_rotation);
}
