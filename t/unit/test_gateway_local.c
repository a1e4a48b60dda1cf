/* The per-process verified-token cache (gateway_local.c): hits only for the same key,
 * before exp and at the same revocation generation; bounded slots; replacement. */
#include <stdlib.h>
#include <string.h>

#include "authsvc_gateway_local.h"
#include "unit.h"

static int destroyed; /* values destroyed by counted_free */

static void counted_free(void *data)
{
    destroyed++;
    free(data);
}

/* put of a malloc'd copy of text (the cache frees it) */
static void put(authsvc_gateway_local_t *c, const unsigned char *key, apr_size_t key_len,
                const char *text, long long exp_s, unsigned long long generation)
{
    char *copy = malloc(strlen(text) + 1);

    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    memcpy(copy, text, strlen(text) + 1);
    authsvc_gateway_local_put(c, key, key_len, copy, counted_free, exp_s, generation);
}

static void key_of(unsigned char *key, int n)
{
    int i;

    for (i = 0; i < 41; i++)
        key[i] = (unsigned char)(n * 31 + i * 7);
}

static authsvc_gateway_local_t *local_new(apr_size_t slots)
{
    authsvc_gateway_local_t *c = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_gateway_local_create(authsvc_test_pool(), slots, &c),
                          AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    return c;
}

static void test_gateway_local_hit_needs_key_exp_and_generation(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_gateway_local_t *c = local_new(64);
    unsigned char key[41], other[41];
    const void *v = NULL;

    key_of(key, 1);
    memcpy(other, key, sizeof(other));
    other[40] ^= 1; /* one bit of the key: another token */
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key), 100, 7, &v));
    put(c, key, sizeof(key), "{\"sub\":\"a\"}", 200, 7);
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 100, 7, &v));
    CU_ASSERT_STRING_EQUAL((const char *)v, "{\"sub\":\"a\"}");
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, other, sizeof(other), 100, 7, &v));
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key) - 1, 100, 7, &v));
    /* a revocation stored on the node since: the entry must be checked again */
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key), 100, 8, &v));
    /* at exp and after: gone */
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key), 200, 7, &v));
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key), 201, 7, &v));
}

static void test_gateway_local_put_replaces_and_rechecks(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_gateway_local_t *c = local_new(64);
    unsigned char key[41];
    const void *v = NULL;

    key_of(key, 2);
    put(c, key, sizeof(key), "{\"n\":1}", 500, 1);
    put(c, key, sizeof(key), "{\"n\":2}", 500, 3);
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key), 10, 1, &v));
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 10, 3, &v));
    CU_ASSERT_STRING_EQUAL((const char *)v, "{\"n\":2}");
}

static void test_gateway_local_is_bounded(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_gateway_local_t *c = local_new(8);
    unsigned char key[41];
    const void *v = NULL;
    int n, held = 0;

    for (n = 0; n < 100; n++) {
        key_of(key, n);
        put(c, key, sizeof(key), "{}", 1000, 0);
    }
    for (n = 0; n < 100; n++) {
        key_of(key, n);
        held += authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v);
    }
    CU_ASSERT(held >= 1 && held <= 8);
    key_of(key, 99); /* the last one put is always held */
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
}

/* Keys that meet in one set (a cache of one set of four: every key meets there) are all
 * held, up to the set's ways; the one that expires first makes room for a fifth. */
static void test_gateway_local_sets_hold_colliding_keys(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_gateway_local_t *c = local_new(4);
    unsigned char key[41];
    const void *v = NULL;
    int n;

    memset(key, 0x42, sizeof(key));
    for (n = 0; n < 4; n++) {
        key[40] = (unsigned char)n;
        put(c, key, sizeof(key), "{}", 1000 + n, 0);
    }
    for (n = 0; n < 4; n++) {
        key[40] = (unsigned char)n;
        CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
    }
    key[40] = 9;
    put(c, key, sizeof(key), "{}", 2000, 0);
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
    key[40] = 0; /* exp 1000: the first to go */
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
    for (n = 1; n < 4; n++) {
        key[40] = (unsigned char)n;
        CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
    }
}

