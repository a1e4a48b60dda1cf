/* db_principals.c on a migrated SQLite file: a user with its membership of a tenant
 * (its default one, another, none), a membership alone, the permissions of a role and a
 * membership's overrides in order, and the last login. */
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db_principals.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_principals(void);

#define ROLE_ID "00000000-0000-4000-8000-0000000000f2" /* the fixture's role "member" */

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-principals");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static void test_principal(void)
{
    authsvc_db_user_t user;
    authsvc_db_membership_t m;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_principal_by_user(f.db, f.pool, f.user_id, NULL, &user,
                                                       &m),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(user.id, f.user_id);
    CU_ASSERT_STRING_EQUAL(user.username, "alice");
    CU_ASSERT_STRING_EQUAL(user.email, "alice@example.org");
    CU_ASSERT_STRING_EQUAL(user.first_name, "Alice");
    CU_ASSERT_PTR_NULL(user.last_name);
    CU_ASSERT_STRING_EQUAL(user.default_tenant_id, f.tenant_id);
    CU_ASSERT_EQUAL(user.last_login, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m.id);
    CU_ASSERT_STRING_EQUAL(m.user_id, f.user_id);
    CU_ASSERT_STRING_EQUAL(m.tenant_id, f.tenant_id);
    CU_ASSERT_STRING_EQUAL(m.role_id, ROLE_ID);
    CU_ASSERT_STRING_EQUAL(m.role_name, "member");
    CU_ASSERT_EQUAL(m.status, 1); /* AUTHSVC_USER_ACTIVE */
    /* the tenant named */
    CU_ASSERT_EQUAL(authsvc_db_principal_by_user(f.db, f.pool, f.user_id, f.tenant_id, &user,
                                                 &m),
                    AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL(m.id);
    /* no membership there: the user alone */
    CU_ASSERT_EQUAL(authsvc_db_principal_by_user(f.db, f.pool, f.user_id, "other", &user, &m),
                    AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(user.username, "alice");
    CU_ASSERT_PTR_NULL(m.id);
    CU_ASSERT_PTR_NULL(m.tenant_id);
    CU_ASSERT_EQUAL(authsvc_db_principal_by_user(f.db, f.pool, "nosuch", NULL, &user, &m),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(user.id);
}

static void test_membership(void)
{
    authsvc_db_membership_t m;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_membership_get(f.db, f.pool, f.user_id, f.tenant_id, &m),
                          AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL(m.id);
    CU_ASSERT_STRING_EQUAL(m.tenant_id, f.tenant_id);
    CU_ASSERT_STRING_EQUAL(m.role_name, "member");
    CU_ASSERT_EQUAL(m.status, 1);
    CU_ASSERT_EQUAL(authsvc_db_membership_get(f.db, f.pool, f.user_id, "other", &m),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(m.id);
}

static const authsvc_db_permission_t *perm_at(const apr_array_header_t *rows, int i)
{
    return &APR_ARRAY_IDX(rows, i, authsvc_db_permission_t);
}

static void test_permissions(void)
{
    authsvc_db_user_t user;
    authsvc_db_membership_t m;
    apr_array_header_t *rows = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_principal_by_user(f.db, f.pool, f.user_id, NULL, &user,
                                                       &m),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_principal_permissions(f.db, f.pool, m.role_id, m.id,
                                                           &rows),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(rows->nelts, 0);
    CU_ASSERT_EQUAL_FATAL(
        authsvc_db_exec_text(f.db, f.pool,
                             "INSERT INTO role_permissions (role_id, permission) "
                             "VALUES ('" ROLE_ID "', 'b.read'), "
                             "('" ROLE_ID "', 'a.read')",
                             NULL),
        AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(
        authsvc_db_exec_text(f.db, f.pool,
                             apr_pstrcat(f.pool,
                                         "INSERT INTO user_permissions "
                                         "(user_tenant_id, permission, allowed, "
                                         "created_at) VALUES ('",
                                         m.id, "', 'b.read', 0, 1), ('", m.id,
                                         "', 'c.write', 1, 1)", NULL),
                             NULL),
        AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_principal_permissions(f.db, f.pool, m.role_id, m.id,
                                                           &rows),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 4);
    /* the role's, by permission, then the overrides */
    CU_ASSERT_STRING_EQUAL(perm_at(rows, 0)->permission, "a.read");
    CU_ASSERT_EQUAL(perm_at(rows, 0)->allowed, 1);
    CU_ASSERT_STRING_EQUAL(perm_at(rows, 1)->permission, "b.read");
    CU_ASSERT_EQUAL(perm_at(rows, 1)->allowed, 1);
    CU_ASSERT_STRING_EQUAL(perm_at(rows, 2)->permission, "b.read");
    CU_ASSERT_EQUAL(perm_at(rows, 2)->allowed, 0);
    CU_ASSERT_STRING_EQUAL(perm_at(rows, 3)->permission, "c.write");
    CU_ASSERT_EQUAL(perm_at(rows, 3)->allowed, 1);
    /* the role's alone without a membership */
    CU_ASSERT_EQUAL(authsvc_db_principal_permissions(f.db, f.pool, m.role_id, "nosuch", &rows),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(rows->nelts, 2);
}

static void test_last_login(void)
{
    authsvc_db_user_t user;
    authsvc_db_membership_t m;

    CU_ASSERT_EQUAL(authsvc_db_user_set_last_login(f.db, f.pool, f.user_id, 123456),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_principal_by_user(f.db, f.pool, f.user_id, NULL, &user,
                                                       &m),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(user.last_login, 123456);
    CU_ASSERT_EQUAL(user.updated_at, 123456);
    CU_ASSERT_EQUAL(authsvc_db_fixture_count(&f, "SELECT COUNT(*) FROM users "
                                                 "WHERE last_login = 123456"),
                    1);
}

void authsvc_test_register_db_principals(void)
{
    CU_pSuite s = CU_add_suite("db_principals", suite_init, suite_clean);

    CU_add_test(s, "a user with its membership of a tenant, or none", test_principal);
    CU_add_test(s, "a membership alone", test_membership);
    CU_add_test(s, "a role's permissions, then a membership's overrides", test_permissions);
    CU_add_test(s, "the last login", test_last_login);
}
