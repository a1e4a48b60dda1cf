/* admin.c: the authsvc-admin commands, run in-process on a real SQLite file. */
#define _DEFAULT_SOURCE /* mkdtemp, open_memstream, fmemopen, setenv */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "authsvc_admin.h"
#include "authsvc_db.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_keys.h"
#include "authsvc_password.h"
#include "unit.h"

#define MAX_ARGS 40

static apr_pool_t *pool;
static char *dir;
static const char *db_path;

/* What one run printed. */
typedef struct {
    int rc;
    char *out;
    char *err;
} run_t;

static int suite_init(void)
{
    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS) {
        return 1;
    }
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-admin-XXXXXX");
    if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0) {
        return 1;
    }
    db_path = apr_pstrcat(pool, dir, "/admin.db", NULL);
    unsetenv("AUTHSVC_DB_DRIVER");
    unsetenv("AUTHSVC_DB_PARAMS");
    setenv("AUTHSVC_PASSWORD_BLOCKLIST", AUTHSVC_SOURCE_DIR "/conf/password-blocklist.txt", 1);
    return 0;
}

static void remove_tree(const char *path)
{
    apr_dir_t *d;
    apr_finfo_t fi;

    if (apr_dir_open(&d, path, pool) != APR_SUCCESS) {
        return;
    }
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        const char *child = apr_pstrcat(pool, path, "/", fi.name, NULL);
        if (strcmp(fi.name, ".") == 0 || strcmp(fi.name, "..") == 0) {
            continue;
        }
        if (fi.filetype == APR_DIR) {
            remove_tree(child);
        } else {
            apr_file_remove(child, pool);
        }
    }
    apr_dir_close(d);
    apr_dir_remove(path, pool);
}

static int suite_clean(void)
{
    remove_tree(dir);
    apr_pool_destroy(pool);
    return 0;
}

/* Runs authsvc-admin with argv (NULL-terminated, after the program name) and input on
 * its standard input. with_db prepends --driver sqlite3 --params <db_path>. */
static run_t run_argv(const char *input, int with_db, const char **args)
{
    const char *argv[MAX_ARGS];
    size_t out_len = 0, err_len = 0;
    run_t r = {0, NULL, NULL};
    FILE *in, *out, *err;
    char *out_text, *err_text;
    int argc = 0;

    argv[argc++] = "authsvc-admin";
    if (with_db) {
        argv[argc++] = "--driver";
        argv[argc++] = "sqlite3";
        argv[argc++] = "--params";
        argv[argc++] = db_path;
    }
    while (*args != NULL && argc < MAX_ARGS - 1) {
        argv[argc++] = *args++;
    }
    argv[argc] = NULL;
    in = input != NULL && *input != '\0' ? fmemopen((void *)input, strlen(input), "r")
                                         : fopen("/dev/null", "r");
    out = open_memstream(&r.out, &out_len);
    err = open_memstream(&r.err, &err_len);
    CU_ASSERT_FATAL(in != NULL && out != NULL && err != NULL);
    r.rc = authsvc_admin_main(pool, argc, argv, in, out, err);
    fclose(in);
    fclose(out);
    fclose(err);
    out_text = r.out;
    err_text = r.err;
    r.out = apr_pstrdup(pool, out_text);
    r.err = apr_pstrdup(pool, err_text);
    free(out_text);
    free(err_text);
    return r;
}

#define RUN(input, ...) run_argv((input), 1, (const char *[]){__VA_ARGS__, NULL})
#define RUN_NO_DB(input, ...) run_argv((input), 0, (const char *[]){__VA_ARGS__, NULL})

static int one_error_line(const run_t *r)
{
    size_t len = strlen(r->err);

    return len > 0 && strncmp(r->err, "authsvc-admin: ", 15) == 0 && r->err[len - 1] == '\n'
           && strchr(r->err, '\n') == r->err + len - 1;
}

static authsvc_db_t *open_db(apr_pool_t *p)
{
    authsvc_db_t *db = NULL;
    const char *error = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_open(p, "sqlite3", db_path, &db, &error), AUTHSVC_OK);
    return db;
}

