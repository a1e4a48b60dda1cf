/* Body schemas (schema.c): which bodies pass and the LoopBack-style details of those that fail. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_schema.h"
#include "unit.h"

#define SCHEMA_NAME_MAX 8

static const authsvc_schema_field_t schema_test_fields[] = {
    {"name", AUTHSVC_TYPE_STRING, 1, SCHEMA_NAME_MAX, NULL},
    {"nickname", AUTHSVC_TYPE_STRING, 0, 0, NULL},
    {"age", AUTHSVC_TYPE_INTEGER, 0, 0, NULL},
    {"ratio", AUTHSVC_TYPE_NUMBER, 0, 0, NULL},
    {"active", AUTHSVC_TYPE_BOOLEAN, 0, 0, NULL},
    {NULL, AUTHSVC_TYPE_STRING, 0, 0, NULL}};
static const authsvc_schema_t schema_strict = {"StrictTest", schema_test_fields, 0};
static const authsvc_schema_t schema_lenient = {"LenientTest", schema_test_fields, 1};

/* The body from JSON text (the text must be valid). */
static cJSON *schema_body(const char *text)
{
    cJSON *body = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_json_parse(authsvc_test_pool(), text, strlen(text), &body),
                          AUTHSVC_JSON_VALID);
    return body;
}

static cJSON *schema_validate_text(const authsvc_schema_t *schema, const char *text)
{
    return authsvc_schema_validate(authsvc_test_pool(), schema, schema_body(text));
}

/* Member key of the only detail, which must exist and be a string. */
static const char *schema_only_detail_string(const cJSON *details, const char *key)
{
    const cJSON *value;

    CU_ASSERT_PTR_NOT_NULL_FATAL(details);
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(details), 1);
    value = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(details, 0), key);
    CU_ASSERT_TRUE_FATAL(cJSON_IsString(value));
    return value->valuestring;
}

/* Member key of the only detail's info object. */
static const char *schema_only_detail_info(const cJSON *details, const char *key)
{
    const cJSON *info, *value;

    schema_only_detail_string(details, "code");
    info = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(details, 0), "info");
    value = cJSON_GetObjectItemCaseSensitive(info, key);
    CU_ASSERT_TRUE_FATAL(cJSON_IsString(value));
    return value->valuestring;
}

static void test_schema_valid_body_has_no_details(void)
{
    CU_ASSERT_PTR_NULL(schema_validate_text(
        &schema_strict,
        "{\"name\":\"bob\",\"nickname\":\"b\",\"age\":3,\"ratio\":0.5,\"active\":true}"));
}

static void test_schema_missing_required_is_one_required_detail(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "{\"age\":3}");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "code"), "required");
}

static void test_schema_missing_required_names_the_property(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "{\"age\":3}");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_info(details, "missingProperty"),
                           schema_test_fields[0].name);
}

static void test_schema_wrong_type_is_type_detail_at_member_path(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "{\"name\":42}");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "code"), "type");
    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "path"), "/name");
}

static void test_schema_unknown_member_is_additional_properties(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "{\"name\":\"bob\",\"extra\":1}");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "code"), "additionalProperties");
    CU_ASSERT_STRING_EQUAL(schema_only_detail_info(details, "additionalProperty"), "extra");
}

static void test_schema_unknown_member_is_allowed_when_allow_unknown(void)
{
    CU_ASSERT_PTR_NULL(schema_validate_text(&schema_lenient, "{\"name\":\"bob\",\"extra\":1}"));
}

static void test_schema_null_for_optional_is_accepted(void)
{
    CU_ASSERT_PTR_NULL(schema_validate_text(&schema_strict, "{\"name\":\"bob\",\"age\":null}"));
}

static void test_schema_null_for_required_is_required(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "{\"name\":null}");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "code"), "required");
}

static void test_schema_string_at_max_length_is_accepted(void)
{
    char name[SCHEMA_NAME_MAX + 1];

    memset(name, 'x', SCHEMA_NAME_MAX);
    name[SCHEMA_NAME_MAX] = '\0';
    CU_ASSERT_PTR_NULL(
        schema_validate_text(&schema_strict,
                             apr_psprintf(authsvc_test_pool(), "{\"name\":\"%s\"}", name)));
}

static void test_schema_string_over_max_length_is_max_length(void)
{
    char name[SCHEMA_NAME_MAX + 2];
    cJSON *details;

    memset(name, 'x', SCHEMA_NAME_MAX + 1);
    name[SCHEMA_NAME_MAX + 1] = '\0';
    details = schema_validate_text(&schema_strict, apr_psprintf(authsvc_test_pool(),
                                                                "{\"name\":\"%s\"}", name));
    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "code"), "maxLength");
}

static void test_schema_max_length_counts_characters_not_bytes(void)
{
    /* maxLength counts characters (JSON Schema, and the detail's own message says so):
     * SCHEMA_NAME_MAX two-byte characters are within the limit. */
    apr_pool_t *p = authsvc_test_pool();
    char *name = "";
    int i;

    for (i = 0; i < SCHEMA_NAME_MAX; i++)
        name = apr_pstrcat(p, name, "\xC3\xA9", NULL);
    CU_ASSERT_PTR_NULL(
        schema_validate_text(&schema_strict, apr_psprintf(p, "{\"name\":\"%s\"}", name)));
}

