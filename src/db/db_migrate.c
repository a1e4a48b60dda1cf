/* Applies schema migrations in version order, one transaction each, recording every
 * version in schema_migrations. The version is read inside the transaction (after the
 * PostgreSQL advisory lock, or SQLite's BEGIN IMMEDIATE), so two migrators running at
 * once cannot apply the same migration twice. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "authsvc_migrate.h"

#define MIGRATE_RETRIES 3
#define WAL_SWITCH_ATTEMPTS 50
#define WAL_SWITCH_PAUSE apr_time_from_msec(100)

/* True when text holds something besides blanks and "--" comment lines. */
static int has_sql(const char *text, apr_size_t len)
{
    apr_size_t i = 0;

    while (i < len) {
        while (i < len && apr_isspace(text[i])) {
            i++;
        }
        if (i + 1 < len && text[i] == '-' && text[i + 1] == '-') {
            while (i < len && text[i] != '\n') {
                i++;
            }
        } else if (i < len) {
            return 1;
        }
    }
    return 0;
}

static void push_statement(apr_pool_t *p, apr_array_header_t *out, const char *start,
                           apr_size_t len)
{
    while (len > 0 && apr_isspace(start[len - 1])) {
        len--;
    }
    if (has_sql(start, len)) {
        APR_ARRAY_PUSH(out, const char *) = apr_pstrmemdup(p, start, len);
    }
}

apr_array_header_t *authsvc_migrate_split(apr_pool_t *p, const char *sql)
{
    apr_array_header_t *out = apr_array_make(p, 32, sizeof(const char *));
    const char *start = sql, *line = sql;

    while (*line != '\0') {
        const char *end = strchr(line, '\n');
        const char *last;

        if (end == NULL) {
            end = line + strlen(line);
        }
        last = end;
        while (last > line && apr_isspace(last[-1])) {
            last--;
        }
        if (last > line && last[-1] == ';') {
            push_statement(p, out, start, (apr_size_t)(last - 1 - start));
            start = *end != '\0' ? end + 1 : end;
        }
        line = *end != '\0' ? end + 1 : end;
    }
    push_statement(p, out, start, strlen(start)); /* text after the last ';' */
    return out;
}

int authsvc_migrate_latest(const authsvc_migration_t *list, apr_size_t count,
                           authsvc_dialect_t d)
{
    int latest = 0;
    apr_size_t i;

    for (i = 0; i < count; i++) {
        if (list[i].dialect == d && list[i].version > latest) {
            latest = list[i].version;
        }
    }
    return latest;
}

/* The migration of dialect d with the smallest version above current, or NULL. */
static const authsvc_migration_t *next_migration(const authsvc_migration_t *list,
                                                 apr_size_t count, authsvc_dialect_t d,
                                                 int current)
{
    const authsvc_migration_t *next = NULL;
    apr_size_t i;

    for (i = 0; i < count; i++) {
        if (list[i].dialect == d && list[i].version > current
            && (next == NULL || list[i].version < next->version)) {
            next = &list[i];
        }
    }
    return next;
}

static authsvc_status_t check_versions(const authsvc_migration_t *list, apr_size_t count)
{
    apr_size_t i, j;

    for (i = 0; i < count; i++) {
        if (list[i].version <= 0) {
            return AUTHSVC_INVALID;
        }
        for (j = i + 1; j < count; j++) {
            if (list[i].dialect == list[j].dialect && list[i].version == list[j].version) {
                return AUTHSVC_INVALID;
            }
        }
    }
    return AUTHSVC_OK;
}

/* SQLite: switch the file to WAL. The PRAGMA answers a row, so it runs as a select,
 * and outside any transaction. */
