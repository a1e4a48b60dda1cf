/* Whether a SQLite database may have been written since a given moment, from the
 * modification times of its file and its write-ahead log: one stat() each, no database
 * round trip. It lets the API's per-process token cache (gateway_me.c) see at once what
 * a writer that cannot reach this node's shared memory commits (authsvc-admin, another
 * node on the same file), as the database check on every request did. On PostgreSQL
 * those writers reach every node by the revocation push instead (gateway_listen.c), so
 * the stamp says nothing there. docs/design.md ("/auth/me from memory"). */
#ifndef AUTHSVC_GATEWAY_ME_STAMP_H
#define AUTHSVC_GATEWAY_ME_STAMP_H

#include <apr_pools.h>

/* A commit's log write becomes visible to readers within this (the header update after
 * the write, a sync of the log included) and file times may lag the clock by a tick:
 * an entry checked less than this after the last write is not trusted. */
#define AUTHSVC_GATEWAY_STAMP_GRACE_MS 2000

typedef struct authsvc_gateway_stamp authsvc_gateway_stamp_t;

/* The stamp of one process, living as long as p; it knows nothing until learnt. NULL
 * when no memory. */
authsvc_gateway_stamp_t *authsvc_gateway_stamp_create(apr_pool_t *p);

/* What the database is, from a connection (the first learnt stays): sqlite_file NULL
 * for PostgreSQL, the SQLite file's path ("" for one in memory: never trusted). */
void authsvc_gateway_stamp_learn(authsvc_gateway_stamp_t *stamp, const char *sqlite_file);

/* 1 when an entry checked against the database at checked_ms (epoch ms, read before
 * that check) may still be trusted: on PostgreSQL always, on SQLite when neither file
 * was written since checked_ms minus the grace. 0 before anything was learnt, or when a
 * file cannot be looked at. */
int authsvc_gateway_stamp_fresh(authsvc_gateway_stamp_t *stamp, long long checked_ms);

#endif
