/* base64url.c: unpadded encoding, strict and canonical decoding (docs/security-model.md T-14). */
#include <string.h>

#include <apr_strings.h>
#include <openssl/rand.h>

#include "authsvc_base64url.h"
#include "unit.h"

static apr_pool_t *pool;

static int suite_init(void)
{
    return apr_pool_create(&pool, authsvc_test_pool()) == APR_SUCCESS ? 0 : 1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool);
    return 0;
}

static authsvc_status_t decode(const char *text, unsigned char **out, apr_size_t *len)
{
    return authsvc_b64url_decode(pool, text, strlen(text), out, len);
}

static int refused(const char *text)
{
    unsigned char *out = (unsigned char *)"untouched";
    apr_size_t len = 99;
    authsvc_status_t st = decode(text, &out, &len);

    return st == AUTHSVC_INVALID && out == NULL && len == 0;
}

/* RFC 4648 §10 vectors: base64url and base64 agree on them, minus the padding. */
static void test_encode_rfc4648_vectors(void)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"",       "Zg",      "Zm8",     "Zm9v",
                                        "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    apr_size_t i;

    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        CU_ASSERT_STRING_EQUAL(authsvc_b64url_encode(pool, (const unsigned char *)plain[i],
                                                     strlen(plain[i])),
                               coded[i]);
}

static void test_encode_uses_url_alphabet(void)
{
    static const unsigned char bytes[] = {0xfb, 0xff, 0xbf};

    CU_ASSERT_STRING_EQUAL(authsvc_b64url_encode(pool, bytes, 3), "-_-_");
    CU_ASSERT_STRING_EQUAL(authsvc_b64url_encode(pool, bytes, 2), "-_8");
    CU_ASSERT_EQUAL(AUTHSVC_B64URL_ENCODED_LEN(32), 43);
    CU_ASSERT_EQUAL(AUTHSVC_B64URL_ENCODED_LEN(256), 342);
}

static void test_decode_round_trips_every_length(void)
{
    unsigned char data[70], *out = NULL;
    apr_size_t len, out_len = 0;

    CU_ASSERT_EQUAL_FATAL(RAND_bytes(data, sizeof(data)), 1);
    for (len = 0; len <= sizeof(data); len++) {
        char *text = authsvc_b64url_encode(pool, data, len);
        CU_ASSERT_EQUAL(strlen(text), AUTHSVC_B64URL_ENCODED_LEN(len));
        CU_ASSERT_EQUAL(decode(text, &out, &out_len), AUTHSVC_OK);
        CU_ASSERT_EQUAL(out_len, len);
        CU_ASSERT(out != NULL && memcmp(out, data, len) == 0 && out[len] == '\0');
    }
}

static void test_decode_known_text(void)
{
    unsigned char *out = NULL;
    apr_size_t len = 0;

    CU_ASSERT_EQUAL(decode("Zm9vYmE", &out, &len), AUTHSVC_OK);
    CU_ASSERT_EQUAL(len, 5u);
    CU_ASSERT_STRING_EQUAL((char *)out, "fooba");
    CU_ASSERT_EQUAL(decode("-_8", &out, &len), AUTHSVC_OK);
    CU_ASSERT(len == 2 && out[0] == 0xfb && out[1] == 0xff);
    CU_ASSERT_EQUAL(decode("", &out, &len), AUTHSVC_OK);
    CU_ASSERT_EQUAL(len, 0u);
}

static void test_decode_refuses_padding(void)
{
    CU_ASSERT(refused("Zg=="));
    CU_ASSERT(refused("Zm8="));
    CU_ASSERT(refused("Zm9v===="));
    CU_ASSERT(refused("="));
}

static void test_decode_refuses_standard_alphabet(void)
{
    CU_ASSERT(refused("+_8"));
    CU_ASSERT(refused("-/8"));
    CU_ASSERT(refused("++++"));
}

static void test_decode_refuses_whitespace_and_controls(void)
{
    CU_ASSERT(refused(" Zm9v"));
    CU_ASSERT(refused("Zm9v "));
    CU_ASSERT(refused("Zm9v\n"));
    CU_ASSERT(refused("Zm\r\n9v"));
    CU_ASSERT(refused("Zm\t9v"));
    CU_ASSERT(refused("Zm.9v"));
    CU_ASSERT(refused("Zm9v\xc3\xa9"));
}