static authsvc_status_t set_journal_mode(authsvc_db_t *db, apr_pool_t *p,
                                         authsvc_migrate_result_t *out)
{
    const char *sql = authsvc_db_direct_sql(AUTHSVC_DB_DIRECT_JOURNAL_WAL, db->dialect);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;
    int attempt;

    if (sql == NULL || *sql == '\0') {
        return AUTHSVC_OK;
    }
    /* The switch needs the file to itself and SQLite gives up at once, without its busy
     * handler, when another connection is switching too: try again a few times. */
    st = authsvc_db_select_text(db, p, sql, &res);
    for (attempt = 0; st == AUTHSVC_UNAVAILABLE && attempt < WAL_SWITCH_ATTEMPTS; attempt++) {
        apr_sleep(WAL_SWITCH_PAUSE);
        st = authsvc_db_select_text(db, p, sql, &res);
    }
    while (st == AUTHSVC_OK && authsvc_db_next_row(db, p, res, &row)) {
        if (out->journal_mode == NULL) {
            out->journal_mode = authsvc_db_column(db, row, 0);
        }
    }
    return st;
}

static authsvc_status_t run_statements(authsvc_db_t *db, apr_pool_t *p,
                                       const authsvc_migration_t *m)
{
    apr_array_header_t *stmts = authsvc_migrate_split(p, m->sql);
    const char *args[2];
    authsvc_status_t st = AUTHSVC_OK;
    int i;

    for (i = 0; i < stmts->nelts && st == AUTHSVC_OK; i++) {
        st = authsvc_db_exec_text(db, p, APR_ARRAY_IDX(stmts, i, const char *), NULL);
    }
    if (st != AUTHSVC_OK) {
        return st;
    }
    args[0] = authsvc_db_int_arg(p, m->version);
    args[1] = authsvc_db_int_arg(p, authsvc_db_now_ms());
    return authsvc_db_exec_fresh(db, p, "authsvc_schema_migration_insert", NULL, 2, args);
}

/* One transaction: lock, read the version, apply the next migration if any.
 * *done is set when there was nothing left to apply. */
static authsvc_status_t migrate_step(authsvc_db_t *db, apr_pool_t *p,
                                     const authsvc_migration_t *list, apr_size_t count,
                                     authsvc_migrate_result_t *out, int *done)
{
    const char *lock = authsvc_db_direct_sql(AUTHSVC_DB_DIRECT_MIGRATE_LOCK, db->dialect);
    const authsvc_migration_t *next;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_begin(db, p);
    int current = 0;

    if (st == AUTHSVC_OK && lock != NULL && *lock != '\0') {
        st = authsvc_db_select_text(db, p, lock, &res);
        while (st == AUTHSVC_OK && authsvc_db_next_row(db, p, res, &row)) {
        }
    }
    if (st == AUTHSVC_OK) {
        st = authsvc_db_schema_version(db, p, &current);
    }
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st;
    }
    if (out->applied == 0) {
        out->from_version = current;
    }
    out->to_version = current;
    next = next_migration(list, count, db->dialect, current);
    if (next == NULL) {
        *done = 1;
        return authsvc_db_rollback(db);
    }
    st = run_statements(db, p, next);
    if (st == AUTHSVC_OK) {
        st = authsvc_db_commit(db);
    } else {
        authsvc_db_rollback(db);
    }
    if (st != AUTHSVC_OK) {
        out->failed = next->name;
        return st;
    }
    out->to_version = next->version;
    out->applied++;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_migrate_apply(authsvc_db_t *db, apr_pool_t *p,
                                       const authsvc_migration_t *list, apr_size_t count,
                                       authsvc_migrate_result_t *out)
{
    authsvc_status_t st;
    int done = 0, retries = 0;

    memset(out, 0, sizeof(*out));
    st = check_versions(list, count);
    if (st != AUTHSVC_OK) {
        db->error = "migration versions must be positive and unique per dialect";
        return st;
    }
    st = set_journal_mode(db, p, out);
    while (st == AUTHSVC_OK && !done) {
        st = migrate_step(db, p, list, count, out, &done);
        /* SQLite's legacy prepare fails the first statement a connection runs after
         * another connection's DDL (a concurrent migrator's); that failure reloads the
         * schema, so the step is simply tried again. */
        if (st != AUTHSVC_OK && out->failed == NULL && db->dialect == AUTHSVC_DIALECT_SQLITE
            && retries++ < MIGRATE_RETRIES) {
            st = AUTHSVC_OK;
        }
    }
    return st;
}

authsvc_status_t authsvc_migrate(authsvc_db_t *db, apr_pool_t *p, authsvc_migrate_result_t *out)
{
    return authsvc_migrate_apply(db, p, authsvc_migrations, authsvc_migrations_count, out);
}
