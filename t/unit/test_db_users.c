/* db_users.c on a migrated SQLite file: the rows of a new user, a duplicate, and a
 * placement whose tenant or role does not exist, the look-up by username. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_users.h"
#include "authsvc_migrate.h"
#include "authsvc_tokens.h"
#include "unit.h"

static apr_pool_t *pool;
static char *dir;
static authsvc_db_t *db;
static const char *tenant_id = "00000000-0000-4000-8000-0000000000t1";
static const char *role_id = "00000000-0000-4000-8000-0000000000r1";

static authsvc_status_t run(const char *label, int n, const char **args)
{
    return authsvc_db_exec(db, pool, label, NULL, n, args);
}

/* A tenant "acme" with a role "member", and clients "web" and "app". */
static int suite_seed(void)
{
    const char *tenant[] = {tenant_id, "acme", "Acme", "1", "1", "1"};
    const char *role[] = {role_id, tenant_id, "member", "1", "1"};
    const char *web[] = {"web", NULL, "public", "https://web.example/cb", "300", "3600",
                         "60",  "1",  "1"};
    const char *app[] = {"app", NULL, "public", "https://app.example/cb", "300", "3600",
                         "60",  "1",  "1"};

    return run("authsvc_tenant_insert", 6, tenant) == AUTHSVC_OK
                   && run("authsvc_role_insert", 5, role) == AUTHSVC_OK
                   && run("authsvc_client_insert", 9, web) == AUTHSVC_OK
                   && run("authsvc_client_insert", 9, app) == AUTHSVC_OK
               ? 0
               : 1;
}

static int suite_init(void)
{
    const char *error = NULL;
    authsvc_migrate_result_t result;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-db-users-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    if (authsvc_db_open(pool, "sqlite3", apr_pstrcat(pool, dir, "/users.db", NULL), &db, &error)
            != AUTHSVC_OK
        || authsvc_migrate(db, pool, &result) != AUTHSVC_OK)
        return 1;
    return suite_seed();
}

static int suite_clean(void)
{
    apr_pool_destroy(pool); /* closes the connection */
    apr_file_remove(apr_pstrcat(authsvc_test_pool(), dir, "/users.db", NULL),
                    authsvc_test_pool());
    apr_file_remove(apr_pstrcat(authsvc_test_pool(), dir, "/users.db-wal", NULL),
                    authsvc_test_pool());
    apr_file_remove(apr_pstrcat(authsvc_test_pool(), dir, "/users.db-shm", NULL),
                    authsvc_test_pool());
    apr_dir_remove(dir, authsvc_test_pool());
    return 0;
}

/* The columns of the one row SQL answers, joined by '|' (NULL as "-"); NULL when it
 * answers no row or more than one. */
static const char *one_row(const char *sql)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *out = NULL;
    int rows = 0, n, i;

    if (authsvc_db_select_text(db, pool, sql, &res) != AUTHSVC_OK)
        return NULL;
    n = apr_dbd_num_cols(db->driver, res);
    while (authsvc_db_next_row(db, pool, res, &row)) {
        const char *line = "";
        for (i = 0; i < n; i++) {
            const char *v = authsvc_db_column(db, row, i);
            line = apr_pstrcat(pool, line, i ? "|" : "", v ? v : "-", NULL);
        }
        out = line;
        rows++;
    }
    return rows == 1 ? out : NULL;
}

static long long count(const char *sql)
{
    const char *v = one_row(sql);

    return v ? atoll(v) : -1;
}

static apr_array_header_t *clients(const char *a, const char *b)
{
    apr_array_header_t *list = apr_array_make(pool, 2, sizeof(const char *));

    APR_ARRAY_PUSH(list, const char *) = a;
    if (b)
        APR_ARRAY_PUSH(list, const char *) = b;
    return list;
}

