/* Strict JSON (json.c): what untrusted bodies the parser accepts and why it refuses others. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "unit.h"

/* Parses len bytes of text; the result code, the value discarded. */
static authsvc_json_result_t json_parse_bytes(const char *text, apr_size_t len)
{
    cJSON *out;

    return authsvc_json_parse(authsvc_test_pool(), text, len, &out);
}

static authsvc_json_result_t json_parse_text(const char *text)
{
    return json_parse_bytes(text, strlen(text));
}

/* "[[[...]]]" nested depth times. */
static char *json_nested_arrays(int depth)
{
    char *text = apr_palloc(authsvc_test_pool(), (apr_size_t)depth * 2 + 1);

    memset(text, '[', (apr_size_t)depth);
    memset(text + depth, ']', (apr_size_t)depth);
    text[depth * 2] = '\0';
    return text;
}

/* {"m0":0,"m1":1,...} with count distinct members. */
static char *json_object_with_members(int count)
{
    apr_size_t size = (apr_size_t)count * 32 + 3, used = 1;
    char *text = apr_palloc(authsvc_test_pool(), size);
    int i;

    text[0] = '{';
    for (i = 0; i < count; i++)
        used += (apr_size_t)apr_snprintf(text + used, size - used, "%s\"m%d\":%d", i ? "," : "",
                                         i, i);
    apr_cpystrn(text + used, "}", size - used);
    return text;
}

static void test_json_valid_object_parses_with_its_members(void)
{
    static const char text[] = "{\"name\":\"alice\",\"age\":7}";
    cJSON *out = NULL;
    const cJSON *name;

    CU_ASSERT_EQUAL_FATAL(authsvc_json_parse(authsvc_test_pool(), text, strlen(text), &out),
                          AUTHSVC_JSON_VALID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    name = cJSON_GetObjectItemCaseSensitive(out, "name");
    CU_ASSERT_TRUE_FATAL(cJSON_IsString(name));
    CU_ASSERT_STRING_EQUAL(name->valuestring, "alice");
    CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(out, "age")->valueint, 7);
}

static void test_json_refused_text_leaves_out_null(void)
{
    cJSON *out = (cJSON *)&out;

    CU_ASSERT_NOT_EQUAL(authsvc_json_parse(authsvc_test_pool(), "{", 1, &out),
                        AUTHSVC_JSON_VALID);
    CU_ASSERT_PTR_NULL(out);
}

static void test_json_empty_input_is_empty(void)
{
    CU_ASSERT_EQUAL(json_parse_bytes("", 0), AUTHSVC_JSON_EMPTY);
}

static void test_json_truncated_object_is_syntax_even_when_more_bytes_follow(void)
{
    /* Only the first 7 bytes are the body; reading past len would see a valid object. */
    static const char buffer[] = "{\"1\":1,\"2\":2}";

    CU_ASSERT_EQUAL(json_parse_bytes(buffer, 7), AUTHSVC_JSON_SYNTAX);
}

static void test_json_trailing_garbage_is_syntax(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":1}x"), AUTHSVC_JSON_SYNTAX);
}

static void test_json_second_value_after_first_is_syntax(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{} {}"), AUTHSVC_JSON_SYNTAX);
}

static void test_json_trailing_whitespace_is_accepted(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":1} \r\n\t"), AUTHSVC_JSON_VALID);
}

static void test_json_raw_control_character_in_string_is_syntax(void)
{
    /* RFC 8259 section 7: control characters in strings must be escaped. */
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":\"x\ny\"}"), AUTHSVC_JSON_SYNTAX);
}

static void test_json_non_json_whitespace_is_syntax(void)
{
    /* Only space, tab, LF and CR separate tokens (RFC 8259 section 2). */
    CU_ASSERT_EQUAL(json_parse_text("\x01{\"a\":1}"), AUTHSVC_JSON_SYNTAX);
}

static void test_json_number_with_leading_zero_is_syntax(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":01}"), AUTHSVC_JSON_SYNTAX);
}

static void test_json_lone_lead_byte_is_encoding(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":\"\xC3\"}"), AUTHSVC_JSON_ENCODING);
}

static void test_json_overlong_sequence_is_encoding(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":\"\xC0\xAF\"}"), AUTHSVC_JSON_ENCODING);
}

static void test_json_utf8_surrogate_is_encoding(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":\"\xED\xA0\x80\"}"), AUTHSVC_JSON_ENCODING);
}

static void test_json_code_point_above_max_is_encoding(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":\"\xF4\x90\x80\x80\"}"), AUTHSVC_JSON_ENCODING);
}

