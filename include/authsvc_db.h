/* Database access over apr_dbd, the same for the module (connections from mod_dbd)
 * and the admin CLI (its own connection). All SQL lives in the statement catalogue
 * (db_statements.c): label -> SQL, the same text for SQLite and PostgreSQL wherever
 * the dialects allow. Values are always bound, never spliced into SQL. */
#ifndef AUTHSVC_DB_H
#define AUTHSVC_DB_H

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_dbd.h>
#include "authsvc_status.h"

typedef enum {
    AUTHSVC_DIALECT_SQLITE,
    AUTHSVC_DIALECT_PGSQL
} authsvc_dialect_t;

typedef struct {
    const char *label;     /* "authsvc_user_by_username" */
    const char *sql;       /* apr_dbd placeholders: %s, %d, %lld; a literal % is %% */
    const char *sql_pgsql; /* NULL when sql serves both dialects */
} authsvc_db_statement_t;

typedef struct {
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_hash_t *prepared;  /* label -> apr_dbd_prepared_t*, from mod_dbd or our own */
    int prepare_on_demand; /* CLI: prepare a label the first time it is used */
    authsvc_dialect_t dialect;
    apr_pool_t *pool;             /* the caller's pool (requests: the request's) */
    apr_pool_t *conn_pool;        /* lives as long as the connection: its statements, the
                               * built ones included; NULL: nothing is kept (built
                               * statements run on a connection of their own) */
    apr_dbd_transaction_t *trans; /* the open transaction, or NULL */
    int trans_failed;             /* a statement failed inside trans: commit rolls back */
    apr_pool_t *row_pool;         /* pool of the latest authsvc_db_next_row call */
    const char *error;            /* the driver's message for the latest failure, or NULL */
} authsvc_db_t;

/* How many tables the latest schema has (authsvc_schema_ready counts them). */
#define AUTHSVC_DB_TABLE_COUNT 27

/* The catalogue: statements every connection prepares (mod_dbd at configuration time,
 * the CLI on demand). Each one prepares on both dialects against the migrated schema. */
const authsvc_db_statement_t *authsvc_db_statements(apr_size_t *count);
const char *authsvc_db_statement_sql(const authsvc_db_statement_t *st, authsvc_dialect_t d);
const authsvc_db_statement_t *authsvc_db_statement_find(const char *label);

/* Direct statements: dialect-specific, never prepared, run as plain text without
 * arguments (PRAGMAs, catalog look-ups, the migrator's lock). In this table "" means
 * "nothing to run on that dialect" and a NULL sql_pgsql means "the same as sql".
 * Returns NULL for an unknown label. */
const char *authsvc_db_direct_sql(const char *label, authsvc_dialect_t d);

/* Labels of the direct statements. */
#define AUTHSVC_DB_DIRECT_SESSION_INIT "authsvc_session_init"
#define AUTHSVC_DB_DIRECT_BUSY_TIMEOUT "authsvc_busy_timeout"
#define AUTHSVC_DB_DIRECT_JOURNAL_WAL "authsvc_journal_wal"
#define AUTHSVC_DB_DIRECT_JOURNAL_MODE "authsvc_journal_mode"
#define AUTHSVC_DB_DIRECT_SYNC_NORMAL "authsvc_synchronous_normal"
#define AUTHSVC_DB_DIRECT_CACHE_SIZE "authsvc_cache_size"
#define AUTHSVC_DB_DIRECT_MIGRATIONS_EXIST "authsvc_migrations_table_exists"
#define AUTHSVC_DB_DIRECT_MIGRATE_LOCK "authsvc_migrate_lock"

