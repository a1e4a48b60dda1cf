/* One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238), and the base32 of
 * authenticator-app secrets (RFC 4648 section 6). A pure layer: no request, no database. */
#ifndef AUTHSVC_TOTP_H
#define AUTHSVC_TOTP_H

#include <stdint.h>
#include <apr_pools.h>

#include "authsvc_status.h"

#define AUTHSVC_TOTP_DIGITS 6
#define AUTHSVC_TOTP_STEP 30         /* seconds */
#define AUTHSVC_TOTP_WINDOW 1        /* steps accepted either side of now */
#define AUTHSVC_TOTP_SECRET_BYTES 20 /* 160 bits, RFC 4226's recommendation */

typedef enum {
    AUTHSVC_OTP_SHA1,
    AUTHSVC_OTP_SHA256,
    AUTHSVC_OTP_SHA512
} authsvc_otp_hash_t;

/* HOTP value of counter as a number below 10^digits (digits 6 to 8); -1 on failure. */
long authsvc_hotp(const unsigned char *key, apr_size_t key_len, uint64_t counter, int digits,
                  authsvc_otp_hash_t hash);

/* The time step of unix time t (seconds). */
uint64_t authsvc_totp_step(int64_t t);

/* Checks a 6-digit SHA-1 TOTP code (exactly 6 ASCII digits) against steps now-1..now+1
 * (constant time per step). AUTHSVC_OK with *step the matching step; AUTHSVC_INVALID. */
authsvc_status_t authsvc_totp_check(const unsigned char *key, apr_size_t key_len,
                                    const char *code, int64_t now, uint64_t *step);

/* Base32 without padding, upper case, as authenticator apps take it. */
char *authsvc_base32_encode(apr_pool_t *p, const unsigned char *data, apr_size_t len);

/* A fresh secret of AUTHSVC_TOTP_SECRET_BYTES from the CSPRNG, base32 (RFC 4648, no
 * padding), in p; NULL when the generator fails. */
const char *authsvc_totp_secret_new(apr_pool_t *p);
/* Decodes base32 (case-insensitive, '=' padding and spaces ignored); NULL on bad input. */
unsigned char *authsvc_base32_decode(apr_pool_t *p, const char *text, apr_size_t *len);

/* The key URI authenticator apps read from the QR code (Google Authenticator's format):
 * otpauth://totp/ISSUER:USER?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
 * issuer and user percent-encoded. */
const char *authsvc_totp_key_uri(apr_pool_t *p, const char *issuer, const char *user,
                                 const char *secret);

#endif
