/* db_account.c on a migrated SQLite file (migration 014): a session's device and address
 * recorded and listed (live ones only), a session deleted only for its own user, the
 * authenticator secret pending in a session. The device names (account_sessions.c) are
 * checked through httpd (test_account_page.py). */
#include "authsvc_db_account.h"
#include "authsvc_db_browser_sessions.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_account(void);

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-account");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static authsvc_status_t session_add(const char *id_hash, long long last_seen, long long expires)
{
    authsvc_db_browser_session_t s = {id_hash,   "https://app.example:443",
                                      f.user_id, "at-1",
                                      "rt-1",    2000,
                                      0,         1000,
                                      last_seen, expires,
                                      expires,   0,
                                      NULL};

    return authsvc_db_browser_session_insert(f.db, f.pool, &s);
}

static void test_device_and_list(void)
{
    apr_array_header_t *rows = NULL;
    authsvc_db_account_session_t *s;

    CU_ASSERT_EQUAL_FATAL(session_add("a-new", 5000, 90000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(session_add("a-old", 4000, 90000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(session_add("a-gone", 3000, 6000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_account_session_device(f.db, f.pool, "a-new", "Firefox/1 Linux",
                                                      "192.0.2.7"),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_account_sessions(f.db, f.pool, f.user_id, 10000, &rows),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 2); /* a-gone has ended */
    s = &APR_ARRAY_IDX(rows, 0, authsvc_db_account_session_t);
    CU_ASSERT_STRING_EQUAL(s->id_hash, "a-new"); /* most recently used first */
    CU_ASSERT_STRING_EQUAL(s->user_agent, "Firefox/1 Linux");
    CU_ASSERT_STRING_EQUAL(s->client_ip, "192.0.2.7");
    CU_ASSERT_STRING_EQUAL(s->refresh_token, "rt-1");
    s = &APR_ARRAY_IDX(rows, 1, authsvc_db_account_session_t);
    CU_ASSERT_PTR_NULL(s->user_agent); /* none recorded: "unknown" on the page */
    CU_ASSERT_PTR_NULL(s->client_ip);
}

static void test_delete_own_only(void)
{
    CU_ASSERT_EQUAL_FATAL(session_add("d-1", 5000, 90000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_account_session_delete(f.db, f.pool, "d-1", "someone-else"),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_account_session_delete(f.db, f.pool, "d-1", f.user_id),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_account_session_delete(f.db, f.pool, "d-1", f.user_id),
                    AUTHSVC_NOT_FOUND);
}

static void test_totp_pending(void)
{
    const char *secret = NULL;

    CU_ASSERT_EQUAL_FATAL(session_add("t-1", 5000, 90000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_account_totp_pending_get(f.db, f.pool, "t-1", f.user_id,
                                                        &secret),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_account_totp_pending_set(f.db, f.pool, "t-1", f.user_id, "ABCD"),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_account_totp_pending_get(f.db, f.pool, "t-1", "other", &secret),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_account_totp_pending_get(f.db, f.pool, "t-1", f.user_id,
                                                        &secret),
                    AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(secret, "ABCD");
    CU_ASSERT_EQUAL(authsvc_db_account_totp_pending_set(f.db, f.pool, "t-1", f.user_id, NULL),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_account_totp_pending_get(f.db, f.pool, "t-1", f.user_id,
                                                        &secret),
                    AUTHSVC_NOT_FOUND);
}

void authsvc_test_register_db_account(void)
{
    CU_pSuite s = CU_add_suite("db_account", suite_init, suite_clean);

    CU_add_test(s, "device and address recorded; live sessions listed", test_device_and_list);
    CU_add_test(s, "a session is deleted only for its own user", test_delete_own_only);
    CU_add_test(s, "the authenticator secret pending in a session", test_totp_pending);
}
