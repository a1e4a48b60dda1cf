/* The node's revocation set (revocation_set.c): entries until their expiry, never pushed
 * out while live, expired slots reused, overflow reported as "not known", and adds from
 * several processes at once over shared memory. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_strings.h>

#include "authsvc_revocation_set.h"
#include "unit.h"

static authsvc_revocation_set_t *set_new(apr_size_t slots)
{
    void *mem = apr_pcalloc(authsvc_test_pool(), authsvc_revocation_set_bytes(slots));
    return authsvc_revocation_set_init(mem, slots);
}

static const char *jti(int series, int n)
{
    return apr_psprintf(authsvc_test_pool(), "jti-%d-%d-aGVsbG8td29ybGQ", series, n);
}

static void test_revocation_set_holds_until_expiry(void)
{
    authsvc_revocation_set_t *set = set_new(1024);

    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "a", 0), 0);
    CU_ASSERT_EQUAL(authsvc_revocation_set_add(set, "a", 1000, 0), AUTHSVC_REVOCATION_ADDED);
    CU_ASSERT_EQUAL(authsvc_revocation_set_generation(set), 1);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "a", 999), 1);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "a", 1000), 0);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "b", 10), 0);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "a ", 10), 0);
    /* the same jti again (a poll re-reading its overlap): known, no new generation, and
     * its expiry only ever moves later */
    CU_ASSERT_EQUAL(authsvc_revocation_set_add(set, "a", 2000, 10), AUTHSVC_REVOCATION_KNOWN);
    CU_ASSERT_EQUAL(authsvc_revocation_set_add(set, "a", 500, 10), AUTHSVC_REVOCATION_KNOWN);
    CU_ASSERT_EQUAL(authsvc_revocation_set_generation(set), 1);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "a", 1999), 1);
    /* added again once expired: new */
    CU_ASSERT_EQUAL(authsvc_revocation_set_add(set, "a", 3000, 2500), AUTHSVC_REVOCATION_ADDED);
    CU_ASSERT_EQUAL(authsvc_revocation_set_generation(set), 2);
}

static void test_revocation_set_rounds_its_size(void)
{
    CU_ASSERT_EQUAL(authsvc_revocation_set_slots(set_new(1)), AUTHSVC_REVOCATION_SLOTS_MIN);
    CU_ASSERT_EQUAL(authsvc_revocation_set_slots(set_new(100)), 64);
    CU_ASSERT_EQUAL(authsvc_revocation_set_slots(set_new(65536)), 65536);
    CU_ASSERT_EQUAL(authsvc_revocation_set_slots(set_new(65537)), 65536);
    CU_ASSERT(authsvc_revocation_set_bytes(65536) >= 65536 * 16);
}

/* A full set keeps every live entry and says "not known" for the rest until the dropped
 * entry would have expired. */
static void test_revocation_set_overflow_is_not_known(void)
{
    authsvc_revocation_set_t *set = set_new(64);
    int i, added = 0;

    for (i = 0; i < 64; i++)
        added += authsvc_revocation_set_add(set, jti(1, i), 10000, 0)
                 == AUTHSVC_REVOCATION_ADDED;
    CU_ASSERT_EQUAL(added, 64);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "never-revoked", 1), 0);
    CU_ASSERT_EQUAL(authsvc_revocation_set_add(set, "one-too-many", 2000, 1),
                    AUTHSVC_REVOCATION_FULL);
    CU_ASSERT_EQUAL(authsvc_revocation_set_generation(set), 65);
    for (i = 0; i < 64; i++)
        CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, jti(1, i), 1), 1);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "one-too-many", 1), -1);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "never-revoked", 1999), -1);
    /* the dropped one has expired: what the set does not hold is not revoked again */
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, "one-too-many", 2000), 0);
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, jti(1, 7), 2000), 1);
}

/* Expired entries give their slots to new ones; the walks of the new ones stay whole. */
static void test_revocation_set_reuses_expired_slots(void)
{
    authsvc_revocation_set_t *set = set_new(64);
    int i, added = 0, held = 0, gone = 0;

    for (i = 0; i < 64; i++)
        authsvc_revocation_set_add(set, jti(2, i), 100, 0);
    for (i = 0; i < 64; i++)
        added += authsvc_revocation_set_add(set, jti(3, i), 900, 200)
                 == AUTHSVC_REVOCATION_ADDED;
    CU_ASSERT_EQUAL(added, 64);
    for (i = 0; i < 64; i++) {
        held += authsvc_revocation_set_lookup(set, jti(3, i), 300) == 1;
        gone += authsvc_revocation_set_lookup(set, jti(2, i), 300) == 0;
    }
    CU_ASSERT_EQUAL(held, 64);
    CU_ASSERT_EQUAL(gone, 64);
}

/* Several processes add at once over one shared mapping (as httpd's children do): no
 * entry lost, none counted twice. */
static void test_revocation_set_is_shared_by_processes(void)
{
    enum {
        CHILDREN = 3,
        EACH = 1500
    };
    apr_size_t bytes = authsvc_revocation_set_bytes(8192);
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    authsvc_revocation_set_t *set;
    pid_t pids[CHILDREN];
    int c, i, ok = 1, status, held = 0;

    CU_ASSERT_FATAL(mem != MAP_FAILED);
    set = authsvc_revocation_set_init(mem, 8192);
    for (c = 0; c < CHILDREN; c++) {
        pids[c] = fork();
        CU_ASSERT_FATAL(pids[c] >= 0);
        if (pids[c] == 0) {
            int bad = 0;
            for (i = 0; i < EACH; i++) /* each child also adds the first 100 of another */
                bad += authsvc_revocation_set_add(set, jti(10 + c, i), 5000, 0)
                       == AUTHSVC_REVOCATION_FULL;
            for (i = 0; i < 100; i++)
                bad += authsvc_revocation_set_add(set, jti(10 + (c + 1) % CHILDREN, i), 5000, 0)
                       == AUTHSVC_REVOCATION_FULL;
            _exit(bad ? 1 : 0);
        }
    }
    for (c = 0; c < CHILDREN; c++) {
        ok &= waitpid(pids[c], &status, 0) == pids[c] && WIFEXITED(status)
              && WEXITSTATUS(status) == 0;
    }
    CU_ASSERT_TRUE(ok);
    for (c = 0; c < CHILDREN; c++)
        for (i = 0; i < EACH; i++)
            held += authsvc_revocation_set_lookup(set, jti(10 + c, i), 1) == 1;
    CU_ASSERT_EQUAL(held, CHILDREN * EACH);
    /* a jti added by two processes at once may take two slots, never fewer than one */
    CU_ASSERT(authsvc_revocation_set_generation(set) >= CHILDREN * EACH);
    CU_ASSERT(authsvc_revocation_set_generation(set) <= CHILDREN * (EACH + 100));
    CU_ASSERT_EQUAL(authsvc_revocation_set_lookup(set, jti(99, 1), 1), 0);
    munmap(mem, bytes);
}

void authsvc_test_register_revocation_set(void)
{
    CU_pSuite s = CU_add_suite("revocation_set", NULL, NULL);

    CU_add_test(s, "held until expiry", test_revocation_set_holds_until_expiry);
    CU_add_test(s, "size rounded", test_revocation_set_rounds_its_size);
    CU_add_test(s, "overflow is not known", test_revocation_set_overflow_is_not_known);
    CU_add_test(s, "expired slots reused", test_revocation_set_reuses_expired_slots);
    CU_add_test(s, "shared by processes", test_revocation_set_is_shared_by_processes);
}
