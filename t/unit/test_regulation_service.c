/* regulation.c as a service: a context of the test's own (no request) over a migrated
 * SQLite file, the address limit, a device's own counter and the log line of a refusal. */
#include <stdarg.h>
#include <string.h>

#include <apr_strings.h>

#include "authsvc_regulation.h"
#include "db_fixture.h"
#include "unit.h"

static authsvc_db_fixture_t f;
static authsvc_server_config_t config;
static authsvc_context_t ctx;
static const char *last_line;

static authsvc_db_t *test_db(authsvc_context_t *c)
{
    (void)c;
    return f.db;
}

static void test_log(authsvc_context_t *c, authsvc_log_level_t level, const char *fmt, ...)
{
    va_list ap;

    (void)level;
    va_start(ap, fmt);
    last_line = apr_pvsprintf(c->pool, fmt, ap);
    va_end(ap);
}

static int suite_init(void)
{
    if (authsvc_db_fixture_open(&f, "regulation-service"))
        return 1;
    config.ip_limit_set = 1;
    config.ip_failures = 2;
    config.ip_window = 60;
    config.lockout_set = 1;
    config.lockout_failures = 2;
    config.lockout_wait = 60;
    config.lockout_max_wait = 900;
    ctx.pool = f.pool;
    ctx.config = &config;
    ctx.client_ip = "10.1.1.1";
    ctx.db = test_db;
    ctx.log = test_log;
    return 0;
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static void test_address_limit(void)
{
    authsvc_regulation_attempt_t a;
    long retry = -1;
    int i;

    for (i = 0; i < 2; i++) {
        authsvc_regulation_attempt_init(&a, "mallory", NULL, NULL);
        CU_ASSERT_EQUAL(authsvc_regulation_reserve_address(&ctx, f.db, &a, &retry),
                        AUTHSVC_REGULATION_ALLOW);
        CU_ASSERT_NOT_EQUAL(a.address_window, 0);
    }
    authsvc_regulation_attempt_init(&a, "mallory\r\n", NULL, NULL);
    CU_ASSERT_EQUAL(authsvc_regulation_reserve_address(&ctx, f.db, &a, &retry),
                    AUTHSVC_REGULATION_IP_LIMITED);
    CU_ASSERT_TRUE(retry > 0 && retry <= 60);
    authsvc_regulation_refused(&ctx, f.db, &a, AUTHSVC_REFUSED_IP_LIMITED);
    CU_ASSERT_STRING_EQUAL(last_line, "authsvc2001: login refused: reason=ip-limited "
                                      "client=10.1.1.1 source=unknown user=\"mallory%0D%0A\"");
}

static void test_device_counter(void)
{
    authsvc_regulation_attempt_t a;

    ctx.client_ip = "10.1.1.2";
    authsvc_regulation_attempt_init(&a, "alice", f.user_id, "dev-1");
    CU_ASSERT_EQUAL(authsvc_regulation_reserve_account(&ctx, f.db, &a, "alice", f.user_id),
                    AUTHSVC_REGULATION_ALLOW);
    CU_ASSERT_STRING_EQUAL(a.source, "device:dev-1");
    CU_ASSERT_EQUAL(a.account_failures, 1);
    /* another user's device cookie counts against the account */
    authsvc_regulation_attempt_init(&a, "alice", "someone-else", "dev-2");
    CU_ASSERT_EQUAL(authsvc_regulation_reserve_account(&ctx, f.db, &a, "alice", f.user_id),
                    AUTHSVC_REGULATION_ALLOW);
    CU_ASSERT_STRING_EQUAL(a.source, "");
    authsvc_regulation_succeeded(&ctx, f.db, &a);
    /* the success made the address a known source of alice */
    authsvc_regulation_attempt_init(&a, "alice", NULL, NULL);
    CU_ASSERT_EQUAL(authsvc_regulation_reserve_account(&ctx, f.db, &a, "alice", f.user_id),
                    AUTHSVC_REGULATION_ALLOW);
    CU_ASSERT_STRING_EQUAL(a.source, "ip:10.1.1.2");
}

void authsvc_test_register_regulation_service(void)
{
    CU_pSuite s = CU_add_suite("regulation_service", suite_init, suite_clean);

    CU_add_test(s, "the address limit and its log line", test_address_limit);
    CU_add_test(s, "a device cookie's own counter; a known address", test_device_counter);
}
