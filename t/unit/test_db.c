/* db.c, db_statements.c, db_migrate.c and the SQL files, on a real SQLite file. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "authsvc_db.h"
#include "authsvc_migrate.h"
#include "unit.h"

static apr_pool_t *pool;    /* the suite's */
static char *dir;           /* temporary directory of the suite */
static const char *db_path; /* the migrated database every test shares */
static authsvc_db_t *db;

static int remove_tree(apr_pool_t *p, const char *path)
{
    apr_dir_t *d;
    apr_finfo_t fi;

    if (apr_dir_open(&d, path, p) != APR_SUCCESS) {
        return -1;
    }
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        const char *child = apr_pstrcat(p, path, "/", fi.name, NULL);
        if (strcmp(fi.name, ".") == 0 || strcmp(fi.name, "..") == 0) {
            continue;
        }
        if (fi.filetype == APR_DIR) {
            remove_tree(p, child);
        } else {
            apr_file_remove(child, p);
        }
    }
    apr_dir_close(d);
    return apr_dir_remove(path, p) == APR_SUCCESS ? 0 : -1;
}

static int suite_init(void)
{
    const char *error = NULL;
    authsvc_migrate_result_t result;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS) {
        return 1;
    }
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-db-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        return 1;
    }
    db_path = apr_pstrcat(pool, dir, "/shared.db", NULL);
    if (authsvc_db_open(pool, "sqlite3", db_path, &db, &error) != AUTHSVC_OK) {
        return 1;
    }
    return authsvc_migrate(db, pool, &result) == AUTHSVC_OK ? 0 : 1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool); /* closes the connection */
    remove_tree(authsvc_test_pool(), dir);
    return 0;
}

/* A fresh database file in the suite's directory. */
static authsvc_db_t *open_new(apr_pool_t *p, const char *name)
{
    authsvc_db_t *fresh = NULL;
    const char *error = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_open(p, "sqlite3", apr_pstrcat(p, dir, "/", name, NULL),
                                          &fresh, &error),
                          AUTHSVC_OK);
    return fresh;
}

static long long count_rows(authsvc_db_t *d, apr_pool_t *p, const char *table)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    long long n = -1;

    if (authsvc_db_select_text(d, p, apr_pstrcat(p, "SELECT COUNT(*) FROM ", table, NULL), &res)
        != AUTHSVC_OK) {
        return -1;
    }
    while (authsvc_db_next_row(d, p, res, &row)) {
        n = authsvc_db_column_int(d, row, 0, -1);
    }
    return n;
}

static authsvc_status_t exec(const char *label, int n, const char **args, int *nrows)
{
    return authsvc_db_exec(db, pool, label, nrows, n, args);
}

/* ---------------------------------------------------------------- catalogue */

static void test_dialect_from_driver(void)
{
    authsvc_dialect_t d = AUTHSVC_DIALECT_PGSQL;

    CU_ASSERT_EQUAL(authsvc_db_dialect_from_driver("sqlite3", &d), AUTHSVC_OK);
    CU_ASSERT_EQUAL(d, AUTHSVC_DIALECT_SQLITE);
    CU_ASSERT_EQUAL(authsvc_db_dialect_from_driver("pgsql", &d), AUTHSVC_OK);
    CU_ASSERT_EQUAL(d, AUTHSVC_DIALECT_PGSQL);
    CU_ASSERT_EQUAL(authsvc_db_dialect_from_driver("mysql", &d), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_db_dialect_from_driver(NULL, &d), AUTHSVC_INVALID);
}

static void test_catalogue_labels_are_prefixed_and_unique(void)
{
    apr_size_t i, j, count = 0;
    const authsvc_db_statement_t *all = authsvc_db_statements(&count);

    CU_ASSERT_TRUE_FATAL(count > 40);
    for (i = 0; i < count; i++) {
        CU_ASSERT_EQUAL(strncmp(all[i].label, "authsvc_", 8), 0);
        CU_ASSERT_TRUE(all[i].sql != NULL && all[i].sql[0] != '\0');
        CU_ASSERT_PTR_EQUAL(authsvc_db_statement_find(all[i].label), &all[i]);
        for (j = i + 1; j < count; j++) {
            CU_ASSERT_STRING_NOT_EQUAL(all[i].label, all[j].label);
        }
    }
    CU_ASSERT_PTR_NULL(authsvc_db_statement_find("authsvc_no_such_statement"));
}

/* apr_dbd reads '%' + letter as a placeholder: only %s, %d and %lld are meant. */
static int placeholders_ok(const char *sql)
{
    const char *c;

    for (c = strchr(sql, '%'); c != NULL; c = strchr(c + 1, '%')) {
        if (c[1] == '%') {
            c++;
        } else if (c[1] != 's' && c[1] != 'd' && strncmp(c + 1, "lld", 3) != 0) {
            return 0;
        }
    }
    return 1;
}

static void test_catalogue_placeholders(void)
{
    apr_size_t i, count = 0;
    const authsvc_db_statement_t *all = authsvc_db_statements(&count);

    for (i = 0; i < count; i++) {
        CU_ASSERT_TRUE(placeholders_ok(all[i].sql));
        CU_ASSERT_PTR_NULL(strchr(all[i].sql, ';'));
        if (all[i].sql_pgsql != NULL) {
            CU_ASSERT_TRUE(placeholders_ok(all[i].sql_pgsql));
        }
    }
    CU_ASSERT_FALSE(placeholders_ok("SELECT 1 WHERE a LIKE 'x%y'"));
}

