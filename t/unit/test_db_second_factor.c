/* db_second_factor.c on a migrated SQLite file: an authenticator and its steps, and
 * e-mailed codes (the newest ends the older, attempts are capped, used once). */
#include "authsvc_db_second_factor.h"
#include "db_fixture.h"
#include "unit.h"

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-second-factor");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static void test_totp(void)
{
    const char *secret = NULL;

    CU_ASSERT_EQUAL(authsvc_db_totp_secret(f.db, f.pool, f.user_id, &secret),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(secret);
    CU_ASSERT_EQUAL(authsvc_db_totp_create(f.db, f.pool, "00000000-0000-4000-8000-00000000c001",
                                           f.user_id, "JBSWY3DPEHPK3PXP", 1000),
                    AUTHSVC_OK);
    /* one authenticator per user */
    CU_ASSERT_EQUAL(authsvc_db_totp_create(f.db, f.pool, "00000000-0000-4000-8000-00000000c002",
                                           f.user_id, "KRSXG5CTMVRXEZLU", 1000),
                    AUTHSVC_CONFLICT);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_totp_secret(f.db, f.pool, f.user_id, &secret), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(secret, "JBSWY3DPEHPK3PXP");
    CU_ASSERT_EQUAL(authsvc_db_totp_use_step(f.db, f.pool, f.user_id, 50, 2000), AUTHSVC_OK);
    /* a step used, or an earlier one, is a replay */
    CU_ASSERT_EQUAL(authsvc_db_totp_use_step(f.db, f.pool, f.user_id, 50, 2001),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_totp_use_step(f.db, f.pool, f.user_id, 49, 2002),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_totp_use_step(f.db, f.pool, f.user_id, 51, 2003), AUTHSVC_OK);
}

static void test_mailed_codes(void)
{
    authsvc_db_otp_t one = {"otp-1", "code-a", f.user_id, "hash-1", 90000, 1000};
    authsvc_db_otp_t two = {"otp-2", "code-a", f.user_id, "hash-2", 90000, 2000};
    authsvc_db_otp_t got;

    CU_ASSERT_EQUAL(authsvc_db_otp_latest(f.db, f.pool, "code-a", &got), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_otp_insert(f.db, f.pool, &one), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_otp_retire(f.db, f.pool, "code-a", 1500), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_otp_insert(f.db, f.pool, &two), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_otp_latest(f.db, f.pool, "code-a", &got), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.id, "otp-2");
    CU_ASSERT_STRING_EQUAL(got.otp_hash, "hash-2");
    /* at most two attempts, none after the expiry */
    CU_ASSERT_EQUAL(authsvc_db_otp_attempt(f.db, f.pool, "otp-2", 2, 95000), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_otp_attempt(f.db, f.pool, "otp-2", 2, 3000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_otp_attempt(f.db, f.pool, "otp-2", 2, 3001), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_otp_attempt(f.db, f.pool, "otp-2", 2, 3002), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_otp_use(f.db, f.pool, "otp-2", 3003), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_otp_use(f.db, f.pool, "otp-2", 3004), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_otp_latest(f.db, f.pool, "code-a", &got), AUTHSVC_NOT_FOUND);
}

void authsvc_test_register_db_second_factor(void)
{
    CU_pSuite s = CU_add_suite("db_second_factor", suite_init, suite_clean);

    CU_add_test(s, "an authenticator and its time steps", test_totp);
    CU_add_test(s, "e-mailed codes: newest, attempts, single use", test_mailed_codes);
}
