/* The database write stamp of one process (see authsvc_gateway_me_stamp.h). */
#include <errno.h>
#include <stdatomic.h>
#include <sys/stat.h>

#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "authsvc_gateway_me_stamp.h"

enum {
    STAMP_UNKNOWN = 0, /* nothing learnt yet */
    STAMP_NONE,        /* PostgreSQL: nothing to look at */
    STAMP_FILES,       /* SQLite: file and wal are set */
    STAMP_NEVER        /* SQLite in memory: no file to look at */
};

struct authsvc_gateway_stamp {
    atomic_int state; /* set once, after file and wal */
    apr_thread_mutex_t *lock;
    apr_pool_t *pool;
    const char *file;
    const char *wal;
};

authsvc_gateway_stamp_t *authsvc_gateway_stamp_create(apr_pool_t *p)
{
    authsvc_gateway_stamp_t *stamp = apr_pcalloc(p, sizeof(*stamp));

    atomic_init(&stamp->state, STAMP_UNKNOWN);
    stamp->pool = p;
    return apr_thread_mutex_create(&stamp->lock, APR_THREAD_MUTEX_DEFAULT, p) == APR_SUCCESS
               ? stamp
               : NULL;
}

void authsvc_gateway_stamp_learn(authsvc_gateway_stamp_t *stamp, const char *sqlite_file)
{
    if (!stamp || atomic_load(&stamp->state) != STAMP_UNKNOWN)
        return;
    apr_thread_mutex_lock(stamp->lock);
    if (atomic_load(&stamp->state) == STAMP_UNKNOWN) {
        if (!sqlite_file) {
            atomic_store(&stamp->state, STAMP_NONE);
        } else if (!*sqlite_file) {
            atomic_store(&stamp->state, STAMP_NEVER);
        } else {
            stamp->file = apr_pstrdup(stamp->pool, sqlite_file);
            stamp->wal = apr_pstrcat(stamp->pool, sqlite_file, "-wal", NULL);
            atomic_store(&stamp->state, STAMP_FILES);
        }
    }
    apr_thread_mutex_unlock(stamp->lock);
}

/* The modification time of path in epoch ms; 0 when it does not exist (a log not made
 * yet, or removed when the last connection closed: its writes are in the file), -1 when
 * it cannot be looked at. */
static long long stamp_mtime_ms(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return (long long)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

int authsvc_gateway_stamp_fresh(authsvc_gateway_stamp_t *stamp, long long checked_ms)
{
    long long file, wal;

    switch (stamp ? atomic_load(&stamp->state) : STAMP_UNKNOWN) {
    case STAMP_NONE: return 1;
    case STAMP_FILES: break;
    default: return 0;
    }
    file = stamp_mtime_ms(stamp->file);
    wal = stamp_mtime_ms(stamp->wal);
    if (file <= 0 || wal < 0)
        return 0;
    return (file > wal ? file : wal) + AUTHSVC_GATEWAY_STAMP_GRACE_MS < checked_ms;
}