static void test_every_statement_prepares_on_sqlite(void)
{
    apr_pool_t *p;
    authsvc_db_t *fresh;
    const char *failed = "none";
    authsvc_migrate_result_t result;
    apr_size_t i, count = 0;
    const authsvc_db_statement_t *all = authsvc_db_statements(&count);

    apr_pool_create(&p, pool);
    fresh = open_new(p, "prepare.db");
    /* before the tables exist, preparing fails and names the statement */
    CU_ASSERT_NOT_EQUAL(authsvc_db_prepare_all(fresh, &failed), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL(failed);
    CU_ASSERT_EQUAL_FATAL(authsvc_migrate(fresh, p, &result), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_prepare_all(fresh, &failed), AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(failed);
    for (i = 0; i < count; i++) {
        CU_ASSERT_PTR_NOT_NULL(
            apr_hash_get(fresh->prepared, all[i].label, APR_HASH_KEY_STRING));
    }
    apr_pool_destroy(p);
}

static void test_direct_statements(void)
{
    CU_ASSERT_STRING_EQUAL(authsvc_db_direct_sql(AUTHSVC_DB_DIRECT_SESSION_INIT,
                                                 AUTHSVC_DIALECT_SQLITE),
                           "PRAGMA foreign_keys = ON");
    CU_ASSERT_STRING_EQUAL(authsvc_db_direct_sql(AUTHSVC_DB_DIRECT_SESSION_INIT,
                                                 AUTHSVC_DIALECT_PGSQL),
                           "");
    CU_ASSERT_PTR_NOT_NULL(
        strstr(authsvc_db_direct_sql(AUTHSVC_DB_DIRECT_MIGRATIONS_EXIST, AUTHSVC_DIALECT_PGSQL),
               "information_schema"));
    CU_ASSERT_PTR_NULL(authsvc_db_direct_sql("authsvc_nothing", AUTHSVC_DIALECT_SQLITE));
}

/* The one answer of a built query "SELECT %s || 'N'" with argument "x". */
static const char *built_answer(authsvc_db_t *d, apr_pool_t *p, const char *sql)
{
    const char *args[] = {"x"};
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *value = NULL;

    if (authsvc_db_select_built(d, p, sql, &res, 1, args) != AUTHSVC_OK) {
        return NULL;
    }
    while (authsvc_db_next_row(d, p, res, &row)) {
        value = authsvc_db_column(d, row, 0);
    }
    return value;
}

static int built_count(authsvc_db_t *d)
{
    const int *count = apr_hash_get(d->prepared, "authsvc_built_count", APR_HASH_KEY_STRING);

    return count != NULL ? *count : 0;
}

static void test_built_label(void)
{
    const char *a = authsvc_db_built_label(pool, "SELECT 1");

    CU_ASSERT_STRING_EQUAL(a, authsvc_db_built_label(pool, "SELECT 1"));
    CU_ASSERT_STRING_NOT_EQUAL(a, authsvc_db_built_label(pool, "SELECT 2"));
    CU_ASSERT_EQUAL(strncmp(a, "authsvc_built_", 14), 0);
    CU_ASSERT_EQUAL(strlen(a), 14 + 16); /* within PostgreSQL's 63 bytes */
}

/* A built text is prepared once per connection and used again. */
static void test_built_statement_is_kept_per_text(void)
{
    apr_pool_t *p;
    authsvc_db_t *d;
    const char *a = "SELECT %s || 'a'", *b = "SELECT %s || 'b'";
    const void *first;

    apr_pool_create(&p, pool);
    d = open_new(p, "built.db");
    CU_ASSERT_STRING_EQUAL(built_answer(d, p, a), "xa");
    first = apr_hash_get(d->prepared, apr_pstrcat(p, "authsvc_built ", a, NULL),
                         APR_HASH_KEY_STRING);
    CU_ASSERT_PTR_NOT_NULL(first);
    CU_ASSERT_STRING_EQUAL(built_answer(d, p, a), "xa");
    CU_ASSERT_PTR_EQUAL(apr_hash_get(d->prepared, apr_pstrcat(p, "authsvc_built ", a, NULL),
                                     APR_HASH_KEY_STRING),
                        first);
    CU_ASSERT_STRING_EQUAL(built_answer(d, p, b), "xb");
    CU_ASSERT_EQUAL(built_count(d), 2);
    apr_pool_destroy(p);
}

/* Past AUTHSVC_DB_BUILT_MAX texts nothing more is kept, and every text still answers:
 * on a file on a connection of its own, in memory on the same one. */
static void run_past_the_cache(authsvc_db_t *d, apr_pool_t *p)
{
    int i;

    for (i = 0; i < AUTHSVC_DB_BUILT_MAX + 10; i++) {
        const char *sql = apr_psprintf(p, "SELECT %%s || '%d'", i);
        const char *answer = built_answer(d, p, sql);

        CU_ASSERT_PTR_NOT_NULL_FATAL(answer);
        CU_ASSERT_STRING_EQUAL(answer, apr_psprintf(p, "x%d", i));
        CU_ASSERT_EQUAL(apr_hash_get(d->prepared, apr_pstrcat(p, "authsvc_built ", sql, NULL),
                                     APR_HASH_KEY_STRING)
                            != NULL,
                        i < AUTHSVC_DB_BUILT_MAX);
    }
    CU_ASSERT_EQUAL(built_count(d), AUTHSVC_DB_BUILT_MAX);
}

static void test_built_statements_past_the_cache(void)
{
    apr_pool_t *p;
    authsvc_db_t *d = NULL;
    const char *error = NULL;

    apr_pool_create(&p, pool);
    run_past_the_cache(open_new(p, "built-many.db"), p);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_open(p, "sqlite3", ":memory:", &d, &error), AUTHSVC_OK);
    run_past_the_cache(d, p);
    apr_pool_destroy(p);
}

/* The PRAGMAs of httpd's SQLite connections (dbd.c), and what they answer. */
static const char *pragma_value(authsvc_db_t *d, apr_pool_t *p, const char *sql)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *value = NULL;

    if (authsvc_db_select_text(d, p, sql, &res) != AUTHSVC_OK) {
        return NULL;
    }
    while (authsvc_db_next_row(d, p, res, &row)) {
        value = authsvc_db_column(d, row, 0);
    }
    return value;
}

