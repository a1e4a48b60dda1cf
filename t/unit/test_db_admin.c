/* db_admin.c on a migrated SQLite file: the tenant's users with filters and a page,
 * a membership's status, login counters with failures or a lock, clients. */
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_admin.h"
#include "authsvc_db_users.h"
#include "authsvc_tokens.h"
#include "db_fixture.h"
#include "unit.h"

static authsvc_db_fixture_t f;
static const char *bob_id;

/* bob, a second user of the fixture's tenant, and counters: alice's account locked,
 * an address with failures, a stale one without. */
static int suite_init(void)
{
    authsvc_user_new_t bob = {NULL,
                              "Bob",
                              "bob@example.org",
                              NULL,
                              NULL,
                              NULL,
                              NULL,
                              "00000000-0000-4000-8000-0000000000f2", /* the fixture's role */
                              AUTHSVC_USER_INACTIVE,
                              NULL,
                              "$argon2id$b",
                              NULL,
                              NULL};

    if (authsvc_db_fixture_open(&f, "db-admin"))
        return 1;
    bob.tenant_id = f.tenant_id;
    return authsvc_db_user_create(f.db, f.pool, &bob, &bob_id) == AUTHSVC_OK
                   && authsvc_db_exec_text(
                          f.db, f.pool,
                          "INSERT INTO login_attempts (scope, subject, source, failures, "
                          "window_start, locked_until) VALUES "
                          "('account', 'alice', '', 5, 1, 9000000000000), "
                          "('ip', '192.0.2.7', '', 3, 1, 0), ('ip', '192.0.2.8', '', 0, 1, 0)",
                          NULL)
                          == AUTHSVC_OK
               ? 0
               : 1;
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static apr_array_header_t *users(const char *prefix, int status, int locked, int limit,
                                 int offset)
{
    authsvc_db_admin_user_query_t q = {f.tenant_id, prefix, status, locked,
                                       1000,        limit,  offset};
    apr_array_header_t *rows = NULL;

    CU_ASSERT_EQUAL(authsvc_db_admin_users(f.db, f.pool, &q, &rows), AUTHSVC_OK);
    return rows;
}

#define NAME(rows, i) APR_ARRAY_IDX(rows, i, authsvc_db_admin_user_t).username

static void test_users(void)
{
    apr_array_header_t *rows = users("", -1, 0, 50, 0);
    const char *name = NULL;

    CU_ASSERT_EQUAL_FATAL(rows->nelts, 2);
    CU_ASSERT_STRING_EQUAL(NAME(rows, 0), "alice");
    CU_ASSERT_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_admin_user_t).failures, 5);
    CU_ASSERT_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_admin_user_t).locked_until,
                    9000000000000LL);
    CU_ASSERT_STRING_EQUAL(NAME(rows, 1), "Bob");
    CU_ASSERT_EQUAL(APR_ARRAY_IDX(rows, 1, authsvc_db_admin_user_t).status,
                    AUTHSVC_USER_INACTIVE);
    CU_ASSERT_EQUAL(users("b", -1, 0, 50, 0)->nelts, 1);
    CU_ASSERT_EQUAL(users("%", -1, 0, 50, 0)->nelts, 0); /* a literal prefix */
    CU_ASSERT_EQUAL(users("", AUTHSVC_USER_ACTIVE, 0, 50, 0)->nelts, 1);
    rows = users("", -1, 1, 50, 0);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 1);
    CU_ASSERT_STRING_EQUAL(NAME(rows, 0), "alice");
    rows = users("", -1, 0, 1, 1);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 1);
    CU_ASSERT_STRING_EQUAL(NAME(rows, 0), "Bob");
    CU_ASSERT_EQUAL(authsvc_db_admin_user(f.db, f.pool, f.tenant_id, bob_id, &name),
                    AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(name, "Bob");
    CU_ASSERT_EQUAL(authsvc_db_admin_user(f.db, f.pool, "other-tenant", bob_id, &name),
                    AUTHSVC_NOT_FOUND);
}

static void test_member_status(void)
{
    int changed = -1;

    CU_ASSERT_EQUAL(authsvc_db_admin_member_status(f.db, f.pool, f.tenant_id, bob_id, 0,
                                                   &changed),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(authsvc_db_admin_member_status(f.db, f.pool, "other-tenant", bob_id, 1,
                                                   &changed),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 0);
    CU_ASSERT_EQUAL(authsvc_db_admin_member_status(f.db, f.pool, f.tenant_id, bob_id, 1,
                                                   &changed),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(users("", AUTHSVC_USER_INACTIVE, 0, 50, 0)->nelts, 1);
}

static void test_locks_and_clients(void)
{
    apr_array_header_t *accounts = NULL, *addresses = NULL, *clients = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_admin_locks(f.db, f.pool, f.tenant_id, 1000, &accounts,
                                                 &addresses),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(accounts->nelts, 1);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(accounts, 0, authsvc_db_admin_lock_t).subject,
                           "alice");
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(accounts, 0, authsvc_db_admin_lock_t).user_id,
                           f.user_id);
    CU_ASSERT_EQUAL_FATAL(addresses->nelts, 1);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(addresses, 0, authsvc_db_admin_lock_t).subject,
                           "192.0.2.7");
    CU_ASSERT_PTR_NULL(APR_ARRAY_IDX(addresses, 0, authsvc_db_admin_lock_t).user_id);
    CU_ASSERT_EQUAL(authsvc_db_admin_locks(f.db, f.pool, "other-tenant", 1000, &accounts,
                                           &addresses),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(accounts->nelts, 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_admin_clients(f.db, f.pool, &clients), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(clients->nelts, 1);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(clients, 0, authsvc_db_admin_client_t).client_id,
                           "web");
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(clients, 0, authsvc_db_admin_client_t).client_type,
                           "public");
    CU_ASSERT_EQUAL(APR_ARRAY_IDX(clients, 0, authsvc_db_admin_client_t).oidc, 0);
}

void authsvc_test_register_db_admin(void)
{
    CU_pSuite s = CU_add_suite("db_admin", suite_init, suite_clean);

    CU_add_test(s, "a tenant's users: prefix, status, locked, page; one member", test_users);
    CU_add_test(s, "a membership disabled and enabled in its tenant only", test_member_status);
    CU_add_test(s, "counters with failures or a lock; clients", test_locks_and_clients);
}
