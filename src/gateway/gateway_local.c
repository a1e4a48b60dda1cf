/* The per-process verified-token cache (see authsvc_gateway_local.h): sets of LOCAL_WAYS
 * slots chosen by a hash of the whole key, so that a few keys meeting in one set do not
 * push each other out. The hash only picks the set and skips most comparisons: a hit is
 * the whole key compared byte for byte, so the key may be the token itself and a hit
 * needs no SHA-256 (docs/design.md). Each value is counted: one reference for its slot,
 * one for each request pool that got it; the last to let go destroys it. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <apr_thread_mutex.h>

#include "authsvc_gateway_local.h"

#define LOCAL_LOCKS 64
#define LOCAL_WAYS 4

typedef struct {
    atomic_uint refs;
    void *data;
    authsvc_gateway_local_destroy_t destroy;
    unsigned char key[]; /* the slot's key, as long as its key_len */
} local_value_t;

typedef struct {
    uint64_t hash; /* of the key */
    apr_size_t key_len;
    long long exp_s;
    unsigned long long generation;
    local_value_t *value;
} local_slot_t;

struct authsvc_gateway_local {
    local_slot_t *slots;
    apr_size_t count; /* slots */
    apr_size_t sets;  /* count / LOCAL_WAYS */
    apr_thread_mutex_t *locks[LOCAL_LOCKS];
};

static void local_release(local_value_t *v)
{
    if (v && atomic_fetch_sub(&v->refs, 1) == 1) {
        v->destroy(v->data);
        free(v);
    }
}

/* A request pool's reference. */
static apr_status_t local_release_cleanup(void *data)
{
    local_release(data);
    return APR_SUCCESS;
}

static apr_status_t local_free(void *data)
{
    authsvc_gateway_local_t *c = data;
    apr_size_t i;

    for (i = 0; i < c->count; i++) {
        local_release(c->slots[i].value);
        c->slots[i].value = NULL;
    }
    return APR_SUCCESS;
}

authsvc_status_t authsvc_gateway_local_create(apr_pool_t *p, apr_size_t slots,
                                              authsvc_gateway_local_t **out)
{
    authsvc_gateway_local_t *c = apr_pcalloc(p, sizeof(*c));
    int i;

    *out = NULL;
    if (slots < LOCAL_WAYS)
        return AUTHSVC_INVALID;
    c->sets = slots / LOCAL_WAYS;
    c->count = c->sets * LOCAL_WAYS;
    c->slots = apr_pcalloc(p, c->count * sizeof(*c->slots));
    for (i = 0; i < LOCAL_LOCKS; i++)
        if (apr_thread_mutex_create(&c->locks[i], APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS)
            return AUTHSVC_NO_MEMORY;
    apr_pool_cleanup_register(p, c, local_free, apr_pool_cleanup_null);
    *out = c;
    return AUTHSVC_OK;
}

/* A hash of the whole key, 8 bytes a step (keys may be tokens whose first bytes are
 * all alike); not a secret and not relied on: a hit compares the key itself. */
static uint64_t local_hash(const unsigned char *key, apr_size_t key_len)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ key_len, w;
    apr_size_t i = 0;

    for (; i + 8 <= key_len; i += 8) {
        memcpy(&w, key + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    for (w = 0; i < key_len; i++)
        w = (w << 8) | key[i];
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

/* The set of a key's hash: its first slot. */
static apr_size_t local_set(const authsvc_gateway_local_t *c, uint64_t hash)
{
    return (apr_size_t)(hash % c->sets) * LOCAL_WAYS;
}

static apr_thread_mutex_t *local_lock(const authsvc_gateway_local_t *c, apr_size_t set)
{
    return c->locks[(set / LOCAL_WAYS) % LOCAL_LOCKS];
}

static int local_same(const local_slot_t *s, uint64_t hash, const unsigned char *key,
                      apr_size_t key_len)
{
    return s->value && s->hash == hash && s->key_len == key_len
           && memcmp(s->value->key, key, key_len) == 0;
}

static int local_usable(apr_size_t key_len)
{
    return key_len > 0 && key_len <= AUTHSVC_GATEWAY_LOCAL_KEY_MAX;
}

int authsvc_gateway_local_get(authsvc_gateway_local_t *c, apr_pool_t *p,
                              const unsigned char *key, apr_size_t key_len, long long now_s,
                              unsigned long long generation, const void **data)
{
    local_value_t *found = NULL;
    apr_size_t set, w;
    apr_thread_mutex_t *lock;
    uint64_t hash;

    *data = NULL;
    if (!c || !local_usable(key_len))
        return 0;
    hash = local_hash(key, key_len);
    set = local_set(c, hash);
    lock = local_lock(c, set);
    apr_thread_mutex_lock(lock);
    for (w = 0; w < LOCAL_WAYS; w++) {
        const local_slot_t *s = &c->slots[set + w];
        if (local_same(s, hash, key, key_len)) {
            if (s->exp_s > now_s && s->generation == generation) {
                found = s->value;
                atomic_fetch_add(&found->refs, 1); /* under the lock: the slot still holds it */
            }
            break;
        }
    }
    apr_thread_mutex_unlock(lock);
    if (!found)
        return 0;
    apr_pool_cleanup_register(p, found, local_release_cleanup, apr_pool_cleanup_null);
    *data = found->data;
    return 1;
}

/* The slot of set for key: the one holding it, else an empty one, else the one whose
 * token expires first (an expired one first of all). */
static local_slot_t *local_victim(authsvc_gateway_local_t *c, apr_size_t set, uint64_t hash,
                                  const unsigned char *key, apr_size_t key_len)
{
    local_slot_t *victim = &c->slots[set];
    apr_size_t w;

    for (w = 0; w < LOCAL_WAYS; w++) {
        local_slot_t *s = &c->slots[set + w];
        if (local_same(s, hash, key, key_len))
            return s;
        if (victim->value && (!s->value || s->exp_s < victim->exp_s))
            victim = s;
    }
    return victim;
}

void authsvc_gateway_local_put(authsvc_gateway_local_t *c, const unsigned char *key,
                               apr_size_t key_len, void *data,
                               authsvc_gateway_local_destroy_t destroy, long long exp_s,
                               unsigned long long generation)
{
    local_value_t *v, *old;
    apr_thread_mutex_t *lock;
    local_slot_t *s;
    apr_size_t set;
    uint64_t hash;

    if (!data)
        return;
    v = c && local_usable(key_len) ? malloc(sizeof(*v) + key_len) : NULL;
    if (!v) {
        destroy(data);
        return;
    }
    atomic_init(&v->refs, 1);
    v->data = data;
    v->destroy = destroy;
    memcpy(v->key, key, key_len);
    hash = local_hash(key, key_len);
    set = local_set(c, hash);
    lock = local_lock(c, set);
    apr_thread_mutex_lock(lock);
    s = local_victim(c, set, hash, key, key_len);
    old = s->value;
    s->hash = hash;
    s->key_len = key_len;
    s->exp_s = exp_s;
    s->generation = generation;
    s->value = v;
    apr_thread_mutex_unlock(lock);
    local_release(old); /* outside the lock: destroying may take a while */
}
