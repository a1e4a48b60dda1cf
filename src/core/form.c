/* URL-encoded pairs: strict decoding, no duplicates, bounded count. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_form.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"

static int form_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *authsvc_form_decode(apr_pool_t *p, const char *text, apr_size_t len, int plus_is_space)
{
    char *out = apr_palloc(p, len + 1);
    apr_size_t i, o = 0;

    for (i = 0; i < len; i++) {
        char c = text[i];
        if (c == '%') {
            int hi, lo;
            if (len - i < 3)
                return NULL;
            hi = form_hex(text[i + 1]);
            lo = form_hex(text[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0')
            return NULL;
        out[o++] = c;
    }
    out[o] = '\0';
    return authsvc_utf8_valid(out, o) ? out : NULL;
}

/* Decodes one "name=value" pair into the table. */
static authsvc_form_result_t form_add_pair(apr_pool_t *p, apr_table_t *form, const char *pair,
                                           apr_size_t len)
{
    const char *eq = memchr(pair, '=', len);
    apr_size_t name_len = eq ? (apr_size_t)(eq - pair) : len;
    char *name = authsvc_form_decode(p, pair, name_len, 1);
    char *value = eq ? authsvc_form_decode(p, eq + 1, len - name_len - 1, 1) : "";

    if (!name || !value)
        return AUTHSVC_FORM_ENCODING;
    if (apr_table_get(form, name))
        return AUTHSVC_FORM_DUPLICATE;
    if (apr_table_elts(form)->nelts >= AUTHSVC_QUERY_PARAMS_MAX)
        return AUTHSVC_FORM_TOO_MANY;
    apr_table_setn(form, name, value);
    return AUTHSVC_FORM_VALID;
}

authsvc_form_result_t authsvc_form_parse(apr_pool_t *p, const char *text, apr_size_t len,
                                         apr_table_t **out)
{
    apr_table_t *form = apr_table_make(p, 8);
    apr_size_t start = 0;

    *out = NULL;
    while (start < len) {
        const char *amp = memchr(text + start, '&', len - start);
        apr_size_t end = amp ? (apr_size_t)(amp - text) : len;
        if (end > start) {
            authsvc_form_result_t rv = form_add_pair(p, form, text + start, end - start);
            if (rv != AUTHSVC_FORM_VALID)
                return rv;
        }
        start = end + 1;
    }
    *out = form;
    return AUTHSVC_FORM_VALID;
}

cJSON *authsvc_form_to_json(apr_pool_t *p, const apr_table_t *form)
{
    cJSON *obj = authsvc_json_own(p, cJSON_CreateObject());
    const apr_array_header_t *arr = apr_table_elts(form);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    for (i = 0; i < arr->nelts; i++)
        cJSON_AddStringToObject(obj, e[i].key, e[i].val);
    return obj;
}
