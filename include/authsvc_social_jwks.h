/* A provider's JSON Web Key Set, fetched over HTTP and cached per httpd child. The
 * cache answers keys by the provider's own "kid"; a kid it does not know makes it fetch
 * again, at most once per AUTHSVC_SOCIAL_JWKS_REFETCH_MIN seconds, and keys it has keep
 * working while the provider is down. */
#ifndef AUTHSVC_SOCIAL_JWKS_H
#define AUTHSVC_SOCIAL_JWKS_H

#include <apr_pools.h>
#include <cjson/cJSON.h>

#include "authsvc_keys.h"
#include "authsvc_social_provider.h"
#include "authsvc_status.h"

authsvc_status_t authsvc_social_jwks_create(apr_pool_t *p, authsvc_social_jwks_cache_t **out);

/* Keys of a JWK Set document: RSA and EC (P-256) signing keys that carry a kid, each key's
 * kid set to the provider's; others are skipped. A ring of its own in p. */
authsvc_status_t authsvc_social_jwks_parse(apr_pool_t *p, const char *text, apr_size_t len,
                                           authsvc_keyring_t **out);

/* A one-key ring in p holding the provider's key kid, fetching the set when the cache
 * lacks it (see above). AUTHSVC_NOT_FOUND: no such key; AUTHSVC_UNAVAILABLE: the set
 * could not be fetched and the cache does not have the key. *why for the log. */
authsvc_status_t authsvc_social_jwks_key(apr_pool_t *p,
                                         const authsvc_social_provider_t *provider,
                                         const char *kid, authsvc_keyring_t **out,
                                         const char **why);

#endif