static void test_gateway_local_refuses_odd_input(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_gateway_local_t *c = local_new(16), *none = NULL;
    unsigned char key[AUTHSVC_GATEWAY_LOCAL_KEY_MAX + 1];
    const void *v = NULL;

    memset(key, 'k', sizeof(key));
    CU_ASSERT_EQUAL(authsvc_gateway_local_create(p, 3, &none), AUTHSVC_INVALID);
    destroyed = 0;
    put(c, key, sizeof(key), "{}", 100, 0); /* key too long */
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
    put(c, key, 0, "{}", 100, 0);
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, 0, 1, 0, &v));
    CU_ASSERT_FALSE(authsvc_gateway_local_get(NULL, p, key, 32, 1, 0, &v));
    put(NULL, key, 32, "{}", 100, 0);
    /* what is not kept is destroyed at once (three puts: long key, empty key, no cache) */
    CU_ASSERT_EQUAL(destroyed, 3);
}

/* A value a request got stays readable after its slot was given to another value, until
 * the request's pool goes; then it is destroyed exactly once. The cache's own pool
 * destroys what the slots still hold. */
static void test_gateway_local_value_outlives_replacement(void)
{
    apr_pool_t *cache_pool, *req1, *req2;
    authsvc_gateway_local_t *c = NULL;
    unsigned char key[41];
    const void *v1 = NULL, *v2 = NULL;

    CU_ASSERT_EQUAL_FATAL(apr_pool_create(&cache_pool, authsvc_test_pool()), APR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(apr_pool_create(&req1, authsvc_test_pool()), APR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(apr_pool_create(&req2, authsvc_test_pool()), APR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(authsvc_gateway_local_create(cache_pool, 16, &c), AUTHSVC_OK);
    key_of(key, 5);
    destroyed = 0;
    put(c, key, sizeof(key), "first", 100, 0);
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, req1, key, sizeof(key), 1, 0, &v1));
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, req2, key, sizeof(key), 1, 0, &v2));
    CU_ASSERT_PTR_EQUAL(v1, v2); /* shared, not copied */
    put(c, key, sizeof(key), "second", 100, 0);
    CU_ASSERT_EQUAL(destroyed, 0);
    CU_ASSERT_STRING_EQUAL((const char *)v1, "first");
    apr_pool_destroy(req1);
    CU_ASSERT_EQUAL(destroyed, 0);
    CU_ASSERT_STRING_EQUAL((const char *)v2, "first");
    apr_pool_destroy(req2);
    CU_ASSERT_EQUAL(destroyed, 1);
    apr_pool_destroy(cache_pool);
    CU_ASSERT_EQUAL(destroyed, 2); /* "second", held by its slot */
}

/* Keys as long as tokens (the gateway's: a tag and the token itself), alike but for one
 * byte anywhere, are different entries: a hit is the whole key, not its hash. */
static void test_gateway_local_whole_long_keys(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_gateway_local_t *c = local_new(64);
    static unsigned char key[900];
    const void *v = NULL;
    apr_size_t at[] = {0, 7, 8, 450, 895, 899};
    apr_size_t i;

    memset(key, 'e', sizeof(key));
    put(c, key, sizeof(key), "base", 100, 0);
    for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        key[at[i]] ^= 1;
        CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
        key[at[i]] ^= 1;
    }
    CU_ASSERT_FALSE(authsvc_gateway_local_get(c, p, key, sizeof(key) - 1, 1, 0, &v));
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
    CU_ASSERT_STRING_EQUAL((const char *)v, "base");
    key[899] ^= 1;
    put(c, key, sizeof(key), "other", 100, 0);
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
    CU_ASSERT_STRING_EQUAL((const char *)v, "other");
    key[899] ^= 1;
    CU_ASSERT_TRUE(authsvc_gateway_local_get(c, p, key, sizeof(key), 1, 0, &v));
    CU_ASSERT_STRING_EQUAL((const char *)v, "base");
}

void authsvc_test_register_gateway_local(void)
{
    CU_pSuite s = CU_add_suite("gateway_local", NULL, NULL);

    CU_add_test(s, "hit needs the key, exp and the generation",
                test_gateway_local_hit_needs_key_exp_and_generation);
    CU_add_test(s, "put replaces and is checked again",
                test_gateway_local_put_replaces_and_rechecks);
    CU_add_test(s, "bounded slots", test_gateway_local_is_bounded);
    CU_add_test(s, "sets hold colliding keys", test_gateway_local_sets_hold_colliding_keys);
    CU_add_test(s, "odd input refused", test_gateway_local_refuses_odd_input);
    CU_add_test(s, "long keys compared whole", test_gateway_local_whole_long_keys);
    CU_add_test(s, "a value outlives its replacement while a request holds it",
                test_gateway_local_value_outlives_replacement);
}