static void test_schema_default_max_length_applies_without_one(void)
{
    apr_pool_t *p = authsvc_test_pool();
    char *nickname = apr_palloc(p, AUTHSVC_FIELD_LENGTH_DEFAULT + 2);
    cJSON *details;

    memset(nickname, 'x', AUTHSVC_FIELD_LENGTH_DEFAULT + 1);
    nickname[AUTHSVC_FIELD_LENGTH_DEFAULT + 1] = '\0';
    details = schema_validate_text(&schema_strict,
                                   apr_psprintf(p, "{\"name\":\"bob\",\"nickname\":\"%s\"}",
                                                nickname));
    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "code"), "maxLength");
}

static void test_schema_array_body_is_one_detail_at_root(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "[{\"name\":\"bob\"}]");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "path"), "");
}

static void test_schema_string_body_is_one_detail_at_root(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "\"bob\"");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "path"), "");
}

static void test_schema_fraction_for_integer_is_type(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "{\"name\":\"bob\",\"age\":1.5}");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "code"), "type");
}

static void test_schema_fraction_for_number_is_accepted(void)
{
    CU_ASSERT_PTR_NULL(
        schema_validate_text(&schema_strict, "{\"name\":\"bob\",\"ratio\":1.5}"));
}

static void test_schema_whole_number_for_integer_is_accepted(void)
{
    CU_ASSERT_PTR_NULL(schema_validate_text(&schema_strict, "{\"name\":\"bob\",\"age\":-12}"));
}

static void test_schema_string_for_boolean_is_type(void)
{
    cJSON *details = schema_validate_text(&schema_strict,
                                          "{\"name\":\"bob\",\"active\":\"true\"}");

    CU_ASSERT_STRING_EQUAL(schema_only_detail_string(details, "code"), "type");
}

static void test_schema_details_are_capped(void)
{
    apr_pool_t *p = authsvc_test_pool();
    char *text = "{\"name\":\"bob\"";
    cJSON *details;
    int i;

    for (i = 0; i < AUTHSVC_VALIDATION_DETAILS_MAX + 4; i++)
        text = apr_psprintf(p, "%s,\"unknown%d\":%d", text, i, i);
    details = schema_validate_text(&schema_strict, apr_pstrcat(p, text, "}", NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(details);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(details), AUTHSVC_VALIDATION_DETAILS_MAX);
}

static void test_schema_every_problem_is_listed(void)
{
    cJSON *details = schema_validate_text(&schema_strict, "{\"age\":\"x\",\"extra\":1}");

    CU_ASSERT_PTR_NOT_NULL_FATAL(details);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(details), 3);
}

void authsvc_test_register_schema(void)
{
    CU_pSuite s = CU_add_suite("schema", NULL, NULL);

    CU_add_test(s, "valid body has no details", test_schema_valid_body_has_no_details);
    CU_add_test(s, "missing required member is one 'required' detail",
                test_schema_missing_required_is_one_required_detail);
    CU_add_test(s, "missing required detail names the property",
                test_schema_missing_required_names_the_property);
    CU_add_test(s, "wrong type is a 'type' detail at the member's path",
                test_schema_wrong_type_is_type_detail_at_member_path);
    CU_add_test(s, "unknown member is 'additionalProperties'",
                test_schema_unknown_member_is_additional_properties);
    CU_add_test(s, "unknown member is allowed when allow_unknown",
                test_schema_unknown_member_is_allowed_when_allow_unknown);
    CU_add_test(s, "null for an optional member is accepted",
                test_schema_null_for_optional_is_accepted);
    CU_add_test(s, "null for a required member is 'required'",
                test_schema_null_for_required_is_required);
    CU_add_test(s, "string at max_length is accepted",
                test_schema_string_at_max_length_is_accepted);
    CU_add_test(s, "string over max_length is 'maxLength'",
                test_schema_string_over_max_length_is_max_length);
    CU_add_test(s, "max_length counts characters, not bytes",
                test_schema_max_length_counts_characters_not_bytes);
    CU_add_test(s, "default max length applies when the field names none",
                test_schema_default_max_length_applies_without_one);
    CU_add_test(s, "array body is one detail at path ''",
                test_schema_array_body_is_one_detail_at_root);
    CU_add_test(s, "string body is one detail at path ''",
                test_schema_string_body_is_one_detail_at_root);
    CU_add_test(s, "fraction for an integer is 'type'",
                test_schema_fraction_for_integer_is_type);
    CU_add_test(s, "fraction for a number is accepted",
                test_schema_fraction_for_number_is_accepted);
    CU_add_test(s, "whole number for an integer is accepted",
                test_schema_whole_number_for_integer_is_accepted);
    CU_add_test(s, "string for a boolean is 'type'", test_schema_string_for_boolean_is_type);
    CU_add_test(s, "details are capped at AUTHSVC_VALIDATION_DETAILS_MAX",
                test_schema_details_are_capped);
    CU_add_test(s, "every problem is listed", test_schema_every_problem_is_listed);
}
