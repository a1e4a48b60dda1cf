/* Route matching (router.c) against a local table, so the service's routes can change freely. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_limits.h"
#include "authsvc_route.h"
#include "unit.h"

/* clang-format off */
#define ROUTE(m, p) {.method = m, .path = p, .name = m " " p}

/* The capture row comes before the literal on purpose: literal must win regardless. */
static const authsvc_route_t router_table[] = {
    ROUTE("GET", "/x"),
    ROUTE("POST", "/x"),
    ROUTE("GET", "/x/{id}"),
    ROUTE("PATCH", "/x/{id}"),
    ROUTE("GET", "/x/count"),
    ROUTE("GET", "/a/{first}/b/{second}"),
    ROUTE("POST", "/only-post"),
};
/* clang-format on */
#define ROUTER_TABLE_COUNT (sizeof(router_table) / sizeof(router_table[0]))

/* The local row for method + path template. */
static const authsvc_route_t *router_row(const char *method, const char *path)
{
    apr_size_t i;

    for (i = 0; i < ROUTER_TABLE_COUNT; i++)
        if (strcmp(router_table[i].method, method) == 0
            && strcmp(router_table[i].path, path) == 0)
            return &router_table[i];
    CU_FAIL_FATAL("fixture row missing");
    return NULL;
}

static authsvc_route_result_t router_match(const char *method, const char *path,
                                           authsvc_route_match_t *out)
{
    return authsvc_router_match(authsvc_test_pool(), router_table, ROUTER_TABLE_COUNT, method,
                                path, out);
}

/* "/x/" followed by filler up to total characters. */
static char *router_long_path(apr_size_t total)
{
    char *path = apr_palloc(authsvc_test_pool(), total + 1);

    memcpy(path, "/x/", 3);
    memset(path + 3, 'a', total - 3);
    path[total] = '\0';
    return path;
}

static void test_router_literal_path_matches_its_row(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL_FATAL(router_match("POST", "/x", &m), AUTHSVC_ROUTE_MATCHED);
    CU_ASSERT_PTR_EQUAL(m.route, router_row("POST", "/x"));
    CU_ASSERT_EQUAL(m.ncaptures, 0);
}

static void test_router_capture_has_name_and_value(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL_FATAL(router_match("GET", "/x/42", &m), AUTHSVC_ROUTE_MATCHED);
    CU_ASSERT_PTR_EQUAL(m.route, router_row("GET", "/x/{id}"));
    CU_ASSERT_EQUAL_FATAL(m.ncaptures, 1);
    CU_ASSERT_STRING_EQUAL(m.captures[0].name, "id");
    CU_ASSERT_STRING_EQUAL(m.captures[0].value, "42");
}

static void test_router_two_captures_keep_template_order(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL_FATAL(router_match("GET", "/a/one/b/two", &m), AUTHSVC_ROUTE_MATCHED);
    CU_ASSERT_EQUAL_FATAL(m.ncaptures, 2);
    CU_ASSERT_STRING_EQUAL(m.captures[0].name, "first");
    CU_ASSERT_STRING_EQUAL(m.captures[0].value, "one");
    CU_ASSERT_STRING_EQUAL(m.captures[1].name, "second");
    CU_ASSERT_STRING_EQUAL(m.captures[1].value, "two");
}

static void test_router_capture_never_spans_slash(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL(router_match("GET", "/x/4/2", &m), AUTHSVC_ROUTE_NO_PATH);
}

static void test_router_template_capture_never_spans_slash(void)
{
    CU_ASSERT_FALSE(
        authsvc_router_template_match(authsvc_test_pool(), "/x/{id}", "/x/4/2", NULL, NULL));
}

static void test_router_empty_segment_does_not_match_capture(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL(router_match("GET", "/a//b/two", &m), AUTHSVC_ROUTE_NO_PATH);
}

static void test_router_empty_last_segment_does_not_match_capture(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL(router_match("PATCH", "/x/", &m), AUTHSVC_ROUTE_NO_PATH);
}