static long long count_rows(authsvc_db_t *db, apr_pool_t *p, const char *table)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    long long n = -1;

    if (authsvc_db_select_text(db, p, apr_pstrcat(p, "SELECT COUNT(*) FROM ", table, NULL),
                               &res)
        == AUTHSVC_OK) {
        while (authsvc_db_next_row(db, p, res, &row)) {
            n = authsvc_db_column_int(db, row, 0, -1);
        }
    }
    return n;
}

/* Row counts of every table, as one string, to compare before and after. */
static const char *snapshot(void)
{
    static const char *const tables[] = {"tenants",
                                         "roles",
                                         "role_permissions",
                                         "auth_clients",
                                         "users",
                                         "user_credentials",
                                         "user_auth_clients",
                                         "user_tenants",
                                         "user_permissions",
                                         "login_attempts",
                                         "schema_migrations"};
    apr_pool_t *p;
    authsvc_db_t *db;
    const char *s = "";
    size_t i;

    apr_pool_create(&p, pool);
    db = open_db(p);
    for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        s = apr_psprintf(pool, "%s %s=%lld", s, tables[i], count_rows(db, p, tables[i]));
    }
    apr_pool_destroy(p);
    return s;
}

/* One value of unprepared SQL, or NULL. */
static const char *query_value(const char *sql)
{
    apr_pool_t *p;
    authsvc_db_t *db;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *value = NULL;

    apr_pool_create(&p, pool);
    db = open_db(p);
    if (authsvc_db_select_text(db, p, sql, &res) == AUTHSVC_OK) {
        while (authsvc_db_next_row(db, p, res, &row)) {
            const char *v = apr_dbd_get_entry(db->driver, row, 0);
            if (value == NULL && v != NULL) {
                value = apr_pstrdup(pool, v);
            }
        }
    }
    apr_pool_destroy(p);
    return value;
}

/* ---------------------------------------------------------------- help and usage */

static void test_help_everywhere_exits_zero(void)
{
    static const char *const words[][2] = {{"migrate", NULL},
                                           {"tenant", "add"},
                                           {"role", "add"},
                                           {"client", "add"},
                                           {"user", "add"},
                                           {"user", "list"},
                                           {"user", "unlock"},
                                           {"user", "link"},
                                           {"user", "unlink"},
                                           {"user", "links"},
                                           {"key", "generate"},
                                           {"tenant", "list"},
                                           {"tenant", "show"},
                                           {"role", "list"},
                                           {"role", "show"},
                                           {"client", "list"},
                                           {"client", "show"},
                                           {"client", "delete"},
                                           {"client", "rotate-secret"},
                                           {"user", "show"},
                                           {"user", "disable"},
                                           {"user", "enable"},
                                           {"user", "delete"},
                                           {"user", "reset-password"},
                                           {"user", "mfa"},
                                           {"activity", NULL},
                                           {"purge", NULL}};
    run_t r = RUN_NO_DB(NULL, "--help");
    size_t i;

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "usage: authsvc-admin"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Run as root on SQLite"));
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        const char *title = words[i][1] != NULL
                                ? apr_pstrcat(pool, words[i][0], " ", words[i][1], NULL)
                                : words[i][0];
        r = words[i][1] != NULL ? RUN_NO_DB(NULL, words[i][0], words[i][1], "--help")
                                : RUN_NO_DB(NULL, words[i][0], "-h");
        CU_ASSERT_EQUAL(r.rc, 0);
        CU_ASSERT_PTR_NOT_NULL(
            strstr(r.out, apr_pstrcat(pool, "usage: authsvc-admin ", title, NULL)));
        CU_ASSERT_STRING_EQUAL(r.err, "");
    }
    r = RUN_NO_DB(NULL, "user", "-h");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "unlock"));
    r = RUN_NO_DB(NULL, "tenant", "add", "--bogus", "--help"); /* help wins */
    CU_ASSERT_EQUAL(r.rc, 0);
}

