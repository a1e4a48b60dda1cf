/* Device cookies of the gateway's login page (README, "Passwords and brute force"): a
 * browser that signed in as a user gets proof of it, so that a later login of that user
 * from that browser counts against its own brute-force counter instead of the account's
 * lock. The value holds no secret:
 *     1.<user id, base64url>.<issued, epoch seconds>.<device id, 32 hex>.<mac>
 * where mac is the base64url HMAC-SHA-256 of everything before it, under a key derived
 * from a signing key of the ring (keys[0] signs; every private key of the ring verifies,
 * so cookies outlive a key rotation while the old key stays in the ring). A pure layer. */
#ifndef AUTHSVC_DEVICE_COOKIE_H
#define AUTHSVC_DEVICE_COOKIE_H

#include <apr_pools.h>

#include "authsvc_keys.h"
#include "authsvc_status.h"

#define AUTHSVC_DEVICE_COOKIE_NAME "authsvc-device" /* "__Host-" prefixed over HTTPS */
#define AUTHSVC_DEVICE_ID_BYTES 16
#define AUTHSVC_DEVICE_COOKIE_LENGTH_MAX 512
#define AUTHSVC_DEVICE_COOKIE_FUTURE_MAX 300 /* seconds of clock skew between nodes */

/* A cookie value for user_id on device_id (32 lowercase hex digits; NULL: a new one),
 * issued at now_s. NULL when the ring has no private key or user_id is too long. */
const char *authsvc_device_cookie_make(apr_pool_t *p, const authsvc_keyring_t *ring,
                                       const char *user_id, const char *device_id,
                                       long long now_s);

/* AUTHSVC_OK with *user_id and *device_id when value is a cookie made under a key of the
 * ring, issued at most max_age_s before now_s (and not in the future); AUTHSVC_INVALID
 * for anything else: malformed, another key, a changed byte, too old. */
authsvc_status_t authsvc_device_cookie_verify(apr_pool_t *p, const authsvc_keyring_t *ring,
                                              const char *value, long long now_s,
                                              long long max_age_s, const char **user_id,
                                              const char **device_id);

#endif