static void test_router_trailing_slash_does_not_match(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL(router_match("GET", "/a/one/b/two/", &m), AUTHSVC_ROUTE_NO_PATH);
}

static void test_router_head_matches_get_row(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL_FATAL(router_match("HEAD", "/x", &m), AUTHSVC_ROUTE_MATCHED);
    CU_ASSERT_PTR_EQUAL(m.route, router_row("GET", "/x"));
}

static void test_router_head_without_get_row_is_no_method(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL(router_match("HEAD", "/only-post", &m), AUTHSVC_ROUTE_NO_METHOD);
}

static void test_router_wrong_method_allows_literal_path_methods_in_order(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL_FATAL(router_match("DELETE", "/x", &m), AUTHSVC_ROUTE_NO_METHOD);
    CU_ASSERT_PTR_NULL(m.route);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m.allow);
    CU_ASSERT_STRING_EQUAL(m.allow, "GET, POST");
}

static void test_router_wrong_method_allows_capture_path_methods_in_order(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL_FATAL(router_match("POST", "/x/42", &m), AUTHSVC_ROUTE_NO_METHOD);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m.allow);
    CU_ASSERT_STRING_EQUAL(m.allow, "GET, PATCH");
}

static void test_router_unknown_path_is_no_path(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL(router_match("GET", "/nowhere", &m), AUTHSVC_ROUTE_NO_PATH);
    CU_ASSERT_PTR_NULL(m.allow);
}

static void test_router_literal_wins_over_capture(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL_FATAL(router_match("GET", "/x/count", &m), AUTHSVC_ROUTE_MATCHED);
    CU_ASSERT_PTR_EQUAL(m.route, router_row("GET", "/x/count"));
    CU_ASSERT_EQUAL(m.ncaptures, 0);
}

static void test_router_path_at_length_limit_matches(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL(router_match("GET", router_long_path(AUTHSVC_PATH_LENGTH_MAX), &m),
                    AUTHSVC_ROUTE_MATCHED);
}

static void test_router_path_over_length_limit_is_no_path(void)
{
    authsvc_route_match_t m;

    CU_ASSERT_EQUAL(router_match("GET", router_long_path(AUTHSVC_PATH_LENGTH_MAX + 1), &m),
                    AUTHSVC_ROUTE_NO_PATH);
}

void authsvc_test_register_router(void)
{
    CU_pSuite s = CU_add_suite("router", NULL, NULL);

    CU_add_test(s, "literal path matches its row", test_router_literal_path_matches_its_row);
    CU_add_test(s, "capture has its name and value", test_router_capture_has_name_and_value);
    CU_add_test(s, "two captures keep the template's order",
                test_router_two_captures_keep_template_order);
    CU_add_test(s, "capture never spans '/'", test_router_capture_never_spans_slash);
    CU_add_test(s, "template_match: capture never spans '/'",
                test_router_template_capture_never_spans_slash);
    CU_add_test(s, "empty segment does not match a capture",
                test_router_empty_segment_does_not_match_capture);
    CU_add_test(s, "empty last segment does not match a capture",
                test_router_empty_last_segment_does_not_match_capture);
    CU_add_test(s, "trailing slash does not match", test_router_trailing_slash_does_not_match);
    CU_add_test(s, "HEAD matches the GET row", test_router_head_matches_get_row);
    CU_add_test(s, "HEAD without a GET row is NO_METHOD",
                test_router_head_without_get_row_is_no_method);
    CU_add_test(s, "wrong method on a literal path allows its methods in table order",
                test_router_wrong_method_allows_literal_path_methods_in_order);
    CU_add_test(s, "wrong method on a capture path allows its methods in table order",
                test_router_wrong_method_allows_capture_path_methods_in_order);
    CU_add_test(s, "unknown path is NO_PATH", test_router_unknown_path_is_no_path);
    CU_add_test(s, "literal wins over capture", test_router_literal_wins_over_capture);
    CU_add_test(s, "path at the length limit matches",
                test_router_path_at_length_limit_matches);
    CU_add_test(s, "path over the length limit is NO_PATH",
                test_router_path_over_length_limit_is_no_path);
}
