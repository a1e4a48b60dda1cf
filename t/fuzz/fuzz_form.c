/* authsvc_form_parse (form.c), the reader of query strings and form bodies, and the
 * decoder under it: every pair of an accepted text is valid UTF-8 without NUL bytes,
 * and each name is there once. */
#include <stdlib.h>
#include <string.h>

#include <apr_tables.h>

#include "authsvc_form.h"
#include "authsvc_json.h"
#include "fuzz.h"

static void check_pairs(apr_pool_t *p, const apr_table_t *form)
{
    const apr_array_header_t *pairs = apr_table_elts(form);
    const apr_table_entry_t *entry = (const apr_table_entry_t *)pairs->elts;
    cJSON *object;
    int i;

    for (i = 0; i < pairs->nelts; i++) {
        if (!authsvc_utf8_valid(entry[i].key, strlen(entry[i].key))
            || !authsvc_utf8_valid(entry[i].val, strlen(entry[i].val)))
            abort();
    }
    object = authsvc_form_to_json(p, form);
    if (!object || cJSON_GetArraySize(object) != pairs->nelts)
        abort();
}

void authsvc_fuzz_init(apr_pool_t *root)
{
    (void)root;
}

void authsvc_fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    apr_table_t *form = NULL;

    if (authsvc_form_parse(p, text, size, &form) == AUTHSVC_FORM_VALID)
        check_pairs(p, form);
    authsvc_form_decode(p, text, size, 0);
    authsvc_form_decode(p, text, size, 1);
}