static void test_connection_pragmas(void)
{
    const char *mode = NULL, *value;
    apr_pool_t *p;
    authsvc_db_t *d;

    CU_ASSERT_STRING_EQUAL(authsvc_db_direct_sql(AUTHSVC_DB_DIRECT_SYNC_NORMAL,
                                                 AUTHSVC_DIALECT_PGSQL),
                           "");
    CU_ASSERT_STRING_EQUAL(authsvc_db_direct_sql(AUTHSVC_DB_DIRECT_CACHE_SIZE,
                                                 AUTHSVC_DIALECT_PGSQL),
                           "");
    apr_pool_create(&p, pool);
    d = open_new(p, "shared.db"); /* the migrated one: WAL */
    CU_ASSERT_EQUAL(authsvc_db_direct(d, p, AUTHSVC_DB_DIRECT_JOURNAL_MODE, &mode), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(mode ? mode : "", "wal");
    CU_ASSERT_EQUAL(authsvc_db_direct(d, p, AUTHSVC_DB_DIRECT_SYNC_NORMAL, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_direct(d, p, AUTHSVC_DB_DIRECT_CACHE_SIZE, NULL), AUTHSVC_OK);
    value = pragma_value(d, p, "PRAGMA synchronous");
    CU_ASSERT_STRING_EQUAL(value ? value : "", "1"); /* NORMAL */
    value = pragma_value(d, p, "PRAGMA cache_size");
    CU_ASSERT_STRING_EQUAL(value ? value : "", "-512");
    apr_pool_destroy(p);
}

/* ---------------------------------------------------------------- migrations */

/* Migrations of a dialect: versions may have gaps (branches number theirs apart). */
static int migration_count(authsvc_dialect_t d)
{
    apr_size_t i;
    int n = 0;

    for (i = 0; i < authsvc_migrations_count; i++)
        n += authsvc_migrations[i].dialect == d;
    return n;
}

static void test_migrate_creates_schema_and_wal(void)
{
    apr_pool_t *p;
    authsvc_db_t *fresh;
    authsvc_migrate_result_t result;
    int version = -1;
    int latest = authsvc_migrate_latest(authsvc_migrations, authsvc_migrations_count,
                                        AUTHSVC_DIALECT_SQLITE);

    apr_pool_create(&p, pool);
    fresh = open_new(p, "migrate.db");
    CU_ASSERT_EQUAL(authsvc_db_schema_version(fresh, p, &version), AUTHSVC_OK);
    CU_ASSERT_EQUAL(version, 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_migrate(fresh, p, &result), AUTHSVC_OK);
    CU_ASSERT_TRUE(latest >= 1);
    CU_ASSERT_EQUAL(result.from_version, 0);
    CU_ASSERT_EQUAL(result.to_version, latest);
    CU_ASSERT_EQUAL(result.applied, migration_count(AUTHSVC_DIALECT_SQLITE));
    CU_ASSERT_STRING_EQUAL(result.journal_mode, "wal");
    CU_ASSERT_EQUAL(authsvc_db_schema_version(fresh, p, &version), AUTHSVC_OK);
    CU_ASSERT_EQUAL(version, latest);
    CU_ASSERT_EQUAL(count_rows(fresh, p, "schema_migrations"),
                    migration_count(AUTHSVC_DIALECT_SQLITE));
    apr_pool_destroy(p);
}

static void test_migrate_twice_applies_nothing(void)
{
    authsvc_migrate_result_t result;
    long long before = count_rows(db, pool, "schema_migrations");

    CU_ASSERT_EQUAL(authsvc_migrate(db, pool, &result), AUTHSVC_OK);
    CU_ASSERT_EQUAL(result.applied, 0);
    CU_ASSERT_EQUAL(result.from_version, result.to_version);
    CU_ASSERT_TRUE(before >= 1);
    CU_ASSERT_EQUAL(count_rows(db, pool, "schema_migrations"), before);
}

static void test_wal_mode_persists_in_the_file(void)
{
    apr_pool_t *p;
    authsvc_db_t *other;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *mode = NULL, *error = NULL;

    apr_pool_create(&p, pool);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_open(p, "sqlite3", db_path, &other, &error), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_select_text(other, p, "PRAGMA journal_mode", &res),
                          AUTHSVC_OK);
    while (authsvc_db_next_row(other, p, res, &row)) {
        mode = authsvc_db_column(other, row, 0);
    }
    CU_ASSERT_STRING_EQUAL(mode, "wal");
    apr_pool_destroy(p);
}

/* Migrators started together on one new file: each succeeds, the schema is applied once. */
static void test_concurrent_migrators_apply_once(void)
{
    const char *path = apr_pstrcat(pool, dir, "/concurrent.db", NULL);
    apr_pool_t *p;
    authsvc_db_t *check;
    const char *error = NULL;
    int i, status, ok = 0;

    fflush(NULL);
    for (i = 0; i < 4; i++) {
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
            authsvc_db_t *mine = NULL;
            authsvc_migrate_result_t result;
            _exit(authsvc_db_open(pool, "sqlite3", path, &mine, &error) == AUTHSVC_OK
                          && authsvc_migrate(mine, pool, &result) == AUTHSVC_OK
                      ? 0
                      : 1);
        }
    }
    for (i = 0; i < 4; i++) {
        if (wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            ok++;
        }
    }
    CU_ASSERT_EQUAL(ok, 4);
    apr_pool_create(&p, pool);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_open(p, "sqlite3", path, &check, &error), AUTHSVC_OK);
    CU_ASSERT_EQUAL(count_rows(check, p, "schema_migrations"),
                    migration_count(AUTHSVC_DIALECT_SQLITE));
    apr_pool_destroy(p);
}

