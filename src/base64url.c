/* Unpadded base64url, decoded canonically: a token has one spelling only, so a changed
 * character always changes the bytes a signature covers (docs/security-model.md T-14). */
#include "authsvc_base64url.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The 6-bit value of c, or -1 for anything outside the base64url alphabet. */
static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

char *authsvc_b64url_encode(apr_pool_t *p, const unsigned char *data, apr_size_t len)
{
    char *out = apr_palloc(p, AUTHSVC_B64URL_ENCODED_LEN(len) + 1);
    apr_size_t i, o = 0;

    for (i = 0; i + 2 < len; i += 3) {
        unsigned long v = (unsigned long)data[i] << 16 | (unsigned long)data[i + 1] << 8
                          | data[i + 2];
        out[o++] = b64url_alphabet[(v >> 18) & 63];
        out[o++] = b64url_alphabet[(v >> 12) & 63];
        out[o++] = b64url_alphabet[(v >> 6) & 63];
        out[o++] = b64url_alphabet[v & 63];
    }
    if (len - i == 1) {
        out[o++] = b64url_alphabet[data[i] >> 2];
        out[o++] = b64url_alphabet[(data[i] & 3) << 4];
    }
    else if (len - i == 2) {
        unsigned long v = (unsigned long)data[i] << 8 | data[i + 1];
        out[o++] = b64url_alphabet[(v >> 10) & 63];
        out[o++] = b64url_alphabet[(v >> 4) & 63];
        out[o++] = b64url_alphabet[(v << 2) & 63];
    }
    out[o] = '\0';
    return out;
}

authsvc_status_t authsvc_b64url_decode(apr_pool_t *p, const char *text, apr_size_t len,
                                       unsigned char **out, apr_size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char *buf;
    unsigned long acc = 0;
    apr_size_t i, o = 0;
    int bits = 0;

    *out = NULL;
    *out_len = 0;
    if (len % 4 == 1)
        return AUTHSVC_INVALID;
    buf = apr_palloc(p, len / 4 * 3 + 3);
    for (i = 0; i < len; i++) {
        int v = b64url_value(s[i]);
        if (v < 0)
            return AUTHSVC_INVALID;
        acc = (acc << 6 | (unsigned long)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (unsigned char)(acc >> bits);
        }
    }
    /* Left-over bits (2 or 4) must be zero, or two texts would decode alike. */
    if (acc & ((1ul << bits) - 1))
        return AUTHSVC_INVALID;
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return AUTHSVC_OK;
}
