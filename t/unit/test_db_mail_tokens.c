/* db_mail_tokens.c on a migrated SQLite file: a token stored and read back, used once,
 * retired with its user's others; the mail counter's window. */
#include "authsvc_db_mail_tokens.h"
#include "db_fixture.h"
#include "unit.h"

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-mail-tokens");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static void test_token_round_trip(void)
{
    authsvc_db_mail_token_t t = {"h1", "reset", f.user_id, "web", "alice@example.org",
                                 5000, 1000,    0};
    authsvc_db_mail_token_t got;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_mail_token_insert(f.db, f.pool, &t), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_mail_token_by_hash(f.db, f.pool, "h1", "reset", &got),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.hash, "h1");
    CU_ASSERT_STRING_EQUAL(got.purpose, "reset");
    CU_ASSERT_STRING_EQUAL(got.user_id, f.user_id);
    CU_ASSERT_STRING_EQUAL(got.client_id, "web");
    CU_ASSERT_STRING_EQUAL(got.email, "alice@example.org");
    CU_ASSERT_EQUAL(got.expires_ms, 5000);
    CU_ASSERT_FALSE(got.used);
    /* another purpose is another token */
    CU_ASSERT_EQUAL(authsvc_db_mail_token_by_hash(f.db, f.pool, "h1", "invite", &got),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(got.hash);
}

static void test_token_used_once(void)
{
    authsvc_db_mail_token_t t = {"h2", "invite", NULL, NULL, "bob@example.org", 5000, 1000, 0};
    authsvc_db_mail_token_t got;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_mail_token_insert(f.db, f.pool, &t), AUTHSVC_OK);
    /* expired at 6000: nobody wins */
    CU_ASSERT_EQUAL(authsvc_db_mail_token_consume(f.db, f.pool, "h2", "invite", 6000),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_mail_token_consume(f.db, f.pool, "h2", "invite", 2000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_mail_token_consume(f.db, f.pool, "h2", "invite", 2001),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_mail_token_by_hash(f.db, f.pool, "h2", "invite", &got),
                    AUTHSVC_OK);
    CU_ASSERT_TRUE(got.used);
}

static void test_retire_user(void)
{
    authsvc_db_mail_token_t t = {"h3", "reset", f.user_id, "web", "alice@example.org",
                                 9000, 1000,    0};
    authsvc_db_mail_token_t got;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_mail_token_insert(f.db, f.pool, &t), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_mail_token_retire_user(f.db, f.pool, f.user_id, 3000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_mail_token_by_hash(f.db, f.pool, "h3", "reset", &got),
                    AUTHSVC_OK);
    CU_ASSERT_TRUE(got.used);
    CU_ASSERT_EQUAL(authsvc_db_mail_token_consume(f.db, f.pool, "h3", "reset", 3001),
                    AUTHSVC_NOT_FOUND);
}

static void test_limit_window(void)
{
    long long count = 0, start = 0;

    CU_ASSERT_EQUAL(authsvc_db_mail_limit_hit(f.db, f.pool, "ip", "10.0.0.1", 100000, 60000,
                                              &count, &start),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(start, 100000);
    CU_ASSERT_EQUAL(authsvc_db_mail_limit_hit(f.db, f.pool, "ip", "10.0.0.1", 130000, 60000,
                                              &count, &start),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(count, 2);
    CU_ASSERT_EQUAL(start, 100000);
    /* past the window a new one begins */
    CU_ASSERT_EQUAL(authsvc_db_mail_limit_hit(f.db, f.pool, "ip", "10.0.0.1", 170000, 60000,
                                              &count, &start),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(start, 170000);
    /* another subject has its own count */
    CU_ASSERT_EQUAL(authsvc_db_mail_limit_hit(f.db, f.pool, "ip", "10.0.0.2", 170000, 60000,
                                              &count, &start),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(count, 1);
}

void authsvc_test_register_db_mail_tokens(void)
{
    CU_pSuite s = CU_add_suite("db_mail_tokens", suite_init, suite_clean);

    CU_add_test(s, "a mail token stored and read back", test_token_round_trip);
    CU_add_test(s, "a mail token is used once, unexpired", test_token_used_once);
    CU_add_test(s, "a user's reset tokens retired", test_retire_user);
    CU_add_test(s, "the mail counter's fixed window", test_limit_window);
}
