/* Whether the database is ready for the routes: its schema version and its tables, read
 * through a prepared catalogue statement as every route runs them. */
#ifndef AUTHSVC_DB_READINESS_H
#define AUTHSVC_DB_READINESS_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* *version gets the schema version (0 unless the statement answered). AUTHSVC_NOT_FOUND
 * when one of the AUTHSVC_DB_TABLE_COUNT tables of the schema is missing; the statement's
 * failure when it fails (a connection that lost its prepared statements, say). */
authsvc_status_t authsvc_db_schema_ready(authsvc_db_t *db, apr_pool_t *p, int *version);

#endif
