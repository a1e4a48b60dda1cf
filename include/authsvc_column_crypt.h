/* Encryption of a database column's values with AES-256-GCM (row T-69): each value gets
 * a fresh random 96-bit nonce, and the column's name is authenticated with it, so a value
 * moved to another column does not decrypt. Stored as "gcm1:" + base64url(nonce |
 * ciphertext | 16-byte tag). A pure layer (OpenSSL EVP). */
#ifndef AUTHSVC_COLUMN_CRYPT_H
#define AUTHSVC_COLUMN_CRYPT_H

#include <apr_pools.h>

#include "authsvc_status.h"

#define AUTHSVC_COLUMN_KEY_BYTES 32
#define AUTHSVC_COLUMN_PREFIX "gcm1:"

/* *out: the stored form of plaintext for column. */
authsvc_status_t authsvc_column_encrypt(apr_pool_t *p, const unsigned char *key,
                                        const char *column, const char *plaintext,
                                        const char **out);

/* *out: the plaintext of a stored value. A value without the prefix (stored before
 * encryption was switched on) comes back as it is. AUTHSVC_INVALID when it does not
 * authenticate (wrong key, column or a changed byte). */
authsvc_status_t authsvc_column_decrypt(apr_pool_t *p, const unsigned char *key,
                                        const char *column, const char *stored,
                                        const char **out);

/* Reads a key file: 32 raw bytes, or 64 hex digits (a trailing newline allowed). *why
 * says what is wrong. */
authsvc_status_t authsvc_column_key_load(apr_pool_t *p, const char *path,
                                         const unsigned char **key, const char **why);

#endif
