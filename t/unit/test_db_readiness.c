/* db_readiness.c and db_activity_report.c on a migrated SQLite file: the schema version
 * and a missing table; the logins since a time with names where they still exist. */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_activity_report.h"
#include "authsvc_db_readiness.h"
#include "authsvc_migrate.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_readiness(void);

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
    return suite_open("db-readiness")
           || sql("INSERT INTO tenants (id, tenant_key, name, status, created_at, updated_at) "
                  "VALUES ('t1', 'acme', 'Acme', 1, 1, 1)")
           || sql("INSERT INTO users (id, username, username_key, created_at, updated_at) "
                  "VALUES ('u1', 'Alice', 'alice', 1, 1)")
           || sql("INSERT INTO login_activity (id, actor, tenant_id, login_time, login_type, "
                  "ip_address, client_id) VALUES "
                  "('l3', 'gone-user', 'gone-tenant', 3000, 'LOGOUT', NULL, NULL), "
                  "('l1', 'u1', 't1', 1000, 'ACCESS', '192.0.2.1', 'web'), "
                  "('l2', 'u1', 't1', 2000, 'RELOGIN', '192.0.2.1', 'web'), "
                  "('l0', 'u1', 't1', 10, 'ACCESS', '192.0.2.1', 'web')");
}

static void test_schema_ready(void)
{
    int version = -1;

    CU_ASSERT_EQUAL(authsvc_db_schema_ready(db, pool, &version), AUTHSVC_OK);
    CU_ASSERT(version >= 1);
}

static void test_activity_report(void)
{
    apr_array_header_t *rows = NULL;
    authsvc_db_activity_entry_t *a;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_activity_report(db, pool, 1000, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 3);
    a = &APR_ARRAY_IDX(rows, 0, authsvc_db_activity_entry_t);
    CU_ASSERT_STRING_EQUAL(a->id, "l1");
    CU_ASSERT_STRING_EQUAL(a->actor, "Alice");
    CU_ASSERT_STRING_EQUAL(a->tenant, "acme");
    CU_ASSERT_EQUAL(a->login_time, 1000);
    CU_ASSERT_STRING_EQUAL(a->type, "ACCESS");
    CU_ASSERT_STRING_EQUAL(a->ip, "192.0.2.1");
    CU_ASSERT_STRING_EQUAL(a->client_id, "web");
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 1, authsvc_db_activity_entry_t).type, "RELOGIN");
    a = &APR_ARRAY_IDX(rows, 2, authsvc_db_activity_entry_t);
    CU_ASSERT_STRING_EQUAL(a->actor, "gone-user"); /* the id, where the user is gone */
    CU_ASSERT_STRING_EQUAL(a->tenant, "gone-tenant");
    CU_ASSERT_PTR_NULL(a->ip);
    CU_ASSERT_PTR_NULL(a->client_id);
}

/* Last: it drops a table, then asks on a connection of its own (whose statements are
 * prepared against the schema as it is now). */
static void test_schema_missing_table(void)
{
    authsvc_db_t *other = NULL;
    const char *error = NULL;
    int version = -1;

    CU_ASSERT_EQUAL_FATAL(sql("DROP TABLE signing_keys"), 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_open(pool, "sqlite3",
                                          apr_pstrcat(pool, fixture.dir, "/t.db", NULL), &other,
                                          &error),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_schema_ready(other, pool, &version), AUTHSVC_NOT_FOUND);
    CU_ASSERT(version >= 1);
}

void authsvc_test_register_db_readiness(void)
{
    CU_pSuite s = CU_add_suite("db_readiness", suite_init, suite_clean);

    CU_add_test(s, "a migrated schema is ready", test_schema_ready);
    CU_add_test(s, "the activity report since a time", test_activity_report);
    CU_add_test(s, "a missing table: not ready", test_schema_missing_table);
}
