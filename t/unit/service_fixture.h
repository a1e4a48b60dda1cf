/* A database set up the way an operator does it (authsvc-admin: migrate, a tenant "t1"
 * with a role "member", a confidential client "web", a user "alice" with
 * AUTHSVC_SERVICE_FIXTURE_PASSWORD) and a server configuration with a fresh HS256 key:
 * what the suites of flows and services run against without httpd. */
#ifndef AUTHSVC_SERVICE_FIXTURE_H
#define AUTHSVC_SERVICE_FIXTURE_H

#include <apr_pools.h>

#include "authsvc_config.h"
#include "authsvc_db.h"

#define AUTHSVC_SERVICE_FIXTURE_PASSWORD "Tq8-vorpal-Wyvern-51"

typedef struct {
    apr_pool_t *pool;
    char *dir;
    const char *db_path;
    const char *client_secret; /* of "web" */
    authsvc_server_config_t *config;
    authsvc_db_t *db;
} authsvc_service_fixture_t;

/* 0 when all of it is set up (name: a word for the temporary directory). */
int authsvc_service_fixture_open(authsvc_service_fixture_t *f, const char *name);
/* Removes the directory and frees the pool; 0 on success. */
int authsvc_service_fixture_close(authsvc_service_fixture_t *f);

#endif
