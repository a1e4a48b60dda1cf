/* The login flows without httpd: a request record (authsvc_request.h) over a migrated
 * SQLite file set up with authsvc-admin, the flow called directly, its answer read from
 * the record. What the integration tests check through httpd, here for the flow alone. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_db.h"
#include "authsvc_flows.h"
#include "authsvc_request.h"
#include "service_fixture.h"
#include "unit.h"

#define PASSWORD AUTHSVC_SERVICE_FIXTURE_PASSWORD

static apr_pool_t *pool;
static const char *client_secret;
static authsvc_server_config_t *config;
static authsvc_db_t *db;

static authsvc_service_fixture_t fixture;

static int suite_init(void)
{
    if (authsvc_service_fixture_open(&fixture, "flow"))
        return 1;
    pool = fixture.pool;
    client_secret = fixture.client_secret;
    config = fixture.config;
    db = fixture.db;
    return 0;
}

static int suite_clean(void)
{
    return authsvc_service_fixture_close(&fixture);
}

static authsvc_db_t *flow_db(authsvc_request_t *req)
{
    (void)req;
    return db;
}

static void flow_log(authsvc_request_t *req, authsvc_log_level_t level, const char *fmt, ...)
{
    (void)req;
    (void)level;
    (void)fmt;
}

/* A request for the route method path with a JSON body of name/value pairs. */
static authsvc_request_t *request(const char *method, const char *path, ...)
{
    authsvc_request_t *req = apr_pcalloc(pool, sizeof(*req));
    authsvc_route_match_t match;
    apr_size_t count;
    const authsvc_route_t *routes = authsvc_routes(&count);
    const char *name;
    va_list ap;

    CU_ASSERT_FATAL(authsvc_router_match(pool, routes, count, method, path, &match)
                    == AUTHSVC_ROUTE_MATCHED);
    req->pool = pool;
    req->method = method;
    req->path = path;
    req->route = match.route;
    req->client_ip = "192.0.2.7";
    req->base_url = config->issuer;
    req->server_config = config;
    req->db = flow_db;
    req->log = flow_log;
    req->headers_out = apr_table_make(pool, 4);
    req->body = cJSON_CreateObject();
    va_start(ap, path);
    while ((name = va_arg(ap, const char *)) != NULL)
        cJSON_AddStringToObject(req->body, name, va_arg(ap, const char *));
    va_end(ap);
    return req;
}

static cJSON *answer(const authsvc_request_t *req)
{
    return req->body_out ? cJSON_ParseWithLength(req->body_out, req->body_out_len) : NULL;
}

static const char *error_code(const authsvc_request_t *req)
{
    cJSON *doc = answer(req);
    const cJSON *code = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "error"), "code");
    const char *out = cJSON_IsString(code) ? apr_pstrdup(pool, code->valuestring) : "";

    cJSON_Delete(doc);
    return out;
}

static void test_flow_login_token_answers_a_pair(void)
{
    authsvc_request_t *req = request("POST", "/auth/login-token", "client_id", "web",
                                     "client_secret", client_secret, "username", "alice",
                                     "password", PASSWORD, NULL);
    cJSON *doc;

    CU_ASSERT_EQUAL(authsvc_flow_login_token(req), 200);
    doc = answer(req);
    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItem(doc, "accessToken")));
    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItem(doc, "refreshToken")));
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItem(doc, "expires")));
    cJSON_Delete(doc);
    cJSON_Delete(req->body);
}

static void test_flow_login_token_refuses_a_wrong_password(void)
{
    authsvc_request_t *req = request("POST", "/auth/login-token", "client_id", "web",
                                     "client_secret", client_secret, "username", "alice",
                                     "password", "not-" PASSWORD, NULL);

    CU_ASSERT_EQUAL(authsvc_flow_login_token(req), 401);
    CU_ASSERT_STRING_EQUAL(error_code(req), "InvalidCredentials");
    cJSON_Delete(req->body);
}

/* An unknown client and a wrong secret get the same answer: nothing tells them apart. */
static void test_flow_login_token_refuses_an_unknown_client_like_a_wrong_secret(void)
{
    authsvc_request_t *unknown = request("POST", "/auth/login-token", "client_id", "nobody",
                                         "client_secret", client_secret, "username", "alice",
                                         "password", PASSWORD, NULL);
    authsvc_request_t *wrong = request("POST", "/auth/login-token", "client_id", "web",
                                       "client_secret", "not-the-secret", "username", "alice",
                                       "password", PASSWORD, NULL);

    CU_ASSERT_EQUAL(authsvc_flow_login_token(unknown), 401);
    CU_ASSERT_STRING_EQUAL(error_code(unknown), "ClientVerificationFailed");
    CU_ASSERT_EQUAL(authsvc_flow_login_token(wrong), 401);
    CU_ASSERT_EQUAL_FATAL(unknown->body_out_len, wrong->body_out_len);
    CU_ASSERT_EQUAL(memcmp(unknown->body_out, wrong->body_out, wrong->body_out_len), 0);
    cJSON_Delete(unknown->body);
    cJSON_Delete(wrong->body);
}

/* The code of /auth/login is redeemed once by /auth/token, then refused. */
static void test_flow_code_is_single_use(void)
{
    authsvc_request_t *login = request("POST", "/auth/login", "client_id", "web",
                                       "client_secret", client_secret, "username", "alice",
                                       "password", PASSWORD, NULL);
    authsvc_request_t *first, *again;
    const cJSON *code;
    cJSON *doc;

    CU_ASSERT_EQUAL_FATAL(authsvc_flow_login(login), 200);
    doc = answer(login);
    code = cJSON_GetObjectItem(doc, "code");
    CU_ASSERT_FATAL(cJSON_IsString(code));
    first = request("POST", "/auth/token", "code", code->valuestring, "clientId", "web", NULL);
    again = request("POST", "/auth/token", "code", code->valuestring, "clientId", "web", NULL);
    CU_ASSERT_EQUAL(authsvc_flow_token(first), 200);
    CU_ASSERT_EQUAL(authsvc_flow_token(again), 401);
    CU_ASSERT_STRING_EQUAL(error_code(again), "CodeExpired");
    cJSON_Delete(doc);
    cJSON_Delete(login->body);
    cJSON_Delete(first->body);
    cJSON_Delete(again->body);
}

void authsvc_test_register_flow_login(void)
{
    CU_pSuite s = CU_add_suite("flow_login", suite_init, suite_clean);

    CU_add_test(s, "login-token answers a pair", test_flow_login_token_answers_a_pair);
    CU_add_test(s, "login-token refuses a wrong password",
                test_flow_login_token_refuses_a_wrong_password);
    CU_add_test(s, "login-token refuses an unknown client like a wrong secret",
                test_flow_login_token_refuses_an_unknown_client_like_a_wrong_secret);
    CU_add_test(s, "an auth code is redeemed once", test_flow_code_is_single_use);
}
