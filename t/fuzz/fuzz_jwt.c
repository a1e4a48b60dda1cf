/* authsvc_jwt_verify (jwt.c), which checks every bearer token, refresh token and
 * provider ID token, against a fixed ring of one key per algorithm (RS256, ES256, EdDSA,
 * HS256): as our own token and as another issuer's. The seeds are tokens signed with
 * these keys, so mutations reach the signature and claim checks. Test keys only. */
#include <stdlib.h>
#include <string.h>

#include "authsvc_jwt.h"
#include "authsvc_keys.h"
#include "authsvc_oidc.h"
#include "fuzz.h"

#define FUZZ_ISSUER "https://auth.example"
#define FUZZ_NOW 1800000000LL /* 2027-01-15; the seeds expire in 2033 */

static const char *const key_pems[] = {
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDUsWQXt7PfDt8L\n"
    "ox+zb6ExxnF6dhnKwntsphDGstx8iGQv1gT6TcPT35LGZqqqTGMqWSVp5AN0kqFR\n"
    "El1Xn8PTQ0EIzh/YVI9jro2x0psEec7H6yGiEvElu4silLBY5xEc30m9nIlcldBn\n"
    "arVF9996Ni47nC+W3gjYqHQYabFfIrm/rBpubY8iaBpVZJ3VnuKEB37sqCcQNBx6\n"
    "ACV3XYKnbuTU3Fu/J4KocJRSlHbC6tK05iMVbXMLOL6me6cM2JKnnMxlbIQC2h5x\n"
    "OlmYR7yhoifuWcQ+BX0DNDK/ONMm+aDhSM9mEE/8YpCxChecTdiPudq/JSFukp5P\n"
    "YRSxZDIHAgMBAAECggEAEURffF9xDlxONkslcTNQUlKqdscsu93DGGR4+zCdHs0R\n"
    "2SJWYB29Fq/RYiMGmvG9oTwAghK9RxL6XrMPeeQiCT4uAvF8+1qOE4khvrx60kez\n"
    "Rl6r6dUA18/ccU/B603DAWWNPoP9UNNmymaK1eXUMj9AzJ0W7fgTnsc6OZsnB7KL\n"
    "e39ipTQ7/rIQMwFexc6YbxyVqvOpAxsP1q1E2G/q+42FffKv2dS8ObkGzxxLWmS/\n"
    "nmaBpnmlTz8qzI7hja+jeAGnsPze9rRuQmLt0C/WUZFNvBRIY7ODbSPIfMwXVljC\n"
    "MVlmasEPtSAQ0WxL3aRidSn0k+dg0gDAfgeuY6KsmQKBgQD+YFmGV8cscY2URqGj\n"
    "J1Plk0hcGDtpXFAomq5A0QxNihTZULaZzQepPdkpEr9o/8a0CVmgYPcp96uUX/iX\n"
    "VuYMmaplawqPr/Q0iU4QLmJ9wpXa2DjM+W820WQVyc8ZwhRwlNnJG5rgIkfy0mO6\n"
    "sc0ZKZk5meJqGpFvXvlnTYc/LwKBgQDWDO5ADMrAYCkgN6H1WwLHWoETyrayW8+a\n"
    "MnVzHE75VQuph6a92ueG7IQZU1y99AWW+fi4c33TcD9iP09bCGJu+dpDPsa2DvCM\n"
    "i8vY3YKuHpplgsX6/2a0oxFBeYLVi3rBMa1GCW5p8uT+jxW8sYWUF6ehdw8+2hmN\n"
    "4csi8h1EqQKBgHxVWczJYMf/ZMVB1MWrdl1zJN4m1ftErMV7/Yoe49WOlWw3AFmi\n"
    "lokJeviRek93HYdoPo+edZDkxs/KLPbD+cPU5C2YKVxcE5AOQMK1+Vwg3SBPqUu+\n"
    "67YumK3xqzGa5GS2zNB4lrXQ67vrS+W3/Fi9NXCrH7je7ZEzKdJtWZrvAoGAT3lb\n"
    "mIJnYUgS3Phq9NtGy9fppvyUGuMF0L29Z/DxzZdrDhXkrgcyAaGdZn3SKGELFkRX\n"
    "ubx/0lqR3hudjjItwgCYrnEHfJ9NZxGcrTeJhrasItaMRaZAbv9Ar+u6zSjNeh/E\n"
    "swVbbpEVvwJHUtkivJqPzd6T1YVLCaf1MVNt1IkCgYEAg1cTy0oAeh9jAh7VFOHu\n"
    "cQX5DHNUbxCSLdw9galwC0Ce8s6TJBoqp7ADVzuH6I71rmkIJyZ4TGih2YUe1kL9\n"
    "zEQBW6iaZ2VmLUPYHuqo3ZT4L8Asx0Nih8u/0hzM9dqadqOzImAkTk3jOIKV/Fqz\n"
    "tfVgFdyJO7Hjf62O9+oPx20=\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaT+aQRRNExtFK0J0\n"
    "3J7UyZk1OI5P1cL7feu6ranWrimhRANCAARwBP7u8rJvGCuwPZWQxhZIrPTNspwM\n"
    "k4h9SDAJ5hNfHBG46yT3XbGVvu6t8yWo5rzTNiCAZ63VPgULrP9y9ihB\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIK61y/RSmQscO5KkfeU6OVXZO5ykIJwcVyfPAYSNEyEI\n"
    "-----END PRIVATE KEY-----\n",
};

static const unsigned char hs256_secret[32] = "fuzz-only-hs256-secret-32-bytes";

static const char *const audiences[] = {"fuzz-client", NULL};

static authsvc_keyring_t *ring;

void authsvc_fuzz_init(apr_pool_t *root)
{
    authsvc_key_t *key = NULL;
    const char *why = NULL;
    size_t i;

    ring = authsvc_keyring_make(root);
    for (i = 0; i < sizeof(key_pems) / sizeof(key_pems[0]); i++) {
        if (authsvc_key_from_pem(root, key_pems[i], strlen(key_pems[i]), &key, &why)
            != AUTHSVC_OK)
            abort();
        authsvc_keyring_add(ring, key);
    }
    if (authsvc_key_from_secret(root, hs256_secret, sizeof(hs256_secret), &key, &why)
        != AUTHSVC_OK)
        abort();
    authsvc_keyring_add(ring, key);
}

static void verify(apr_pool_t *p, const char *token, int issued_elsewhere)
{
    authsvc_jwt_expect_t expect = {FUZZ_ISSUER, audiences, FUZZ_NOW, 60, issued_elsewhere,
                                   issued_elsewhere};
    cJSON *claims = NULL;
    authsvc_jwt_result_t r = authsvc_jwt_verify(p, ring, token, &expect, &claims);

    if (!authsvc_jwt_result_name(r))
        abort();
    if (r == AUTHSVC_JWT_VALID || (r == AUTHSVC_JWT_EXPIRED && claims)) {
        /* the claims alone pass the same checks again */
        if (!claims || authsvc_jwt_check_claims(claims, &expect) != r)
            abort();
    }
    else if (claims)
        abort();
}

void authsvc_fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *token = authsvc_fuzz_text(p, data, size);

    verify(p, token, 0);
    verify(p, token, 1);
    authsvc_oidc_token_kid(p, token);
}
