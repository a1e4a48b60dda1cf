/* db_identities.c on a migrated SQLite file: links of external identities, the
 * candidates and facts of a link by e-mail, the profile a provider writes, and a user's
 * membership of a client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_identities.h"
#include "authsvc_db_user_links.h"
#include "authsvc_db_users.h"
#include "authsvc_migrate.h"
#include "authsvc_tokens.h"
#include "unit.h"

static apr_pool_t *pool;
static char *dir;
static authsvc_db_t *db;
static const char *tenant_id = "00000000-0000-4000-8000-0000000000t1";
static const char *member_role = "00000000-0000-4000-8000-0000000000r1";
static const char *admin_role = "00000000-0000-4000-8000-0000000000r2";

static authsvc_status_t run(const char *label, int n, const char **args)
{
    return authsvc_db_exec(db, pool, label, NULL, n, args);
}

/* A tenant "acme" with roles "member" (no permission) and "admin" (one), a client
 * "web". */
static int suite_seed(void)
{
    const char *tenant[] = {tenant_id, "acme", "Acme", "1", "1", "1"};
    const char *member[] = {member_role, tenant_id, "member", "1", "1"};
    const char *admin[] = {admin_role, tenant_id, "admin", "1", "1"};
    const char *grant[] = {admin_role, "users:write"};
    const char *web[] = {"web", NULL, "public", "https://web.example/cb", "300", "3600",
                         "60",  "1",  "1"};

    return run("authsvc_tenant_insert", 6, tenant) == AUTHSVC_OK
                   && run("authsvc_role_insert", 5, member) == AUTHSVC_OK
                   && run("authsvc_role_insert", 5, admin) == AUTHSVC_OK
                   && run("authsvc_role_permission_insert", 2, grant) == AUTHSVC_OK
                   && run("authsvc_client_insert", 9, web) == AUTHSVC_OK
               ? 0
               : 1;
}

static int suite_init(void)
{
    const char *error = NULL;
    authsvc_migrate_result_t result;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-db-identities-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    if (authsvc_db_open(pool, "sqlite3", apr_pstrcat(pool, dir, "/ids.db", NULL), &db, &error)
            != AUTHSVC_OK
        || authsvc_migrate(db, pool, &result) != AUTHSVC_OK)
        return 1;
    return suite_seed();
}

static int suite_clean(void)
{
    static const char *const files[] = {"/ids.db", "/ids.db-wal", "/ids.db-shm"};
    apr_size_t i;

    apr_pool_destroy(pool); /* closes the connection */
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        apr_file_remove(apr_pstrcat(authsvc_test_pool(), dir, files[i], NULL),
                        authsvc_test_pool());
    apr_dir_remove(dir, authsvc_test_pool());
    return 0;
}

/* A user in acme with role, a member of "web"; with a password when hash is set. */
static const char *user(const char *username, const char *email, const char *role,
                        const char *hash)
{
    apr_array_header_t *clients = apr_array_make(pool, 1, sizeof(const char *));
    authsvc_user_new_t u = {NULL,      username, email,
                            NULL,      NULL,     NULL,
                            tenant_id, role,     AUTHSVC_USER_ACTIVE,
                            clients,   hash,     NULL,
                            NULL};
    const char *id = NULL;

    APR_ARRAY_PUSH(clients, const char *) = "web";
    return authsvc_db_user_create(db, pool, &u, &id) == AUTHSVC_OK ? id : NULL;
}

static const char *one_value(const char *sql)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *out = NULL;

    if (authsvc_db_select_text(db, pool, sql, &res) != AUTHSVC_OK)
        return NULL;
    while (authsvc_db_next_row(db, pool, res, &row))
        out = authsvc_db_column(db, row, 0);
    return out;
}

