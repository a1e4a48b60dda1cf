/* The node's revocation set (see authsvc_revocation_set.h): open addressing over a
 * power-of-two table of slots, each a 64-bit tag (from SHA-256 of the jti; 0 = never
 * used) and the time the entry expires. A look-up walks from the jti's place until a
 * never-used slot or PROBES slots; an add claims the first never-used or expired slot
 * on that walk. Expired slots keep their tag, so the walks of other entries stay whole.
 * Two jtis with the same 64-bit tag would be taken for one another (a valid token then
 * refused): about one chance in 2^64 per pair. */
#include <stdatomic.h>
#include <string.h>

#include <openssl/evp.h>

#include "authsvc_revocation_set.h"

#define PROBES 64

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "the set is shared between processes: its "
                                            "64-bit atomics must be lock-free");

typedef struct {
    atomic_ullong tag;
    atomic_llong until_ms;
} revocation_slot_t;

struct authsvc_revocation_set {
    atomic_ullong generation;
    atomic_llong overflow_until_ms; /* a dropped entry may be live until then */
    apr_size_t mask;                /* slots - 1 */
    revocation_slot_t slots[];
};

static apr_size_t set_slots(apr_size_t wanted)
{
    apr_size_t n = AUTHSVC_REVOCATION_SLOTS_MIN;

    while (n * 2 <= wanted && n * 2 <= AUTHSVC_REVOCATION_SLOTS_MAX)
        n *= 2;
    return n;
}

apr_size_t authsvc_revocation_set_bytes(apr_size_t slots)
{
    return sizeof(authsvc_revocation_set_t) + set_slots(slots) * sizeof(revocation_slot_t);
}

authsvc_revocation_set_t *authsvc_revocation_set_init(void *mem, apr_size_t slots)
{
    authsvc_revocation_set_t *set = mem;
    apr_size_t n = set_slots(slots), i;

    atomic_init(&set->generation, 0);
    atomic_init(&set->overflow_until_ms, 0);
    set->mask = n - 1;
    for (i = 0; i < n; i++) {
        atomic_init(&set->slots[i].tag, 0);
        atomic_init(&set->slots[i].until_ms, 0);
    }
    return set;
}

/* The jti's tag (never 0) and the slot its walk starts at. */
static unsigned long long set_place(const authsvc_revocation_set_t *set, const char *jti,
                                    apr_size_t *start)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned long long tag = 0, pos = 0;
    unsigned int len = 0;
    int i;

    memset(md, 0, sizeof(md));
    EVP_Digest(jti, strlen(jti), md, &len, EVP_sha256(), NULL);
    for (i = 0; i < 8; i++) {
        tag = (tag << 8) | md[i];
        pos = (pos << 8) | md[8 + i];
    }
    *start = (apr_size_t)pos & set->mask;
    return tag ? tag : 1;
}

/* Raises *value to at least v. */
static void set_raise(atomic_llong *value, long long v)
{
    long long cur = atomic_load(value);

    while (cur < v && !atomic_compare_exchange_weak(value, &cur, v))
        ;
}

authsvc_revocation_add_t authsvc_revocation_set_add(authsvc_revocation_set_t *set,
                                                    const char *jti, long long until_ms,
                                                    long long now_ms)
{
    apr_size_t start, i;
    unsigned long long tag = set_place(set, jti, &start);

    for (i = 0; i < PROBES; i++) {
        revocation_slot_t *s = &set->slots[(start + i) & set->mask];
        unsigned long long seen = atomic_load(&s->tag);

        if (seen == tag) {
            int live = atomic_load(&s->until_ms) > now_ms;
            set_raise(&s->until_ms, until_ms);
            if (live)
                return AUTHSVC_REVOCATION_KNOWN;
            atomic_fetch_add(&set->generation, 1);
            return AUTHSVC_REVOCATION_ADDED;
        }
        if ((seen == 0 || atomic_load(&s->until_ms) <= now_ms)
            && atomic_compare_exchange_strong(&s->tag, &seen, tag)) {
            set_raise(&s->until_ms, until_ms); /* a racing add of the same jti may be first */
            atomic_fetch_add(&set->generation, 1); /* after the entry: a recheck sees it */
            return AUTHSVC_REVOCATION_ADDED;
        }
    }
    set_raise(&set->overflow_until_ms, until_ms);
    atomic_fetch_add(&set->generation, 1); /* the callers' caches must ask again */
    return AUTHSVC_REVOCATION_FULL;
}

int authsvc_revocation_set_lookup(const authsvc_revocation_set_t *set, const char *jti,
                                  long long now_ms)
{
    apr_size_t start, i;
    unsigned long long tag = set_place(set, jti, &start);

    for (i = 0; i < PROBES; i++) {
        const revocation_slot_t *s = &set->slots[(start + i) & set->mask];
        unsigned long long seen = atomic_load(&s->tag);

        if (seen == 0)
            break;
        if (seen == tag && atomic_load(&s->until_ms) > now_ms)
            return 1;
    }
    return atomic_load(&set->overflow_until_ms) > now_ms ? -1 : 0;
}

unsigned long long authsvc_revocation_set_generation(const authsvc_revocation_set_t *set)
{
    return atomic_load(&set->generation);
}

apr_size_t authsvc_revocation_set_live(const authsvc_revocation_set_t *set, long long now_ms)
{
    apr_size_t i, live = 0;

    for (i = 0; i <= set->mask; i++)
        if (atomic_load(&set->slots[i].tag) != 0
            && atomic_load(&set->slots[i].until_ms) > now_ms)
            live++;
    return live;
}

apr_size_t authsvc_revocation_set_slots(const authsvc_revocation_set_t *set)
{
    return set->mask + 1;
}
