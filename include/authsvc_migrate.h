/* Schema migrations: sql/<dialect>/NNN_name.sql, compiled into the library by
 * build-aux/sql2c.sh, applied in version order by the admin CLI. */
#ifndef AUTHSVC_MIGRATE_H
#define AUTHSVC_MIGRATE_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "authsvc_db.h"
#include "authsvc_status.h"

typedef struct {
    authsvc_dialect_t dialect;
    int version;      /* NNN of the file name */
    const char *name; /* "001_initial.sql" */
    const char *sql;  /* statements, each ending with ';' at the end of a line */
} authsvc_migration_t;

/* Every migration of every dialect (src/migrations_data.c, generated). */
extern const authsvc_migration_t authsvc_migrations[];
extern const apr_size_t authsvc_migrations_count;

typedef struct {
    int from_version;         /* schema version found */
    int to_version;           /* schema version left */
    int applied;              /* migrations applied by this run */
    const char *journal_mode; /* SQLite: the journal mode in force ("wal"); else NULL */
    const char *failed;       /* the migration that failed, or NULL */
} authsvc_migrate_result_t;

/* Applies the built-in migrations of db's dialect that are newer than the schema, each
 * in its own transaction together with its schema_migrations row. On SQLite it first
 * switches the database file to WAL (a setting the file keeps). Running it again
 * applies nothing. */
authsvc_status_t authsvc_migrate(authsvc_db_t *db, apr_pool_t *p,
                                 authsvc_migrate_result_t *out);

/* The same over a list of one's own (tests). */
authsvc_status_t authsvc_migrate_apply(authsvc_db_t *db, apr_pool_t *p,
                                       const authsvc_migration_t *list, apr_size_t count,
                                       authsvc_migrate_result_t *out);

/* The highest version of dialect d in list (0 when there is none). */
int authsvc_migrate_latest(const authsvc_migration_t *list, apr_size_t count,
                           authsvc_dialect_t d);

/* Splits migration text into statements (const char *, without the ';'): a statement
 * ends with ';' at the end of a line; pieces holding only comments and blanks are
 * dropped. */
apr_array_header_t *authsvc_migrate_split(apr_pool_t *p, const char *sql);

#endif