static void test_usage_errors_exit_two_with_one_line(void)
{
    run_t r = RUN_NO_DB(NULL, "frobnicate");

    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    CU_ASSERT_TRUE(one_error_line(&r));
    r = RUN_NO_DB(NULL, "--bogus");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = run_argv(NULL, 0, (const char *[]){NULL});
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN_NO_DB(NULL, "tenant");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    CU_ASSERT_TRUE(one_error_line(&r));
    r = RUN(NULL, "tenant", "add", "--key", "k");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "missing option --name"));
    CU_ASSERT_TRUE(one_error_line(&r));
    r = RUN(NULL, "tenant", "add", "--key", "k", "--name", "N", "--key", "j");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN(NULL, "tenant", "add", "--key", "k", "--name");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN(NULL, "tenant", "add", "--key", "k", "--name", "N", "extra");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
}

static void test_database_must_be_named(void)
{
    run_t r = RUN_NO_DB(NULL, "user", "list");

    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "AUTHSVC_DB_DRIVER"));
    r = RUN_NO_DB(NULL, "migrate", "--driver", "mysql", "--params", "x");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
}

/* ---------------------------------------------------------------- migrate */

static void test_commands_before_migrate_fail(void)
{
    run_t r = RUN(NULL, "tenant", "add", "--key", "early", "--name", "Early");

    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "authsvc-admin migrate"));
    CU_ASSERT_TRUE(one_error_line(&r));
}

static void test_migrate_then_nothing_to_do(void)
{
    run_t r = RUN(NULL, "migrate");

    CU_ASSERT_EQUAL_FATAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "from version 0 to"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "journal mode: wal"));
    r = RUN(NULL, "migrate");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "nothing to do"));
}

/* ---------------------------------------------------------------- tenant, role */

static void test_tenant_add_and_duplicate(void)
{
    const char *before;
    run_t r = RUN(NULL, "tenant", "add", "--key", "acme", "--name", "Acme Inc");

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(query_value("SELECT name FROM tenants WHERE tenant_key = 'acme'"),
                           "Acme Inc");
    before = snapshot();
    r = RUN(NULL, "tenant", "add", "--key", "acme", "--name", "Other");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_STRING_EQUAL(r.err, "authsvc-admin: tenant 'acme' exists\n");
    CU_ASSERT_STRING_EQUAL(snapshot(), before);
    r = RUN(NULL, "tenant", "add", "--key", "bad key", "--name", "Other");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    CU_ASSERT_STRING_EQUAL(snapshot(), before);
}

static void test_role_add(void)
{
    const char *before;
    run_t r = RUN(NULL, "role", "add", "--tenant", "acme", "--name", "admin", "--permission",
                  "ViewLoginActivity", "--permission", "CreateUser", "--permission",
                  "ViewLoginActivity");

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(query_value("SELECT COUNT(*) FROM role_permissions"), "2");
    r = RUN(NULL, "role", "add", "--tenant", "acme", "--name", "viewer");
    CU_ASSERT_EQUAL(r.rc, 0);
    before = snapshot();
    r = RUN(NULL, "role", "add", "--tenant", "nope", "--name", "admin");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_STRING_EQUAL(r.err, "authsvc-admin: unknown tenant 'nope'\n");
    r = RUN(NULL, "role", "add", "--tenant", "acme", "--name", "admin");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    r = RUN(NULL, "role", "add", "--tenant", "acme", "--name", "x", "--permission", "a b");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    CU_ASSERT_STRING_EQUAL(snapshot(), before);
}

/* ---------------------------------------------------------------- clients */

static const char *secret_in(const char *out)
{
    const char *s = strstr(out, "client_secret: ");

    return s != NULL ? apr_pstrndup(pool, s + 15, strcspn(s + 15, "\n")) : NULL;
}

static void test_client_add_prints_secret_once_and_stores_hash(void)
{
    run_t r = RUN(NULL, "client", "add", "--client-id", "webapp", "--redirect-url",
                  "https://app.example.com/callback", "--code-ttl", "120");
    const char *secret = secret_in(r.out), *stored;

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(secret);
    CU_ASSERT_EQUAL(strlen(secret), 64u);
    stored = query_value("SELECT secret_hash FROM auth_clients WHERE client_id = 'webapp'");
    CU_ASSERT_PTR_NOT_NULL_FATAL(stored);
    CU_ASSERT_EQUAL(authsvc_secret_verify(stored, secret, strlen(secret)), 1);
    CU_ASSERT_PTR_NULL(strstr(stored, secret));
    CU_ASSERT_PTR_NULL(strstr(r.out, stored));
    CU_ASSERT_STRING_EQUAL(query_value("SELECT auth_code_ttl || ',' || access_token_ttl || ','"
                                       " || client_type FROM auth_clients"
                                       " WHERE client_id = 'webapp'"),
                           "120,900,confidential");
}