static void test_create_internal_user_rows(void)
{
    authsvc_user_new_t u = {NULL,
                            "Alice@Example.org",
                            "Alice@Example.org",
                            "Alice",
                            "B",
                            "Liddell",
                            tenant_id,
                            role_id,
                            AUTHSVC_USER_PASSWORD_CHANGE_NEEDED,
                            clients("app", "web"),
                            "$argon2id$hash",
                            NULL,
                            NULL};
    const char *id = NULL, *where;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_create(db, pool, &u, &id), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    CU_ASSERT_EQUAL(strlen(id), 36);
    where = apr_pstrcat(pool, " WHERE user_id = '", id, "'", NULL);
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT username, username_key, email, "
                                               "first_name, middle_name, last_name, "
                                               "default_tenant_id, mfa_required, phone, locale "
                                               "FROM users WHERE id = '",
                                               id, "'", NULL)),
                           "Alice@Example.org|alice@example.org|Alice@Example.org|Alice|B|"
                           "Liddell|00000000-0000-4000-8000-0000000000t1|0|-|-");
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT provider, external_id, "
                                               "password_hash, totp_secret FROM "
                                               "user_credentials",
                                               where, NULL)),
                           "internal|-|$argon2id$hash|-");
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT tenant_id, role_id, status FROM "
                                               "user_tenants",
                                               where, NULL)),
                           "00000000-0000-4000-8000-0000000000t1|"
                           "00000000-0000-4000-8000-0000000000r1|3");
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT group_concat(client_id, ',') "
                                               "FROM (SELECT client_id FROM user_auth_clients",
                                               where, " ORDER BY client_id)", NULL)),
                           "app,web");
}

static void test_create_external_user_rows(void)
{
    authsvc_user_new_t u = {"11111111-1111-4111-8111-111111111111",
                            "github-42",
                            NULL,
                            "Bob",
                            NULL,
                            NULL,
                            tenant_id,
                            role_id,
                            AUTHSVC_USER_ACTIVE,
                            clients("web", NULL),
                            NULL,
                            "github",
                            "42"};
    const char *id = NULL, *where;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_create(db, pool, &u, &id), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(id, "11111111-1111-4111-8111-111111111111");
    where = apr_pstrcat(pool, " WHERE user_id = '", id, "'", NULL);
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT username_key, email, first_name, "
                                               "last_name FROM users WHERE id = '",
                                               id, "'", NULL)),
                           "github-42|-|Bob|-");
    /* no internal credential: the provider's link only */
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT provider, external_id, "
                                               "password_hash FROM user_credentials",
                                               where, NULL)),
                           "github|42|-");
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool, "SELECT status FROM user_tenants", where,
                                               NULL)),
                           "1");
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT client_id FROM "
                                               "user_auth_clients",
                                               where, NULL)),
                           "web");
}

/* The username's key is unique whatever the case; in the caller's transaction nothing
 * of the duplicate stays. */
static void test_duplicate_is_a_conflict(void)
{
    authsvc_user_new_t u = {NULL,      "carol",       NULL,
                            NULL,      NULL,          NULL,
                            tenant_id, role_id,       AUTHSVC_USER_ACTIVE,
                            NULL,      "$argon2id$x", NULL,
                            NULL};
    authsvc_user_new_t again = u;
    const char *id = NULL, *id2 = NULL;
    long long users, creds;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_create(db, pool, &u, &id), AUTHSVC_OK);
    users = count("SELECT COUNT(*) FROM users");
    creds = count("SELECT COUNT(*) FROM user_credentials");
    again.username = "CAROL";
    CU_ASSERT_EQUAL_FATAL(authsvc_db_begin(db, pool), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_create(db, pool, &again, &id2), AUTHSVC_CONFLICT);
    CU_ASSERT_PTR_NULL(id2);
    CU_ASSERT_EQUAL(authsvc_db_commit(db), AUTHSVC_DB_ERROR); /* it rolls back */
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM users"), users);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM user_credentials"), creds);
}

/* A role of no tenant the user is placed in, or a client that does not exist: the
 * foreign keys refuse it, and the transaction keeps nothing. */
