/* db_browser_sessions.c on a migrated SQLite file: a session stored and read back, one
 * refresh claim at a time, new tokens, the idle expiry moved, deletion and the purge. */
#include "authsvc_db_browser_sessions.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_browser_sessions(void);

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-browser-sessions");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

/* A session of alice's, hash id_hash, created at 1000, ending at expires. */
static authsvc_status_t session_add(const char *id_hash, long long idle_expires,
                                    long long expires)
{
    authsvc_db_browser_session_t s = {id_hash,   "https://app.example:443",
                                      f.user_id, "at-1",
                                      "rt-1",    2000,
                                      1,         1000,
                                      1000,      idle_expires,
                                      expires,   0,
                                      NULL};

    return authsvc_db_browser_session_insert(f.db, f.pool, &s);
}

static void test_round_trip(void)
{
    authsvc_db_browser_session_t got;

    CU_ASSERT_EQUAL_FATAL(session_add("h1", 5000, 9000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_browser_session_get(f.db, f.pool, "h1", &got), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.id_hash, "h1");
    CU_ASSERT_STRING_EQUAL(got.origin, "https://app.example:443");
    CU_ASSERT_STRING_EQUAL(got.user_id, f.user_id);
    CU_ASSERT_STRING_EQUAL(got.access_token, "at-1");
    CU_ASSERT_STRING_EQUAL(got.refresh_token, "rt-1");
    CU_ASSERT_EQUAL(got.access_expires_ms, 2000);
    CU_ASSERT_EQUAL(got.remember, 1);
    CU_ASSERT_EQUAL(got.last_seen_ms, 1000);
    CU_ASSERT_EQUAL(got.idle_expires_ms, 5000);
    CU_ASSERT_EQUAL(got.expires_ms, 9000);
    /* no sign-in time or methods given: a password sign-in when it was made */
    CU_ASSERT_EQUAL(got.created_ms, 1000);
    CU_ASSERT_EQUAL(got.auth_time_ms, 1000);
    CU_ASSERT_STRING_EQUAL(got.amr, "pwd");
    /* the same id twice is refused; an unknown one is not found */
    CU_ASSERT_EQUAL(session_add("h1", 5000, 9000), AUTHSVC_CONFLICT);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_get(f.db, f.pool, "nope", &got),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(got.id_hash);
    CU_ASSERT_PTR_NULL(got.access_token);
}

/* The sign-in time and methods given are the ones read back. */
static void test_auth_time_and_amr(void)
{
    authsvc_db_browser_session_t s = {"h9",
                                      "https://app.example:443",
                                      f.user_id,
                                      "at-9",
                                      "rt-9",
                                      2000,
                                      0,
                                      1000,
                                      1000,
                                      5000,
                                      9000,
                                      1500,
                                      "pwd otp mfa"};
    authsvc_db_browser_session_t got;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_browser_session_insert(f.db, f.pool, &s), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_browser_session_get(f.db, f.pool, "h9", &got), AUTHSVC_OK);
    CU_ASSERT_EQUAL(got.auth_time_ms, 1500);
    CU_ASSERT_STRING_EQUAL(got.amr, "pwd otp mfa");
}

static void test_claim_and_tokens(void)
{
    authsvc_db_browser_session_t got;

    CU_ASSERT_EQUAL_FATAL(session_add("h2", 5000, 9000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_claim(f.db, f.pool, "h2", 3000, 3100),
                    AUTHSVC_OK);
    /* held until 3100: a second request loses, and wins once the claim has lapsed */
    CU_ASSERT_EQUAL(authsvc_db_browser_session_claim(f.db, f.pool, "h2", 3050, 3150),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_claim(f.db, f.pool, "h2", 3200, 3300),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_claim(f.db, f.pool, "gone", 3200, 3300),
                    AUTHSVC_NOT_FOUND);
    /* new tokens release the claim */
    CU_ASSERT_EQUAL(authsvc_db_browser_session_set_tokens(f.db, f.pool, "h2", "at-2", "rt-2",
                                                          4000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_browser_session_get(f.db, f.pool, "h2", &got), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.access_token, "at-2");
    CU_ASSERT_STRING_EQUAL(got.refresh_token, "rt-2");
    CU_ASSERT_EQUAL(got.access_expires_ms, 4000);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_claim(f.db, f.pool, "h2", 3250, 3350),
                    AUTHSVC_OK);
}

static void test_touch_and_delete(void)
{
    authsvc_db_browser_session_t got;

    CU_ASSERT_EQUAL_FATAL(session_add("h3", 5000, 9000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_touch(f.db, f.pool, "h3", 4000, 7000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_browser_session_get(f.db, f.pool, "h3", &got), AUTHSVC_OK);
    CU_ASSERT_EQUAL(got.last_seen_ms, 4000);
    CU_ASSERT_EQUAL(got.idle_expires_ms, 7000);
    CU_ASSERT_EQUAL(got.expires_ms, 9000);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_delete(f.db, f.pool, "h3"), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_get(f.db, f.pool, "h3", &got),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_delete(f.db, f.pool, "h3"), AUTHSVC_OK);
}

static void test_purge(void)
{
    authsvc_db_browser_session_t got;

    CU_ASSERT_EQUAL_FATAL(session_add("p-idle", 6000, 90000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(session_add("p-end", 90000, 6000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(session_add("p-live", 90000, 90000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_purge(f.db, f.pool, 10000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_get(f.db, f.pool, "p-idle", &got),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_get(f.db, f.pool, "p-end", &got),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_browser_session_get(f.db, f.pool, "p-live", &got), AUTHSVC_OK);
}

void authsvc_test_register_db_browser_sessions(void)
{
    CU_pSuite s = CU_add_suite("db_browser_sessions", suite_init, suite_clean);

    CU_add_test(s, "a session stored and read back", test_round_trip);
    CU_add_test(s, "the sign-in time and methods are kept", test_auth_time_and_amr);
    CU_add_test(s, "one refresh claim at a time; new tokens", test_claim_and_tokens);
    CU_add_test(s, "the idle expiry moved; deletion", test_touch_and_delete);
    CU_add_test(s, "ended and idle sessions purged", test_purge);
}
