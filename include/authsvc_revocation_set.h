/* The gateway's revocation set of one node: revoked jtis until their token's exp (plus
 * the leeway), in one block of memory that every httpd process of the node shares
 * (anonymous shared memory made before the fork). Nothing is ever pushed out by other
 * traffic: a slot is reused only once its entry has expired. When more revocations are
 * live than the set can hold, the set says so: a jti it does not hold is then "not
 * known" until the last dropped entry has expired, and the caller asks the database.
 *
 * It also keeps the node's revocation generation, raised by every entry it adds, which
 * the per-process token caches compare against (gateway_local.c).
 *
 * Lock-free: slots are claimed by compare-and-swap, so processes and threads may add and
 * look up at once. Pure layer: no request_rec, no httpd. */
#ifndef AUTHSVC_REVOCATION_SET_H
#define AUTHSVC_REVOCATION_SET_H

#include <apr.h>

#define AUTHSVC_REVOCATION_SLOTS_DEFAULT 65536 /* 1 MiB */
#define AUTHSVC_REVOCATION_SLOTS_MIN 64
#define AUTHSVC_REVOCATION_SLOTS_MAX 16777216

typedef struct authsvc_revocation_set authsvc_revocation_set_t;

typedef enum {
    AUTHSVC_REVOCATION_ADDED = 0, /* new: the generation went up */
    AUTHSVC_REVOCATION_KNOWN,     /* held already (its expiry raised if later) */
    AUTHSVC_REVOCATION_FULL       /* no free slot near its place: the set overflowed */
} authsvc_revocation_add_t;

/* Bytes a set of `slots` needs (slots rounded down to a power of two, at least the
 * minimum). */
apr_size_t authsvc_revocation_set_bytes(apr_size_t slots);

/* Lays an empty set over mem (authsvc_revocation_set_bytes(slots) bytes, aligned as
 * malloc aligns). */
authsvc_revocation_set_t *authsvc_revocation_set_init(void *mem, apr_size_t slots);

/* Records jti as revoked until until_ms. */
authsvc_revocation_add_t authsvc_revocation_set_add(authsvc_revocation_set_t *set,
                                                    const char *jti, long long until_ms,
                                                    long long now_ms);

/* 1 when jti is held and not expired at now_ms; 0 when it is not revoked; -1 when the
 * set does not know: it is not held but the set overflowed since an entry that could be
 * it was dropped. */
int authsvc_revocation_set_lookup(const authsvc_revocation_set_t *set, const char *jti,
                                  long long now_ms);

/* Entries added so far. */
unsigned long long authsvc_revocation_set_generation(const authsvc_revocation_set_t *set);

/* Entries not expired at now_ms (a scan of every slot: for metrics, not per request). */
apr_size_t authsvc_revocation_set_live(const authsvc_revocation_set_t *set, long long now_ms);

/* Slots of the set (after rounding). */
apr_size_t authsvc_revocation_set_slots(const authsvc_revocation_set_t *set);

#endif
