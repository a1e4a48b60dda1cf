/* base64url (RFC 4648 §5) without padding, as JWS uses it (RFC 7515 §2). A pure layer. */
#ifndef AUTHSVC_BASE64URL_H
#define AUTHSVC_BASE64URL_H

#include <apr_pools.h>

#include "authsvc_status.h"

/* Characters needed to encode len bytes (no padding, no NUL). */
#define AUTHSVC_B64URL_ENCODED_LEN(len) (((len) / 3) * 4 + ((len) % 3 ? (len) % 3 + 1 : 0))

/* The unpadded base64url text of data[0..len), NUL-terminated, in p. */
char *authsvc_b64url_encode(apr_pool_t *p, const unsigned char *data, apr_size_t len);

/* Decodes text[0..len) strictly and canonically: only [A-Za-z0-9_-], no '=', no
 * whitespace, len % 4 != 1, and the unused low bits of the last character zero, so that
 * every byte string has exactly one accepted encoding. *out (in p) is NUL-terminated
 * after its *out_len bytes, for the convenience of text payloads. AUTHSVC_INVALID
 * otherwise (and *out is NULL). */
authsvc_status_t authsvc_b64url_decode(apr_pool_t *p, const char *text, apr_size_t len,
                                       unsigned char **out, apr_size_t *out_len);

#endif