static void test_client_add_public_and_bad_input(void)
{
    const char *before;
    run_t r = RUN(NULL, "client", "add", "--client-id", "spa", "--public");

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NULL(secret_in(r.out));
    CU_ASSERT_PTR_NULL(
        query_value("SELECT secret_hash FROM auth_clients WHERE client_id = 'spa'"));
    before = snapshot();
    r = RUN(NULL, "client", "add", "--client-id", "c2", "--code-ttl", "601");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN(NULL, "client", "add", "--client-id", "c2", "--access-ttl", "-5");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN(NULL, "client", "add", "--client-id", "c2", "--redirect-url",
            "javascript:alert(1)");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN(NULL, "client", "add", "--client-id", "webapp");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_PTR_NULL(secret_in(r.out));
    CU_ASSERT_TRUE(one_error_line(&r));
    CU_ASSERT_STRING_EQUAL(snapshot(), before);
}

/* ---------------------------------------------------------------- users */

static void test_user_add_with_password_stdin(void)
{
    const char *hash;
    run_t r = RUN("correct horse battery staple\n", "user", "add", "--username", "Alice",
                  "--email", "alice@example.com", "--first-name", "Alice", "--tenant", "acme",
                  "--role", "admin", "--client", "webapp", "--client", "spa",
                  "--password-stdin");

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    CU_ASSERT_PTR_NULL(strstr(r.out, "correct horse"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "$argon2id"));
    CU_ASSERT_STRING_EQUAL(query_value(
                               "SELECT username_key FROM users WHERE username = 'Alice'"),
                           "alice");
    hash = query_value("SELECT password_hash FROM user_credentials");
    CU_ASSERT_PTR_NOT_NULL_FATAL(hash);
    CU_ASSERT_EQUAL(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
    CU_ASSERT_EQUAL(authsvc_password_verify(hash, "correct horse battery staple", 28), 1);
    CU_ASSERT_STRING_EQUAL(query_value("SELECT COUNT(*) FROM user_auth_clients"), "2");
    CU_ASSERT_STRING_EQUAL(query_value("SELECT status FROM user_tenants"), "1");
    CU_ASSERT_STRING_EQUAL(query_value(
                               "SELECT u.default_tenant_id = t.id FROM users u, tenants t"
                               " WHERE t.tenant_key = 'acme'"),
                           "1");
}

static void test_user_add_bad_input_changes_nothing(void)
{
    static const struct {
        const char *input;
        int rc;
        const char *args[16];
    } cases[] = {
        {"password123\n", 1, {"--username", "bob", "--tenant", "nope", "--role", "admin"}},
        {"password123\n", 1, {"--username", "bob", "--tenant", "acme", "--role", "nope"}},
        {"password123\n",
         1,
         {"--username", "bob", "--tenant", "acme", "--role", "admin", "--client", "ghost"}},
        {"password123\n", 1, {"--username", "ALICE", "--tenant", "acme", "--role", "admin"}},
        {"short\n", 1, {"--username", "bob", "--tenant", "acme", "--role", "admin"}},
        {"", 1, {"--username", "bob", "--tenant", "acme", "--role", "admin"}},
        {"password123\n", 2, {"--username", "bob", "--tenant", "acme"}},
        {"password123\n",
         2,
         {"--username", "bob", "--tenant", "acme", "--role", "admin", "--status", "happy"}},
        {"password123\n",
         2,
         {"--username", "bob", "--tenant", "acme", "--role", "admin", "--email",
          "not-an-email"}},
        {"password123\n", 2, {"--username", " bob", "--tenant", "acme", "--role", "admin"}},
    };
    const char *before = snapshot();
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *args[24] = {"user", "add", "--password-stdin"};
        run_t r;
        int n = 3, j;
        for (j = 0; cases[i].args[j] != NULL; j++) {
            args[n++] = cases[i].args[j];
        }
        args[n] = NULL;
        r = run_argv(cases[i].input, 1, args);
        CU_ASSERT_EQUAL(r.rc, cases[i].rc);
        CU_ASSERT_TRUE(one_error_line(&r));
        CU_ASSERT_PTR_NULL(strstr(r.err, "password1"));
        CU_ASSERT_STRING_EQUAL(snapshot(), before);
    }
}

