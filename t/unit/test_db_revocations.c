/* db_revocations.c on a migrated SQLite file: the revocations after a watermark of
 * tokens still live, oldest first; the check of one jti. */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_revocations.h"
#include "authsvc_migrate.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_revocations(void);

static apr_pool_t *pool;
static authsvc_db_t *db;

static authsvc_db_fixture_t fixture;

static int suite_open(const char *name)
{
    if (authsvc_db_fixture_open_empty(&fixture, name))
        return 1;
    pool = fixture.pool;
    db = fixture.db;
    return 0;
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&fixture);
    return 0;
}

/* Runs SQL text (the seed); 0 on success. */
static int sql(const char *text)
{
    return authsvc_db_exec_text(db, pool, text, NULL) != AUTHSVC_OK;
}

static int suite_init(void)
{
    return suite_open("db-revocations")
           || sql("INSERT INTO revoked_tokens (jti, expires_at, revoked_at) VALUES "
                  "('b', 5000, 300), ('a', 5000, 200), ('old', 5000, 100), "
                  "('expired', 1500, 400)");
}

static void test_since(void)
{
    apr_array_header_t *rows = NULL;
    authsvc_db_revocation_t *r;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_revocations_since(db, pool, 100, 2000, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 2);
    r = &APR_ARRAY_IDX(rows, 0, authsvc_db_revocation_t);
    CU_ASSERT_STRING_EQUAL(r->jti, "a");
    CU_ASSERT_EQUAL(r->expires_at, 5000);
    CU_ASSERT_EQUAL(r->revoked_at, 200);
    r = &APR_ARRAY_IDX(rows, 1, authsvc_db_revocation_t);
    CU_ASSERT_STRING_EQUAL(r->jti, "b");
    CU_ASSERT_EQUAL(r->revoked_at, 300);
    /* before the expired one expires, it is there too */
    CU_ASSERT_EQUAL(authsvc_db_revocations_since(db, pool, 0, 1000, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rows->nelts, 4);
    CU_ASSERT_EQUAL(authsvc_db_revocations_since(db, pool, 400, 1000, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rows->nelts, 0);
}

static void test_check(void)
{
    CU_ASSERT_EQUAL(authsvc_db_revocation_check(db, pool, "a"), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_revocation_check(db, pool, "expired"), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_revocation_check(db, pool, "nosuch"), AUTHSVC_NOT_FOUND);
}

void authsvc_test_register_db_revocations(void)
{
    CU_pSuite s = CU_add_suite("db_revocations", suite_init, suite_clean);

    CU_add_test(s, "revocations after a watermark, still live", test_since);
    CU_add_test(s, "one jti revoked or not", test_check);
}
