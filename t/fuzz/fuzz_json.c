/* authsvc_json_parse (json.c), the strict parser of every JSON request body: any bytes
 * either parse into a value whose printed text parses again, or are refused. */
#include <stdlib.h>
#include <string.h>

#include "authsvc_json.h"
#include "fuzz.h"

void authsvc_fuzz_init(apr_pool_t *root)
{
    (void)root;
}

void authsvc_fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    cJSON *value = NULL, *again = NULL;
    authsvc_json_result_t result = authsvc_json_parse(p, (const char *)data, size, &value);
    const char *text;

    if (!authsvc_json_result_message(result))
        abort();
    if (result != AUTHSVC_JSON_VALID)
        return;
    if (!value || !authsvc_utf8_valid((const char *)data, size))
        abort();
    text = authsvc_json_print(p, value);
    if (!text || authsvc_json_parse(p, text, strlen(text), &again) != AUTHSVC_JSON_VALID)
        abort();
}
