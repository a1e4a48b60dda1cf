/* Strict JSON for untrusted input: RFC 8259 syntax, UTF-8 only, no NUL (raw or
 * escaped, since cJSON would silently cut a string there), bounded depth, no
 * duplicate members. */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "authsvc_json.h"
#include "authsvc_limits.h"

static apr_status_t json_delete(void *item)
{
    cJSON_Delete(item);
    return APR_SUCCESS;
}

cJSON *authsvc_json_own(apr_pool_t *p, cJSON *item)
{
    if (item)
        apr_pool_cleanup_register(p, item, json_delete, apr_pool_cleanup_null);
    return item;
}

char *authsvc_json_print(apr_pool_t *p, const cJSON *item)
{
    char *text = cJSON_PrintUnformatted(item);
    char *copy;

    if (!text)
        return NULL;
    copy = apr_pstrdup(p, text);
    cJSON_free(text);
    return copy;
}

/* Length of the UTF-8 sequence starting at s (n bytes left), 0 when ill-formed. */
static apr_size_t utf8_sequence_length(const unsigned char *s, apr_size_t n)
{
    unsigned char c = s[0];

    if (c < 0x80)
        return c == 0 ? 0 : 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80
                       && (s[3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

int authsvc_utf8_valid(const char *buf, apr_size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    apr_size_t i = 0;

    while (i < len) {
        apr_size_t step = utf8_sequence_length(s + i, len - i);
        if (step == 0)
            return 0;
        i += step;
    }
    return 1;
}

/* RFC 8259 syntax, checked before cJSON (which is lenient: control characters in
 * strings, any byte <= 0x20 as whitespace, leading zeros). Recursion is bounded by
 * AUTHSVC_JSON_DEPTH_MAX. Also refuses \u0000, which cJSON would cut a string at. */
typedef struct {
    const char *s;
    apr_size_t len, pos;
    int depth;
    authsvc_json_result_t fail;
} json_scanner_t;

static int scan_value(json_scanner_t *sc);

static int scan_peek(const json_scanner_t *sc)
{
    return sc->pos < sc->len ? (unsigned char)sc->s[sc->pos] : -1;
}

static void scan_space(json_scanner_t *sc)
{
    int c;

    while ((c = scan_peek(sc)) == ' ' || c == '\t' || c == '\n' || c == '\r')
        sc->pos++;
}

static int scan_is_hex(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int scan_string(json_scanner_t *sc)
{
    int c;

    sc->pos++; /* opening quote */
    while ((c = scan_peek(sc)) != '"') {
        if (c < 0x20) /* end of input or a raw control character */
            return 0;
        sc->pos++;
        if (c != '\\')
            continue;
        c = scan_peek(sc);
        if (c == 'u') {
            apr_size_t i;
            if (sc->len - sc->pos < 5)
                return 0;
            for (i = 1; i <= 4; i++)
                if (!scan_is_hex((unsigned char)sc->s[sc->pos + i]))
                    return 0;
            if (memcmp(sc->s + sc->pos + 1, "0000", 4) == 0) {
                sc->fail = AUTHSVC_JSON_ENCODING;
                return 0;
            }
            sc->pos += 5;
        } else if (c > 0 && strchr("\"\\/bfnrt", c)) {
            sc->pos++;
        } else {
            return 0;
        }
    }
    sc->pos++; /* closing quote */
    return 1;
}

static apr_size_t scan_digits(json_scanner_t *sc)
{
    apr_size_t start = sc->pos;
    int c;

    while ((c = scan_peek(sc)) >= '0' && c <= '9')
        sc->pos++;
    return sc->pos - start;
}

static int scan_number(json_scanner_t *sc)
{
    int c;

    if (scan_peek(sc) == '-')
        sc->pos++;
    if (scan_peek(sc) == '0')
        sc->pos++;
    else if (scan_digits(sc) == 0)
        return 0;
    if (scan_peek(sc) == '.') {
        sc->pos++;
        if (scan_digits(sc) == 0)
            return 0;
    }
    c = scan_peek(sc);
    if (c == 'e' || c == 'E') {
        sc->pos++;
        c = scan_peek(sc);
        if (c == '+' || c == '-')
            sc->pos++;
        if (scan_digits(sc) == 0)
            return 0;
    }
    return 1;
}

static int scan_literal(json_scanner_t *sc, const char *word)
{
    apr_size_t n = strlen(word);

    if (sc->len - sc->pos < n || memcmp(sc->s + sc->pos, word, n) != 0)
        return 0;
    sc->pos += n;
    return 1;
}

/* Members of an object (is_object) or elements of an array, after the opening bracket. */
static int scan_container(json_scanner_t *sc, int is_object)
{
    char close = is_object ? '}' : ']';

    if (++sc->depth > AUTHSVC_JSON_DEPTH_MAX) {
        sc->fail = AUTHSVC_JSON_TOO_DEEP;
        return 0;
    }
    sc->pos++;
    scan_space(sc);
    if (scan_peek(sc) == close) {
        sc->pos++;
        sc->depth--;
        return 1;
    }
    for (;;) {
        if (is_object) {
            if (scan_peek(sc) != '"' || !scan_string(sc))
                return 0;
            scan_space(sc);
            if (scan_peek(sc) != ':')
                return 0;
            sc->pos++;
        }
        if (!scan_value(sc))
            return 0;
        if (scan_peek(sc) == close)
            break;
        if (scan_peek(sc) != ',')
            return 0;
        sc->pos++;
        scan_space(sc);
    }
    sc->pos++;
    sc->depth--;
    return 1;
}

/* A value with the whitespace around it. */
static int scan_value(json_scanner_t *sc)
{
    int c, ok;

    scan_space(sc);
    c = scan_peek(sc);
    if (c == '{' || c == '[')
        ok = scan_container(sc, c == '{');
    else if (c == '"')
        ok = scan_string(sc);
    else if (c == '-' || (c >= '0' && c <= '9'))
        ok = scan_number(sc);
    else
        ok = scan_literal(sc, "true") || scan_literal(sc, "false") || scan_literal(sc, "null");
    scan_space(sc);
    return ok;
}

static authsvc_json_result_t json_prescan(const char *buf, apr_size_t len)
{
    json_scanner_t sc = {buf, len, 0, 0, AUTHSVC_JSON_SYNTAX};

    if (scan_value(&sc) && sc.pos == len)
        return AUTHSVC_JSON_VALID;
    return sc.fail;
}

/* Duplicate and member-count check of one object, then of everything below it. */
static authsvc_json_result_t json_check_members(apr_pool_t *p, const cJSON *item)
{
    const cJSON *child;
    apr_hash_t *seen = NULL;
    int count = 0;

    if (cJSON_IsObject(item))
        seen = apr_hash_make(p);
    for (child = item->child; child; child = child->next) {
        authsvc_json_result_t rv;
        if (seen) {
            if (++count > AUTHSVC_JSON_MEMBERS_MAX)
                return AUTHSVC_JSON_TOO_MANY;
            if (apr_hash_get(seen, child->string, APR_HASH_KEY_STRING))
                return AUTHSVC_JSON_DUPLICATE;
            apr_hash_set(seen, child->string, APR_HASH_KEY_STRING, child);
        }
        rv = json_check_members(p, child);
        if (rv != AUTHSVC_JSON_VALID)
            return rv;
    }
    return AUTHSVC_JSON_VALID;
}

authsvc_json_result_t authsvc_json_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                                         cJSON **out)
{
    authsvc_json_result_t rv;
    apr_pool_t *scratch;
    cJSON *item;
    char *text;

    *out = NULL;
    if (len == 0)
        return AUTHSVC_JSON_EMPTY;
    if (!authsvc_utf8_valid(buf, len))
        return AUTHSVC_JSON_ENCODING;
    rv = json_prescan(buf, len);
    if (rv != AUTHSVC_JSON_VALID)
        return rv;
    /* No NUL inside (checked above), so the terminator we add is the only one. */
    text = apr_pstrmemdup(p, buf, len);
    item = cJSON_ParseWithOpts(text, NULL, 1);
    if (!item)
        return AUTHSVC_JSON_SYNTAX;
    authsvc_json_own(p, item);
    apr_pool_create(&scratch, p);
    rv = json_check_members(scratch, item);
    apr_pool_destroy(scratch);
    if (rv == AUTHSVC_JSON_VALID)
        *out = item;
    return rv;
}

const char *authsvc_json_result_message(authsvc_json_result_t result)
{
    switch (result) {
    case AUTHSVC_JSON_VALID: return "valid";
    case AUTHSVC_JSON_EMPTY: return "The request body is empty";
    case AUTHSVC_JSON_SYNTAX: return "The request body is not valid JSON";
    case AUTHSVC_JSON_ENCODING:
        return "The request body is not valid UTF-8 or holds a NUL character";
    case AUTHSVC_JSON_TOO_DEEP: return "The request body is nested too deeply";
    case AUTHSVC_JSON_DUPLICATE: return "The request body names a member twice";
    case AUTHSVC_JSON_TOO_MANY: return "The request body has too many members";
    }
    return "The request body is not valid JSON";
}
