/* URL-encoded pairs (form.c): strict decoding, no duplicates, a bounded count. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_form.h"
#include "authsvc_limits.h"
#include "unit.h"

static authsvc_form_result_t form_parse_text(const char *text, apr_table_t **out)
{
    return authsvc_form_parse(authsvc_test_pool(), text, strlen(text), out);
}

/* The table of text, which must parse. */
static apr_table_t *form_valid(const char *text)
{
    apr_table_t *form = NULL;

    CU_ASSERT_EQUAL_FATAL(form_parse_text(text, &form), AUTHSVC_FORM_VALID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(form);
    return form;
}

/* The value of name in the parsed text, which must be present. */
static const char *form_value(const char *text, const char *name)
{
    const char *value = apr_table_get(form_valid(text), name);

    CU_ASSERT_PTR_NOT_NULL_FATAL(value);
    return value;
}

static authsvc_form_result_t form_result(const char *text)
{
    apr_table_t *form;

    return form_parse_text(text, &form);
}

/* "p0=0&p1=1&..." with count distinct names. */
static char *form_with_pairs(int count)
{
    apr_pool_t *p = authsvc_test_pool();
    char *text = "";
    int i;

    for (i = 0; i < count; i++)
        text = apr_psprintf(p, "%s%sp%d=%d", text, i ? "&" : "", i, i);
    return text;
}

static void test_form_pairs_parse(void)
{
    apr_table_t *form = form_valid("a=1&b=2");

    CU_ASSERT_EQUAL(apr_table_elts(form)->nelts, 2);
    CU_ASSERT_STRING_EQUAL(apr_table_get(form, "a"), "1");
    CU_ASSERT_STRING_EQUAL(apr_table_get(form, "b"), "2");
}

static void test_form_plus_is_space(void)
{
    CU_ASSERT_STRING_EQUAL(form_value("a=x+y", "a"), "x y");
}

static void test_form_percent_escape_is_decoded(void)
{
    CU_ASSERT_STRING_EQUAL(form_value("a=%41%2b", "a"), "A+");
}

static void test_form_name_is_decoded(void)
{
    CU_ASSERT_STRING_EQUAL(form_value("%61+b=1", "a b"), "1");
}

static void test_form_percent_escape_of_utf8_is_decoded(void)
{
    CU_ASSERT_STRING_EQUAL(form_value("a=%C3%A9", "a"), "\xC3\xA9");
}

static void test_form_short_escape_is_encoding(void)
{
    CU_ASSERT_EQUAL(form_result("a=%4"), AUTHSVC_FORM_ENCODING);
}

static void test_form_non_hex_escape_is_encoding(void)
{
    CU_ASSERT_EQUAL(form_result("a=%zz"), AUTHSVC_FORM_ENCODING);
}

static void test_form_trailing_percent_is_encoding(void)
{
    CU_ASSERT_EQUAL(form_result("a=1%"), AUTHSVC_FORM_ENCODING);
}

static void test_form_short_escape_before_next_pair_is_encoding(void)
{
    CU_ASSERT_EQUAL(form_result("a=%4&b=1"), AUTHSVC_FORM_ENCODING);
}

static void test_form_escaped_nul_is_encoding(void)
{
    CU_ASSERT_EQUAL(form_result("a=x%00y"), AUTHSVC_FORM_ENCODING);
}

static void test_form_invalid_utf8_after_decoding_is_encoding(void)
{
    CU_ASSERT_EQUAL(form_result("a=%C3"), AUTHSVC_FORM_ENCODING);
}

static void test_form_overlong_utf8_after_decoding_is_encoding(void)
{
    CU_ASSERT_EQUAL(form_result("a=%C0%AF"), AUTHSVC_FORM_ENCODING);
}

static void test_form_duplicate_name_is_duplicate(void)
{
    CU_ASSERT_EQUAL(form_result("a=1&b=2&a=3"), AUTHSVC_FORM_DUPLICATE);
}

static void test_form_duplicate_after_decoding_is_duplicate(void)
{
    CU_ASSERT_EQUAL(form_result("a=1&%61=2"), AUTHSVC_FORM_DUPLICATE);
}

static void test_form_pairs_at_limit_are_valid(void)
{
    CU_ASSERT_EQUAL(form_result(form_with_pairs(AUTHSVC_QUERY_PARAMS_MAX)), AUTHSVC_FORM_VALID);
}

static void test_form_pairs_over_limit_are_too_many(void)
{
    CU_ASSERT_EQUAL(form_result(form_with_pairs(AUTHSVC_QUERY_PARAMS_MAX + 1)),
                    AUTHSVC_FORM_TOO_MANY);
}

static void test_form_empty_text_is_empty_table(void)
{
    CU_ASSERT_EQUAL(apr_table_elts(form_valid(""))->nelts, 0);
}

static void test_form_name_without_equals_has_empty_value(void)
{
    CU_ASSERT_STRING_EQUAL(form_value("a", "a"), "");
}

static void test_form_to_json_holds_every_pair_as_string(void)
{
    apr_table_t *form = form_valid("a=1&b=x+y&c=");
    const apr_array_header_t *pairs = apr_table_elts(form);
    const apr_table_entry_t *e = (const apr_table_entry_t *)pairs->elts;
    cJSON *json = authsvc_form_to_json(authsvc_test_pool(), form);
    int i;

    CU_ASSERT_TRUE_FATAL(cJSON_IsObject(json));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(json), pairs->nelts);
    for (i = 0; i < pairs->nelts; i++) {
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(json, e[i].key);
        CU_ASSERT_TRUE_FATAL(cJSON_IsString(value));
        CU_ASSERT_STRING_EQUAL(value->valuestring, e[i].val);
    }
}

