/* Unpadded base64url, decoded canonically: a token has one spelling only, so a changed
 * character always changes the bytes a signature covers (docs/security-model.md T-14). */
#include "authsvc_base64url.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#define BAD 0xff

/* The 6-bit value of every byte, BAD for anything outside the base64url alphabet (NUL
 * included): one look-up a character, and BAD has a bit (0x40) no value has, so the
 * values of a group can be OR-ed and checked once. */
static const unsigned char b64url_values[256] = {
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, 62,  BAD, BAD, 52,  53,  54,  55,  56,  57,
    58,  59,  60,  61,  BAD, BAD, BAD, BAD, BAD, BAD, BAD, 0,   1,   2,   3,   4,   5,   6,
    7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,  18,  19,  20,  21,  22,  23,  24,
    25,  BAD, BAD, BAD, BAD, 63,  BAD, 26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,
    37,  38,  39,  40,  41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
    BAD, BAD, BAD, BAD,
};

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
    } else if (len - i == 2) {
        unsigned long v = (unsigned long)data[i] << 8 | data[i + 1];
        out[o++] = b64url_alphabet[(v >> 10) & 63];
        out[o++] = b64url_alphabet[(v >> 4) & 63];
        out[o++] = b64url_alphabet[(v << 2) & 63];
    }
    out[o] = '\0';
    return out;
}

/* Four characters into three bytes; 0 when one is outside the alphabet. */
static int b64url_quad(const unsigned char *s, unsigned char *out)
{
    unsigned int a = b64url_values[s[0]], b = b64url_values[s[1]], c = b64url_values[s[2]],
                 d = b64url_values[s[3]];

    if ((a | b | c | d) & 0x40)
        return 0;
    out[0] = (unsigned char)(a << 2 | b >> 4);
    out[1] = (unsigned char)(b << 4 | c >> 2);
    out[2] = (unsigned char)(c << 6 | d);
    return 1;
}

/* The last 2 or 3 characters into 1 or 2 bytes; 0 when one is outside the alphabet or
 * the unused low bits (4 or 2) of the last are not zero, for then two texts would
 * decode alike. */
static int b64url_tail(const unsigned char *s, apr_size_t n, unsigned char *out)
{
    unsigned int a = b64url_values[s[0]], b = b64url_values[s[1]],
                 c = n == 3 ? b64url_values[s[2]] : 0;

    if ((a | b | c) & 0x40)
        return 0;
    out[0] = (unsigned char)(a << 2 | b >> 4);
    if (n == 2)
        return (b & 0x0f) == 0;
    out[1] = (unsigned char)(b << 4 | c >> 2);
    return (c & 0x03) == 0;
}

authsvc_status_t authsvc_b64url_decode(apr_pool_t *p, const char *text, apr_size_t len,
                                       unsigned char **out, apr_size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)text;
    apr_size_t i, o = 0, rest = len % 4;
    unsigned char *buf;

    *out = NULL;
    *out_len = 0;
    if (rest == 1)
        return AUTHSVC_INVALID;
    buf = apr_palloc(p, len / 4 * 3 + 3);
    for (i = 0; i + 4 <= len; i += 4, o += 3)
        if (!b64url_quad(s + i, buf + o))
            return AUTHSVC_INVALID;
    if (rest && !b64url_tail(s + i, rest, buf + o))
        return AUTHSVC_INVALID;
    o += rest ? rest - 1 : 0;
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return AUTHSVC_OK;
}