static void test_user_add_password_length_limits(void)
{
    char *longest = apr_palloc(pool, 260), *too_long = apr_palloc(pool, 260);
    run_t r;

    memset(longest, 'p', 256);
    strcpy(longest + 256, "\n");
    memset(too_long, 'p', 257);
    strcpy(too_long + 257, "\n");
    r = RUN(too_long, "user", "add", "--username", "carol", "--tenant", "acme", "--role",
            "viewer", "--password-stdin");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_PTR_NULL(query_value("SELECT id FROM users WHERE username_key = 'carol'"));
    r = RUN(longest, "user", "add", "--username", "carol", "--tenant", "acme", "--role",
            "viewer", "--status", "password-change-needed", "--password-stdin");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(query_value("SELECT ut.status FROM user_tenants ut JOIN users u"
                                       " ON u.id = ut.user_id WHERE u.username_key = 'carol'"),
                           "3");
}

static void test_user_list_shows_no_secrets(void)
{
    run_t r = RUN(NULL, "user", "list");

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(
        apr_pstrndup(pool, r.out, 59),
        "ID\tUSERNAME\tEMAIL\tTENANT\tROLE\tSTATUS\tFAILURES\tLOCKED_UNTIL\n");
    CU_ASSERT_PTR_NOT_NULL(
        strstr(r.out, "\tAlice\talice@example.com\tacme\tadmin\tactive\t0\t-\n"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(r.out, "\tcarol\t-\tacme\tviewer\tpassword-change-needed\t0\t-\n"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "$argon2id"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "sha256:"));
    r = RUN(NULL, "user", "list", "--tenant", "acme");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\tAlice\t"));
    r = RUN(NULL, "user", "list", "--tenant", "nope");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_STRING_EQUAL(r.err, "authsvc-admin: unknown tenant 'nope'\n");
}

static void add_attempt(authsvc_db_t *db, apr_pool_t *p, const char *scope, const char *subject)
{
    const char *now = authsvc_db_int_arg(p, authsvc_db_now_ms());
    const char *ip_args[] = {subject, now, now, now};
    const char *account_args[] = {subject, "", now, "0", now, now, "5", now};
    apr_dbd_row_t *row = NULL;

    if (strcmp(scope, "ip") == 0) {
        CU_ASSERT_EQUAL(authsvc_db_exec(db, p, "authsvc_login_attempt_ip_failure", NULL, 4,
                                        ip_args),
                        AUTHSVC_OK);
    } else {
        CU_ASSERT_EQUAL(authsvc_db_select_one(db, p, "authsvc_login_attempt_account_reserve",
                                              &row, 8, account_args),
                        AUTHSVC_OK);
    }
}

static void test_user_unlock_clears_only_that_account(void)
{
    apr_pool_t *p;
    authsvc_db_t *db;
    run_t r;

    apr_pool_create(&p, pool);
    db = open_db(p);
    add_attempt(db, p, "account", "alice");
    add_attempt(db, p, "account", "carol");
    add_attempt(db, p, "ip", "192.0.2.1");
    apr_pool_destroy(p);
    r = RUN(NULL, "user", "unlock", "--username", "ALICE");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "1 lockout record cleared"));
    CU_ASSERT_STRING_EQUAL(query_value(
                               "SELECT group_concat(subject) FROM"
                               " (SELECT subject FROM login_attempts ORDER BY subject)"),
                           "192.0.2.1,carol");
    r = RUN(NULL, "user", "unlock", "--username", "NoBody");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_TRUE(one_error_line(&r));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown user 'nobody'"));
}

