/* Readiness of the database: the schema version and the count of the schema's tables. */
#include "authsvc_db_readiness.h"

/* Columns of authsvc_schema_ready. */
enum {
    READY_VERSION,
    READY_TABLES
};

authsvc_status_t authsvc_db_schema_ready(authsvc_db_t *db, apr_pool_t *p, int *version)
{
    apr_dbd_row_t *row = NULL;
    authsvc_status_t st = authsvc_db_select_one(db, p, "authsvc_schema_ready", &row, 0, NULL);

    *version = st == AUTHSVC_OK ? (int)authsvc_db_column_int(db, row, READY_VERSION, 0) : 0;
    if (st == AUTHSVC_OK
        && authsvc_db_column_int(db, row, READY_TABLES, 0) != AUTHSVC_DB_TABLE_COUNT)
        return AUTHSVC_NOT_FOUND; /* a table is missing */
    return st;
}
