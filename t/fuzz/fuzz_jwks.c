/* JWK and JWK Set parsing: authsvc_social_jwks_parse (social_jwks.c), which reads a
 * provider's key set, and authsvc_key_from_jwk (keys.c) on the document and on each
 * member of its "keys". A key that loads publishes a public JWK that loads again under
 * the same key id (its RFC 7638 thumbprint). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "authsvc_json.h"
#include "authsvc_keys.h"
#include "authsvc_social_jwks.h"
#include "fuzz.h"

/* Keys of one document tried with authsvc_key_from_jwk. */
#define FUZZ_JWKS_KEYS_MAX 8

static void check_key_set(apr_pool_t *p, const authsvc_keyring_t *ring)
{
    int i;

    for (i = 0; i < ring->keys->nelts; i++) {
        const authsvc_key_t *key = APR_ARRAY_IDX(ring->keys, i, const authsvc_key_t *);
        if (!key || !key->kid || !authsvc_jws_alg_name(key->alg))
            abort();
    }
    if (!authsvc_keyring_jwks(p, ring))
        abort();
}

/* Which property broke, and OpenSSL's error queue (a finding may depend on what earlier
 * inputs left there). */
static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_jwks: %s (%s)\n", what, detail ? detail : "-");
    ERR_print_errors_fp(stderr);
    abort();
}

static void load_jwk(apr_pool_t *p, const cJSON *jwk)
{
    authsvc_key_t *key = NULL, *again = NULL;
    const char *why = NULL;

    if (authsvc_key_from_jwk(p, jwk, &key, &why) != AUTHSVC_OK) {
        if (!why)
            abort();
        return;
    }
    if (!key || !key->kid || !authsvc_jws_alg_name(key->alg))
        abort();
    if (!key->public_jwk)   /* an HS256 secret: never published */
        return;
    if (authsvc_key_from_jwk(p, key->public_jwk, &again, &why) != AUTHSVC_OK) {
        /* OpenSSL's public check of an RSA modulus (SP 800-56B: composite, not a prime
         * power) uses random Miller-Rabin bases: a fuzzed modulus with small factors is
         * accepted by one load and refused by the next (reload-flaky-modulus in the
         * corpus). Known; any other refusal is a finding. */
        if (key->alg == AUTHSVC_JWS_RS256 && why
            && strcmp(why, "the public key is not a valid key") == 0)
            return;
        fail("the public JWK of a key that loaded does not load", why);
    }
    if (strcmp(again->kid, key->kid) != 0 || again->alg != key->alg || again->can_sign)
        fail("the public JWK loads as another key", again->kid);
    if (strcmp(authsvc_jwk_thumbprint(p, key->public_jwk), key->kid) != 0)
        fail("the key id is not the public JWK's thumbprint", key->kid);
}

void authsvc_fuzz_init(apr_pool_t *root)
{
    (void)root;
}

void authsvc_fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    authsvc_keyring_t *ring = NULL;
    cJSON *doc = NULL, *member;
    int n = 0;

    if (authsvc_social_jwks_parse(p, (const char *)data, size, &ring) == AUTHSVC_OK)
        check_key_set(p, ring);
    if (authsvc_json_parse(p, (const char *)data, size, &doc) != AUTHSVC_JSON_VALID
        || !cJSON_IsObject(doc))
        return;
    load_jwk(p, doc);
    cJSON_ArrayForEach(member, cJSON_GetObjectItemCaseSensitive(doc, "keys"))
    {
        if (n++ == FUZZ_JWKS_KEYS_MAX)
            break;
        if (cJSON_IsObject(member))
            load_jwk(p, member);
    }
}
