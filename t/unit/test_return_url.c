/* Return-URL allow-listing (return_url.c): rows T-31 and T-32. */
#include "authsvc_return_url.h"
#include "unit.h"

static const char *const origins[] = {"https://app.example", "http://127.0.0.1:8443", NULL};

static void test_return_url_accepts_paths_and_allowed_origins(void)
{
    apr_pool_t *p = authsvc_test_pool();
    static const char *const good[] = {"/",
                                       "/site/index.html",
                                       "/a?b=c&d=%2Fe",
                                       "/x#frag",
                                       "https://app.example",
                                       "https://app.example/cb",
                                       "https://app.example/cb?x=1",
                                       "http://127.0.0.1:8443/p",
                                       NULL};
    const char *const *v;

    for (v = good; *v; v++)
        CU_ASSERT_PTR_NOT_NULL(authsvc_return_url_check(p, *v, origins));
}

static void test_return_url_refuses_open_redirect_payloads(void)
{
    apr_pool_t *p = authsvc_test_pool();
    static const char *const bad[] = {"//evil",
                                      "///evil",
                                      "/\\evil",
                                      "%2f%5cevil",
                                      "/%2f%2fevil",
                                      "/%5cevil",
                                      "/%09/evil",
                                      "/\t/evil",
                                      "https:%5c%5cevil",
                                      "http:evil",
                                      "https://app.example\\.evil",
                                      "https://app.example@evil",
                                      "https://evil#@app.example",
                                      "https://app.example.evil/cb",
                                      "https://app.evil/cb",
                                      "http://app.example/cb",
                                      "https://app.example:444/cb",
                                      "HTTPS://APP.EXAMPLE/cb",
                                      "javascript:alert(1)",
                                      "data:text/html,<script>",
                                      "/%0d%0aSet-Cookie:x=y",
                                      "/\r\nSet-Cookie:x=y",
                                      "https://app.example%2f@evil",
                                      "https://app.exampl",
                                      "",
                                      "evil",
                                      "/%",
                                      "/%zz",
                                      "/%00",
                                      "/caf\xc3\xa9",
                                      NULL};
    const char *const *v;

    for (v = bad; *v; v++) {
        const char *got = authsvc_return_url_check(p, *v, origins);
        if (got)
            CU_FAIL(*v);
    }
    CU_ASSERT_PTR_NULL(authsvc_return_url_check(p, NULL, origins));
    CU_ASSERT_PTR_NULL(authsvc_return_url_check(p, "https://app.example/cb", NULL));
}

static void test_return_url_origin_normalises(void)
{
    apr_pool_t *p = authsvc_test_pool();

    CU_ASSERT_STRING_EQUAL(authsvc_return_url_origin(p, "HTTPS://App.Example:443/x"),
                           "https://app.example");
    CU_ASSERT_STRING_EQUAL(authsvc_return_url_origin(p, "http://h:80"), "http://h");
    CU_ASSERT_STRING_EQUAL(authsvc_return_url_origin(p, "http://h:8080/"), "http://h:8080");
    CU_ASSERT_PTR_NULL(authsvc_return_url_origin(p, "https://u@h/"));
    CU_ASSERT_PTR_NULL(authsvc_return_url_origin(p, "ftp://h/"));
}

void authsvc_test_register_return_url(void)
{
    CU_pSuite s = CU_add_suite("return_url", NULL, NULL);

    CU_add_test(s, "accepts paths and allowed origins",
                test_return_url_accepts_paths_and_allowed_origins);
    CU_add_test(s, "refuses open-redirect payloads (T-31, T-32)",
                test_return_url_refuses_open_redirect_payloads);
    CU_add_test(s, "origin normalises", test_return_url_origin_normalises);
}
