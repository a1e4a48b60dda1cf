/* A migrated SQLite file of its own for a suite of typed database helpers, seeded with a
 * tenant "acme" (role "member"), a client "web" and a user "alice" with a password. */
#ifndef AUTHSVC_DB_FIXTURE_H
#define AUTHSVC_DB_FIXTURE_H

#include <apr_pools.h>

#include "authsvc_db.h"

typedef struct {
    apr_pool_t *pool;
    char *dir;
    authsvc_db_t *db;
    const char *tenant_id;
    const char *user_id; /* alice */
} authsvc_db_fixture_t;

/* 0 when the file is made, migrated and seeded (name: a word for the directory). */
int authsvc_db_fixture_open(authsvc_db_fixture_t *f, const char *name);
/* The same without the seed, for suites that seed rows of their own. */
int authsvc_db_fixture_open_empty(authsvc_db_fixture_t *f, const char *name);
void authsvc_db_fixture_close(authsvc_db_fixture_t *f);

/* The first column of the one row sql answers as an integer, -1 when there is none. */
long long authsvc_db_fixture_count(authsvc_db_fixture_t *f, const char *sql);

#endif
