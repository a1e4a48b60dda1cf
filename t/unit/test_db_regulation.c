/* db_regulation.c on a migrated SQLite file: the address counter's reservation and
 * window, the account counter's lock, and known sources. */
#include "authsvc_db_regulation.h"
#include "db_fixture.h"
#include "unit.h"

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-regulation");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static void test_ip_reserve_limit(void)
{
    authsvc_db_login_counter_t c;
    long long window = 0;

    CU_ASSERT_EQUAL(authsvc_db_login_ip_reserve(f.db, f.pool, "10.0.0.9", 1000, 60000, 2,
                                                &window),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(window, 1000);
    CU_ASSERT_EQUAL(authsvc_db_login_ip_reserve(f.db, f.pool, "10.0.0.9", 2000, 60000, 2,
                                                &window),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_ip_reserve(f.db, f.pool, "10.0.0.9", 3000, 60000, 2,
                                                &window),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(window, 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_login_counter_get(f.db, f.pool, "ip", "10.0.0.9", "", &c),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(c.failures, 2);
    CU_ASSERT_EQUAL(c.window_start, 1000);
    /* a place given back makes room in the same window */
    CU_ASSERT_EQUAL(authsvc_db_login_ip_release(f.db, f.pool, "10.0.0.9", 1000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_ip_reserve(f.db, f.pool, "10.0.0.9", 4000, 60000, 2,
                                                &window),
                    AUTHSVC_OK);
    /* a failure counts whatever the limit; the next window starts again */
    CU_ASSERT_EQUAL(authsvc_db_login_ip_failure(f.db, f.pool, "10.0.0.9", 5000, 60000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_counter_get(f.db, f.pool, "ip", "10.0.0.9", "", &c),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(c.failures, 3);
    CU_ASSERT_EQUAL(authsvc_db_login_ip_reserve(f.db, f.pool, "10.0.0.9", 70000, 60000, 2,
                                                &window),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(window, 70000);
    CU_ASSERT_EQUAL(authsvc_db_login_counter_get(f.db, f.pool, "ip", "10.0.0.8", "", &c),
                    AUTHSVC_NOT_FOUND);
}

static void test_account_lock(void)
{
    authsvc_db_login_account_attempt_t a = {"alice", "", 1000, 0, 0, 2, 900000};
    authsvc_db_login_counter_t c;
    long long failures = 0;

    CU_ASSERT_EQUAL(authsvc_db_login_account_reserve(f.db, f.pool, &a, &failures), AUTHSVC_OK);
    CU_ASSERT_EQUAL(failures, 1);
    a.now_ms = 2000;
    CU_ASSERT_EQUAL(authsvc_db_login_account_reserve(f.db, f.pool, &a, &failures), AUTHSVC_OK);
    CU_ASSERT_EQUAL(failures, 2);
    /* the attempt that reached the limit locked provisionally */
    a.now_ms = 3000;
    CU_ASSERT_EQUAL(authsvc_db_login_account_reserve(f.db, f.pool, &a, &failures),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_login_account_lock(f.db, f.pool, "alice", "", 2, 62000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_counter_get(f.db, f.pool, "account", "alice", "", &c),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(c.locked_until, 62000);
    /* given back: no lock, one count fewer */
    CU_ASSERT_EQUAL(authsvc_db_login_account_release(f.db, f.pool, "alice", "", 2), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_counter_get(f.db, f.pool, "account", "alice", "", &c),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(c.failures, 1);
    CU_ASSERT_EQUAL(c.locked_until, 0);
    /* a source's counter is apart; clearing the account clears every one */
    a.source = "ip:10.0.0.9";
    CU_ASSERT_EQUAL(authsvc_db_login_account_reserve(f.db, f.pool, &a, &failures), AUTHSVC_OK);
    CU_ASSERT_EQUAL(failures, 1);
    CU_ASSERT_EQUAL(authsvc_db_login_account_clear_source(f.db, f.pool, "alice", "ip:10.0.0.9"),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_counter_get(f.db, f.pool, "account", "alice", "", &c),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_account_clear(f.db, f.pool, "alice"), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_counter_get(f.db, f.pool, "account", "alice", "", &c),
                    AUTHSVC_NOT_FOUND);
}

static void test_known_source(void)
{
    long long seen = -1;

    CU_ASSERT_EQUAL(authsvc_db_login_source_get(f.db, f.pool, f.user_id, "ip:10.0.0.9", &seen),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(seen, 0);
    CU_ASSERT_EQUAL(authsvc_db_login_source_record(f.db, f.pool, f.user_id, "ip:10.0.0.9",
                                                   5000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_source_record(f.db, f.pool, f.user_id, "ip:10.0.0.9",
                                                   7000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_login_source_get(f.db, f.pool, f.user_id, "ip:10.0.0.9", &seen),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(seen, 7000);
}

void authsvc_test_register_db_regulation(void)
{
    CU_pSuite s = CU_add_suite("db_regulation", suite_init, suite_clean);

    CU_add_test(s, "the address counter: reservation, window, release", test_ip_reserve_limit);
    CU_add_test(s, "the account counter: lock, release, clear", test_account_lock);
    CU_add_test(s, "a known source's last success", test_known_source);
}