static void test_decode_refuses_embedded_nul(void)
{
    unsigned char *out = NULL;
    apr_size_t len = 0;

    CU_ASSERT_EQUAL(authsvc_b64url_decode(pool, "Zm\0v", 4, &out, &len), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(out);
}

static void test_decode_refuses_impossible_length(void)
{
    CU_ASSERT(refused("Z"));
    CU_ASSERT(refused("Zm9vY"));
    CU_ASSERT(refused("Zm9vYmFyZ"));
}

/* "Zg" is the only spelling of "f": "Zh".."Zv" carry non-zero unused bits. */
static void test_decode_refuses_nonzero_trailing_bits(void)
{
    CU_ASSERT(refused("Zh"));
    CU_ASSERT(refused("Zv"));
    CU_ASSERT(refused("Zm9")); /* "fo" is "Zm8" */
    CU_ASSERT(!refused("Zm8"));
    CU_ASSERT(refused("Zm-"));
}

/* T-14: a 32-byte value (an HMAC) ends in a character with two unused bits (its value is
 * a multiple of 4); the three characters after it ("...Xk" -> "...Xl") must be refused. */
static void test_decode_signature_sibling_is_refused(void)
{
    unsigned char mac[32], *out = NULL;
    apr_size_t len = 0;
    char *text, *sibling;
    int i;

    CU_ASSERT_EQUAL_FATAL(RAND_bytes(mac, sizeof(mac)), 1);
    text = authsvc_b64url_encode(pool, mac, sizeof(mac));
    CU_ASSERT_EQUAL_FATAL(strlen(text), 43u);
    CU_ASSERT_EQUAL(decode(text, &out, &len), AUTHSVC_OK);
    for (i = 1; i <= 3; i++) {
        static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const char *at = strchr(alphabet, text[42]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(at);
        sibling = apr_pstrdup(pool, text);
        sibling[42] = alphabet[(at - alphabet) + i];
        CU_ASSERT(refused(sibling));
    }
}

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The decoder's table against the alphabet, for all 256 byte values, at the end of a
 * whole group ("AAA" + c: the byte is the character's value) and of a 2-character tail
 * ("A" + c: only values with 4 zero low bits are canonical). */
static void test_decode_table_agrees_with_alphabet(void)
{
    int c;

    for (c = 0; c < 256; c++) {
        char quad[4] = {'A', 'A', 'A', (char)c}, pair[2] = {'A', (char)c};
        const char *at = c ? memchr(url_alphabet, c, 64) : NULL;
        unsigned char *out = NULL;
        apr_size_t len = 0;
        authsvc_status_t st = authsvc_b64url_decode(pool, quad, 4, &out, &len);

        if (at) {
            CU_ASSERT(st == AUTHSVC_OK && len == 3
                      && out[2] == (unsigned char)(at - url_alphabet));
        } else {
            CU_ASSERT(st == AUTHSVC_INVALID && out == NULL && len == 0);
        }
        st = authsvc_b64url_decode(pool, pair, 2, &out, &len);
        CU_ASSERT_EQUAL(st, at && (at - url_alphabet) % 16 == 0 ? AUTHSVC_OK : AUTHSVC_INVALID);
    }
}

/* One character outside the alphabet anywhere in a 47-character text (11 whole groups
 * and a tail of 3) is refused, in a group or in the tail. */
static void test_decode_refuses_bad_character_at_every_position(void)
{
    static const char bad[] = {'=', '+', '/', '.', ' ', '\x80', '\xff'};
    unsigned char data[35];
    char *text;
    apr_size_t i, b;

    CU_ASSERT_EQUAL_FATAL(RAND_bytes(data, sizeof(data)), 1);
    text = authsvc_b64url_encode(pool, data, sizeof(data));
    CU_ASSERT_EQUAL_FATAL(strlen(text), 47u);
    CU_ASSERT(!refused(text));
    for (i = 0; i < 47; i++)
        for (b = 0; b < sizeof(bad); b++) {
            char *t = apr_pstrdup(pool, text);
            t[i] = bad[b];
            CU_ASSERT(refused(t));
        }
}

/* Empty text is the empty byte string; a lone tail of 2 or 3 characters decodes; the
 * length given is what counts, not a NUL. */
static void test_decode_empty_and_short(void)
{
    unsigned char *out = NULL;
    apr_size_t len = 99;

    CU_ASSERT_EQUAL(authsvc_b64url_decode(pool, "Zm9v", 0, &out, &len), AUTHSVC_OK);
    CU_ASSERT(len == 0 && out != NULL && out[0] == '\0');
    CU_ASSERT_EQUAL(authsvc_b64url_decode(pool, "Zg==", 2, &out, &len), AUTHSVC_OK);
    CU_ASSERT(len == 1 && out[0] == 'f');
    CU_ASSERT_EQUAL(authsvc_b64url_decode(pool, "Zm9v", 2, &out, &len), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_b64url_decode(pool, "Zm9v", 3, &out, &len), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_b64url_decode(pool, "Zm8=", 3, &out, &len), AUTHSVC_OK);
    CU_ASSERT(len == 2 && out[0] == 'f' && out[1] == 'o');
    CU_ASSERT(refused("Zg="));
    CU_ASSERT(refused("Zm8=="));
}

void authsvc_test_register_base64url(void)
{
    CU_pSuite s = CU_add_suite("base64url", suite_init, suite_clean);

    CU_add_test(s, "encode: RFC 4648 vectors, no padding", test_encode_rfc4648_vectors);
    CU_add_test(s, "encode: '-' and '_' alphabet", test_encode_uses_url_alphabet);
    CU_add_test(s, "decode: round trip of lengths 0..70", test_decode_round_trips_every_length);
    CU_add_test(s, "decode: known text", test_decode_known_text);
    CU_add_test(s, "decode: '=' padding refused", test_decode_refuses_padding);
    CU_add_test(s, "decode: '+' and '/' refused", test_decode_refuses_standard_alphabet);
    CU_add_test(s, "decode: whitespace and other bytes refused",
                test_decode_refuses_whitespace_and_controls);
    CU_add_test(s, "decode: NUL inside refused", test_decode_refuses_embedded_nul);
    CU_add_test(s, "decode: length % 4 == 1 refused", test_decode_refuses_impossible_length);
    CU_add_test(s, "decode: non-zero unused bits refused",
                test_decode_refuses_nonzero_trailing_bits);
    CU_add_test(s, "decode: T-14 sibling of a signature's last character refused",
                test_decode_signature_sibling_is_refused);
    CU_add_test(s, "decode: the table agrees with the alphabet for all 256 bytes",
                test_decode_table_agrees_with_alphabet);
    CU_add_test(s, "decode: a bad character at any position refused",
                test_decode_refuses_bad_character_at_every_position);
    CU_add_test(s, "decode: empty and short texts", test_decode_empty_and_short);
}
