/* SQLite's query plan of every statement of the catalogue on a migrated file: none reads
 * a whole growing table or materialises a join per call, except the statements named
 * below (maintenance, the admin CLI and console lists, which read every row they show).
 * A plan that scans turns a request's cost into a function of the number of users or
 * tokens: authsvc_user_with_tenant once materialised every membership on each login,
 * refresh and token redemption. */
#include <string.h>

#include <apr_strings.h>
#include <sqlite3.h>

#include "authsvc_db.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_plans(void);

static authsvc_db_fixture_t f;

/* Statements allowed to scan: label prefixes and whole labels, each with its reason. */
static const char *const scan_prefixes[] = {
    "authsvc_purge_",   /* maintenance: deletes what expired */
    "authsvc_admin_",   /* the admin CLI: lists whole tables */
    "authsvc_console_", /* the admin console: lists clients */
};
static const char *const scan_labels[] = {
    "authsvc_schema_ready",          /* sqlite_master */
    "authsvc_signing_keys",          /* the key ring: a handful of rows */
    "authsvc_users_list",            /* the admin lists */
    "authsvc_users_list_by_tenant",  /* idem */
    "authsvc_principal_permissions", /* sorts the union of two key lookups */
};

static int suite_init(void)
{
    return authsvc_db_fixture_open_empty(&f, "db-plans");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static int scan_allowed(const char *label)
{
    apr_size_t i;

    for (i = 0; i < sizeof(scan_prefixes) / sizeof(scan_prefixes[0]); i++)
        if (strncmp(label, scan_prefixes[i], strlen(scan_prefixes[i])) == 0)
            return 1;
    for (i = 0; i < sizeof(scan_labels) / sizeof(scan_labels[0]); i++)
        if (strcmp(label, scan_labels[i]) == 0)
            return 1;
    return 0;
}

/* The statement with ? for each of apr_dbd's %s, %d and %lld. */
static const char *plan_sql(apr_pool_t *p, const char *sql)
{
    char *out = apr_palloc(p, strlen(sql) + sizeof("EXPLAIN QUERY PLAN ")), *o;
    const char *c;

    o = out + strlen(strcpy(out, "EXPLAIN QUERY PLAN "));
    for (c = sql; *c; c++) {
        if (c[0] == '%' && (c[1] == 's' || c[1] == 'd')) {
            *o++ = '?';
            c++;
        } else if (strncmp(c, "%lld", 4) == 0) {
            *o++ = '?';
            c += 3;
        } else
            *o++ = *c;
    }
    *o = '\0';
    return out;
}

/* The first step of the plan that reads a whole table or materialises, or NULL. */
static const char *plan_scan(sqlite3 *native, apr_pool_t *p, const char *sql, int *failed)
{
    sqlite3_stmt *stmt = NULL;
    const char *found = NULL;

    *failed = sqlite3_prepare_v2(native, plan_sql(p, sql), -1, &stmt, NULL) != SQLITE_OK;
    while (!*failed && !found && sqlite3_step(stmt) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(stmt, 3);

        if (detail
            && (strncmp(detail, "SCAN ", 5) == 0 || strncmp(detail, "MATERIALIZE", 11) == 0)
            && strstr(detail, "CONSTANT ROW") == NULL)
            found = apr_pstrdup(p, detail);
    }
    sqlite3_finalize(stmt);
    return found;
}

static void test_no_scans(void)
{
    sqlite3 *native = apr_dbd_native_handle(f.db->driver, f.db->handle);
    apr_size_t i, count, planned = 0;
    const authsvc_db_statement_t *all = authsvc_db_statements(&count);

    CU_ASSERT_PTR_NOT_NULL_FATAL(native);
    for (i = 0; i < count; i++) {
        const char *sql = authsvc_db_statement_sql(&all[i], AUTHSVC_DIALECT_SQLITE);
        const char *scan;
        int failed;

        if (!all[i].label || !sql || !*sql || strncmp(sql, "PRAGMA", 6) == 0)
            continue;
        scan = plan_scan(native, f.pool, sql, &failed);
        if (failed)
            fprintf(stderr, "\n  %s: no plan: %s\n", all[i].label, sqlite3_errmsg(native));
        CU_ASSERT_FALSE(failed);
        if (scan && !scan_allowed(all[i].label))
            fprintf(stderr, "\n  %s: %s\n", all[i].label, scan);
        CU_ASSERT(scan == NULL || scan_allowed(all[i].label));
        planned++;
    }
    CU_ASSERT(planned > 100);
}

/* The check itself: a statement that scans is found. */
static void test_scan_found(void)
{
    sqlite3 *native = apr_dbd_native_handle(f.db->driver, f.db->handle);
    int failed;

    CU_ASSERT_PTR_NOT_NULL(plan_scan(native, f.pool,
                                     "SELECT id FROM users WHERE email = %s || 'x'"
                                     " OR first_name = %s",
                                     &failed));
    CU_ASSERT_FALSE(failed);
    CU_ASSERT_PTR_NULL(
        plan_scan(native, f.pool, "SELECT id FROM users WHERE id = %s", &failed));
    CU_ASSERT_FALSE(scan_allowed("authsvc_user_with_tenant"));
}

void authsvc_test_register_db_plans(void)
{
    CU_pSuite s = CU_add_suite("db_plans", suite_init, suite_clean);

    CU_add_test(s, "no statement scans a table or materialises a join", test_no_scans);
    CU_add_test(s, "a scan is seen", test_scan_found);
}