static void test_user_without_password_and_its_identities(void)
{
    static const char idp[] = "saml:https://idp.example/metadata";
    run_t r = RUN(NULL, "user", "add", "--username", "dora", "--tenant", "acme", "--role",
                  "viewer", "--no-password");

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, ", no password"));
    CU_ASSERT_STRING_EQUAL(query_value("SELECT COUNT(*) FROM user_credentials c JOIN users u"
                                       " ON u.id = c.user_id WHERE u.username_key = 'dora'"),
                           "0");
    r = RUN(NULL, "user", "link", "--username", "dora", "--provider", idp, "--subject",
            "dora@example.com");
    CU_ASSERT_EQUAL(r.rc, 0);
    r = RUN(NULL, "user", "links", "--username", "DORA");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out,
                                  "PROVIDER\tSUBJECT\tLINKED\n"
                                  "saml:https://idp.example/metadata\tdora@example.com\t"));
    r = RUN(NULL, "user", "link", "--username", "Alice", "--provider", idp, "--subject",
            "dora@example.com"); /* an identity belongs to one user */
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_TRUE(one_error_line(&r));
    r = RUN(NULL, "user", "link", "--username", "dora", "--provider", "totp", "--subject", "x");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN(NULL, "user", "unlink", "--provider", idp, "--subject", "dora@example.com");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(query_value("SELECT COUNT(*) FROM user_credentials"
                                       " WHERE provider LIKE 'saml:%'"),
                           "0");
    r = RUN(NULL, "user", "add", "--username", "eddy", "--tenant", "acme", "--role", "viewer",
            "--no-password", "--password-stdin");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
}

static void test_database_from_environment(void)
{
    run_t r;

    setenv("AUTHSVC_DB_DRIVER", "sqlite3", 1);
    setenv("AUTHSVC_DB_PARAMS", db_path, 1);
    r = RUN_NO_DB(NULL, "user", "list");
    unsetenv("AUTHSVC_DB_DRIVER");
    unsetenv("AUTHSVC_DB_PARAMS");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\tAlice\t"));
}

/* ---------------------------------------------------------------- keys */

static EVP_PKEY *read_key(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *key;

    if (f == NULL) {
        return NULL;
    }
    key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return key;
}