/* Columns of the user rows (authsvc_user_by_username, authsvc_user_by_id). */
enum {
    AUTHSVC_USER_COL_ID,
    AUTHSVC_USER_COL_USERNAME,
    AUTHSVC_USER_COL_EMAIL,
    AUTHSVC_USER_COL_FIRST_NAME,
    AUTHSVC_USER_COL_MIDDLE_NAME,
    AUTHSVC_USER_COL_LAST_NAME,
    AUTHSVC_USER_COL_PHONE,
    AUTHSVC_USER_COL_DOB,
    AUTHSVC_USER_COL_GENDER,
    AUTHSVC_USER_COL_PHOTO_URL,
    AUTHSVC_USER_COL_DESIGNATION,
    AUTHSVC_USER_COL_DEFAULT_TENANT_ID,
    AUTHSVC_USER_COL_LOCALE,
    AUTHSVC_USER_COL_LAST_LOGIN,
    AUTHSVC_USER_COL_MFA_REQUIRED,
    AUTHSVC_USER_COL_CREATED_AT,
    AUTHSVC_USER_COL_UPDATED_AT,
    AUTHSVC_USER_COL_EXTERNAL_GROUPS /* JSON array from an IdP, or NULL */
};

/* "sqlite3" / "pgsql" -> dialect; AUTHSVC_INVALID for other drivers. */
authsvc_status_t authsvc_db_dialect_from_driver(const char *driver_name,
                                                authsvc_dialect_t *out);

/* Opens a connection of its own (the CLI and tests; the module gets its connections from
 * mod_dbd): driver "sqlite3" or "pgsql", params as DBDParams. Statements are prepared on
 * demand; the session is initialised (SQLite: foreign keys on, and a busy timeout so
 * SQLite waits for other processes' locks). On failure *error says why, in the
 * driver's words (libpq's name host and port, never a password). The connection closes
 * with pool p. */
authsvc_status_t authsvc_db_open(apr_pool_t *p, const char *driver_name, const char *params,
                                 authsvc_db_t **db, const char **error);

/* SQLite: installs a busy handler on db's connection (httpd's, and any opened inside
 * httpd): a statement that finds the file locked by a writer tries again after short
 * pauses (0.25-4 ms) for up to 1 s, releasing apr_dbd's process-wide mutex meanwhile;
 * then apr_dbd's driver retries 16 times 100 ms apart before it fails. Its state lives
 * in db->conn_pool (db->pool without one). Nothing on PostgreSQL. */
void authsvc_db_sqlite_wait_for_locks(authsvc_db_t *db);

/* Per-connection settings (SQLite: PRAGMA foreign_keys = ON), for every connection,
 * mod_dbd's included (dbd.c runs them in mod_dbd's post_connect hook). */
authsvc_status_t authsvc_db_session_init(authsvc_db_t *db, apr_pool_t *p);

/* Runs direct statement label; *value (may be NULL) gets the first column of its first
 * row, or NULL when it answers none. */
authsvc_status_t authsvc_db_direct(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                   const char **value);

/* Prepares label into db->prepared unless it is there already. */
authsvc_status_t authsvc_db_prepare(authsvc_db_t *db, const char *label);

/* Prepares every catalogue statement; on failure *failed names the first that failed. */
authsvc_status_t authsvc_db_prepare_all(authsvc_db_t *db, const char **failed);

/* Runs a prepared statement. args are strings (NULL binds SQL NULL); *nrows (may be
 * NULL) gets the rows changed. A statement that answers rows (RETURNING, PRAGMAs) must
 * go through select: SQLite's driver reports a row as an error here. Errors map to
 * AUTHSVC_UNAVAILABLE (connection, locks), AUTHSVC_CONFLICT (unique constraint; on
 * PostgreSQL recognised by the server's English message) or AUTHSVC_DB_ERROR. */
authsvc_status_t authsvc_db_exec(authsvc_db_t *db, apr_pool_t *p, const char *label, int *nrows,
                                 int nargs, const char **args);

/* Runs a prepared query; *res is read with authsvc_db_next_row until it returns 0. */
authsvc_status_t authsvc_db_select(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                   apr_dbd_results_t **res, int nargs, const char **args);

/* 1 and *row set while rows remain; 0 at the end (the result set is then read to the end).
 * Set *row to NULL before the first call and pass the same variable each time; read a
 * row's columns before the next call (PostgreSQL frees the set when the end is reached).
 * Selects fetch the whole result set at once, so stopping early leaves the connection
 * ready for the next statement. */
