/* db_activity.c and the look-ups of db_user_reads.c and db_credentials.c on a migrated
 * SQLite file: rows stored, found by a filter within their tenant only, counted, by id,
 * the report's logins, purged; a user by id and address, its password. */
#include <string.h>

#include "authsvc_activity.h"
#include "authsvc_db_activity.h"
#include "authsvc_db_credentials.h"
#include "authsvc_db_users.h"
#include "authsvc_json.h"
#include "db_fixture.h"
#include "unit.h"

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-activity");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static authsvc_filter_sql_t compiled(const char *where_json)
{
    authsvc_filter_sql_t sql;
    const char *error = NULL;
    /* the compiled values point into the filter: it lives as long as the pool */
    cJSON *filter = authsvc_json_own(f.pool, cJSON_Parse(where_json));

    memset(&sql, 0, sizeof(sql));
    CU_ASSERT_EQUAL(authsvc_filter_compile(f.pool, authsvc_activity_model(), f.db->dialect,
                                           filter, AUTHSVC_FILTER_ALLOW_ALL, &sql, &error),
                    AUTHSVC_OK);
    return sql;
}

static void test_rows(void)
{
    authsvc_db_activity_t a = {"a1",     f.user_id, f.tenant_id, 1000, "{}",
                               "ACCESS", "curl",    "10.0.0.1",  "web"};
    authsvc_db_activity_t b = {"a2",     f.user_id, f.tenant_id, 2000, NULL,
                               "LOGOUT", NULL,      NULL,        "web"};
    authsvc_db_activity_t other = {"a3", f.user_id, "another-tenant",
                                   3000, NULL,      "ACCESS",
                                   NULL, NULL,      NULL};
    authsvc_filter_sql_t sql = compiled("{\"where\": {\"loginType\": \"ACCESS\"}}");
    apr_array_header_t *rows = NULL;
    authsvc_db_activity_t got;
    long long count = 0;
    int deleted = 0;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_activity_insert(f.db, f.pool, &a), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_activity_insert(f.db, f.pool, &b), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_activity_insert(f.db, f.pool, &other), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_activity_find(f.db, f.pool, f.tenant_id, &sql, &rows),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 1);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_activity_t).id, "a1");
    CU_ASSERT_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_activity_t).login_time, 1000);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_activity_t).device_info, "curl");
    CU_ASSERT_EQUAL(authsvc_db_activity_count(f.db, f.pool, f.tenant_id, &sql, &count),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(authsvc_db_activity_by_id(f.db, f.pool, f.tenant_id, "a2", &got),
                    AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.login_type, "LOGOUT");
    CU_ASSERT_PTR_NULL(got.token_payload);
    /* another tenant's row is not found by id */
    CU_ASSERT_EQUAL(authsvc_db_activity_by_id(f.db, f.pool, f.tenant_id, "a3", &got),
                    AUTHSVC_NOT_FOUND);
    sql = compiled("{}");
    CU_ASSERT_EQUAL_FATAL(authsvc_db_activity_logins(f.db, f.pool, f.tenant_id, &sql, &rows),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 2);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_activity_login_t).user_name,
                           "alice");
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 1, authsvc_db_activity_login_t).login_type,
                           "LOGOUT");
    CU_ASSERT_EQUAL(authsvc_db_activity_purge(f.db, f.pool, 2500, &deleted), AUTHSVC_OK);
    CU_ASSERT_EQUAL(deleted, 2);
    CU_ASSERT_EQUAL(authsvc_db_fixture_count(&f, "SELECT COUNT(*) FROM login_activity"), 1);
}

static void test_user_reads(void)
{
    authsvc_db_user_t u;
    const char *hash = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_by_id(f.db, f.pool, f.user_id, &u), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(u.username, "alice");
    CU_ASSERT_STRING_EQUAL(u.first_name, "Alice");
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_by_email(f.db, f.pool, "alice@example.org", &u),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(u.id, f.user_id);
    CU_ASSERT_EQUAL(authsvc_db_user_by_email(f.db, f.pool, "nobody@example.org", &u),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(u.id);
    CU_ASSERT_EQUAL(authsvc_db_user_by_id(f.db, f.pool, "no-such-id", &u), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_credential_password(f.db, f.pool, f.user_id, &hash),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(hash, "$argon2id$x");
    CU_ASSERT_EQUAL(authsvc_db_credential_password_set(f.db, f.pool, f.user_id, "$argon2id$y",
                                                       5000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_credential_password(f.db, f.pool, f.user_id, &hash), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(hash, "$argon2id$y");
    CU_ASSERT_EQUAL(authsvc_db_credential_password(f.db, f.pool, "no-such-id", &hash),
                    AUTHSVC_NOT_FOUND);
}

void authsvc_test_register_db_activity(void)
{
    CU_pSuite s = CU_add_suite("db_activity", suite_init, suite_clean);

    CU_add_test(s, "activity rows: find, count, by id, logins, purge", test_rows);
    CU_add_test(s, "a user by id and address; its password", test_user_reads);
}