static void test_json_raw_nul_byte_is_encoding(void)
{
    static const char text[] = "{\"a\":\"x\0y\"}";

    CU_ASSERT_EQUAL(json_parse_bytes(text, sizeof(text) - 1), AUTHSVC_JSON_ENCODING);
}

static void test_json_escaped_nul_is_encoding(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":\"x\\u0000y\"}"), AUTHSVC_JSON_ENCODING);
}

static void test_json_escaped_backslash_before_u0000_is_valid(void)
{
    cJSON *out = NULL;
    static const char text[] = "{\"a\":\"\\\\u0000\"}";

    CU_ASSERT_EQUAL_FATAL(authsvc_json_parse(authsvc_test_pool(), text, strlen(text), &out),
                          AUTHSVC_JSON_VALID);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(out, "a")->valuestring, "\\u0000");
}

static void test_json_depth_at_limit_is_valid(void)
{
    CU_ASSERT_EQUAL(json_parse_text(json_nested_arrays(AUTHSVC_JSON_DEPTH_MAX)),
                    AUTHSVC_JSON_VALID);
}

static void test_json_depth_over_limit_is_too_deep(void)
{
    CU_ASSERT_EQUAL(json_parse_text(json_nested_arrays(AUTHSVC_JSON_DEPTH_MAX + 1)),
                    AUTHSVC_JSON_TOO_DEEP);
}

static void test_json_objects_count_toward_depth(void)
{
    apr_pool_t *p = authsvc_test_pool();
    char *text = "1";
    int i;

    for (i = 0; i <= AUTHSVC_JSON_DEPTH_MAX; i++)
        text = apr_pstrcat(p, "{\"a\":", text, "}", NULL);
    CU_ASSERT_EQUAL(json_parse_text(text), AUTHSVC_JSON_TOO_DEEP);
}

static void test_json_brackets_inside_strings_do_not_count_toward_depth(void)
{
    apr_pool_t *p = authsvc_test_pool();
    char *brackets = apr_palloc(p, AUTHSVC_JSON_DEPTH_MAX * 2 + 1);

    memset(brackets, '[', AUTHSVC_JSON_DEPTH_MAX);
    memset(brackets + AUTHSVC_JSON_DEPTH_MAX, '{', AUTHSVC_JSON_DEPTH_MAX);
    brackets[AUTHSVC_JSON_DEPTH_MAX * 2] = '\0';
    CU_ASSERT_EQUAL(json_parse_text(apr_pstrcat(p, "[\"", brackets, "\"]", NULL)),
                    AUTHSVC_JSON_VALID);
}

static void test_json_escaped_quote_does_not_end_string_for_depth(void)
{
    apr_pool_t *p = authsvc_test_pool();
    char *brackets = apr_palloc(p, AUTHSVC_JSON_DEPTH_MAX + 2);

    memset(brackets, '[', AUTHSVC_JSON_DEPTH_MAX + 1);
    brackets[AUTHSVC_JSON_DEPTH_MAX + 1] = '\0';
    CU_ASSERT_EQUAL(json_parse_text(apr_pstrcat(p, "[\"\\\"", brackets, "\"]", NULL)),
                    AUTHSVC_JSON_VALID);
}

static void test_json_duplicate_top_level_member_is_duplicate(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":1,\"b\":2,\"a\":3}"), AUTHSVC_JSON_DUPLICATE);
}

static void test_json_duplicate_nested_member_is_duplicate(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"x\":{\"a\":1,\"a\":2}}"), AUTHSVC_JSON_DUPLICATE);
}

static void test_json_duplicate_member_in_array_element_is_duplicate(void)
{
    CU_ASSERT_EQUAL(json_parse_text("[{\"a\":1,\"a\":2}]"), AUTHSVC_JSON_DUPLICATE);
}

static void test_json_duplicate_member_leaves_out_null(void)
{
    static const char text[] = "{\"a\":1,\"a\":2}";
    cJSON *out = NULL;

    authsvc_json_parse(authsvc_test_pool(), text, strlen(text), &out);
    CU_ASSERT_PTR_NULL(out);
}

