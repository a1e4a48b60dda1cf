/* Database access over apr_dbd: prepared statements from the catalogue, result sets,
 * transactions and the mapping of driver errors to status codes.
 *
 * Driver facts this file leans on (apr-util 1.6):
 * - SQLite binds every argument as text and answers non-zero from a query that produces
 *   a row; it retries SQLITE_BUSY itself (16 times, 100 ms apart, after the busy
 *   handler of authsvc_db_sqlite_wait_for_locks, where installed, has given up). Its
 *   statements use the legacy sqlite3_prepare, so a statement prepared before a schema
 *   change fails afterwards. It keeps every statement prepared on a connection until
 *   the connection closes (hence the built-statement cache below).
 * - PostgreSQL answers PGRES_* codes and reports errors only as text.
 * - Inside a transaction both drivers remember the first failure and refuse every later
 *   statement with it; ending such a transaction rolls back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_time.h>
#include <sqlite3.h>

#include "authsvc_db.h"

static int is_unique_violation(const char *msg)
{
    return msg != NULL
           && (strstr(msg, "UNIQUE constraint failed") != NULL /* SQLite */
               || strstr(msg, "is not unique") != NULL         /* old SQLite */
               || strstr(msg, "duplicate key value") != NULL); /* PostgreSQL */
}

/* Maps a driver return code; remembers the driver's message in db->error. */
static authsvc_status_t status_from_rc(authsvc_db_t *db, apr_pool_t *p, int rc)
{
    const char *msg;

    if (rc == 0) {
        return AUTHSVC_OK;
    }
    if (db->trans != NULL) {
        db->trans_failed = 1;
    }
    msg = apr_dbd_error(db->driver, db->handle, rc);
    db->error = apr_pstrdup(p, msg != NULL ? msg : "unknown database error");
    if (apr_dbd_check_conn(db->driver, p, db->handle) != APR_SUCCESS) {
        return AUTHSVC_UNAVAILABLE;
    }
    /* the driver turns SQLITE_BUSY into SQLITE_ERROR once its retries run out */
    if (db->dialect == AUTHSVC_DIALECT_SQLITE
        && (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_IOERR
            || rc == SQLITE_CANTOPEN || rc == SQLITE_NOTADB
            || (msg != NULL && strstr(msg, "is locked") != NULL))) {
        return AUTHSVC_UNAVAILABLE;
    }
    return is_unique_violation(msg) ? AUTHSVC_CONFLICT : AUTHSVC_DB_ERROR;
}

authsvc_status_t authsvc_db_dialect_from_driver(const char *driver_name, authsvc_dialect_t *out)
{
    if (driver_name != NULL && strcmp(driver_name, "sqlite3") == 0) {
        *out = AUTHSVC_DIALECT_SQLITE;
        return AUTHSVC_OK;
    }
    if (driver_name != NULL && strcmp(driver_name, "pgsql") == 0) {
        *out = AUTHSVC_DIALECT_PGSQL;
        return AUTHSVC_OK;
    }
    return AUTHSVC_INVALID;
}

/* How long a statement waits for another connection's write lock (this process's or
 * another's) before it fails, and for how long after such a failure the same
 * connection fails at once: apr_dbd's driver retries a busy statement 16 times, 100 ms
 * apart, and a wait that ran out should not start again at each retry. */
#define BUSY_WAIT apr_time_from_msec(1000)
#define BUSY_DRIVER_RETRIES apr_time_from_msec(2000)
#define BUSY_PAUSE_MAX 4000 /* microseconds */

/* apr-util exports them for its drivers (apr_dbd_internal.h, not installed): the
 * process-wide mutex its SQLite driver holds around every call into SQLite. */
APU_DECLARE(apr_status_t) apr_dbd_mutex_lock(void);
APU_DECLARE(apr_status_t) apr_dbd_mutex_unlock(void);

typedef struct {
    apr_time_t since;   /* when the current wait began */
    apr_time_t gave_up; /* when the latest wait ran out (0: none) */
} busy_wait_t;

/* SQLite's busy handler, instead of the driver's 100 ms sleeps: short pauses (0.25 ms
 * doubling up to 4 ms) up to BUSY_WAIT. SQLite calls it inside a call of the driver,
 * which holds its process-wide mutex: the pause lets go of it, or a connection of this
 * same process holding the lock could not go on to its COMMIT and the wait would always
 * run out. */
