/* Return URLs of the gateway's login page (rows T-31, T-32): where a browser may be
 * sent after signing in. A pure layer, unit tested with open-redirect payloads. */
#ifndef AUTHSVC_RETURN_URL_H
#define AUTHSVC_RETURN_URL_H

#include <apr_pools.h>

#define AUTHSVC_RETURN_URL_LENGTH_MAX 2048

/* value (as received, already form-decoded once) is acceptable when it is
 * - a path on this origin: "/" then anything but '/' or '\' (no "//evil", "/\evil"),
 * - or an absolute http(s) URL whose scheme://host[:port] equals, byte for byte and
 *   lower-cased, one of the NULL-terminated origins (no userinfo, no other port);
 * and nowhere, also after one more percent-decoding, holds a control character, a
 * space, a backslash or a non-ASCII byte. Returns value or NULL. */
const char *authsvc_return_url_check(apr_pool_t *p, const char *value,
                                     const char *const *origins);

/* "scheme://host[:port]" lower-cased, default ports dropped; NULL when url is not an
 * absolute http(s) URL without userinfo. For configuration (AuthsvcGatewayReturnOrigin). */
const char *authsvc_return_url_origin(apr_pool_t *p, const char *url);

#endif
