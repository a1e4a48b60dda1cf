/* Providers' JWK Sets: parsing, and the per-child cache behind its mutex. */
#include <string.h>

#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <apr_time.h>

#include "authsvc_http_fetch.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_social_jwks.h"

struct authsvc_social_jwks_cache {
    apr_thread_mutex_t *lock;
    apr_pool_t *pool;      /* the child's; ring pools are its children */
    apr_pool_t *ring_pool; /* holds ring; replaced on each successful fetch */
    authsvc_keyring_t *ring;
    apr_time_t attempted_at; /* the latest fetch, successful or not */
    apr_time_t loaded_at;    /* the latest successful fetch */
};

authsvc_status_t authsvc_social_jwks_create(apr_pool_t *p, authsvc_social_jwks_cache_t **out)
{
    authsvc_social_jwks_cache_t *c = apr_pcalloc(p, sizeof(*c));

    if (apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS)
        return AUTHSVC_NO_MEMORY;
    c->pool = p;
    *out = c;
    return AUTHSVC_OK;
}

/* One JWK into ring, under the provider's kid; unusable keys are skipped. */
static void jwks_add(apr_pool_t *p, authsvc_keyring_t *ring, const cJSON *jwk)
{
    const cJSON *kid = cJSON_GetObjectItemCaseSensitive(jwk, "kid");
    const cJSON *kty = cJSON_GetObjectItemCaseSensitive(jwk, "kty");
    authsvc_key_t *key = NULL;
    const char *why = NULL;

    if (!cJSON_IsString(kid) || !*kid->valuestring
        || strlen(kid->valuestring) > AUTHSVC_KEY_KID_LENGTH_MAX || !cJSON_IsString(kty)
        || (strcmp(kty->valuestring, "RSA") != 0 && strcmp(kty->valuestring, "EC") != 0))
        return;
    if (authsvc_key_from_jwk(p, jwk, &key, &why) != AUTHSVC_OK || key->can_sign)
        return; /* a private key published by mistake is not trusted either */
    key->kid = apr_pstrdup(p, kid->valuestring);
    authsvc_keyring_add(ring, key);
}

authsvc_status_t authsvc_social_jwks_parse(apr_pool_t *p, const char *text, apr_size_t len,
                                           authsvc_keyring_t **out)
{
    cJSON *doc = NULL;
    const cJSON *keys, *jwk;
    authsvc_keyring_t *ring;

    *out = NULL;
    if (authsvc_json_parse(p, text, len, &doc) != AUTHSVC_JSON_VALID)
        return AUTHSVC_INVALID;
    keys = cJSON_GetObjectItemCaseSensitive(doc, "keys");
    if (!cJSON_IsArray(keys))
        return AUTHSVC_INVALID;
    ring = authsvc_keyring_make(p);
    cJSON_ArrayForEach(jwk, keys) if (cJSON_IsObject(jwk)) jwks_add(p, ring, jwk);
    *out = ring;
    return ring->keys->nelts ? AUTHSVC_OK : AUTHSVC_NOT_FOUND;
}

/* Fetches the set into the cache (lock held). Old keys stay when this fails. */
static authsvc_status_t jwks_fetch(apr_pool_t *p, const authsvc_social_provider_t *provider,
                                   authsvc_social_jwks_cache_t *c, const char **why)
{
    authsvc_http_options_t o = {provider->ca_file, provider->timeout * 1000L,
                                AUTHSVC_SOCIAL_RESPONSE_BYTES_MAX};
    authsvc_http_response_t res;
    authsvc_keyring_t *ring = NULL;
    apr_pool_t *ring_pool;
    authsvc_status_t st;

    c->attempted_at = apr_time_now();
    st = authsvc_http_call(p, &o, "GET", provider->jwks_uri, NULL, NULL, &res, why);
    if (st != AUTHSVC_OK)
        return AUTHSVC_UNAVAILABLE;
    if (res.status != 200) {
        *why = apr_psprintf(p, "JWKS answered HTTP %ld", res.status);
        return AUTHSVC_UNAVAILABLE;
    }
    if (apr_pool_create(&ring_pool, c->pool) != APR_SUCCESS)
        return AUTHSVC_NO_MEMORY;
    if (authsvc_social_jwks_parse(ring_pool, res.body, res.len, &ring) != AUTHSVC_OK) {
        apr_pool_destroy(ring_pool);
        *why = "the JWKS holds no usable signing key";
        return AUTHSVC_UNAVAILABLE;
    }
    if (c->ring_pool)
        apr_pool_destroy(c->ring_pool);
    c->ring_pool = ring_pool;
    c->ring = ring;
    c->loaded_at = c->attempted_at;
    return AUTHSVC_OK;
}

/* Whether the cache may fetch now: never loaded, too old, or kid unknown; never more
 * often than the refetch floor. */
static int jwks_fetch_due(const authsvc_social_jwks_cache_t *c, int kid_known)
{
    apr_time_t now = apr_time_now();

    if (c->attempted_at
        && now - c->attempted_at < apr_time_from_sec(AUTHSVC_SOCIAL_JWKS_REFETCH_MIN))
        return 0;
    return !c->ring || !kid_known
           || now - c->loaded_at > apr_time_from_sec(AUTHSVC_SOCIAL_JWKS_MAX_AGE);
}

/* A copy of key in p, so the cached ring may be replaced while the copy is in use. */
static authsvc_status_t jwks_copy(apr_pool_t *p, const authsvc_key_t *key,
                                  authsvc_keyring_t **out)
{
    authsvc_key_t *copy = NULL;
    const char *why = NULL;
    authsvc_status_t st = authsvc_key_from_pkey(p, key->pkey, &copy, &why);

    if (st != AUTHSVC_OK)
        return st;
    copy->kid = apr_pstrdup(p, key->kid);
    *out = authsvc_keyring_make(p);
    authsvc_keyring_add(*out, copy);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_social_jwks_key(apr_pool_t *p,
                                         const authsvc_social_provider_t *provider,
                                         const char *kid, authsvc_keyring_t **out,
                                         const char **why)
{
    authsvc_social_jwks_cache_t *c = provider->jwks;
    const authsvc_key_t *key;
    authsvc_status_t st = AUTHSVC_OK;

    *out = NULL;
    *why = NULL;
    if (!c)
        return AUTHSVC_UNAVAILABLE;
    apr_thread_mutex_lock(c->lock);
    key = c->ring ? authsvc_keyring_find(c->ring, kid) : NULL;
    if (jwks_fetch_due(c, key != NULL)) {
        st = jwks_fetch(p, provider, c, why);
        key = c->ring ? authsvc_keyring_find(c->ring, kid) : NULL;
    }
    if (key)
        st = jwks_copy(p, key, out);
    else if (st == AUTHSVC_OK || c->ring)
        st = AUTHSVC_NOT_FOUND;
    apr_thread_mutex_unlock(c->lock);
    return st;
}