static void test_form_decode_keeps_plus_when_asked(void)
{
    const char *decoded = authsvc_form_decode(authsvc_test_pool(), "x+y%20z", 7, 0);

    CU_ASSERT_PTR_NOT_NULL_FATAL(decoded);
    CU_ASSERT_STRING_EQUAL(decoded, "x+y z");
}

static void test_form_decode_stops_at_len(void)
{
    /* The escape is cut by len: "%4" alone is malformed even though "%41" follows. */
    CU_ASSERT_PTR_NULL(authsvc_form_decode(authsvc_test_pool(), "a%41", 3, 1));
}

void authsvc_test_register_form(void)
{
    CU_pSuite s = CU_add_suite("form", NULL, NULL);

    CU_add_test(s, "pairs parse", test_form_pairs_parse);
    CU_add_test(s, "'+' is a space", test_form_plus_is_space);
    CU_add_test(s, "percent escape is decoded", test_form_percent_escape_is_decoded);
    CU_add_test(s, "name is decoded", test_form_name_is_decoded);
    CU_add_test(s, "percent escape of UTF-8 is decoded",
                test_form_percent_escape_of_utf8_is_decoded);
    CU_add_test(s, "short escape is ENCODING", test_form_short_escape_is_encoding);
    CU_add_test(s, "non-hex escape is ENCODING", test_form_non_hex_escape_is_encoding);
    CU_add_test(s, "trailing '%' is ENCODING", test_form_trailing_percent_is_encoding);
    CU_add_test(s, "short escape before the next pair is ENCODING",
                test_form_short_escape_before_next_pair_is_encoding);
    CU_add_test(s, "%00 is ENCODING", test_form_escaped_nul_is_encoding);
    CU_add_test(s, "invalid UTF-8 after decoding is ENCODING",
                test_form_invalid_utf8_after_decoding_is_encoding);
    CU_add_test(s, "overlong UTF-8 after decoding is ENCODING",
                test_form_overlong_utf8_after_decoding_is_encoding);
    CU_add_test(s, "duplicate name is DUPLICATE", test_form_duplicate_name_is_duplicate);
    CU_add_test(s, "duplicate after decoding is DUPLICATE",
                test_form_duplicate_after_decoding_is_duplicate);
    CU_add_test(s, "pairs at the limit are valid", test_form_pairs_at_limit_are_valid);
    CU_add_test(s, "pairs over the limit are TOO_MANY",
                test_form_pairs_over_limit_are_too_many);
    CU_add_test(s, "empty text is an empty table", test_form_empty_text_is_empty_table);
    CU_add_test(s, "name without '=' has an empty value",
                test_form_name_without_equals_has_empty_value);
    CU_add_test(s, "to_json holds every pair as a string",
                test_form_to_json_holds_every_pair_as_string);
    CU_add_test(s, "decode keeps '+' when asked", test_form_decode_keeps_plus_when_asked);
    CU_add_test(s, "decode stops at len", test_form_decode_stops_at_len);
}
