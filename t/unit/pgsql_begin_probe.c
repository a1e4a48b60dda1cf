/* A transaction begun on a PostgreSQL connection whose server session ended since it
 * was opened (a restart or pg_terminate_backend while the connection sat in a pool):
 * authsvc_db_begin must answer AUTHSVC_UNAVAILABLE (never crash), and the same
 * connection must serve the next transaction. Needs a server, so it is not one of the
 * CUnit suites: t/integration/test_db_outage_pgsql.py runs it with the suite's
 * PostgreSQL. Usage: pgsql_begin_probe '<apr_dbd pgsql params>'. Exit 0: as expected. */
#include <stdio.h>

#include <apr_dbd.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "authsvc_db.h"

static long long probe_int(authsvc_db_t *db, apr_pool_t *p, const char *sql)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;

    if (authsvc_db_select_text(db, p, sql, &res) != AUTHSVC_OK) {
        fprintf(stderr, "%s: %s\n", sql, db->error ? db->error : "?");
        return -1;
    }
    if (!authsvc_db_next_row(db, p, res, &row))
        return -1;
    return authsvc_db_column_int(db, row, 0, -1);
}

/* Ends the session of pid from another connection and waits until it is gone. */
static int probe_terminate(authsvc_db_t *control, apr_pool_t *p, apr_int64_t pid)
{
    const char *end = apr_psprintf(p, "SELECT pg_terminate_backend(%" APR_INT64_T_FMT ")::int",
                                   pid);
    const char *gone = apr_psprintf(p,
                                    "SELECT COUNT(*) FROM pg_stat_activity "
                                    "WHERE pid = %" APR_INT64_T_FMT,
                                    pid);
    int i;

    if (probe_int(control, p, end) != 1)
        return 0;
    for (i = 0; i < 100; i++) {
        if (probe_int(control, p, gone) == 0)
            return 1;
        apr_sleep(apr_time_from_msec(50));
    }
    return 0;
}

static int probe_check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    return ok;
}

int main(int argc, char **argv)
{
    apr_pool_t *p = NULL;
    authsvc_db_t *db = NULL, *control = NULL;
    const char *error = NULL;
    long long pid;
    int ok = 1;

    if (argc != 2) {
        fprintf(stderr, "usage: %s '<apr_dbd pgsql params>'\n", argv[0]);
        return 2;
    }
    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&p, NULL) != APR_SUCCESS)
        return 2;
    apr_dbd_init(p);
    if (authsvc_db_open(p, "pgsql", argv[1], &db, &error) != AUTHSVC_OK
        || authsvc_db_open(p, "pgsql", argv[1], &control, &error) != AUTHSVC_OK) {
        fprintf(stderr, "cannot connect: %s\n", error ? error : "?");
        return 2;
    }
    pid = probe_int(db, p, "SELECT pg_backend_pid()");
    if (pid <= 0 || !probe_terminate(control, p, (apr_int64_t)pid)) {
        fprintf(stderr, "cannot end the session of backend %lld\n", pid);
        return 2;
    }
    ok &= probe_check(authsvc_db_begin(db, p) == AUTHSVC_UNAVAILABLE,
                      "BEGIN on the ended session answers AUTHSVC_UNAVAILABLE");
    ok &= probe_check(db->trans == NULL, "no transaction is left open");
    ok &= probe_check(authsvc_db_begin(db, p) == AUTHSVC_OK,
                      "the next BEGIN runs on a new session");
    ok &= probe_check(probe_int(db, p, "SELECT pg_backend_pid()") != pid,
                      "the new session is another backend");
    ok &= probe_check(authsvc_db_commit(db) == AUTHSVC_OK, "and commits");
    apr_pool_destroy(p);
    apr_terminate();
    return ok ? 0 : 1;
}