static int busy_handler(void *data, int count)
{
    busy_wait_t *busy = data;
    apr_time_t now = apr_time_now();
    apr_interval_time_t pause = BUSY_PAUSE_MAX;

    if (count == 0) {
        if (busy->gave_up && now - busy->gave_up < BUSY_DRIVER_RETRIES) {
            return 0;
        }
        busy->gave_up = 0;
        busy->since = now;
    }
    if (now - busy->since >= BUSY_WAIT) {
        busy->gave_up = now;
        return 0;
    }
    if (count < 4) {
        pause = 250 << count;
    }
    apr_dbd_mutex_unlock();
    apr_sleep(pause);
    apr_dbd_mutex_lock();
    return 1;
}

void authsvc_db_sqlite_wait_for_locks(authsvc_db_t *db)
{
    sqlite3 *native;

    if (db->dialect != AUTHSVC_DIALECT_SQLITE
        || (native = apr_dbd_native_handle(db->driver, db->handle)) == NULL) {
        return;
    }
    sqlite3_busy_handler(native, busy_handler,
                         apr_pcalloc(db->conn_pool != NULL ? db->conn_pool : db->pool,
                                     sizeof(busy_wait_t)));
}

static authsvc_status_t run_direct(authsvc_db_t *db, apr_pool_t *p, const char *label);

/* One of our own connections: the busy timeout first (even preparing the session's
 * PRAGMAs may wait for a lock), then the session settings. */
static authsvc_status_t connection_setup(authsvc_db_t *db, apr_pool_t *p)
{
    if (run_direct(db, p, AUTHSVC_DB_DIRECT_BUSY_TIMEOUT) != AUTHSVC_OK)
        return AUTHSVC_UNAVAILABLE;
    return authsvc_db_session_init(db, p);
}

static apr_status_t close_connection(void *data)
{
    authsvc_db_t *db = data;

    if (db->handle != NULL) {
        apr_dbd_close(db->driver, db->handle);
        db->handle = NULL;
    }
    return APR_SUCCESS;
}

authsvc_status_t authsvc_db_open(apr_pool_t *p, const char *driver_name, const char *params,
                                 authsvc_db_t **out, const char **error)
{
    authsvc_db_t *db = apr_pcalloc(p, sizeof(*db));
    const char *why = NULL;
    apr_status_t rv;

    *out = NULL;
    *error = NULL;
    if (authsvc_db_dialect_from_driver(driver_name, &db->dialect) != AUTHSVC_OK) {
        *error = "unsupported driver (use sqlite3 or pgsql)";
        return AUTHSVC_INVALID;
    }
    apr_dbd_init(p);
    rv = apr_dbd_get_driver(p, driver_name, &db->driver);
    if (rv != APR_SUCCESS) {
        *error = apr_psprintf(p, "cannot load the apr_dbd %s driver", driver_name);
        return AUTHSVC_UNAVAILABLE;
    }
    rv = apr_dbd_open_ex(db->driver, p, params, &db->handle, &why);
    if (rv != APR_SUCCESS || db->handle == NULL) {
        *error = why != NULL ? apr_pstrdup(p, why) : "cannot open the database";
        return AUTHSVC_UNAVAILABLE;
    }
    apr_pool_cleanup_register(p, db, close_connection, apr_pool_cleanup_null);
    db->pool = p;
    db->conn_pool = p;
    db->prepared = apr_hash_make(p);
    db->prepare_on_demand = 1;
    if (connection_setup(db, p) != AUTHSVC_OK) {
        *error = db->error;
        return AUTHSVC_UNAVAILABLE;
    }
    *out = db;
    return AUTHSVC_OK;
}

/* Runs a direct statement as a select (PRAGMAs may or may not answer a row) and reads
 * it to the end. */
static authsvc_status_t run_direct(authsvc_db_t *db, apr_pool_t *p, const char *label)
{
    return authsvc_db_direct(db, p, label, NULL);
}

