/* bearer.c: the token of "Authorization: Bearer <token68>" and the table that checks its
 * characters. */
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_bearer.h"
#include "authsvc_jwt.h"
#include "unit.h"

static const char token68[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

/* The result for an Authorization header (NULL: none), and the token found. */
static authsvc_bearer_result_t bearer(const char *header, const char **token)
{
    apr_table_t *t = apr_table_make(authsvc_test_pool(), 2);

    if (header)
        apr_table_set(t, "Authorization", header);
    return authsvc_bearer_token(t, token);
}

static void test_bearer_takes_every_token68_character(void)
{
    const char *token = NULL;

    CU_ASSERT_EQUAL(bearer(apr_pstrcat(authsvc_test_pool(), "Bearer ", token68, NULL), &token),
                    AUTHSVC_BEARER_OK);
    CU_ASSERT_STRING_EQUAL(token, token68);
    CU_ASSERT_EQUAL(bearer("bEaReR a.b.c", &token), AUTHSVC_BEARER_OK);
    CU_ASSERT_STRING_EQUAL(token, "a.b.c");
}

/* Every byte value other than token68's, alone and in the middle or at the end of a
 * token, is refused (and no token is given out). */
static void test_bearer_refuses_every_other_byte(void)
{
    int c;

    for (c = 1; c < 256; c++) {
        char mid[] = {'a', 'b', (char)c, 'c', '\0'}, end[] = {'a', (char)c, '\0'};
        const char *token = "untouched";
        int ok = memchr(token68, c, sizeof(token68) - 1) != NULL;
        authsvc_bearer_result_t want = ok ? AUTHSVC_BEARER_OK : AUTHSVC_BEARER_INVALID;

        CU_ASSERT_EQUAL(bearer(apr_pstrcat(authsvc_test_pool(), "Bearer ", mid, NULL), &token),
                        want);
        CU_ASSERT(ok ? token != NULL : token == NULL);
        CU_ASSERT_EQUAL(bearer(apr_pstrcat(authsvc_test_pool(), "Bearer ", end, NULL), &token),
                        want);
        CU_ASSERT_EQUAL(bearer(apr_pstrcat(authsvc_test_pool(), "Bearer ", end + 1, NULL),
                               &token),
                        want);
    }
}

static void test_bearer_refuses_padding_empty_and_other_schemes(void)
{
    const char *token = "untouched";

    CU_ASSERT_EQUAL(bearer(NULL, &token), AUTHSVC_BEARER_MISSING);
    CU_ASSERT_PTR_NULL(token);
    CU_ASSERT_EQUAL(bearer("Bearer ", &token), AUTHSVC_BEARER_INVALID);
    CU_ASSERT_EQUAL(bearer("Bearer", &token), AUTHSVC_BEARER_INVALID);
    CU_ASSERT_EQUAL(bearer("Bearer  abc", &token), AUTHSVC_BEARER_INVALID);
    CU_ASSERT_EQUAL(bearer("Bearer abc=", &token), AUTHSVC_BEARER_INVALID);
    CU_ASSERT_EQUAL(bearer("Bearer abc==", &token), AUTHSVC_BEARER_INVALID);
    CU_ASSERT_EQUAL(bearer("Bearer a, Bearer b", &token), AUTHSVC_BEARER_INVALID);
    CU_ASSERT_EQUAL(bearer("Basic YTpi", &token), AUTHSVC_BEARER_INVALID);
    CU_ASSERT_PTR_NULL(token);
}

/* AUTHSVC_JWT_LENGTH_MAX characters pass, one more does not. */
static void test_bearer_length_bound(void)
{
    char *text = apr_palloc(authsvc_test_pool(), AUTHSVC_JWT_LENGTH_MAX + 2);
    const char *token = NULL;

    memset(text, 'a', AUTHSVC_JWT_LENGTH_MAX + 1);
    text[AUTHSVC_JWT_LENGTH_MAX] = '\0';
    CU_ASSERT_EQUAL(bearer(apr_pstrcat(authsvc_test_pool(), "Bearer ", text, NULL), &token),
                    AUTHSVC_BEARER_OK);
    CU_ASSERT_EQUAL(token ? strlen(token) : 0, (apr_size_t)AUTHSVC_JWT_LENGTH_MAX);
    text[AUTHSVC_JWT_LENGTH_MAX] = 'a';
    text[AUTHSVC_JWT_LENGTH_MAX + 1] = '\0';
    CU_ASSERT_EQUAL(bearer(apr_pstrcat(authsvc_test_pool(), "Bearer ", text, NULL), &token),
                    AUTHSVC_BEARER_INVALID);
    CU_ASSERT_PTR_NULL(token);
}

/* One mapping for the API and the gateway: a missing token is an invalid one. */
static void test_bearer_error_mapping(void)
{
    CU_ASSERT_EQUAL(authsvc_bearer_error(AUTHSVC_BEARER_MISSING), AUTHSVC_E_TOKEN_INVALID);
    CU_ASSERT_EQUAL(authsvc_bearer_error(AUTHSVC_BEARER_INVALID), AUTHSVC_E_TOKEN_INVALID);
    CU_ASSERT_EQUAL(authsvc_bearer_error(AUTHSVC_BEARER_EXPIRED), AUTHSVC_E_TOKEN_EXPIRED);
    CU_ASSERT_EQUAL(authsvc_bearer_error(AUTHSVC_BEARER_REVOKED), AUTHSVC_E_TOKEN_REVOKED);
    CU_ASSERT_EQUAL(authsvc_bearer_error(AUTHSVC_BEARER_UNAVAILABLE),
                    AUTHSVC_E_SERVICE_UNAVAILABLE);
}

void authsvc_test_register_bearer(void)
{
    CU_pSuite s = CU_add_suite("bearer", NULL, NULL);

    CU_add_test(s, "token: every token68 character taken",
                test_bearer_takes_every_token68_character);
    CU_add_test(s, "token: every other byte refused", test_bearer_refuses_every_other_byte);
    CU_add_test(s, "token: '=', empty, doubled and other schemes refused",
                test_bearer_refuses_padding_empty_and_other_schemes);
    CU_add_test(s, "token: length bound", test_bearer_length_bound);
    CU_add_test(s, "error: one mapping of the results", test_bearer_error_mapping);
}
