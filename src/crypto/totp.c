/* HOTP / TOTP (RFC 4226, RFC 6238) and base32 (RFC 4648). */
#include <string.h>

#include <apr_strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "authsvc_totp.h"

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static const EVP_MD *otp_md(authsvc_otp_hash_t hash)
{
    switch (hash) {
    case AUTHSVC_OTP_SHA256: return EVP_sha256();
    case AUTHSVC_OTP_SHA512: return EVP_sha512();
    default: return EVP_sha1();
    }
}

long authsvc_hotp(const unsigned char *key, apr_size_t key_len, uint64_t counter, int digits,
                  authsvc_otp_hash_t hash)
{
    unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0, offset;
    unsigned long bin;
    long mod = 1;
    int i;

    if (digits < 6 || digits > 8)
        return -1;
    for (i = 7; i >= 0; i--, counter >>= 8)
        msg[i] = (unsigned char)(counter & 0xff);
    if (!HMAC(otp_md(hash), key, (int)key_len, msg, sizeof(msg), mac, &mac_len) || mac_len < 20)
        return -1;
    /* dynamic truncation (RFC 4226 section 5.3) */
    offset = mac[mac_len - 1] & 0x0f;
    bin = ((unsigned long)(mac[offset] & 0x7f) << 24) | ((unsigned long)mac[offset + 1] << 16)
          | ((unsigned long)mac[offset + 2] << 8) | (unsigned long)mac[offset + 3];
    for (i = 0; i < digits; i++)
        mod *= 10;
    return (long)(bin % (unsigned long)mod);
}

uint64_t authsvc_totp_step(int64_t t)
{
    return t < 0 ? 0 : (uint64_t)t / AUTHSVC_TOTP_STEP;
}

/* "123456" as a number, or -1 unless exactly AUTHSVC_TOTP_DIGITS ASCII digits. */
static long totp_parse(const char *code)
{
    long v = 0;
    int i;

    if (!code || strlen(code) != AUTHSVC_TOTP_DIGITS)
        return -1;
    for (i = 0; i < AUTHSVC_TOTP_DIGITS; i++) {
        if (code[i] < '0' || code[i] > '9')
            return -1;
        v = v * 10 + (code[i] - '0');
    }
    return v;
}

authsvc_status_t authsvc_totp_check(const unsigned char *key, apr_size_t key_len,
                                    const char *code, int64_t now, uint64_t *step)
{
    long want = totp_parse(code);
    uint64_t center = authsvc_totp_step(now), s;
    authsvc_status_t found = AUTHSVC_INVALID;

    if (want < 0 || center < AUTHSVC_TOTP_WINDOW)
        return AUTHSVC_INVALID;
    /* every step of the window is computed, whichever matches */
    for (s = center - AUTHSVC_TOTP_WINDOW; s <= center + AUTHSVC_TOTP_WINDOW; s++) {
        long got = authsvc_hotp(key, key_len, s, AUTHSVC_TOTP_DIGITS, AUTHSVC_OTP_SHA1);
        if (got >= 0 && CRYPTO_memcmp(&got, &want, sizeof(got)) == 0 && found != AUTHSVC_OK) {
            found = AUTHSVC_OK;
            *step = s;
        }
    }
    return found;
}

char *authsvc_base32_encode(apr_pool_t *p, const unsigned char *data, apr_size_t len)
{
    char *out = apr_palloc(p, (len * 8 + 4) / 5 + 1), *o = out;
    unsigned long buffer = 0;
    int bits = 0;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        buffer = (buffer << 8) | data[i];
        bits += 8;
        while (bits >= 5) {
            *o++ = base32_alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        *o++ = base32_alphabet[(buffer << (5 - bits)) & 31];
    *o = '\0';
    return out;
}

static int base32_value(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

unsigned char *authsvc_base32_decode(apr_pool_t *p, const char *text, apr_size_t *len)
{
    unsigned char *out = apr_palloc(p, strlen(text) * 5 / 8 + 1);
    unsigned long buffer = 0;
    int bits = 0, v;

    *len = 0;
    for (; *text; text++) {
        if (*text == '=' || *text == ' ')
            continue;
        if ((v = base32_value(*text)) < 0)
            return NULL;
        buffer = (buffer << 5) | (unsigned long)v;
        bits += 5;
        if (bits >= 8) {
            out[(*len)++] = (unsigned char)((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

/* RFC 3986 percent-encoding of everything but unreserved characters. */
static const char *totp_escape(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, strlen(s) * 3 + 1), *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || c == '~') {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

const char *authsvc_totp_key_uri(apr_pool_t *p, const char *issuer, const char *user,
                                 const char *secret)
{
    const char *iss = totp_escape(p, issuer);

    return apr_psprintf(p,
                        "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1"
                        "&digits=%d&period=%d",
                        iss, totp_escape(p, user), secret, iss, AUTHSVC_TOTP_DIGITS,
                        AUTHSVC_TOTP_STEP);
}

const char *authsvc_totp_secret_new(apr_pool_t *p)
{
    unsigned char raw[AUTHSVC_TOTP_SECRET_BYTES];

    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return NULL;
    return authsvc_base32_encode(p, raw, sizeof(raw));
}