static void test_key_generate(void)
{
    const char *rsa = apr_pstrcat(pool, dir, "/rsa.pem", NULL);
    const char *ec = apr_pstrcat(pool, dir, "/ec.pem", NULL);
    struct stat st;
    EVP_PKEY *key;
    run_t r = RUN_NO_DB(NULL, "key", "generate", "--alg", "RS256", "--out", rsa);

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_EQUAL_FATAL(stat(rsa, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    key = read_key(rsa);
    CU_ASSERT_PTR_NOT_NULL_FATAL(key);
    CU_ASSERT_TRUE(EVP_PKEY_is_a(key, "RSA"));
    CU_ASSERT_EQUAL(EVP_PKEY_get_bits(key), 2048);
    EVP_PKEY_free(key);
    r = RUN_NO_DB(NULL, "key", "generate", "--alg", "ES256", "--out", ec);
    CU_ASSERT_EQUAL(r.rc, 0);
    key = read_key(ec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(key);
    CU_ASSERT_TRUE(EVP_PKEY_is_a(key, "EC"));
    CU_ASSERT_EQUAL(EVP_PKEY_get_bits(key), 256);
    EVP_PKEY_free(key);
}

/* An EdDSA key the module loads (keys.c) and signs a JWT with (jwt.c). */
static void test_key_generate_eddsa_loads_and_signs(void)
{
    const char *ed = apr_pstrcat(pool, dir, "/ed25519.pem", NULL), *why = NULL, *token = NULL;
    authsvc_key_t *key = NULL;
    cJSON *claims = authsvc_json_own(pool, cJSON_CreateObject());
    struct stat st;
    run_t r = RUN_NO_DB(NULL, "key", "generate", "--alg", "EdDSA", "--out", ed);

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "EdDSA private key (Ed25519)"));
    CU_ASSERT_EQUAL_FATAL(stat(ed, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    CU_ASSERT_EQUAL_FATAL(authsvc_key_load_pem_file(pool, ed, &key, &why), AUTHSVC_OK);
    CU_ASSERT_EQUAL(key->alg, AUTHSVC_JWS_EDDSA);
    cJSON_AddStringToObject(claims, "sub", "u1");
    CU_ASSERT_EQUAL(authsvc_jwt_sign(pool, key, claims, &token), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL(token);
    r = RUN_NO_DB(NULL, "key", "generate", "--alg", "EdDSA", "--bits", "2048", "--out",
                  apr_pstrcat(pool, dir, "/ed2.pem", NULL));
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
}

static void test_key_generate_refuses_overwrite_and_bad_options(void)
{
    const char *path = apr_pstrcat(pool, dir, "/existing.pem", NULL);
    const char *other = apr_pstrcat(pool, dir, "/other.pem", NULL);
    FILE *f = fopen(path, "w");
    run_t r;
    char buf[16] = "";

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("keep me\n", f);
    fclose(f);
    r = RUN_NO_DB(NULL, "key", "generate", "--alg", "ES256", "--out", path);
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_TRUE(one_error_line(&r));
    f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_PTR_NOT_NULL(fgets(buf, sizeof(buf), f));
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "keep me\n");
    r = RUN_NO_DB(NULL, "key", "generate", "--alg", "HS256", "--out", other);
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN_NO_DB(NULL, "key", "generate", "--alg", "RS256", "--bits", "1024", "--out", other);
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    r = RUN_NO_DB(NULL, "key", "generate", "--alg", "ES256", "--bits", "2048", "--out", other);
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_USAGE);
    CU_ASSERT_NOT_EQUAL(access(other, F_OK), 0);
}

/* ---------------------------------------------------------------- root and SQLite */

/* As root, on a directory owned by another user, every file the run leaves behind
 * belongs to that user. Runs in a child: dropping privileges is for good. */
/* The server's policy: characters, not bytes; the blocklist; the username. */
static void test_password_policy_is_the_servers(void)
{
    static const char *const refused[] = {
        "password\n",       /* on the blocklist */
        "PassWord1\n",      /* on it without regard to case */
        "h\xc3\xa9llo!!\n", /* 7 characters in 8 bytes */
        "policyuser\n",     /* the username */
    };
    const char *before = snapshot();
    size_t i;
    run_t r;

    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        r = RUN(refused[i], "user", "add", "--username", "policyuser", "--tenant", "acme",
                "--role", "viewer", "--password-stdin");
        CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
        CU_ASSERT_TRUE(one_error_line(&r));
        CU_ASSERT_STRING_EQUAL(snapshot(), before);
    }
    r = RUN("h\xc3\xa9llo!!\n", "user", "add", "--username", "policyuser", "--tenant", "acme",
            "--role", "viewer", "--password-stdin", "--blocklist", "/nonexistent/list");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--blocklist"));
    r = RUN("twelve chars\n", "user", "add", "--username", "policyuser", "--tenant", "acme",
            "--role", "viewer", "--password-stdin", "--min-length", "13");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "at least 13 characters"));
    r = RUN("h\xc3\xa9llo!!!\n", "user", "add", "--username", "policyuser", "--tenant", "acme",
            "--role", "viewer", "--password-stdin");
    CU_ASSERT_EQUAL(r.rc, 0);
    r = RUN("password\n", "user", "reset-password", "--username", "policyuser",
            "--password-stdin");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    r = RUN("another pass phrase\n", "user", "reset-password", "--username", "policyuser",
            "--password-stdin");
    CU_ASSERT_EQUAL(r.rc, 0);
}

/* The help of client add states the code lifetime the code uses. */
static void test_client_help_names_the_real_defaults(void)
{
    run_t r = RUN_NO_DB(NULL, "client", "add", "--help");

    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "(default 60, at most 600)"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "180"));
}

