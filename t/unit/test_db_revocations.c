/* db_revocations.c on a migrated SQLite file: the revocations after a watermark of
 * tokens still live, oldest first; the check of one jti. */
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_revocations.h"
#include "authsvc_migrate.h"
#include "unit.h"

void authsvc_test_register_db_revocations(void);

static apr_pool_t *pool;
static char *dir;
static authsvc_db_t *db;

static int suite_open(const char *name)
{
    const char *error = NULL;
    authsvc_migrate_result_t result;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    dir = apr_pstrcat(pool, "/tmp/authsvc-test-", name, "-XXXXXX", NULL);
    if (mkdtemp(dir) == NULL)
        return 1;
    return authsvc_db_open(pool, "sqlite3", apr_pstrcat(pool, dir, "/t.db", NULL), &db, &error)
               != AUTHSVC_OK
           || authsvc_migrate(db, pool, &result) != AUTHSVC_OK;
}

static int suite_clean(void)
{
    static const char *const files[] = {"/t.db", "/t.db-wal", "/t.db-shm"};
    size_t i;

    apr_pool_destroy(pool); /* closes the connection */
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        apr_file_remove(apr_pstrcat(authsvc_test_pool(), dir, files[i], NULL),
                        authsvc_test_pool());
    apr_dir_remove(dir, authsvc_test_pool());
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