static void test_missing_role_or_client_is_refused(void)
{
    authsvc_user_new_t u = {NULL,
                            "dave",
                            NULL,
                            NULL,
                            NULL,
                            NULL,
                            tenant_id,
                            "00000000-0000-4000-8000-00000000none",
                            AUTHSVC_USER_ACTIVE,
                            NULL,
                            NULL,
                            NULL,
                            NULL};
    const char *id = NULL;
    long long users = count("SELECT COUNT(*) FROM users");

    CU_ASSERT_EQUAL_FATAL(authsvc_db_begin(db, pool), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_create(db, pool, &u, &id), AUTHSVC_DB_ERROR);
    CU_ASSERT_EQUAL(authsvc_db_rollback(db), AUTHSVC_OK);
    u.role_id = role_id;
    u.client_ids = clients("nosuch", NULL);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_begin(db, pool), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_create(db, pool, &u, &id), AUTHSVC_DB_ERROR);
    CU_ASSERT_EQUAL(authsvc_db_rollback(db), AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(id);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM users"), users);
}

static void test_placement(void)
{
    const char *t = NULL, *r = NULL;

    CU_ASSERT_EQUAL(authsvc_db_user_placement(db, pool, "acme", "member", &t, &r), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(t, tenant_id);
    CU_ASSERT_STRING_EQUAL(r, role_id);
    CU_ASSERT_EQUAL(authsvc_db_user_placement(db, pool, "acme", "admin", &t, &r),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_STRING_EQUAL(t, tenant_id);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_EQUAL(authsvc_db_user_placement(db, pool, "nosuch", "member", &t, &r),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(t);
    CU_ASSERT_PTR_NULL(r);
}

static void test_by_username(void)
{
    authsvc_user_new_t u = {NULL,      "Erin",  "erin@example.org",  "Erin", NULL, "Smith",
                            tenant_id, role_id, AUTHSVC_USER_ACTIVE, NULL,   NULL, NULL,
                            NULL};
    authsvc_db_user_t found;
    const char *id = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_create(db, pool, &u, &id), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_by_username(db, pool, "ERIN", &found), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(found.id, id);
    CU_ASSERT_STRING_EQUAL(found.username, "Erin");
    CU_ASSERT_STRING_EQUAL(found.email, "erin@example.org");
    CU_ASSERT_STRING_EQUAL(found.first_name, "Erin");
    CU_ASSERT_PTR_NULL(found.middle_name);
    CU_ASSERT_STRING_EQUAL(found.last_name, "Smith");
    CU_ASSERT_STRING_EQUAL(found.default_tenant_id, tenant_id);
    CU_ASSERT_EQUAL(found.last_login, 0);
    CU_ASSERT_EQUAL(found.mfa_required, 0);
    CU_ASSERT(found.created_at > 0);
    CU_ASSERT_EQUAL(found.created_at, found.updated_at);
    CU_ASSERT_PTR_NULL(found.external_groups);
    CU_ASSERT_EQUAL(authsvc_db_user_by_username(db, pool, "nobody", &found), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(found.id);
}

/* A user of its own for the tests below: "Frank", active, client "web", a password. */
static const char *frank(void)
{
    static const char *id;
    authsvc_user_new_t u = {NULL,      "Frank", "frank@example.org", NULL, NULL,          NULL,
                            tenant_id, role_id, AUTHSVC_USER_ACTIVE, NULL, "$argon2id$f", NULL,
                            NULL};

    if (!id && authsvc_db_user_create(db, pool, &u, &id) != AUTHSVC_OK)
        id = NULL;
    return id;
}

static void test_summaries(void)
{
    apr_array_header_t *rows = NULL;
    const authsvc_db_user_summary_t *u = NULL;
    const char *id = frank();
    int i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    CU_ASSERT_EQUAL_FATAL(run("authsvc_user_insert", 17,
                              (const char *[]){"lone", "Lone", "lone", NULL, NULL, NULL, NULL,
                                               NULL, NULL, NULL, NULL, NULL, NULL, NULL, "0",
                                               "1", "1"}),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(
        authsvc_db_exec_text(
            db, pool,
            "INSERT INTO login_attempts (scope, "
            "subject, source, failures, window_start, locked_until) VALUES "
            "('account', 'frank', '', 2, 1, 0), ('account', 'frank', 'ip:x', 5, "
            "1, 7777)",
            NULL),
        AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_summaries(db, pool, NULL, &rows), AUTHSVC_OK);
    for (i = 0; i < rows->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(rows, i, authsvc_db_user_summary_t).username, "Frank") == 0)
            u = &APR_ARRAY_IDX(rows, i, authsvc_db_user_summary_t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_STRING_EQUAL(u->id, id);
    CU_ASSERT_STRING_EQUAL(u->email, "frank@example.org");
    CU_ASSERT_STRING_EQUAL(u->tenant_key, "acme");
    CU_ASSERT_STRING_EQUAL(u->role, "member");
    CU_ASSERT_EQUAL(u->status, AUTHSVC_USER_ACTIVE);
    CU_ASSERT_EQUAL(u->failures, 5);
    CU_ASSERT_EQUAL(u->locked_until, 7777);
    /* a user of no tenant: one row without a membership; by username key */
    u = &APR_ARRAY_IDX(rows, rows->nelts - 1, authsvc_db_user_summary_t);
    CU_ASSERT_STRING_EQUAL(u->username, "Lone");
    CU_ASSERT_PTR_NULL(u->tenant_key);
    CU_ASSERT_PTR_NULL(u->role);
    CU_ASSERT_EQUAL(u->status, -1);
    CU_ASSERT_EQUAL(u->failures, 0);
    CU_ASSERT_EQUAL(u->locked_until, 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_summaries(db, pool, "acme", &rows), AUTHSVC_OK);
    for (i = 0; i < rows->nelts; i++)
        CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, i, authsvc_db_user_summary_t).tenant_key,
                               "acme");
}

static void test_show_lists(void)
{
    apr_array_header_t *rows = NULL;
    const char *id = frank();
    const authsvc_db_user_membership_t *m;
    const authsvc_db_user_lockout_t *l;

    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_memberships(db, pool, id, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 1);
    m = &APR_ARRAY_IDX(rows, 0, authsvc_db_user_membership_t);
    CU_ASSERT_STRING_EQUAL(m->tenant_key, "acme");
    CU_ASSERT_STRING_EQUAL(m->role, "member");
    CU_ASSERT_EQUAL(m->status, AUTHSVC_USER_ACTIVE);
    CU_ASSERT_EQUAL_FATAL(run("authsvc_user_client_insert", 2, (const char *[]){id, "web"}),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(run("authsvc_user_client_insert", 2, (const char *[]){id, "app"}),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_clients(db, pool, id, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 2);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 0, const char *), "app");
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 1, const char *), "web");
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_lockouts(db, pool, "frank", &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 2);
    l = &APR_ARRAY_IDX(rows, 1, authsvc_db_user_lockout_t);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(rows, 0, authsvc_db_user_lockout_t).source, "");
    CU_ASSERT_STRING_EQUAL(l->source, "ip:x");
    CU_ASSERT_EQUAL(l->failures, 5);
    CU_ASSERT_EQUAL(l->locked_until, 7777);
}