/* --json prints what the text shows, as JSON; show on an unknown name is one line. */
static void test_list_and_show_json(void)
{
    run_t r = RUN(NULL, "tenant", "list", "--json");

    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_EQUAL(r.out[0], '[');
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"key\":\"acme\""));
    r = RUN(NULL, "user", "show", "--username", "policyuser", "--json");
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"password\":true"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "argon2"));
    r = RUN(NULL, "user", "show", "--username", "nobody-here");
    CU_ASSERT_EQUAL(r.rc, AUTHSVC_ADMIN_FAILURE);
    CU_ASSERT_TRUE(one_error_line(&r));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown user 'nobody-here'"));
}

static void test_root_switches_to_the_directory_owner(void)
{
    struct passwd *nobody = getpwnam("nobody");
    const char *sub = apr_pstrcat(pool, dir, "/owned", NULL);
    const char *path = apr_pstrcat(pool, sub, "/owned.db", NULL);
    apr_dir_t *d;
    apr_finfo_t fi;
    int status = -1, files = 0;
    pid_t pid;

    if (geteuid() != 0 || nobody == NULL) {
        return; /* only root can switch users */
    }
    CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(chown(sub, nobody->pw_uid, nobody->pw_gid), 0);
    fflush(NULL);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        const char *argv[] = {"authsvc-admin", "--driver", "sqlite3", "--params", path,
                              "migrate",       NULL};
        FILE *sink = fopen("/dev/null", "w");
        _exit(authsvc_admin_main(pool, 6, argv, stdin, sink, sink));
    }
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL_FATAL(apr_dir_open(&d, sub, pool), APR_SUCCESS);
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_USER, d) == APR_SUCCESS) {
        if (strcmp(fi.name, ".") != 0 && strcmp(fi.name, "..") != 0) {
            files++;
            CU_ASSERT_EQUAL(fi.user, nobody->pw_uid);
        }
    }
    apr_dir_close(d);
    CU_ASSERT_TRUE(files >= 1);
}

void authsvc_test_register_admin(void)
{
    CU_pSuite s = CU_add_suite("admin", suite_init, suite_clean);

    CU_add_test(s, "--help on every command exits 0", test_help_everywhere_exits_zero);
    CU_add_test(s, "usage errors exit 2 with one line",
                test_usage_errors_exit_two_with_one_line);
    CU_add_test(s, "a database must be named", test_database_must_be_named);
    CU_add_test(s, "commands refuse an unmigrated database", test_commands_before_migrate_fail);
    CU_add_test(s, "migrate, then nothing to do", test_migrate_then_nothing_to_do);
    CU_add_test(s, "tenant add; a duplicate changes nothing", test_tenant_add_and_duplicate);
    CU_add_test(s, "role add with permissions", test_role_add);
    CU_add_test(s, "client add prints the secret once, stores its hash",
                test_client_add_prints_secret_once_and_stores_hash);
    CU_add_test(s, "client add: public client, bad input",
                test_client_add_public_and_bad_input);
    CU_add_test(s, "user add with --password-stdin", test_user_add_with_password_stdin);
    CU_add_test(s, "user add: bad input changes nothing",
                test_user_add_bad_input_changes_nothing);
    CU_add_test(s, "user add: password length limits", test_user_add_password_length_limits);
    CU_add_test(s, "user list shows no secrets", test_user_list_shows_no_secrets);
    CU_add_test(s, "user unlock clears only that account",
                test_user_unlock_clears_only_that_account);
    CU_add_test(s, "user add --no-password; user link, links, unlink",
                test_user_without_password_and_its_identities);
    CU_add_test(s, "the database from the environment", test_database_from_environment);
    CU_add_test(s, "key generate writes RS256 and ES256 keys", test_key_generate);
    CU_add_test(s, "key generate EdDSA: the module loads it and signs",
                test_key_generate_eddsa_loads_and_signs);
    CU_add_test(s, "key generate refuses to overwrite and bad options",
                test_key_generate_refuses_overwrite_and_bad_options);
    CU_add_test(s, "the password policy is the server's", test_password_policy_is_the_servers);
    CU_add_test(s, "client add's help names the real defaults",
                test_client_help_names_the_real_defaults);
    CU_add_test(s, "list and show, as text and JSON", test_list_and_show_json);
    CU_add_test(s, "root on SQLite switches to the directory owner",
                test_root_switches_to_the_directory_owner);
}
