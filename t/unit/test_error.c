/* The error catalogue and the LoopBack envelope (error.c). */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "authsvc_error.h"
#include "authsvc_json.h"
#include "unit.h"

/* The messages of the old service's keys (docs/design.md section 3). */
static const struct {
    authsvc_error_id_t id;
    const char *message;
} error_design_messages[] = {
    {AUTHSVC_E_CODE_EXPIRED, "Code Expired"},
    {AUTHSVC_E_TOKEN_EXPIRED, "Token Expired"},
    {AUTHSVC_E_TOKEN_INVALID, "Token Invalid"},
    {AUTHSVC_E_TOKEN_REVOKED, "Token Revoked"},
    {AUTHSVC_E_TOKEN_MISSING, "Token Missing"},
    {AUTHSVC_E_CLIENT_INVALID, "Client Invalid"},
    {AUTHSVC_E_CLIENT_VERIFICATION_FAILED, "Client Verification Failed"},
    {AUTHSVC_E_CLIENT_USER_MISSING, "Client User Missing"},
    {AUTHSVC_E_INVALID_CREDENTIALS, "Invalid Credentials"},
    {AUTHSVC_E_USER_VERIFICATION_FAILED, "User Verification Failed"},
    {AUTHSVC_E_WRONG_PASSWORD, "Incorrect Password"},
    {AUTHSVC_E_OTP_INVALID, "Otp Invalid"},
    {AUTHSVC_E_OTP_EXPIRED, "Otp Token Incorrect or Expired"},
};

/* LoopBack's names for the statuses clients see most. */
static const struct {
    int status;
    const char *name;
} error_status_names[] = {
    {400, "BadRequestError"}, {401, "UnauthorizedError"},        {403, "ForbiddenError"},
    {404, "NotFoundError"},   {422, "UnprocessableEntityError"}, {429, "TooManyRequestsError"},
};

#define ERROR_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The "error" object of an envelope, parsed back with cJSON. */
static const cJSON *error_envelope_object(const char *text)
{
    cJSON *root;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    root = authsvc_json_own(authsvc_test_pool(), cJSON_Parse(text));
    CU_ASSERT_TRUE_FATAL(cJSON_IsObject(root));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(root), 1);
    CU_ASSERT_TRUE_FATAL(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "error")));
    return cJSON_GetObjectItemCaseSensitive(root, "error");
}

static const char *error_member_string(const cJSON *error, const char *key)
{
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(error, key);

    CU_ASSERT_TRUE_FATAL(cJSON_IsString(value));
    return value->valuestring;
}

static void test_error_every_id_has_status_code_and_message(void)
{
    int id;

    for (id = 0; id < AUTHSVC_E_COUNT; id++) {
        const authsvc_error_t *e = authsvc_error_get((authsvc_error_id_t)id);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        CU_ASSERT_TRUE(e->status >= 400 && e->status <= 599);
        CU_ASSERT_TRUE(e->code && *e->code);
        CU_ASSERT_TRUE(e->message && *e->message);
    }
}

static void test_error_codes_are_unique(void)
{
    /* Also catches an id without an entry: authsvc_error_get answers the internal one. */
    apr_hash_t *seen = apr_hash_make(authsvc_test_pool());
    int id;

    for (id = 0; id < AUTHSVC_E_COUNT; id++) {
        const authsvc_error_t *e = authsvc_error_get((authsvc_error_id_t)id);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e->code);
        CU_ASSERT_PTR_NULL(apr_hash_get(seen, e->code, APR_HASH_KEY_STRING));
        apr_hash_set(seen, e->code, APR_HASH_KEY_STRING, e);
    }
}

static void test_error_design_messages_are_exact(void)
{
    apr_size_t i;

    for (i = 0; i < ERROR_COUNT_OF(error_design_messages); i++)
        CU_ASSERT_STRING_EQUAL(authsvc_error_get(error_design_messages[i].id)->message,
                               error_design_messages[i].message);
}

