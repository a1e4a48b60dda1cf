/* oidc_authorize.c without a database: the authorization request's parameter checks
 * (response_type, scope, PKCE, prompt, max_age, repeated parameters) and the decision
 * between a code, the login page and login_required. */
#include <string.h>

#include "authsvc_oidc_authorize.h"
#include "unit.h"

void authsvc_test_register_oidc_authorize(void);

static apr_pool_t *pool;

static int suite_init(void)
{
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? 0 : -1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool);
    return 0;
}

#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

static void valid(authsvc_oidc_authorize_params_t *in)
{
    memset(in, 0, sizeof(*in));
    in->client_id = "web";
    in->redirect_uri = "https://rp.example/cb";
    in->response_type = "code";
    in->scope = "openid";
}

/* The error the checks give (NULL when the request passes). */
static const char *check(const authsvc_oidc_authorize_params_t *in, int is_public,
                         authsvc_oidc_authorize_t *out)
{
    memset(out, 0, sizeof(*out));
    return authsvc_oidc_authorize_check_params(pool, in, is_public, out)
                   == AUTHSVC_OIDC_AUTHZ_OK
               ? NULL
               : out->error;
}

static void test_valid_request_keeps_known_scopes(void)
{
    authsvc_oidc_authorize_params_t in;
    authsvc_oidc_authorize_t out;

    valid(&in);
    in.scope = "email bogus openid profile openid";
    in.state = "xyz";
    CU_ASSERT_PTR_NULL(check(&in, 0, &out));
    CU_ASSERT_STRING_EQUAL(out.scope, "openid profile email");
    CU_ASSERT_STRING_EQUAL(out.state, "xyz");
    CU_ASSERT_EQUAL(out.max_age, -1);
    CU_ASSERT_FALSE(out.prompt_login || out.prompt_none);
}

static void test_response_type_and_scope(void)
{
    authsvc_oidc_authorize_params_t in;
    authsvc_oidc_authorize_t out;

    valid(&in);
    in.response_type = NULL;
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    in.response_type = "token";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "unsupported_response_type");
    valid(&in);
    in.scope = "profile email";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_scope");
    in.scope = "openidx";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_scope");
    valid(&in);
    in.duplicate = "scope";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    valid(&in);
    in.request = "x.y.z";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "request_not_supported");
}

static void test_pkce(void)
{
    authsvc_oidc_authorize_params_t in;
    authsvc_oidc_authorize_t out;

    valid(&in);
    CU_ASSERT_PTR_NULL(check(&in, 0, &out));                        /* confidential: optional */
    CU_ASSERT_STRING_EQUAL(check(&in, 1, &out), "invalid_request"); /* public: required */
    in.code_challenge = CHALLENGE;
    in.code_challenge_method = "S256";
    CU_ASSERT_PTR_NULL(check(&in, 1, &out));
    in.code_challenge_method = "plain";
    CU_ASSERT_STRING_EQUAL(check(&in, 1, &out), "invalid_request");
    in.code_challenge_method = NULL; /* absent means plain */
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    in.code_challenge_method = "S256";
    in.code_challenge = "too-short";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    in.code_challenge = CHALLENGE "+/";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    in.code_challenge = NULL;
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
}

static void test_prompt_and_max_age(void)
{
    authsvc_oidc_authorize_params_t in;
    authsvc_oidc_authorize_t out;

    valid(&in);
    in.prompt = "login";
    CU_ASSERT_PTR_NULL(check(&in, 0, &out));
    CU_ASSERT_TRUE(out.prompt_login);
    in.prompt = "none";
    CU_ASSERT_PTR_NULL(check(&in, 0, &out));
    CU_ASSERT_TRUE(out.prompt_none);
    in.prompt = "consent";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    in.prompt = "login none";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    valid(&in);
    in.max_age = "0";
    CU_ASSERT_PTR_NULL(check(&in, 0, &out));
    CU_ASSERT_EQUAL(out.max_age, 0);
    in.max_age = "3600";
    CU_ASSERT_PTR_NULL(check(&in, 0, &out));
    CU_ASSERT_EQUAL(out.max_age, 3600);
    in.max_age = "-1";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    in.max_age = "1e3";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
    in.max_age = "99999999999";
    CU_ASSERT_STRING_EQUAL(check(&in, 0, &out), "invalid_request");
}

static authsvc_oidc_next_t next(int prompt_login, int prompt_none, long long max_age,
                                const char *user_id, long long auth_ago_ms, int *end)
{
    authsvc_oidc_authorize_t req;
    authsvc_oidc_session_t s = {user_id, NULL, 1000000000000LL - auth_ago_ms, "pwd"};

    memset(&req, 0, sizeof(req));
    req.prompt_login = prompt_login;
    req.prompt_none = prompt_none;
    req.max_age = max_age;
    return authsvc_oidc_authorize_next(&req, &s, 1000000000000LL, end);
}

static void test_decision(void)
{
    int end = -1;

    CU_ASSERT_EQUAL(next(0, 0, -1, NULL, 0, &end), AUTHSVC_OIDC_SIGN_IN);
    CU_ASSERT_EQUAL(end, 0);
    CU_ASSERT_EQUAL(next(0, 0, -1, "u1", 5000, &end), AUTHSVC_OIDC_ISSUE_CODE);
    CU_ASSERT_EQUAL(next(0, 1, -1, NULL, 0, &end), AUTHSVC_OIDC_REFUSE);
    CU_ASSERT_EQUAL(next(0, 1, -1, "u1", 5000, &end), AUTHSVC_OIDC_ISSUE_CODE);
    CU_ASSERT_EQUAL(next(1, 0, -1, "u1", 5000, &end), AUTHSVC_OIDC_SIGN_IN);
    CU_ASSERT_EQUAL(end, 1); /* prompt=login: the session ends first */
    CU_ASSERT_EQUAL(next(0, 0, 0, "u1", 1, &end), AUTHSVC_OIDC_SIGN_IN);
    CU_ASSERT_EQUAL(end, 1);
    CU_ASSERT_EQUAL(next(0, 0, 60, "u1", 59000, &end), AUTHSVC_OIDC_ISSUE_CODE);
    CU_ASSERT_EQUAL(next(0, 0, 60, "u1", 61000, &end), AUTHSVC_OIDC_SIGN_IN);
    CU_ASSERT_EQUAL(next(0, 1, 60, "u1", 61000, &end), AUTHSVC_OIDC_REFUSE);
}

void authsvc_test_register_oidc_authorize(void)
{
    CU_pSuite s = CU_add_suite("oidc_authorize", suite_init, suite_clean);

    CU_add_test(s, "a valid request keeps the known scopes",
                test_valid_request_keeps_known_scopes);
    CU_add_test(s, "response_type, scope, repeated parameters", test_response_type_and_scope);
    CU_add_test(s, "PKCE: S256 only, required for public clients", test_pkce);
    CU_add_test(s, "prompt login|none and max_age", test_prompt_and_max_age);
    CU_add_test(s, "code, login page or login_required", test_decision);
}