static void test_password(void)
{
    const char *id = frank();
    int has_credential = -1, has_hash = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    CU_ASSERT_EQUAL(authsvc_db_user_password(db, pool, id, &has_credential, &has_hash),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(has_credential, 1);
    CU_ASSERT_EQUAL(has_hash, 1);
    CU_ASSERT_EQUAL(authsvc_db_user_password_set(db, pool, id, "$argon2id$g", 1), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT password_hash FROM user_credentials "
                                               "WHERE provider = 'internal' AND user_id = '",
                                               id, "'", NULL)),
                           "$argon2id$g");
    /* the external user has none: a new credential */
    CU_ASSERT_EQUAL(authsvc_db_user_password(db, pool, "11111111-1111-4111-8111-111111111111",
                                             &has_credential, &has_hash),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(has_credential, 0);
    CU_ASSERT_EQUAL(has_hash, 0);
    CU_ASSERT_EQUAL(authsvc_db_user_password_set(db, pool,
                                                 "11111111-1111-4111-8111-111111111111",
                                                 "$argon2id$n", 0),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_password(db, pool, "11111111-1111-4111-8111-111111111111",
                                             &has_credential, &has_hash),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(has_credential, 1);
    CU_ASSERT_EQUAL(has_hash, 1);
}

static void test_status_mfa_lockout(void)
{
    const char *id = frank();
    const char *where;
    int changed = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    where = apr_pstrcat(pool, " WHERE user_id = '", id, "'", NULL);
    CU_ASSERT_EQUAL(authsvc_db_user_disable(db, pool, id, &changed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool, "SELECT status FROM user_tenants", where,
                                               NULL)),
                           "2");
    CU_ASSERT_EQUAL(authsvc_db_user_disable(db, pool, id, &changed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 0);
    CU_ASSERT_EQUAL(authsvc_db_user_enable(db, pool, id, &changed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool, "SELECT status FROM user_tenants", where,
                                               NULL)),
                           "1");
    CU_ASSERT_EQUAL(authsvc_db_user_set_mfa(db, pool, id, 1), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(one_row(apr_pstrcat(pool,
                                               "SELECT mfa_required FROM users WHERE id = '",
                                               id, "'", NULL)),
                           "1");
    CU_ASSERT_EQUAL_FATAL(run("authsvc_credential_insert", 8,
                              (const char *[]){"totp-f", id, "totp", NULL, NULL, "secret", "1",
                                               "1"}),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_totp_delete(db, pool, id, &changed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(authsvc_db_user_lockout_clear(db, pool, "frank", &changed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 2);
    CU_ASSERT_EQUAL(count("SELECT COUNT(*) FROM login_attempts WHERE subject = 'frank'"), 0);
}

/* Last: Frank goes. */
static void test_delete(void)
{
    const char *id = frank();
    authsvc_db_user_t found;
    int changed = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    CU_ASSERT_EQUAL(authsvc_db_user_delete(db, pool, id, &changed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(authsvc_db_user_by_username(db, pool, "frank", &found), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(count(apr_pstrcat(pool,
                                      "SELECT COUNT(*) FROM user_credentials WHERE "
                                      "user_id = '",
                                      id, "'", NULL)),
                    0);
}

static void test_client_member(void)
{
    authsvc_user_new_t u = {NULL,
                            "Max",
                            NULL,
                            NULL,
                            NULL,
                            NULL,
                            tenant_id,
                            role_id,
                            AUTHSVC_USER_ACTIVE,
                            clients("web", NULL),
                            NULL,
                            NULL,
                            NULL};
    const char *id = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_create(db, pool, &u, &id), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_client_member(db, pool, id, "web"), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_client_member(db, pool, id, "app"), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_user_client_member(db, pool, "no-such-user", "web"),
                    AUTHSVC_NOT_FOUND);
}

void authsvc_test_register_db_users(void)
{
    CU_pSuite s = CU_add_suite("db_users", suite_init, suite_clean);

    CU_add_test(s, "a user with a password: its rows", test_create_internal_user_rows);
    CU_add_test(s, "an external user: its rows", test_create_external_user_rows);
    CU_add_test(s, "a duplicate username is a conflict", test_duplicate_is_a_conflict);
    CU_add_test(s, "a missing role or client is refused",
                test_missing_role_or_client_is_refused);
    CU_add_test(s, "placement: a missing tenant or role", test_placement);
    CU_add_test(s, "a user by username, whatever its case", test_by_username);
    CU_add_test(s, "users listed with membership and lockout", test_summaries);
    CU_add_test(s, "a user's memberships, clients, lockout", test_show_lists);
    CU_add_test(s, "a password: found, replaced, added", test_password);
    CU_add_test(s, "disable, enable, second factor, unlock", test_status_mfa_lockout);
    CU_add_test(s, "a user deleted", test_delete);
    CU_add_test(s, "a user's membership of a client", test_client_member);
}