static void test_identity_insert_and_find(void)
{
    const char *id = user("frank", "frank@example.org", member_role, NULL);
    const char *other = user("gina", NULL, member_role, NULL), *found = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    CU_ASSERT_EQUAL(authsvc_db_user_link_owner(db, pool, "keycloak", "sub-1", &found),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_user_link_add(db, pool, id, "keycloak", "sub-1"), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_link_owner(db, pool, "keycloak", "sub-1", &found),
                    AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(found, id);
    /* one identity, one user: a second link of it is a conflict */
    CU_ASSERT_EQUAL(authsvc_db_user_link_add(db, pool, other, "keycloak", "sub-1"),
                    AUTHSVC_CONFLICT);
    CU_ASSERT_STRING_EQUAL(one_value(apr_pstrcat(pool,
                                                 "SELECT password_hash IS NULL FROM "
                                                 "user_credentials WHERE user_id = '",
                                                 id, "' AND provider = 'keycloak'", NULL)),
                           "1");
}

static void test_accounts_by_email(void)
{
    apr_array_header_t *ids = NULL;
    const char *a = user("hal1", "Hal@Example.org", member_role, NULL);
    const char *b = user("hal2", "hal@example.org", member_role, NULL);
    const char *first = strcmp(a, b) < 0 ? a : b;

    CU_ASSERT_EQUAL(authsvc_db_identity_accounts_by_email(db, pool, "HAL@example.org", 8, &ids),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(ids->nelts, 2);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(ids, 0, const char *), first);
    /* at most max kept, the rest read to the end */
    CU_ASSERT_EQUAL(authsvc_db_identity_accounts_by_email(db, pool, "hal@example.org", 1, &ids),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(ids->nelts, 1);
    CU_ASSERT_EQUAL(authsvc_db_identity_accounts_by_email(db, pool, "nobody@example.org", 8,
                                                          &ids),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(ids->nelts, 0);
}

static void test_account_facts(void)
{
    const char *plain = user("ivy", NULL, member_role, NULL);
    const char *boss = user("jack", NULL, admin_role, "$argon2id$x");
    authsvc_db_link_account_t a;
    const authsvc_db_account_role_t *r;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_identity_account(db, pool, plain, &a), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(a.tenant_id, tenant_id);
    CU_ASSERT_EQUAL(a.has_password, 0);
    CU_ASSERT_EQUAL(a.identities, 0);
    CU_ASSERT_EQUAL_FATAL(a.roles->nelts, 1);
    r = &APR_ARRAY_IDX(a.roles, 0, authsvc_db_account_role_t);
    CU_ASSERT_STRING_EQUAL(r->name, "member");
    CU_ASSERT_EQUAL(r->grants, 0);
    CU_ASSERT_EQUAL(r->direct_grants, 0);
    CU_ASSERT_EQUAL(authsvc_db_user_link_add(db, pool, boss, "google", "g-1"), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_identity_account(db, pool, boss, &a), AUTHSVC_OK);
    CU_ASSERT_EQUAL(a.has_password, 1);
    CU_ASSERT_EQUAL(a.identities, 1);
    CU_ASSERT_EQUAL_FATAL(a.roles->nelts, 1);
    r = &APR_ARRAY_IDX(a.roles, 0, authsvc_db_account_role_t);
    CU_ASSERT_STRING_EQUAL(r->name, "admin");
    CU_ASSERT_EQUAL(r->grants, 1);
    CU_ASSERT_EQUAL(authsvc_db_identity_account(db, pool, "no-such-user", &a),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(a.tenant_id);
    CU_ASSERT_PTR_NULL(a.roles);
}

/* In a transaction, as identity_link.c runs it. */
static void test_account_lock(void)
{
    const char *id = user("kim", NULL, member_role, NULL);

    CU_ASSERT_EQUAL_FATAL(authsvc_db_begin(db, pool), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_identity_account_lock(db, pool, id), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_commit(db), AUTHSVC_OK);
}

/* Each non-NULL field replaces the stored one; NULL keeps it. */
static void test_profile_set(void)
{
    const char *id = user("lena", "lena@example.org", member_role, NULL);
    authsvc_db_external_profile_t names = {NULL, "Lena", "Ward", NULL};
    authsvc_db_external_profile_t groups = {"l.ward@example.org", NULL, NULL, "[\"staff\"]"};
    const char *sql = apr_pstrcat(pool,
                                  "SELECT email || '|' || first_name || '|' || last_name "
                                  "|| '|' || COALESCE(external_groups, '-') FROM users "
                                  "WHERE id = '",
                                  id, "'", NULL);

    CU_ASSERT_EQUAL(authsvc_db_identity_profile_set(db, pool, id, &names), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(one_value(sql), "lena@example.org|Lena|Ward|-");
    CU_ASSERT_EQUAL(authsvc_db_identity_profile_set(db, pool, id, &groups), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(one_value(sql), "l.ward@example.org|Lena|Ward|[\"staff\"]");
}

void authsvc_test_register_db_identities(void)
{
    CU_pSuite s = CU_add_suite("db_identities", suite_init, suite_clean);

    CU_add_test(s, "an identity: linked once, found again", test_identity_insert_and_find);
    CU_add_test(s, "accounts by e-mail: any case, in id order, at most max",
                test_accounts_by_email);
    CU_add_test(s, "what the link rule reads of an account", test_account_facts);
    CU_add_test(s, "the account's row locks in a transaction", test_account_lock);
    CU_add_test(s, "a provider's profile replaces only what it says", test_profile_set);
}
