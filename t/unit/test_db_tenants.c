/* db_tenants.c and db_roles.c on a migrated SQLite file: creation, look-ups (a tenant by
 * key and by id), a taken key or name, and the listings with their counts. */
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_roles.h"
#include "authsvc_db_tenants.h"
#include "authsvc_migrate.h"
#include "unit.h"

void authsvc_test_register_db_tenants(void);

static apr_pool_t *pool;
static char *dir;
static authsvc_db_t *db;

static int suite_init(void)
{
    const char *error = NULL;
    authsvc_migrate_result_t result;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-db-tenants-XXXXXX");
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

static apr_array_header_t *strings(const char *a, const char *b)
{
    apr_array_header_t *list = apr_array_make(pool, 2, sizeof(const char *));

    if (a)
        APR_ARRAY_PUSH(list, const char *) = a;
    if (b)
        APR_ARRAY_PUSH(list, const char *) = b;
    return list;
}

static void test_tenant_create_and_find(void)
{
    authsvc_db_tenant_t t = {"tenant-1", "acme", "Acme Inc", 1}, found;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_tenant_create(db, pool, &t), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_tenant_by_key(db, pool, "acme", &found), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(found.id, "tenant-1");
    CU_ASSERT_STRING_EQUAL(found.key, "acme");
    CU_ASSERT_STRING_EQUAL(found.name, "Acme Inc");
    CU_ASSERT_EQUAL(found.status, 1);
    CU_ASSERT_EQUAL(authsvc_db_tenant_by_key(db, pool, "nosuch", &found), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(found.id);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_tenant_by_id(db, pool, "tenant-1", &found), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(found.id, "tenant-1");
    CU_ASSERT_STRING_EQUAL(found.key, "acme");
    CU_ASSERT_STRING_EQUAL(found.name, "Acme Inc");
    CU_ASSERT_EQUAL(found.status, 1);
    CU_ASSERT_EQUAL(authsvc_db_tenant_by_id(db, pool, "acme", &found), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(found.key);
    t.id = "tenant-2";
    CU_ASSERT_EQUAL(authsvc_db_tenant_create(db, pool, &t), AUTHSVC_CONFLICT);
    t.key = "beta";
    t.status = 0;
    CU_ASSERT_EQUAL(authsvc_db_tenant_create(db, pool, &t), AUTHSVC_OK);
}

static void test_role_create_and_find(void)
{
    authsvc_db_role_new_t r = {"role-1", "tenant-1", "admin", strings("users:write", "a:read")};
    authsvc_db_role_new_t plain = {"role-2", "tenant-1", "member", NULL};
    authsvc_db_role_t found;
    apr_array_header_t *perms = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_role_create(db, pool, &r), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_role_create(db, pool, &plain), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_role_by_name(db, pool, "tenant-1", "admin", &found),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(found.id, "role-1");
    CU_ASSERT_STRING_EQUAL(found.tenant_id, "tenant-1");
    CU_ASSERT_STRING_EQUAL(found.name, "admin");
    CU_ASSERT_EQUAL(authsvc_db_role_by_name(db, pool, "tenant-2", "admin", &found),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(found.id);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_role_permissions(db, pool, "role-1", &perms), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(perms->nelts, 2);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(perms, 0, const char *), "a:read");
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(perms, 1, const char *), "users:write");
    CU_ASSERT_EQUAL(authsvc_db_role_permissions(db, pool, "role-2", &perms), AUTHSVC_OK);
    CU_ASSERT_EQUAL(perms->nelts, 0);
    r.id = "role-3";
    CU_ASSERT_EQUAL(authsvc_db_role_create(db, pool, &r), AUTHSVC_CONFLICT);
}

static void test_tenant_summaries(void)
{
    apr_array_header_t *rows = NULL;
    authsvc_db_tenant_summary_t *t, one;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_tenant_summaries(db, pool, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 2);
    t = &APR_ARRAY_IDX(rows, 0, authsvc_db_tenant_summary_t);
    CU_ASSERT_STRING_EQUAL(t->key, "acme");
    CU_ASSERT_EQUAL(t->roles, 2);
    CU_ASSERT_EQUAL(t->members, 0);
    CU_ASSERT(t->created_at > 0);
    t = &APR_ARRAY_IDX(rows, 1, authsvc_db_tenant_summary_t);
    CU_ASSERT_STRING_EQUAL(t->key, "beta");
    CU_ASSERT_STRING_EQUAL(t->id, "tenant-2");
    CU_ASSERT_EQUAL(t->status, 0);
    CU_ASSERT_EQUAL(t->roles, 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_tenant_summary(db, pool, "acme", &one), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(one.name, "Acme Inc");
    CU_ASSERT_EQUAL(one.status, 1);
    CU_ASSERT_EQUAL(authsvc_db_tenant_summary(db, pool, "nosuch", &one), AUTHSVC_NOT_FOUND);
}

static void test_role_summaries(void)
{
    apr_array_header_t *rows = NULL;
    authsvc_db_role_summary_t one;
    authsvc_db_role_new_t other = {"role-9", "tenant-2", "zeta", NULL};

    CU_ASSERT_EQUAL_FATAL(authsvc_db_role_create(db, pool, &other), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_role_summaries(db, pool, NULL, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 3);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_role_summary_t).name, "admin");
    CU_ASSERT_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_role_summary_t).permissions, 2);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 1, authsvc_db_role_summary_t).name, "member");
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 2, authsvc_db_role_summary_t).tenant_key,
                           "beta");
    CU_ASSERT_EQUAL_FATAL(authsvc_db_role_summaries(db, pool, "beta", &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 1);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_role_summary_t).id, "role-9");
    CU_ASSERT_EQUAL(authsvc_db_role_summaries(db, pool, "nosuch", &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rows->nelts, 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_role_summary(db, pool, "acme", "admin", &one), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(one.id, "role-1");
    CU_ASSERT_STRING_EQUAL(one.tenant_key, "acme");
    CU_ASSERT_EQUAL(one.members, 0);
    CU_ASSERT(one.created_at > 0);
    CU_ASSERT_EQUAL(authsvc_db_role_summary(db, pool, "beta", "admin", &one),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(one.id);
}

void authsvc_test_register_db_tenants(void)
{
    CU_pSuite s = CU_add_suite("db_tenants", suite_init, suite_clean);

    CU_add_test(s, "a tenant: created, found, a taken key", test_tenant_create_and_find);
    CU_add_test(s, "a role: created with permissions, found", test_role_create_and_find);
    CU_add_test(s, "tenants listed with their counts", test_tenant_summaries);
    CU_add_test(s, "roles listed, of all tenants or one", test_role_summaries);
}