static void test_error_unknown_id_answers_internal_error(void)
{
    CU_ASSERT_PTR_EQUAL(authsvc_error_get(AUTHSVC_E_COUNT),
                        authsvc_error_get(AUTHSVC_E_INTERNAL));
}

static void test_error_status_names_are_loopback_names(void)
{
    apr_size_t i;

    for (i = 0; i < ERROR_COUNT_OF(error_status_names); i++)
        CU_ASSERT_STRING_EQUAL(authsvc_error_name_for_status(error_status_names[i].status),
                               error_status_names[i].name);
}

static void test_error_envelope_holds_status_name_message_and_code(void)
{
    const authsvc_error_t *e = authsvc_error_get(AUTHSVC_E_INVALID_CREDENTIALS);
    const cJSON *error = error_envelope_object(
        authsvc_error_envelope(authsvc_test_pool(), e->status, e->code, e->message, NULL));
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(error, "statusCode");

    CU_ASSERT_TRUE_FATAL(cJSON_IsNumber(status));
    CU_ASSERT_EQUAL(status->valueint, e->status);
    CU_ASSERT_STRING_EQUAL(error_member_string(error, "name"),
                           authsvc_error_name_for_status(e->status));
    CU_ASSERT_STRING_EQUAL(error_member_string(error, "message"), e->message);
    CU_ASSERT_STRING_EQUAL(error_member_string(error, "code"), e->code);
}

static void test_error_envelope_without_details_has_no_details(void)
{
    const authsvc_error_t *e = authsvc_error_get(AUTHSVC_E_TOKEN_INVALID);
    const cJSON *error = error_envelope_object(
        authsvc_error_envelope(authsvc_test_pool(), e->status, e->code, e->message, NULL));

    CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(error, "details"));
}

static void test_error_envelope_with_details_holds_them(void)
{
    const authsvc_error_t *e = authsvc_error_get(AUTHSVC_E_VALIDATION_FAILED);
    cJSON *details = authsvc_json_own(
        authsvc_test_pool(),
        cJSON_Parse("[{\"path\":\"\",\"code\":\"required\",\"message\":\"m\","
                    "\"info\":{\"missingProperty\":\"username\"}}]"));
    const cJSON *error;

    CU_ASSERT_PTR_NOT_NULL_FATAL(details);
    error = error_envelope_object(
        authsvc_error_envelope(authsvc_test_pool(), e->status, e->code, e->message, details));
    CU_ASSERT_TRUE(
        cJSON_Compare(cJSON_GetObjectItemCaseSensitive(error, "details"), details, 1));
}

static void test_error_envelope_message_round_trips_escaped(void)
{
    static const char message[] = "say \"hi\"\\ \n\t\r\x01\x1f end \xC3\xA9";
    const char *text = authsvc_error_envelope(authsvc_test_pool(), 400, "BadRequest", message,
                                              NULL);
    const char *c;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (c = text; *c; c++)
        CU_ASSERT_FALSE_FATAL((unsigned char)*c < 0x20);
    CU_ASSERT_STRING_EQUAL(error_member_string(error_envelope_object(text), "message"),
                           message);
}

void authsvc_test_register_error(void)
{
    CU_pSuite s = CU_add_suite("error", NULL, NULL);

    CU_add_test(s, "every id has a status >= 400, a code and a message",
                test_error_every_id_has_status_code_and_message);
    CU_add_test(s, "codes are unique", test_error_codes_are_unique);
    CU_add_test(s, "old service's messages are exact", test_error_design_messages_are_exact);
    CU_add_test(s, "unknown id answers the internal error",
                test_error_unknown_id_answers_internal_error);
    CU_add_test(s, "status names are LoopBack's", test_error_status_names_are_loopback_names);
    CU_add_test(s, "envelope holds statusCode, name, message and code",
                test_error_envelope_holds_status_name_message_and_code);
    CU_add_test(s, "envelope without details has no details",
                test_error_envelope_without_details_has_no_details);
    CU_add_test(s, "envelope with details holds them",
                test_error_envelope_with_details_holds_them);
    CU_add_test(s, "envelope message round-trips escaped",
                test_error_envelope_message_round_trips_escaped);
}
