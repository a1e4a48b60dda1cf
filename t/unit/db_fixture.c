/* The database of the typed helpers' suites (see db_fixture.h). */
#include <stdlib.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_db_users.h"
#include "authsvc_migrate.h"
#include "authsvc_tokens.h"
#include "db_fixture.h"
#include "unit.h"

#define FIXTURE_TENANT "00000000-0000-4000-8000-0000000000f1"
#define FIXTURE_ROLE "00000000-0000-4000-8000-0000000000f2"

static int fixture_seed(authsvc_db_fixture_t *f)
{
    const char *tenant[] = {FIXTURE_TENANT, "acme", "Acme", "1", "1", "1"};
    const char *role[] = {FIXTURE_ROLE, FIXTURE_TENANT, "member", "1", "1"};
    const char *web[] = {"web", NULL, "public", "https://web.example/cb", "300", "3600",
                         "60",  "1",  "1"};
    authsvc_user_new_t alice = {NULL,
                                "alice",
                                "alice@example.org",
                                "Alice",
                                NULL,
                                NULL,
                                FIXTURE_TENANT,
                                FIXTURE_ROLE,
                                AUTHSVC_USER_ACTIVE,
                                NULL,
                                "$argon2id$x",
                                NULL,
                                NULL};

    f->tenant_id = FIXTURE_TENANT;
    return authsvc_db_exec(f->db, f->pool, "authsvc_tenant_insert", NULL, 6, tenant)
                       == AUTHSVC_OK
                   && authsvc_db_exec(f->db, f->pool, "authsvc_role_insert", NULL, 5, role)
                          == AUTHSVC_OK
                   && authsvc_db_exec(f->db, f->pool, "authsvc_client_insert", NULL, 9, web)
                          == AUTHSVC_OK
                   && authsvc_db_user_create(f->db, f->pool, &alice, &f->user_id) == AUTHSVC_OK
               ? 0
               : 1;
}

int authsvc_db_fixture_open_empty(authsvc_db_fixture_t *f, const char *name)
{
    const char *error = NULL;
    authsvc_migrate_result_t result;

    if (apr_pool_create(&f->pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    f->dir = apr_pstrcat(f->pool, "/tmp/authsvc-test-", name, "-XXXXXX", NULL);
    if (mkdtemp(f->dir) == NULL)
        return 1;
    if (authsvc_db_open(f->pool, "sqlite3", apr_pstrcat(f->pool, f->dir, "/t.db", NULL), &f->db,
                        &error)
            != AUTHSVC_OK
        || authsvc_migrate(f->db, f->pool, &result) != AUTHSVC_OK)
        return 1;
    return 0;
}

int authsvc_db_fixture_open(authsvc_db_fixture_t *f, const char *name)
{
    return authsvc_db_fixture_open_empty(f, name) || fixture_seed(f);
}

void authsvc_db_fixture_close(authsvc_db_fixture_t *f)
{
    apr_pool_t *p = authsvc_test_pool();
    char *dir = apr_pstrdup(p, f->dir);

    apr_pool_destroy(f->pool); /* closes the connection */
    apr_file_remove(apr_pstrcat(p, dir, "/t.db", NULL), p);
    apr_file_remove(apr_pstrcat(p, dir, "/t.db-wal", NULL), p);
    apr_file_remove(apr_pstrcat(p, dir, "/t.db-shm", NULL), p);
    apr_dir_remove(dir, p);
}

long long authsvc_db_fixture_count(authsvc_db_fixture_t *f, const char *sql)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    long long v = -1;
    int rows = 0;

    if (authsvc_db_select_text(f->db, f->pool, sql, &res) != AUTHSVC_OK)
        return -1;
    while (authsvc_db_next_row(f->db, f->pool, res, &row)) {
        v = authsvc_db_column_int(f->db, row, 0, -1);
        rows++;
    }
    return rows == 1 ? v : -1;
}