static void test_json_same_name_in_different_objects_is_valid(void)
{
    CU_ASSERT_EQUAL(json_parse_text("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), AUTHSVC_JSON_VALID);
}

static void test_json_members_at_limit_are_valid(void)
{
    CU_ASSERT_EQUAL(json_parse_text(json_object_with_members(AUTHSVC_JSON_MEMBERS_MAX)),
                    AUTHSVC_JSON_VALID);
}

static void test_json_members_over_limit_are_too_many(void)
{
    CU_ASSERT_EQUAL(json_parse_text(json_object_with_members(AUTHSVC_JSON_MEMBERS_MAX + 1)),
                    AUTHSVC_JSON_TOO_MANY);
}

static void test_json_utf8_four_byte_emoji_is_valid(void)
{
    static const char emoji[] = "smile \xF0\x9F\x98\x80";

    CU_ASSERT_TRUE(authsvc_utf8_valid(emoji, sizeof(emoji) - 1));
}

static void test_json_utf8_truncated_emoji_is_invalid(void)
{
    static const char emoji[] = "\xF0\x9F\x98\x80";

    CU_ASSERT_FALSE(authsvc_utf8_valid(emoji, sizeof(emoji) - 2));
}

static void test_json_utf8_nul_byte_is_invalid(void)
{
    static const char text[] = "a\0b";

    CU_ASSERT_FALSE(authsvc_utf8_valid(text, sizeof(text) - 1));
}

void authsvc_test_register_json(void)
{
    CU_pSuite s = CU_add_suite("json", NULL, NULL);

    CU_add_test(s, "valid object parses with its members",
                test_json_valid_object_parses_with_its_members);
    CU_add_test(s, "refused text leaves out NULL", test_json_refused_text_leaves_out_null);
    CU_add_test(s, "empty input is EMPTY", test_json_empty_input_is_empty);
    CU_add_test(s, "truncated object is SYNTAX even when more bytes follow",
                test_json_truncated_object_is_syntax_even_when_more_bytes_follow);
    CU_add_test(s, "trailing garbage is SYNTAX", test_json_trailing_garbage_is_syntax);
    CU_add_test(s, "second value after the first is SYNTAX",
                test_json_second_value_after_first_is_syntax);
    CU_add_test(s, "trailing whitespace is accepted",
                test_json_trailing_whitespace_is_accepted);
    CU_add_test(s, "raw control character in a string is SYNTAX",
                test_json_raw_control_character_in_string_is_syntax);
    CU_add_test(s, "non-JSON whitespace is SYNTAX", test_json_non_json_whitespace_is_syntax);
    CU_add_test(s, "number with a leading zero is SYNTAX",
                test_json_number_with_leading_zero_is_syntax);
    CU_add_test(s, "lone UTF-8 lead byte is ENCODING", test_json_lone_lead_byte_is_encoding);
    CU_add_test(s, "overlong UTF-8 sequence is ENCODING",
                test_json_overlong_sequence_is_encoding);
    CU_add_test(s, "UTF-8 encoded surrogate is ENCODING", test_json_utf8_surrogate_is_encoding);
    CU_add_test(s, "code point above U+10FFFF is ENCODING",
                test_json_code_point_above_max_is_encoding);
    CU_add_test(s, "raw NUL byte is ENCODING", test_json_raw_nul_byte_is_encoding);
    CU_add_test(s, "\\u0000 escape is ENCODING", test_json_escaped_nul_is_encoding);
    CU_add_test(s, "escaped backslash before u0000 is valid",
                test_json_escaped_backslash_before_u0000_is_valid);
    CU_add_test(s, "depth at the limit is valid", test_json_depth_at_limit_is_valid);
    CU_add_test(s, "depth over the limit is TOO_DEEP", test_json_depth_over_limit_is_too_deep);
    CU_add_test(s, "objects count toward depth", test_json_objects_count_toward_depth);
    CU_add_test(s, "brackets inside strings do not count toward depth",
                test_json_brackets_inside_strings_do_not_count_toward_depth);
    CU_add_test(s, "escaped quote does not end a string for the depth count",
                test_json_escaped_quote_does_not_end_string_for_depth);
    CU_add_test(s, "duplicate top-level member is DUPLICATE",
                test_json_duplicate_top_level_member_is_duplicate);
    CU_add_test(s, "duplicate nested member is DUPLICATE",
                test_json_duplicate_nested_member_is_duplicate);
    CU_add_test(s, "duplicate member in an array element is DUPLICATE",
                test_json_duplicate_member_in_array_element_is_duplicate);
    CU_add_test(s, "duplicate member leaves out NULL",
                test_json_duplicate_member_leaves_out_null);
    CU_add_test(s, "same name in different objects is valid",
                test_json_same_name_in_different_objects_is_valid);
    CU_add_test(s, "members at the limit are valid", test_json_members_at_limit_are_valid);
    CU_add_test(s, "members over the limit are TOO_MANY",
                test_json_members_over_limit_are_too_many);
    CU_add_test(s, "utf8_valid accepts a 4-byte emoji",
                test_json_utf8_four_byte_emoji_is_valid);
    CU_add_test(s, "utf8_valid refuses a truncated emoji",
                test_json_utf8_truncated_emoji_is_invalid);
    CU_add_test(s, "utf8_valid refuses a NUL byte", test_json_utf8_nul_byte_is_invalid);
}