int authsvc_db_next_row(authsvc_db_t *db, apr_pool_t *p, apr_dbd_results_t *res,
                        apr_dbd_row_t **row);

/* Column n of row as a copy in the pool of the latest authsvc_db_next_row call (so it
 * outlives the result set), or NULL for SQL NULL. */
const char *authsvc_db_column(authsvc_db_t *db, apr_dbd_row_t *row, int n);

/* Column n as an integer; dflt for SQL NULL. */
long long authsvc_db_column_int(authsvc_db_t *db, apr_dbd_row_t *row, int n, long long dflt);

/* Runs a prepared query expected to answer at most one row: AUTHSVC_OK with *row set,
 * AUTHSVC_NOT_FOUND when there is none. The set is fetched whole, so nothing stays
 * pending on the connection. */
authsvc_status_t authsvc_db_select_one(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                       apr_dbd_row_t **row, int nargs, const char **args);

/* Runs a query built from allow-listed pieces (the filter translator's), its values
 * bound. apr_dbd's SQLite driver keeps every statement prepared on a connection until
 * the connection closes, so a statement prepared per request is a leak (about 9 KB
 * each): on SQLite the first AUTHSVC_DB_BUILT_MAX texts are prepared once per
 * connection, kept in db->prepared under a key derived from the text and used again;
 * past that a text runs on a short-lived connection of its own. On PostgreSQL the text
 * runs unnamed: the driver sends an unlabelled statement with PQexecParams, so nothing
 * stays on the server, and a session the pool renews (dbd_session.c) has no named
 * statement of ours to miss. Read *res as with authsvc_db_select. */
authsvc_status_t authsvc_db_select_built(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                         apr_dbd_results_t **res, int nargs, const char **args);

/* Built statements kept per connection: the texts differ only by which filter pieces
 * are present, so a client's usual queries are a handful. */
#define AUTHSVC_DB_BUILT_MAX 64

/* The label a built text is prepared under: "authsvc_built_" and 16 hex digits of the
 * text's 64-bit FNV-1a hash, in p (short enough for a PostgreSQL statement name). */
const char *authsvc_db_built_label(apr_pool_t *p, const char *sql);

/* Runs SQL text without arguments through apr_dbd_query / apr_dbd_select, unprepared
 * (migrations; direct statements; SQL that must run before the tables exist). */
authsvc_status_t authsvc_db_exec_text(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                      int *nrows);
authsvc_status_t authsvc_db_select_text(authsvc_db_t *db, apr_pool_t *p, const char *sql,
                                        apr_dbd_results_t **res);

/* Runs a catalogue statement prepared afresh for this one call, without caching it: for
 * the migrator, whose DDL invalidates SQLite statements prepared before it. */
authsvc_status_t authsvc_db_exec_fresh(authsvc_db_t *db, apr_pool_t *p, const char *label,
                                       int *nrows, int nargs, const char **args);

/* Transactions: begin/commit/rollback on db->handle. One at a time per connection.
 * commit rolls back instead (and answers the failure) when a statement failed inside. */
authsvc_status_t authsvc_db_begin(authsvc_db_t *db, apr_pool_t *p);
authsvc_status_t authsvc_db_commit(authsvc_db_t *db);
authsvc_status_t authsvc_db_rollback(authsvc_db_t *db);

/* Current schema version (0 for an empty database). Runs unprepared, so it works
 * before the first migration and on any connection. */
authsvc_status_t authsvc_db_schema_version(authsvc_db_t *db, apr_pool_t *p, int *version);

/* Epoch milliseconds, the only time format stored. */
long long authsvc_db_now_ms(void);

/* v as a decimal argument for %d / %lld placeholders, in p. (apr_psprintf has no
 * "%lld": use this instead.) */
const char *authsvc_db_int_arg(apr_pool_t *p, long long v);

#endif
