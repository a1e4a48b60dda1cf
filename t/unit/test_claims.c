/* Claim membership and claim text for the gateway (claims.c). */
#include <string.h>

#include "authsvc_claims.h"
#include "unit.h"

static cJSON *claims_sample(void)
{
    return cJSON_Parse(
        "{\"username\":\"alice\",\"role\":\"admin\",\"age\":42,\"ratio\":0.5,"
        "\"active\":true,\"permissions\":[\"ViewLoginActivity\",\"Edit\",7],"
        "\"nested\":{\"a\":1},\"empty\":[],\"evil\":\"a\\r\\nSet-Cookie: x=y\"}");
}

static void test_claim_has_any_matches_strings_exactly(void)
{
    cJSON *c = claims_sample();
    const char *const admin[] = {"nobody", "admin", NULL};
    const char *const prefix[] = {"adm", NULL};
    const char *const upper[] = {"Admin", NULL};

    CU_ASSERT_TRUE(authsvc_claim_has_any(c, "role", admin));
    CU_ASSERT_FALSE(authsvc_claim_has_any(c, "role", prefix));
    CU_ASSERT_FALSE(authsvc_claim_has_any(c, "role", upper));
    CU_ASSERT_FALSE(authsvc_claim_has_any(c, "missing", admin));
    cJSON_Delete(c);
}

static void test_claim_has_any_matches_array_members(void)
{
    cJSON *c = claims_sample();
    const char *const edit[] = {"Edit", NULL};
    const char *const seven[] = {"7", NULL};
    const char *const whole[] = {"ViewLoginActivity,Edit", NULL};

    CU_ASSERT_TRUE(authsvc_claim_has_any(c, "permissions", edit));
    CU_ASSERT_TRUE(authsvc_claim_has_any(c, "permissions", seven));
    CU_ASSERT_FALSE(authsvc_claim_has_any(c, "permissions", whole));
    CU_ASSERT_FALSE(authsvc_claim_has_any(c, "empty", edit));
    cJSON_Delete(c);
}

static void test_claim_has_any_numbers_and_booleans_as_text(void)
{
    cJSON *c = claims_sample();
    const char *const forty_two[] = {"42", NULL};
    const char *const yes[] = {"true", NULL};
    const char *const half[] = {"0.5", NULL};
    const char *const object[] = {"{\"a\":1}", NULL};

    CU_ASSERT_TRUE(authsvc_claim_has_any(c, "age", forty_two));
    CU_ASSERT_TRUE(authsvc_claim_has_any(c, "active", yes));
    CU_ASSERT_TRUE(authsvc_claim_has_any(c, "ratio", half));
    CU_ASSERT_FALSE(authsvc_claim_has_any(c, "nested", object));
    cJSON_Delete(c);
}

static void test_claim_text_forms(void)
{
    apr_pool_t *p = authsvc_test_pool();
    cJSON *c = claims_sample();

    CU_ASSERT_STRING_EQUAL(authsvc_claim_text(p, c, "username"), "alice");
    CU_ASSERT_STRING_EQUAL(authsvc_claim_text(p, c, "age"), "42");
    CU_ASSERT_STRING_EQUAL(authsvc_claim_text(p, c, "permissions"), "ViewLoginActivity,Edit,7");
    CU_ASSERT_PTR_NULL(authsvc_claim_text(p, c, "nested"));
    CU_ASSERT_PTR_NULL(authsvc_claim_text(p, c, "empty"));
    CU_ASSERT_PTR_NULL(authsvc_claim_text(p, c, "missing"));
    cJSON_Delete(c);
}

static void test_claim_text_cannot_split_a_header(void)
{
    apr_pool_t *p = authsvc_test_pool();
    cJSON *c = claims_sample();
    const char *text = authsvc_claim_text(p, c, "evil");

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NULL(strchr(text, '\r'));
    CU_ASSERT_PTR_NULL(strchr(text, '\n'));
    cJSON_Delete(c);
}

void authsvc_test_register_claims(void)
{
    CU_pSuite s = CU_add_suite("claims", NULL, NULL);

    CU_add_test(s, "has_any matches strings exactly",
                test_claim_has_any_matches_strings_exactly);
    CU_add_test(s, "has_any matches array members", test_claim_has_any_matches_array_members);
    CU_add_test(s, "has_any numbers and booleans as text",
                test_claim_has_any_numbers_and_booleans_as_text);
    CU_add_test(s, "text forms", test_claim_text_forms);
    CU_add_test(s, "text cannot split a header", test_claim_text_cannot_split_a_header);
}
