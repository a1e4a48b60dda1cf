/* The database write stamp of the API's token cache (gateway_me_stamp.c): PostgreSQL is
 * always fresh, nothing learnt or a database in memory never is, and on SQLite an entry
 * is trusted only when neither the file nor its log was written since its check minus
 * the grace. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* utimensat under -std=c11 */
#endif
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <apr_strings.h>

#include "authsvc_db.h"
#include "authsvc_gateway_me_stamp.h"
#include "unit.h"

#define GRACE AUTHSVC_GATEWAY_STAMP_GRACE_MS

/* Sets path's modification time to when_ms (creating the file). */
static void touch_at(const char *path, long long when_ms)
{
    struct timespec times[2];
    FILE *f = fopen(path, "a");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    times[0].tv_sec = times[1].tv_sec = (time_t)(when_ms / 1000);
    times[0].tv_nsec = times[1].tv_nsec = (long)(when_ms % 1000) * 1000000;
    CU_ASSERT_EQUAL_FATAL(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void test_stamp_before_learning_and_without_files(void)
{
    authsvc_gateway_stamp_t *none = authsvc_gateway_stamp_create(authsvc_test_pool());
    authsvc_gateway_stamp_t *memory = authsvc_gateway_stamp_create(authsvc_test_pool());
    long long now = authsvc_db_now_ms();

    CU_ASSERT_PTR_NOT_NULL_FATAL(none);
    CU_ASSERT_PTR_NOT_NULL_FATAL(memory);
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(NULL, now), 0);
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(none, now), 0); /* nothing learnt */
    authsvc_gateway_stamp_learn(none, NULL);                    /* PostgreSQL */
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(none, now), 1);
    authsvc_gateway_stamp_learn(none, "/nonexistent.db"); /* the first learnt stays */
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(none, now), 1);
    authsvc_gateway_stamp_learn(memory, "");
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(memory, now), 0);
}

static void test_stamp_follows_the_files(void)
{
    apr_pool_t *p = authsvc_test_pool();
    const char *dir = apr_psprintf(p, "/tmp/authsvc-stamp-%ld", (long)getpid());
    const char *file, *wal;
    authsvc_gateway_stamp_t *stamp = authsvc_gateway_stamp_create(p);
    long long t = authsvc_db_now_ms() - 100000;

    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
    file = apr_pstrcat(p, dir, "/authsvc.db", NULL);
    wal = apr_pstrcat(p, file, "-wal", NULL);
    authsvc_gateway_stamp_learn(stamp, file);
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(stamp, t + 60000), 0); /* no file */
    touch_at(file, t);
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(stamp, t + GRACE + 1), 1); /* no log */
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(stamp, t + GRACE), 0);
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(stamp, t - 5000), 0);
    touch_at(wal, t + 10000); /* a commit after the check: its log write */
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(stamp, t + 5000), 0);
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(stamp, t + 10000 + GRACE + 1), 1);
    touch_at(file, t + 20000); /* a checkpoint, or a rollback-journal commit */
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(stamp, t + 10000 + GRACE + 1), 0);
    CU_ASSERT_EQUAL(authsvc_gateway_stamp_fresh(stamp, t + 20000 + GRACE + 1), 1);
    unlink(wal);
    unlink(file);
    rmdir(dir);
}

void authsvc_test_register_gateway_me_stamp(void)
{
    CU_pSuite s = CU_add_suite("gateway_me_stamp", NULL, NULL);

    CU_add_test(s, "nothing learnt, PostgreSQL, in memory",
                test_stamp_before_learning_and_without_files);
    CU_add_test(s, "follows the file and its log", test_stamp_follows_the_files);
}
