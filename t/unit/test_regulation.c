/* regulation.c: how long a username stays locked (the defaults of docs/design.md section 5: 5
 * failures, 1 minute doubling to at most 15 minutes). */
#include "authsvc_limits.h"
#include "authsvc_regulation.h"
#include "unit.h"

static const authsvc_limit_t defaults = {AUTHSVC_LOCKOUT_FAILURES_DEFAULT,
                                         AUTHSVC_LOCKOUT_WAIT_DEFAULT,
                                         AUTHSVC_LOCKOUT_MAX_WAIT_DEFAULT};

static void test_no_lock_under_the_limit(void)
{
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&defaults, 0), 0);
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&defaults, 4), 0);
}

static void test_wait_doubles_up_to_the_maximum(void)
{
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&defaults, 5), 60);
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&defaults, 6), 120);
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&defaults, 7), 240);
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&defaults, 8), 480);
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&defaults, 9), 900);
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&defaults, 1000000), 900);
}

static void test_zero_failures_switches_it_off(void)
{
    const authsvc_limit_t off = {0, 60, 900};

    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&off, 1000), 0);
}

static void test_maximum_equal_to_the_wait(void)
{
    const authsvc_limit_t flat = {3, 30, 30};

    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&flat, 3), 30);
    CU_ASSERT_EQUAL(authsvc_regulation_lock_seconds(&flat, 50), 30);
}

static void test_log_escape_keeps_one_line(void)
{
    apr_pool_t *p = authsvc_test_pool();

    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, "alice@example.org", 128),
                           "alice@example.org");
    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, "a\r\nb\tc d", 128),
                           "a%0D%0Ab%09c%20d");
    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, "\x1b[31mred", 128), "%1B[31mred");
    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, "q\"u%ote\\", 128),
                           "q%22u%25ote%5C");
    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, "\xc3\xa9\x7f", 128), "%C3%A9%7F");
    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, NULL, 128), "-");
}

static void test_log_escape_cuts_long_names(void)
{
    apr_pool_t *p = authsvc_test_pool();

    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, "abcdef", 3), "abc...");
    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, "abc", 3), "abc");
    CU_ASSERT_STRING_EQUAL(authsvc_regulation_log_escape(p, "\n\n\n\n", 2), "%0A%0A...");
}

void authsvc_test_register_regulation(void)
{
    CU_pSuite s = CU_add_suite("regulation", NULL, NULL);

    CU_add_test(s, "no lock under the limit", test_no_lock_under_the_limit);
    CU_add_test(s, "the wait doubles up to the maximum", test_wait_doubles_up_to_the_maximum);
    CU_add_test(s, "0 failures switches it off", test_zero_failures_switches_it_off);
    CU_add_test(s, "a maximum equal to the wait", test_maximum_equal_to_the_wait);
    CU_add_test(s, "log escape keeps a username on one line", test_log_escape_keeps_one_line);
    CU_add_test(s, "log escape cuts long names", test_log_escape_cuts_long_names);
}
