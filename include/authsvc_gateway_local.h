/* A verified-token cache of one process, in front of the node's socache: a fixed
 * number of slots (memory is bounded), each holding what the caller made of one verified
 * token (gateway_authn.c: its parsed claims and identity header values) under its cache
 * key, until the token's exp, together with the node's revocation generation it was
 * last checked against. A hit costs a hash of the key, its comparison and a reference
 * taken under one of several locks (threads rarely meet), no copy, no parse, no lock
 * shared between processes and no database round trip. What a slot holds is never changed once put: a
 * request that got it reads it while a newer put may already have replaced it, and it
 * is destroyed when neither the slot nor any request holds it any more. Pure layer: no
 * request_rec; gateway_cache.c supplies the generation and gateway_authn.c the keys. */
#ifndef AUTHSVC_GATEWAY_LOCAL_H
#define AUTHSVC_GATEWAY_LOCAL_H

#include <apr_pools.h>

#include "authsvc_status.h"

#define AUTHSVC_GATEWAY_LOCAL_SLOTS 4096     /* per process */
#define AUTHSVC_GATEWAY_LOCAL_KEY_MAX 8256   /* bytes of a key: a token (8192) and a tag */
#define AUTHSVC_GATEWAY_LOCAL_VALUE_MAX 8192 /* claim sets larger as text are not kept */

typedef struct authsvc_gateway_local authsvc_gateway_local_t;

/* Frees what a slot held (called once, by whichever thread lets go of it last). */
typedef void (*authsvc_gateway_local_destroy_t)(void *data);

/* A cache of slots entries (rounded down to whole sets of four), living as long as p. */
authsvc_status_t authsvc_gateway_local_create(apr_pool_t *p, apr_size_t slots,
                                              authsvc_gateway_local_t **out);

/* 1 and *data when key is held, its exp is after now_s and it was last checked against
 * revocation generation `generation`; 0 (and NULL) otherwise. *data is read-only and
 * stays valid until p is cleared or destroyed. */
int authsvc_gateway_local_get(authsvc_gateway_local_t *c, apr_pool_t *p,
                              const unsigned char *key, apr_size_t key_len, long long now_s,
                              unsigned long long generation, const void **data);

/* Keeps data under key until exp_s, as checked against `generation` (read before the
 * revocation check it stands for); replaces what the slot held. Takes data over: it is
 * destroyed at once when it cannot be kept (no cache, a key of the wrong length, no
 * memory). */
void authsvc_gateway_local_put(authsvc_gateway_local_t *c, const unsigned char *key,
                               apr_size_t key_len, void *data,
                               authsvc_gateway_local_destroy_t destroy, long long exp_s,
                               unsigned long long generation);

#endif