static void test_failed_migration_rolls_back(void)
{
    static const authsvc_migration_t list[] = {
        {AUTHSVC_DIALECT_SQLITE, 1, "001_a.sql",
         "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,\n"
         "    applied_at BIGINT NOT NULL);\nCREATE TABLE t1 (a INTEGER);\n"},
        {AUTHSVC_DIALECT_SQLITE, 2, "002_b.sql",
         "CREATE TABLE t2 (a INTEGER);\nTHIS IS NOT SQL;\n"},
        {AUTHSVC_DIALECT_PGSQL, 1, "001_a.sql", "not for sqlite;\n"},
    };
    apr_pool_t *p;
    authsvc_db_t *fresh;
    authsvc_migrate_result_t result;
    int version = -1;

    apr_pool_create(&p, pool);
    fresh = open_new(p, "failing.db");
    CU_ASSERT_NOT_EQUAL(authsvc_migrate_apply(fresh, p, list, 3, &result), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(result.failed);
    CU_ASSERT_STRING_EQUAL(result.failed, "002_b.sql");
    CU_ASSERT_EQUAL(result.to_version, 1);
    CU_ASSERT_EQUAL(authsvc_db_schema_version(fresh, p, &version), AUTHSVC_OK);
    CU_ASSERT_EQUAL(version, 1);
    CU_ASSERT_EQUAL(count_rows(fresh, p, "t1"), 0);
    CU_ASSERT_EQUAL(count_rows(fresh, p, "t2"), -1); /* its CREATE was rolled back */
    apr_pool_destroy(p);
}

static void test_duplicate_migration_versions_refused(void)
{
    static const authsvc_migration_t list[] = {
        {AUTHSVC_DIALECT_SQLITE, 1, "001_a.sql", "CREATE TABLE a (x INTEGER);\n"},
        {AUTHSVC_DIALECT_SQLITE, 1, "001_b.sql", "CREATE TABLE b (x INTEGER);\n"},
    };
    authsvc_migrate_result_t result;

    CU_ASSERT_EQUAL(authsvc_migrate_apply(db, pool, list, 2, &result), AUTHSVC_INVALID);
}

static void test_split_statements(void)
{
    apr_array_header_t *parts = authsvc_migrate_split(
        pool, "-- heading\n\nCREATE TABLE a (x INTEGER);\n-- only a comment\n\n"
              "CREATE TABLE b (\n    y INTEGER\n);  \n\n-- trailing comment\n");

    CU_ASSERT_EQUAL_FATAL(parts->nelts, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(APR_ARRAY_IDX(parts, 0, const char *), "CREATE TABLE a"));
    CU_ASSERT_PTR_NULL(strchr(APR_ARRAY_IDX(parts, 0, const char *), ';'));
    CU_ASSERT_PTR_NOT_NULL(strstr(APR_ARRAY_IDX(parts, 1, const char *), "y INTEGER\n)"));
    CU_ASSERT_EQUAL(authsvc_migrate_split(pool, "-- nothing\n\n")->nelts, 0);
}

/* Names following "CREATE TABLE " / "CREATE INDEX " in sql, joined by spaces. */
static const char *created_names(apr_pool_t *p, const char *sql, const char *what)
{
    const char *names = "", *c;

    for (c = strstr(sql, what); c != NULL; c = strstr(c + 1, what)) {
        apr_size_t n = strcspn(c + strlen(what), " (\n");
        names = apr_pstrcat(p, names, " ", apr_pstrmemdup(p, c + strlen(what), n), NULL);
    }
    return names;
}

static const authsvc_migration_t *migration(authsvc_dialect_t d, int version)
{
    apr_size_t i;

    for (i = 0; i < authsvc_migrations_count; i++) {
        if (authsvc_migrations[i].dialect == d && authsvc_migrations[i].version == version) {
            return &authsvc_migrations[i];
        }
    }
    return NULL;
}

static void test_dialects_define_the_same_schema(void)
{
    int v, latest = authsvc_migrate_latest(authsvc_migrations, authsvc_migrations_count,
                                           AUTHSVC_DIALECT_SQLITE);

    CU_ASSERT_EQUAL(latest, authsvc_migrate_latest(authsvc_migrations, authsvc_migrations_count,
                                                   AUTHSVC_DIALECT_PGSQL));
    for (v = 1; v <= latest; v++) {
        const authsvc_migration_t *a = migration(AUTHSVC_DIALECT_SQLITE, v);
        const authsvc_migration_t *b = migration(AUTHSVC_DIALECT_PGSQL, v);
        if (!a && !b)
            continue; /* a version another branch holds */
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT_STRING_EQUAL(a->name, b->name);
        CU_ASSERT_STRING_EQUAL(created_names(pool, a->sql, "CREATE TABLE "),
                               created_names(pool, b->sql, "CREATE TABLE "));
        CU_ASSERT_STRING_EQUAL(created_names(pool, a->sql, "CREATE INDEX "),
                               created_names(pool, b->sql, "CREATE INDEX "));
    }
}

/* The migrator splits on ';' at line ends: a ';' anywhere else would cut a statement. */
static void test_migrations_have_semicolons_only_at_line_ends(void)
{
    apr_size_t i;

    CU_ASSERT_TRUE_FATAL(authsvc_migrations_count >= 2);
    for (i = 0; i < authsvc_migrations_count; i++) {
        const char *c;
        for (c = strchr(authsvc_migrations[i].sql, ';'); c != NULL; c = strchr(c + 1, ';')) {
            const char *after = c + 1;
            while (*after == ' ' || *after == '\t' || *after == '\r') {
                after++;
            }
            CU_ASSERT_TRUE(*after == '\n' || *after == '\0');
        }
    }
}

/* The text compiled in by sql2c.sh is the file, byte for byte. */
static void test_compiled_migrations_match_the_files(void)
{
    apr_size_t i;

    for (i = 0; i < authsvc_migrations_count; i++) {
        const authsvc_migration_t *m = &authsvc_migrations[i];
        const char *path = apr_pstrcat(pool, AUTHSVC_SOURCE_DIR, "/sql/",
                                       m->dialect == AUTHSVC_DIALECT_SQLITE ? "sqlite"
                                                                            : "pgsql",
                                       "/", m->name, NULL);
        apr_file_t *f;
        apr_finfo_t fi;
        char *text;
        apr_size_t got;

        CU_ASSERT_EQUAL_FATAL(apr_file_open(&f, path, APR_FOPEN_READ, 0, pool), APR_SUCCESS);
        CU_ASSERT_EQUAL_FATAL(apr_file_info_get(&fi, APR_FINFO_SIZE, f), APR_SUCCESS);
        text = apr_pcalloc(pool, (apr_size_t)fi.size + 1);
        CU_ASSERT_EQUAL(apr_file_read_full(f, text, (apr_size_t)fi.size, &got), APR_SUCCESS);
        apr_file_close(f);
        CU_ASSERT_STRING_EQUAL(m->sql, text);
    }
}

/* ---------------------------------------------------------------- statements */

/* Tenant, role, client, user and membership rows the token tests hang from. */
static void add_fixture(const char *suffix)
{
    const char *now = authsvc_db_int_arg(pool, authsvc_db_now_ms());
    const char *t = apr_pstrcat(pool, "t-", suffix, NULL);
    const char *r = apr_pstrcat(pool, "r-", suffix, NULL);
    const char *u = apr_pstrcat(pool, "u-", suffix, NULL);
    const char *c = apr_pstrcat(pool, "c-", suffix, NULL);
    const char *tenant[] = {t,  apr_pstrcat(pool, "key-", suffix, NULL), "Tenant", "1", now,
                            now};
    const char *role[] = {r, t, "admin", now, now};
    const char *client[] = {c,   "sha256:00", "confidential", NULL, "900", "86400", "180",
                            now, now};
    const char *user[] = {u,    suffix, suffix, NULL, NULL, NULL, NULL, NULL, NULL,
                          NULL, NULL,   NULL,   t,    NULL, "0",  now,  now};
    const char *ut[] = {apr_pstrcat(pool, "ut-", suffix, NULL), u, t, r, "1", now, now};

    CU_ASSERT_EQUAL_FATAL(exec("authsvc_tenant_insert", 6, tenant, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(exec("authsvc_role_insert", 5, role, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(exec("authsvc_client_insert", 9, client, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(exec("authsvc_user_insert", 17, user, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(exec("authsvc_user_tenant_insert", 7, ut, NULL), AUTHSVC_OK);
}

static void test_unique_violation_is_conflict(void)
{
    const char *now = authsvc_db_int_arg(pool, authsvc_db_now_ms());
    const char *a[] = {"dup-1", "dup-key", "A", "1", now, now};
    const char *b[] = {"dup-2", "dup-key", "B", "1", now, now};

    CU_ASSERT_EQUAL(exec("authsvc_tenant_insert", 6, a, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_tenant_insert", 6, b, NULL), AUTHSVC_CONFLICT);
    CU_ASSERT_PTR_NOT_NULL(db->error);
}

static void test_foreign_keys_are_enforced(void)
{
    const char *now = authsvc_db_int_arg(pool, authsvc_db_now_ms());
    const char *role[] = {"orphan-role", "no-such-tenant", "admin", now, now};

    CU_ASSERT_EQUAL(exec("authsvc_role_insert", 5, role, NULL), AUTHSVC_DB_ERROR);
}

static void test_role_must_belong_to_the_tenant(void)
{
    const char *now = authsvc_db_int_arg(pool, authsvc_db_now_ms());
    const char *ut[] = {"ut-cross", "u-fk1", "t-fk2", "r-fk1", "1", now, now};

    add_fixture("fk1");
    add_fixture("fk2");
    CU_ASSERT_EQUAL(exec("authsvc_user_tenant_insert", 7, ut, NULL), AUTHSVC_DB_ERROR);
}

static void test_select_one_and_columns(void)
{
    apr_dbd_row_t *row = NULL;
    const char *key = "sel";

    add_fixture("sel");
    CU_ASSERT_EQUAL_FATAL(authsvc_db_select_one(db, pool, "authsvc_user_by_username", &row, 1,
                                                &key),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(authsvc_db_column(db, row, AUTHSVC_USER_COL_ID), "u-sel");
    CU_ASSERT_PTR_NULL(authsvc_db_column(db, row, AUTHSVC_USER_COL_EMAIL));
    CU_ASSERT_EQUAL(authsvc_db_column_int(db, row, AUTHSVC_USER_COL_LAST_LOGIN, -7), -7);
    CU_ASSERT_EQUAL(authsvc_db_column_int(db, row, AUTHSVC_USER_COL_MFA_REQUIRED, -7), 0);
    key = "nobody";
    CU_ASSERT_EQUAL(authsvc_db_select_one(db, pool, "authsvc_user_by_username", &row, 1, &key),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(row);
}

static void test_unknown_label_is_an_error(void)
{
    int nrows = 5;

    CU_ASSERT_EQUAL(exec("authsvc_no_such_statement", 0, NULL, &nrows), AUTHSVC_DB_ERROR);
}

static void test_rollback_discards_and_commit_keeps(void)
{
    const char *now = authsvc_db_int_arg(pool, authsvc_db_now_ms());
    const char *a[] = {"tx-1", "tx-rolled-back", "A", "1", now, now};
    const char *b[] = {"tx-2", "tx-committed", "B", "1", now, now};
    apr_dbd_row_t *row = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_begin(db, pool), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_begin(db, pool), AUTHSVC_DB_ERROR); /* one at a time */
    CU_ASSERT_EQUAL(exec("authsvc_tenant_insert", 6, a, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_rollback(db), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_select_one(db, pool, "authsvc_tenant_by_key", &row, 1, &a[1]),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_begin(db, pool), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_tenant_insert", 6, b, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_commit(db), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_select_one(db, pool, "authsvc_tenant_by_key", &row, 1, &b[1]),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_commit(db), AUTHSVC_DB_ERROR); /* none open */
}

static void test_failure_inside_transaction_rolls_all_back(void)
{
    const char *now = authsvc_db_int_arg(pool, authsvc_db_now_ms());
    const char *a[] = {"txf-1", "txf-first", "A", "1", now, now};
    const char *b[] = {"txf-2", "txf-first", "B", "1", now, now};
    apr_dbd_row_t *row = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_begin(db, pool), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_tenant_insert", 6, a, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_tenant_insert", 6, b, NULL), AUTHSVC_CONFLICT);
    CU_ASSERT_EQUAL(authsvc_db_commit(db), AUTHSVC_DB_ERROR);
    CU_ASSERT_PTR_NULL(db->trans);
    CU_ASSERT_EQUAL(authsvc_db_select_one(db, pool, "authsvc_tenant_by_key", &row, 1, &a[1]),
                    AUTHSVC_NOT_FOUND);
}

static void test_auth_code_is_single_use(void)
{
    long long now = authsvc_db_now_ms();
    const char *n = authsvc_db_int_arg(pool, now);
    const char *later = authsvc_db_int_arg(pool, now + 180000);
    const char *code[] = {"code-hash-1", "c-code", "u-code", "t-code", "ut-code", "0",
                          NULL,          NULL,     NULL,     later,    n};
    const char *expired[] = {"code-hash-2", "c-code", "u-code", "t-code", "ut-code", "0",
                             NULL,          NULL,     NULL,     n,        n};
    const char *use1[] = {n, "code-hash-1", n}, *use2[] = {n, "code-hash-2", n};
    int nrows = -1;

    add_fixture("code");
    CU_ASSERT_EQUAL_FATAL(exec("authsvc_auth_code_insert", 11, code, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(exec("authsvc_auth_code_insert", 11, expired, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_auth_code_consume", 3, use1, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 1);
    CU_ASSERT_EQUAL(exec("authsvc_auth_code_consume", 3, use1, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 0);
    CU_ASSERT_EQUAL(exec("authsvc_auth_code_consume", 3, use2, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 0); /* expires_at is not after now */
}

static void test_refresh_token_rotation_and_family_revocation(void)
{
    long long now = authsvc_db_now_ms();
    const char *n = authsvc_db_int_arg(pool, now);
    const char *exp = authsvc_db_int_arg(pool, now + 86400000LL);
    const char *tok1[] = {"rt-1", "fam-1", exp, "u-rt", "c-rt", "t-rt", "jti-1", exp, exp, n};
    const char *tok2[] = {"rt-2", "fam-1", exp, "u-rt", "c-rt", "t-rt", "jti-2", exp, exp, n};
    const char *use1[] = {n, "rt-1", n, n}, *use2[] = {n, "rt-2", n, n}, *fam[] = {n, "fam-1"};
    int nrows = -1;

    add_fixture("rt");
    CU_ASSERT_EQUAL_FATAL(exec("authsvc_refresh_insert", 10, tok1, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_refresh_consume", 4, use1, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 1);
    CU_ASSERT_EQUAL(exec("authsvc_refresh_consume", 4, use1, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 0); /* reuse: the caller revokes the family */
    CU_ASSERT_EQUAL_FATAL(exec("authsvc_refresh_insert", 10, tok2, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_refresh_revoke_family", 2, fam, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 2);
    CU_ASSERT_EQUAL(exec("authsvc_refresh_consume", 4, use2, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 0); /* revoked */
}

static void test_revocation_is_idempotent(void)
{
    const char *n = authsvc_db_int_arg(pool, authsvc_db_now_ms());
    const char *rev[] = {"jti-revoked", n, n};
    const char *jti = "jti-revoked", *other = "jti-fine";
    apr_dbd_row_t *row = NULL;

    CU_ASSERT_EQUAL(exec("authsvc_revoked_insert", 3, rev, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_revoked_insert", 3, rev, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_select_one(db, pool, "authsvc_revoked_check", &row, 1, &jti),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_select_one(db, pool, "authsvc_revoked_check", &row, 1, &other),
                    AUTHSVC_NOT_FOUND);
}

/* Column n of the counter (scope, subject) (2: failures, 4: locked_until), or -1. */
static long long attempt_column(const char *scope, const char *subject, int n)
{
    const char *key[] = {scope, subject, ""};
    apr_dbd_row_t *row = NULL;

    if (authsvc_db_select_one(db, pool, "authsvc_login_attempt_get", &row, 3, key)
        != AUTHSVC_OK)
        return -1;
    return authsvc_db_column_int(db, row, n, -1);
}

static long long attempt_failures(const char *scope, const char *subject)
{
    return attempt_column(scope, subject, 2);
}

/* An account reservation at now on the account-wide counter, or on that of a source
 * (limit 3, provisional lock until now + 900 s, quiet cutoff quiet): the count it made, 0
 * when the lock refused it, -1 on error. */
static long long source_reserve(const char *subject, const char *source, long long now,
                                long long quiet)
{
    const char *q = authsvc_db_int_arg(pool, quiet);
    const char *args[] = {subject, source, authsvc_db_int_arg(pool, now),         "0", q,
                          q,       "3",    authsvc_db_int_arg(pool, now + 900000)};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, pool,
                                                "authsvc_login_attempt_account_reserve", &row,
                                                8, args);

    if (st == AUTHSVC_NOT_FOUND)
        return 0;
    return st == AUTHSVC_OK ? authsvc_db_column_int(db, row, 0, -1) : -1;
}

static long long account_reserve(const char *subject, long long now, long long quiet)
{
    return source_reserve(subject, "", now, quiet);
}

static long long attempt_locked_until(const char *scope, const char *subject)
{
    return attempt_column(scope, subject, 4);
}

static void test_login_failures_count_up(void)
{
    long long now = authsvc_db_now_ms();

    CU_ASSERT_EQUAL(account_reserve("counted", now, now - 1000), 1);
    CU_ASSERT_EQUAL(account_reserve("counted", now, now - 1000), 2);
    CU_ASSERT_EQUAL(attempt_failures("account", "counted"), 2);
    CU_ASSERT_EQUAL(attempt_locked_until("account", "counted"), 0);
    /* the latest attempt is older than the quiet cutoff: the count starts again */
    CU_ASSERT_EQUAL(account_reserve("counted", now + 10, now + 5), 1);
    CU_ASSERT_EQUAL(attempt_failures("account", "counted"), 1);
}

static void test_account_reservation_locks_at_the_limit(void)
{
    long long now = authsvc_db_now_ms(), quiet = now - 1000;
    const char *lock[] = {authsvc_db_int_arg(pool, now + 60000), "limited", "", "3"};
    const char *stale[] = {authsvc_db_int_arg(pool, now + 1), "limited", "", "2"};
    const char *release[] = {"limited", "", "4"};
    int nrows = -1;

    CU_ASSERT_EQUAL(account_reserve("limited", now, quiet), 1);
    CU_ASSERT_EQUAL(account_reserve("limited", now, quiet), 2);
    /* the third attempt locks at once, before its password is checked */
    CU_ASSERT_EQUAL(account_reserve("limited", now, quiet), 3);
    CU_ASSERT_EQUAL(attempt_locked_until("account", "limited"), now + 900000);
    CU_ASSERT_EQUAL(account_reserve("limited", now, quiet), 0);
    CU_ASSERT_EQUAL(attempt_failures("account", "limited"), 3);
    /* settled as failed: the lock its count calls for; a stale count changes nothing */
    CU_ASSERT_EQUAL(exec("authsvc_login_attempt_account_lock", 4, stale, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 0);
    CU_ASSERT_EQUAL(exec("authsvc_login_attempt_account_lock", 4, lock, &nrows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 1);
    CU_ASSERT_EQUAL(attempt_locked_until("account", "limited"), now + 60000);
    CU_ASSERT_EQUAL(account_reserve("limited", now + 59999, quiet), 0);
    /* once the lock ends, one more attempt, which locks again */
    CU_ASSERT_EQUAL(account_reserve("limited", now + 60000, quiet), 4);
    CU_ASSERT_EQUAL(account_reserve("limited", now + 60001, quiet), 0);
    /* given back (no password checked): unlocked, the count as before */
    CU_ASSERT_EQUAL(exec("authsvc_login_attempt_account_release", 3, release, &nrows),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(nrows, 1);
    CU_ASSERT_EQUAL(attempt_failures("account", "limited"), 3);
    CU_ASSERT_EQUAL(account_reserve("limited", now + 60002, quiet), 4);
}

static void test_known_source_counts_apart(void)
{
    long long now = authsvc_db_now_ms(), quiet = now - 1000;

    CU_ASSERT_EQUAL(account_reserve("owned", now, quiet), 1);
    CU_ASSERT_EQUAL(account_reserve("owned", now, quiet), 2);
    CU_ASSERT_EQUAL(account_reserve("owned", now, quiet), 3);
    CU_ASSERT_EQUAL(account_reserve("owned", now, quiet), 0);
    /* the account is locked; its known address has a counter of its own */
    CU_ASSERT_EQUAL(source_reserve("owned", "ip:192.0.2.7", now, quiet), 1);
    CU_ASSERT_EQUAL(source_reserve("owned", "ip:192.0.2.7", now, quiet), 2);
    CU_ASSERT_EQUAL(source_reserve("owned", "device:00ff", now, quiet), 1);
    CU_ASSERT_EQUAL(source_reserve("owned", "ip:192.0.2.7", now, quiet), 3);
    CU_ASSERT_EQUAL(source_reserve("owned", "ip:192.0.2.7", now, quiet), 0);
    CU_ASSERT_EQUAL(attempt_failures("account", "owned"), 3);
}

/* An address reservation at now (limit 2, window from window_cutoff): the count, 0 when
 * refused, -1 on error. */
static long long ip_reserve(const char *subject, long long now, long long window_cutoff)
{
    const char *c = authsvc_db_int_arg(pool, window_cutoff);
    const char *args[] = {subject, authsvc_db_int_arg(pool, now), c, c, c, "2"};
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, pool, "authsvc_login_attempt_ip_reserve",
                                                &row, 6, args);

    if (st == AUTHSVC_NOT_FOUND)
        return 0;
    return st == AUTHSVC_OK ? authsvc_db_column_int(db, row, 0, -1) : -1;
}

static void test_ip_reservation_refuses_at_the_limit(void)
{
    long long now = authsvc_db_now_ms();
    const char *release[] = {"192.0.2.9", authsvc_db_int_arg(pool, now)};

    CU_ASSERT_EQUAL(ip_reserve("192.0.2.9", now, now - 1000), 1);
    CU_ASSERT_EQUAL(ip_reserve("192.0.2.9", now + 1, now - 999), 2);
    CU_ASSERT_EQUAL(ip_reserve("192.0.2.9", now + 2, now - 998), 0);
    CU_ASSERT_EQUAL(attempt_failures("ip", "192.0.2.9"), 2);
    /* a success gives its place back */
    CU_ASSERT_EQUAL(exec("authsvc_login_attempt_ip_release", 2, release, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(ip_reserve("192.0.2.9", now + 3, now - 997), 2);
    /* the window (started at now) ended: a new one starts */
    CU_ASSERT_EQUAL(ip_reserve("192.0.2.9", now + 20, now + 10), 1);
}

static void test_ip_failures_window(void)
{
    long long now = authsvc_db_now_ms();
    const char *n = authsvc_db_int_arg(pool, now), *old = authsvc_db_int_arg(pool, now - 1000);
    const char *in_window[] = {"192.0.2.1", n, old, old};
    const char *next[] = {"192.0.2.1", NULL, NULL, NULL};

    CU_ASSERT_EQUAL(exec("authsvc_login_attempt_ip_failure", 4, in_window, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(exec("authsvc_login_attempt_ip_failure", 4, in_window, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(attempt_failures("ip", "192.0.2.1"), 2);
    /* the window (started at now) ended before now + 20: a new one starts */
    next[1] = authsvc_db_int_arg(pool, now + 20);
    next[2] = next[3] = authsvc_db_int_arg(pool, now + 10);
    CU_ASSERT_EQUAL(exec("authsvc_login_attempt_ip_failure", 4, next, NULL), AUTHSVC_OK);
    CU_ASSERT_EQUAL(attempt_failures("ip", "192.0.2.1"), 1);
}

/* The count of a mail limit hit, as the statement that made it answers it; -1 on error. */
static long long mail_limit_hit(const char *subject, long long now, long long cutoff)
{
    const char *args[] = {"address", subject, authsvc_db_int_arg(pool, now),
                          authsvc_db_int_arg(pool, cutoff), authsvc_db_int_arg(pool, cutoff)};
    apr_dbd_row_t *row = NULL;

    if (authsvc_db_select_one(db, pool, "authsvc_mail_limit_hit", &row, 5, args) != AUTHSVC_OK)
        return -1;
    return authsvc_db_column_int(db, row, 0, -1);
}

static void test_mail_limit_hit_answers_its_count(void)
{
    long long now = authsvc_db_now_ms();

    CU_ASSERT_EQUAL(mail_limit_hit("limited", now, now - 1000), 1);
    CU_ASSERT_EQUAL(mail_limit_hit("limited", now + 1, now - 999), 2);
    CU_ASSERT_EQUAL(mail_limit_hit("limited", now + 2, now - 998), 3);
    CU_ASSERT_EQUAL(mail_limit_hit("other", now, now - 1000), 1);
    /* the window (started at now) ended before the cutoff: a new one starts */
    CU_ASSERT_EQUAL(mail_limit_hit("limited", now + 20, now + 10), 1);
    CU_ASSERT_EQUAL(mail_limit_hit("limited", now + 21, now + 11), 2);
}

static void test_int_arg(void)
{
    CU_ASSERT_STRING_EQUAL(authsvc_db_int_arg(pool, 1795870089962LL), "1795870089962");
    CU_ASSERT_STRING_EQUAL(authsvc_db_int_arg(pool, -5), "-5");
    CU_ASSERT_TRUE(authsvc_db_now_ms() > 1600000000000LL);
}

static void test_open_reports_bad_driver(void)
{
    authsvc_db_t *none = NULL;
    const char *error = NULL;

    CU_ASSERT_EQUAL(authsvc_db_open(pool, "oracle", "x", &none, &error), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(none);
    CU_ASSERT_PTR_NOT_NULL(error);
    CU_ASSERT_EQUAL(authsvc_db_open(pool, "sqlite3", "/nonexistent-dir/x.db", &none, &error),
                    AUTHSVC_UNAVAILABLE);
}

/* Readiness counts the schema's tables: the list in the catalogue is every table of a
 * migrated database, no more, no fewer. */
static void test_schema_ready_counts_every_table(void)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_select_text(db, pool,
                                                 "SELECT COUNT(*) FROM sqlite_master "
                                                 "WHERE type = 'table' AND name NOT LIKE "
                                                 "'sqlite_%'",
                                                 &res),
                          AUTHSVC_OK);
    CU_ASSERT_FATAL(authsvc_db_next_row(db, pool, res, &row));
    CU_ASSERT_EQUAL(authsvc_db_column_int(db, row, 0, -1), AUTHSVC_DB_TABLE_COUNT);
    row = NULL;
    CU_ASSERT_EQUAL_FATAL(authsvc_db_select_one(db, pool, "authsvc_schema_ready", &row, 0,
                                                NULL),
                          AUTHSVC_OK);
    CU_ASSERT(authsvc_db_column_int(db, row, 0, 0) >= 1);
    CU_ASSERT_EQUAL(authsvc_db_column_int(db, row, 1, -1), AUTHSVC_DB_TABLE_COUNT);
}

void authsvc_test_register_db(void)
{
    CU_pSuite s = CU_add_suite("db", suite_init, suite_clean);

    CU_add_test(s, "driver names map to dialects", test_dialect_from_driver);
    CU_add_test(s, "catalogue labels are prefixed and unique",
                test_catalogue_labels_are_prefixed_and_unique);
    CU_add_test(s, "catalogue uses %s, %d and %lld only", test_catalogue_placeholders);
    CU_add_test(s, "every catalogue statement prepares on SQLite",
                test_every_statement_prepares_on_sqlite);
    CU_add_test(s, "direct statements per dialect", test_direct_statements);
    CU_add_test(s, "readiness counts every table of the schema",
                test_schema_ready_counts_every_table);
    CU_add_test(s, "the label of a built text", test_built_label);
    CU_add_test(s, "a built text is prepared once per connection",
                test_built_statement_is_kept_per_text);
    CU_add_test(s, "built texts past the cache still answer",
                test_built_statements_past_the_cache);
    CU_add_test(s, "the PRAGMAs of httpd's SQLite connections", test_connection_pragmas);
    CU_add_test(s, "migrate creates the schema in WAL mode",
                test_migrate_creates_schema_and_wal);
    CU_add_test(s, "migrate twice applies nothing", test_migrate_twice_applies_nothing);
    CU_add_test(s, "WAL mode persists in the file", test_wal_mode_persists_in_the_file);
    CU_add_test(s, "concurrent migrators apply the schema once",
                test_concurrent_migrators_apply_once);
    CU_add_test(s, "a failed migration rolls back", test_failed_migration_rolls_back);
    CU_add_test(s, "duplicate migration versions are refused",
                test_duplicate_migration_versions_refused);
    CU_add_test(s, "migration text splits on line-end semicolons", test_split_statements);
    CU_add_test(s, "both dialects define the same tables and indexes",
                test_dialects_define_the_same_schema);
    CU_add_test(s, "migrations have semicolons only at line ends",
                test_migrations_have_semicolons_only_at_line_ends);
    CU_add_test(s, "compiled migrations match the SQL files",
                test_compiled_migrations_match_the_files);
    CU_add_test(s, "a unique violation is a conflict", test_unique_violation_is_conflict);
    CU_add_test(s, "foreign keys are enforced", test_foreign_keys_are_enforced);
    CU_add_test(s, "a user's role belongs to the same tenant",
                test_role_must_belong_to_the_tenant);
    CU_add_test(s, "select one and column access", test_select_one_and_columns);
    CU_add_test(s, "an unknown label is an error", test_unknown_label_is_an_error);
    CU_add_test(s, "rollback discards, commit keeps", test_rollback_discards_and_commit_keeps);
    CU_add_test(s, "a failure inside a transaction rolls it all back",
                test_failure_inside_transaction_rolls_all_back);
    CU_add_test(s, "an auth code is consumed once", test_auth_code_is_single_use);
    CU_add_test(s, "refresh tokens rotate once; families revoke",
                test_refresh_token_rotation_and_family_revocation);
    CU_add_test(s, "revoking a jti twice is fine", test_revocation_is_idempotent);
    CU_add_test(s, "login failures count up", test_login_failures_count_up);
    CU_add_test(s, "an account reservation locks at the limit",
                test_account_reservation_locks_at_the_limit);
    CU_add_test(s, "a known source counts apart from its account",
                test_known_source_counts_apart);
    CU_add_test(s, "an ip reservation refuses at the limit",
                test_ip_reservation_refuses_at_the_limit);
    CU_add_test(s, "ip failures count in a fixed window", test_ip_failures_window);
    CU_add_test(s, "a mail limit hit answers the count it made",
                test_mail_limit_hit_answers_its_count);
    CU_add_test(s, "integer arguments and the clock", test_int_arg);
    CU_add_test(s, "open reports a bad driver or path", test_open_reports_bad_driver);
}