authsvc_status_t authsvc_db_direct(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                   const char **value)
{
    const char *sql = authsvc_db_direct_sql(label, db->dialect);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st;

    if (value != NULL) {
        *value = NULL;
    }
    if (sql == NULL || *sql == '\0') {
        return AUTHSVC_OK;
    }
    st = authsvc_db_select_text(db, p, sql, &res);
    while (st == AUTHSVC_OK && authsvc_db_next_row(db, p, res, &row)) {
        if (value != NULL && *value == NULL) {
            *value = authsvc_db_column(db, row, 0);
        }
    }
    return st;
}

authsvc_status_t authsvc_db_session_init(authsvc_db_t *db, apr_pool_t *p)
{
    return run_direct(db, p, AUTHSVC_DB_DIRECT_SESSION_INIT);
}

/* Where a statement prepared for the connection lives: as long as the connection. */
static apr_pool_t *statement_pool(const authsvc_db_t *db)
{
    return db->conn_pool != NULL ? db->conn_pool : db->pool;
}

authsvc_status_t authsvc_db_prepare(authsvc_db_t *db, const char *label)
{
    const authsvc_db_statement_t *st;
    apr_dbd_prepared_t *stmt = NULL;
    int rc;

    if (apr_hash_get(db->prepared, label, APR_HASH_KEY_STRING) != NULL) {
        return AUTHSVC_OK;
    }
    st = authsvc_db_statement_find(label);
    if (st == NULL) {
        db->error = apr_psprintf(db->pool, "no statement labelled %s", label);
        return AUTHSVC_DB_ERROR;
    }
    rc = apr_dbd_prepare(db->driver, statement_pool(db), db->handle,
                         authsvc_db_statement_sql(st, db->dialect), st->label, &stmt);
    if (rc != 0 || stmt == NULL) {
        return status_from_rc(db, statement_pool(db), rc != 0 ? rc : -1);
    }
    apr_hash_set(db->prepared, st->label, APR_HASH_KEY_STRING, stmt);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_prepare_all(authsvc_db_t *db, const char **failed)
{
    apr_size_t i, count;
    const authsvc_db_statement_t *all = authsvc_db_statements(&count);
    authsvc_status_t st;

    *failed = NULL;
    for (i = 0; i < count; i++) {
        st = authsvc_db_prepare(db, all[i].label);
        if (st != AUTHSVC_OK) {
            *failed = all[i].label;
            return st;
        }
    }
    return AUTHSVC_OK;
}

static authsvc_status_t lookup(authsvc_db_t *db, apr_pool_t *p, const char *label,
                               apr_dbd_prepared_t **stmt)
{
    authsvc_status_t st;

    *stmt = apr_hash_get(db->prepared, label, APR_HASH_KEY_STRING);
    if (*stmt != NULL) {
        return AUTHSVC_OK;
    }
    if (!db->prepare_on_demand) {
        db->error = apr_psprintf(p, "statement %s is not prepared", label);
        return AUTHSVC_DB_ERROR;
    }
    st = authsvc_db_prepare(db, label);
    if (st == AUTHSVC_OK) {
        *stmt = apr_hash_get(db->prepared, label, APR_HASH_KEY_STRING);
    }
    return st;
}

authsvc_status_t authsvc_db_exec(authsvc_db_t *db, apr_pool_t *p, const char *label, int *nrows,
                                 int nargs, const char **args)
{
    apr_dbd_prepared_t *stmt;
    authsvc_status_t st = lookup(db, p, label, &stmt);
    int ignored = 0;

    if (st != AUTHSVC_OK) {
        return st;
    }
    if (nrows == NULL) {
        nrows = &ignored;
    }
    *nrows = 0;
    return status_from_rc(db, p,
                          apr_dbd_pquery(db->driver, p, db->handle, nrows, stmt, nargs, args));
}

authsvc_status_t authsvc_db_select(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                   apr_dbd_results_t **res, int nargs, const char **args)
{
    apr_dbd_prepared_t *stmt;
    authsvc_status_t st = lookup(db, p, label, &stmt);

    *res = NULL;
    if (st != AUTHSVC_OK) {
        return st;
    }
    /* random access (1): the whole result set is fetched now, so the connection is free
     * for the next statement however far the caller reads */
    return status_from_rc(db, p,
                          apr_dbd_pselect(db->driver, p, db->handle, res, stmt, 1, nargs,
                                          args));
}

int authsvc_db_next_row(authsvc_db_t *db, apr_pool_t *p, apr_dbd_results_t *res,
                        apr_dbd_row_t **row)
{
    db->row_pool = p;
    if (res == NULL) {
        return 0;
    }
    if (apr_dbd_get_row(db->driver, p, res, row, -1) != 0) {
        *row = NULL;
        return 0;
    }
    return 1;
}

/* The driver's text of a column, NULL for SQL NULL. apr_dbd_get_entry cannot tell: the
 * PostgreSQL driver answers "" for NULL there, so ask apr_dbd_datum_get. */
static const char *entry(authsvc_db_t *db, apr_dbd_row_t *row, int n)
{
    char *value = NULL;

    if (apr_dbd_datum_get(db->driver, row, n, APR_DBD_TYPE_STRING, &value) != APR_SUCCESS) {
        return NULL;
    }
    return value;
}

const char *authsvc_db_column(authsvc_db_t *db, apr_dbd_row_t *row, int n)
{
    const char *value = entry(db, row, n);

    if (value == NULL) {
        return NULL;
    }
    return apr_pstrdup(db->row_pool != NULL ? db->row_pool : db->pool, value);
}

long long authsvc_db_column_int(authsvc_db_t *db, apr_dbd_row_t *row, int n, long long dflt)
{
    const char *value = entry(db, row, n);

    return value != NULL ? (long long)apr_atoi64(value) : dflt;
}

authsvc_status_t authsvc_db_select_one(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                       apr_dbd_row_t **row, int nargs, const char **args)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *cursor = NULL;
    authsvc_status_t st = authsvc_db_select(db, p, label, &res, nargs, args);

    *row = NULL;
    if (st != AUTHSVC_OK) {
        return st;
    }
    if (!authsvc_db_next_row(db, p, res, &cursor)) {
        return AUTHSVC_NOT_FOUND;
    }
    /* the first row stays valid: both drivers keep it until the pool goes */
    *row = cursor;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_exec_text(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                      int *nrows)
{
    int ignored = 0;

    if (nrows == NULL) {
        nrows = &ignored;
    }
    *nrows = 0;
    return status_from_rc(db, p, apr_dbd_query(db->driver, db->handle, nrows, sql));
}

authsvc_status_t authsvc_db_select_text(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                        apr_dbd_results_t **res)
{
    *res = NULL;
    return status_from_rc(db, p, apr_dbd_select(db->driver, p, db->handle, res, sql, 1));
}

const char *authsvc_db_built_label(apr_pool_t *p, const char *sql)
{
    apr_uint64_t h = APR_UINT64_C(14695981039346656037);
    const unsigned char *c;

    for (c = (const unsigned char *)sql; *c; c++) {
        h ^= *c;
        h *= APR_UINT64_C(1099511628211);
    }
    return apr_psprintf(p, "authsvc_built_%016" APR_UINT64_T_HEX_FMT, h);
}

/* Keys of db->prepared: built texts under "authsvc_built " + the text itself (exact, so
 * two texts never share a statement), and how many there are under BUILT_COUNT_KEY. */
#define BUILT_KEY_PREFIX "authsvc_built "
#define BUILT_COUNT_KEY "authsvc_built_count"

static authsvc_status_t run_built(authsvc_db_t *db, apr_pool_t *p, apr_dbd_prepared_t *stmt,
                                  apr_dbd_results_t **res, int nargs, const char **args)
{
    return status_from_rc(db, p,
                          apr_dbd_pselect(db->driver, p, db->handle, res, stmt, 1, nargs,
                                          args));
}

/* SQLite: prepares sql for the connection's lifetime under its derived label and keeps
 * it in db->prepared; *stmt stays NULL when the cache is full. */
static authsvc_status_t built_prepare(authsvc_db_t *db, apr_pool_t *p, const char *key,
                                      const char *sql, apr_dbd_prepared_t **stmt)
{
    int *count = apr_hash_get(db->prepared, BUILT_COUNT_KEY, APR_HASH_KEY_STRING);
    int rc;

    *stmt = NULL;
    if (count == NULL) {
        count = apr_pcalloc(db->conn_pool, sizeof(*count));
        apr_hash_set(db->prepared, BUILT_COUNT_KEY, APR_HASH_KEY_STRING, count);
    }
    if (*count >= AUTHSVC_DB_BUILT_MAX) {
        return AUTHSVC_OK;
    }
    rc = apr_dbd_prepare(db->driver, db->conn_pool, db->handle, sql,
                         authsvc_db_built_label(db->conn_pool, sql), stmt);
    if (rc != 0 || *stmt == NULL) {
        *stmt = NULL;
        return status_from_rc(db, p, rc != 0 ? rc : -1);
    }
    apr_hash_set(db->prepared, apr_pstrdup(db->conn_pool, key), APR_HASH_KEY_STRING, *stmt);
    (*count)++;
    return AUTHSVC_OK;
}

/* sql prepared without a label in p, for this one run. PostgreSQL: the driver runs it
 * with PQexecParams, nothing stays on the server or the connection. SQLite: the
 * statement stays on the connection until it closes. */
static authsvc_status_t built_unnamed(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                      apr_dbd_results_t **res, int nargs, const char **args)
{
    apr_dbd_prepared_t *stmt = NULL;
    int rc = apr_dbd_prepare(db->driver, p, db->handle, sql, NULL, &stmt);

    if (rc != 0 || stmt == NULL) {
        return status_from_rc(db, p, rc != 0 ? rc : -1);
    }
    return run_built(db, p, stmt, res, nargs, args);
}

/* SQLite, past the cache: a connection of its own to the same file, closed with p, so
 * the statement goes with it. An in-memory database cannot be opened twice: there the
 * statement stays on the connection (tests only). */
static authsvc_status_t built_elsewhere(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                        apr_dbd_results_t **res, int nargs, const char **args)
{
    sqlite3 *native = apr_dbd_native_handle(db->driver, db->handle);
    const char *file = native != NULL ? sqlite3_db_filename(native, "main") : NULL;
    authsvc_db_t *own = NULL;
    const char *error = NULL;
    authsvc_status_t st;

    if (file != NULL && *file != '\0') {
        st = authsvc_db_open(p, "sqlite3", file, &own, &error);
        if (st != AUTHSVC_OK) {
            db->error = error;
            return st;
        }
        /* not SQLite's busy timeout in httpd: its sleeps would hold apr_dbd's mutex */
        authsvc_db_sqlite_wait_for_locks(own);
        st = authsvc_db_select_built(own, p, sql, res, nargs, args);
        db->error = own->error;
        return st;
    }
    return built_unnamed(db, p, sql, res, nargs, args);
}

authsvc_status_t authsvc_db_select_built(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                         apr_dbd_results_t **res, int nargs, const char **args)
{
    const char *key = apr_pstrcat(p, BUILT_KEY_PREFIX, sql, NULL);
    apr_dbd_prepared_t *stmt = NULL;
    authsvc_status_t st;

    *res = NULL;
    if (db->dialect == AUTHSVC_DIALECT_PGSQL) {
        return built_unnamed(db, p, sql, res, nargs, args);
    }
    if (db->prepared != NULL) {
        stmt = apr_hash_get(db->prepared, key, APR_HASH_KEY_STRING);
    }
    if (stmt == NULL && db->prepared != NULL && db->conn_pool != NULL) {
        st = built_prepare(db, p, key, sql, &stmt);
        if (st != AUTHSVC_OK) {
            return st;
        }
    }
    if (stmt != NULL) {
        return run_built(db, p, stmt, res, nargs, args);
    }
    return built_elsewhere(db, p, sql, res, nargs, args);
}

authsvc_status_t authsvc_db_exec_fresh(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                       int *nrows, int nargs, const char **args)
{
    const authsvc_db_statement_t *st = authsvc_db_statement_find(label);
    apr_dbd_prepared_t *stmt = NULL;
    int ignored = 0;
    int rc;

    if (st == NULL) {
        db->error = apr_psprintf(p, "no statement labelled %s", label);
        return AUTHSVC_DB_ERROR;
    }
    if (nrows == NULL) {
        nrows = &ignored;
    }
    *nrows = 0;
    /* no label: PostgreSQL runs it unnamed, nothing is left behind on the server */
    rc = apr_dbd_prepare(db->driver, p, db->handle, authsvc_db_statement_sql(st, db->dialect),
                         NULL, &stmt);
    if (rc != 0 || stmt == NULL) {
        return status_from_rc(db, p, rc != 0 ? rc : -1);
    }
    return status_from_rc(db, p,
                          apr_dbd_pquery(db->driver, p, db->handle, nrows, stmt, nargs, args));
}

/* A zeroed transaction record for the PostgreSQL driver to fill in. Its BEGIN writes
 * through the record even when BEGIN fails, and allocates one only on success: given
 * none, a BEGIN that fails (the server closed the session since the connection was
 * lent, as in a restart under load) dereferences NULL and takes the httpd child down.
 * The driver's record is three words (mode, error, handle); this is room for more. The
 * SQLite driver fills in a record only when it allocates it, so it gets none. */
static apr_dbd_transaction_t *pgsql_transaction_record(apr_pool_t *p)
{
    return apr_pcalloc(p, 8 * sizeof(void *));
}

authsvc_status_t authsvc_db_begin(authsvc_db_t *db, apr_pool_t *p)
{
    authsvc_status_t st;
    int rc;

    if (db->trans != NULL) {
        db->error = "a transaction is already open";
        return AUTHSVC_DB_ERROR;
    }
    db->trans_failed = 0;
    if (db->dialect == AUTHSVC_DIALECT_PGSQL) {
        db->trans = pgsql_transaction_record(p);
    }
    rc = apr_dbd_transaction_start(db->driver, p, db->handle, &db->trans);
    if (rc != 0) {
        st = status_from_rc(db, p, rc);
        if (db->trans != NULL) { /* the drivers may have registered it: end it */
            apr_dbd_transaction_mode_set(db->driver, db->trans, APR_DBD_TRANSACTION_ROLLBACK);
            apr_dbd_transaction_end(db->driver, p, db->trans);
        }
        db->trans = NULL;
        /* a BEGIN refused is the server's or the connection's state, never the request's */
        return st == AUTHSVC_DB_ERROR ? AUTHSVC_UNAVAILABLE : st;
    }
    return AUTHSVC_OK;
}

static authsvc_status_t end_transaction(authsvc_db_t *db, int rollback)
{
    apr_dbd_transaction_t *trans = db->trans;
    int rc;

    if (trans == NULL) {
        return rollback ? AUTHSVC_OK : AUTHSVC_DB_ERROR;
    }
    if (rollback) {
        apr_dbd_transaction_mode_set(db->driver, trans, APR_DBD_TRANSACTION_ROLLBACK);
    }
    rc = apr_dbd_transaction_end(db->driver, db->pool, trans);
    db->trans = NULL;
    db->trans_failed = 0;
    if (rc != 0) {
        return status_from_rc(db, db->pool, rc);
    }
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_db_commit(authsvc_db_t *db)
{
    if (db->trans != NULL && db->trans_failed) {
        end_transaction(db, 1);
        return AUTHSVC_DB_ERROR;
    }
    return end_transaction(db, 0);
}

authsvc_status_t authsvc_db_rollback(authsvc_db_t *db)
{
    return end_transaction(db, 1);
}

/* Reads a one-row, one-column integer answer of unprepared SQL. */
static authsvc_status_t select_int(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                   long long *value)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_text(db, p, sql, &res);
    int found = 0;

    if (st != AUTHSVC_OK) {
        return st;
    }
    while (authsvc_db_next_row(db, p, res, &row)) {
        if (!found) {
            *value = authsvc_db_column_int(db, row, 0, 0);
            found = 1;
        }
    }
    return found ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

authsvc_status_t authsvc_db_schema_version(authsvc_db_t *db, apr_pool_t *p, int *version)
{
    const authsvc_db_statement_t *st = authsvc_db_statement_find("authsvc_schema_version");
    long long exists = 0, value = 0;
    authsvc_status_t status;

    *version = 0;
    status = select_int(db, p,
                        authsvc_db_direct_sql(AUTHSVC_DB_DIRECT_MIGRATIONS_EXIST, db->dialect),
                        &exists);
    if (status != AUTHSVC_OK || exists == 0) {
        return status;
    }
    status = select_int(db, p, authsvc_db_statement_sql(st, db->dialect), &value);
    if (status == AUTHSVC_OK) {
        *version = (int)value;
    }
    return status;
}

long long authsvc_db_now_ms(void)
{
    return (long long)(apr_time_now() / 1000);
}

const char *authsvc_db_int_arg(apr_pool_t *p, long long v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%lld", v);
    return apr_pstrdup(p, buf);
}
