/* The token endpoint's flow and its envelope without httpd (flow_oidc_token.c,
 * oauth_errors.c): a request record over the service fixture's SQLite file, the flow
 * called directly, its §5.2 answer read from the record. */
#include <stdarg.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <apr_base64.h>
#include <apr_strings.h>

#include "authsvc_db_oidc.h"
#include "authsvc_flows.h"
#include "authsvc_oauth_errors.h"
#include "service_fixture.h"
#include "unit.h"

static authsvc_service_fixture_t fixture;

static int suite_init(void)
{
    authsvc_db_oidc_client_t reg;

    if (authsvc_service_fixture_open(&fixture, "oidc-flow"))
        return 1;
    memset(&reg, 0, sizeof(reg));
    reg.client_id = "web";
    reg.grant_types = "client_credentials";
    reg.redirect_uris = apr_array_make(fixture.pool, 1, sizeof(const char *));
    reg.post_logout_uris = apr_array_make(fixture.pool, 1, sizeof(const char *));
    return authsvc_db_oidc_client_put(fixture.db, fixture.pool, &reg, 1000) != AUTHSVC_OK;
}

static int suite_clean(void)
{
    return authsvc_service_fixture_close(&fixture);
}

static authsvc_db_t *flow_db(authsvc_request_t *req)
{
    (void)req;
    return fixture.db;
}

static void flow_log(authsvc_request_t *req, authsvc_log_level_t level, const char *fmt, ...)
{
    (void)req;
    (void)level;
    (void)fmt;
}

/* Basic credentials of id:secret as they are (the caller encodes them). */
static const char *basic(const char *id, const char *secret)
{
    const char *plain = apr_pstrcat(fixture.pool, id, ":", secret, NULL);
    char *out = apr_palloc(fixture.pool, (apr_size_t)apr_base64_encode_len((int)strlen(plain)));

    apr_base64_encode(out, plain, (int)strlen(plain));
    return apr_pstrcat(fixture.pool, "Basic ", out, NULL);
}

/* A POST /oauth2/token with an Authorization header (may be NULL) and form pairs. */
static authsvc_request_t *request(const char *authorization, ...)
{
    authsvc_request_t *req = apr_pcalloc(fixture.pool, sizeof(*req));
    apr_table_t *in = apr_table_make(fixture.pool, 2);
    const char *name;
    va_list ap;

    if (authorization)
        apr_table_setn(in, "Authorization", authorization);
    req->pool = fixture.pool;
    req->method = "POST";
    req->path = "/oauth2/token";
    req->client_ip = "192.0.2.10";
    req->base_url = fixture.config->issuer;
    req->server_config = fixture.config;
    req->db = flow_db;
    req->log = flow_log;
    req->headers_in = in;
    req->headers_out = apr_table_make(fixture.pool, 4);
    req->body = cJSON_CreateObject();
    va_start(ap, authorization);
    while ((name = va_arg(ap, const char *)) != NULL)
        cJSON_AddStringToObject(req->body, name, va_arg(ap, const char *));
    va_end(ap);
    return req;
}

/* The "error" member of the answer ("" when there is none). */
static const char *oauth_error(const authsvc_request_t *req)
{
    cJSON *doc = req->body_out ? cJSON_ParseWithLength(req->body_out, req->body_out_len) : NULL;
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(doc, "error");
    const char *out = cJSON_IsString(error) ? apr_pstrdup(fixture.pool, error->valuestring)
                                            : "";

    cJSON_Delete(doc);
    return out;
}

static authsvc_oauth_status_t creds(authsvc_request_t *req, authsvc_oidc_client_creds_t *out)
{
    const char *why = NULL;

    return authsvc_oauth_client_creds(req, out, &why);
}

static void test_client_credentials_of_a_request(void)
{
    authsvc_oidc_client_creds_t c;

    /* Basic: each part form-urlencoded inside it */
    CU_ASSERT_EQUAL(creds(request(basic("my%3Aid", "p%40ss+word"), NULL), &c),
                    AUTHSVC_OAUTH_OK);
    CU_ASSERT_STRING_EQUAL(c.client_id, "my:id");
    CU_ASSERT_STRING_EQUAL(c.secret, "p@ss word");
    CU_ASSERT_TRUE(c.basic);
    /* the body */
    CU_ASSERT_EQUAL(creds(request(NULL, "client_id", "web", "client_secret", "s", NULL), &c),
                    AUTHSVC_OAUTH_OK);
    CU_ASSERT_STRING_EQUAL(c.client_id, "web");
    CU_ASSERT_STRING_EQUAL(c.secret, "s");
    CU_ASSERT_FALSE(c.basic);
    CU_ASSERT_EQUAL(creds(request(NULL, "client_id", "spa", NULL), &c), AUTHSVC_OAUTH_OK);
    CU_ASSERT_PTR_NULL(c.secret);
    /* both methods, another client_id, malformed Basic */
    CU_ASSERT_EQUAL(creds(request(basic("web", "s"), "client_secret", "s", NULL), &c),
                    AUTHSVC_OAUTH_INVALID_REQUEST);
    CU_ASSERT_EQUAL(creds(request(basic("web", "s"), "client_id", "other", NULL), &c),
                    AUTHSVC_OAUTH_INVALID_REQUEST);
    CU_ASSERT_EQUAL(creds(request(basic("web", "s"), "client_id", "web", NULL), &c),
                    AUTHSVC_OAUTH_OK);
    CU_ASSERT_EQUAL(creds(request("Basic !!", NULL), &c), AUTHSVC_OAUTH_INVALID_REQUEST);
    CU_ASSERT_EQUAL(creds(request("Basic d2Vi", NULL), &c), /* "web": no colon */
                    AUTHSVC_OAUTH_INVALID_REQUEST);
    CU_ASSERT_EQUAL(creds(request(basic("web", "%zz"), NULL), &c),
                    AUTHSVC_OAUTH_INVALID_REQUEST);
}

static void test_token_flow_answers(void)
{
    authsvc_request_t *req = request(basic("web", fixture.client_secret), "grant_type",
                                     "client_credentials", NULL);
    cJSON *doc;

    CU_ASSERT_EQUAL_FATAL(authsvc_flow_oidc_token(req), 200);
    doc = cJSON_ParseWithLength(req->body_out, req->body_out_len);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(doc, "token_type")->valuestring, "Bearer");
    CU_ASSERT_TRUE(cJSON_IsString(cJSON_GetObjectItem(doc, "access_token")));
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(doc, "refresh_token"));
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(doc, "id_token"));
    cJSON_Delete(doc);

    req = request(basic("web", "wrong"), "grant_type", "client_credentials", NULL);
    CU_ASSERT_EQUAL(authsvc_flow_oidc_token(req), 401);
    CU_ASSERT_STRING_EQUAL(oauth_error(req), "invalid_client");
    CU_ASSERT_PTR_NOT_NULL(apr_table_get(req->headers_out, "WWW-Authenticate"));
    req = request(NULL, "grant_type", "client_credentials", "client_id", "web", "client_secret",
                  "wrong", NULL);
    CU_ASSERT_EQUAL(authsvc_flow_oidc_token(req), 401);
    CU_ASSERT_PTR_NULL(apr_table_get(req->headers_out, "WWW-Authenticate"));
    req = request(basic("web", fixture.client_secret), "grant_type", "password", NULL);
    CU_ASSERT_EQUAL(authsvc_flow_oidc_token(req), 400);
    CU_ASSERT_STRING_EQUAL(oauth_error(req), "unsupported_grant_type");
    req = request(basic("web", fixture.client_secret), NULL);
    CU_ASSERT_EQUAL(authsvc_flow_oidc_token(req), 400);
    CU_ASSERT_STRING_EQUAL(oauth_error(req), "invalid_request");
    req = request(basic("web", fixture.client_secret), "grant_type", "authorization_code",
                  NULL);
    CU_ASSERT_EQUAL(authsvc_flow_oidc_token(req), 400);
    CU_ASSERT_STRING_EQUAL(oauth_error(req), "unauthorized_client");
}

static void test_gate_refusals_as_oauth_errors(void)
{
    authsvc_request_t *req = request(NULL, NULL);

    CU_ASSERT_EQUAL(authsvc_oauth_gate_error(req, AUTHSVC_E_UNSUPPORTED_MEDIA_TYPE, NULL), 400);
    CU_ASSERT_STRING_EQUAL(oauth_error(req), "invalid_request");
    CU_ASSERT_EQUAL(authsvc_oauth_gate_error(req, AUTHSVC_E_DUPLICATE_PARAMETER, NULL), 400);
    CU_ASSERT_EQUAL(authsvc_oauth_gate_error(req, AUTHSVC_E_PAYLOAD_TOO_LARGE, NULL), 413);
    CU_ASSERT_EQUAL(authsvc_oauth_gate_error(req, AUTHSVC_E_SERVICE_UNAVAILABLE, NULL), 503);
    CU_ASSERT_STRING_EQUAL(oauth_error(req), "temporarily_unavailable");
    CU_ASSERT_EQUAL(authsvc_oauth_error(req, AUTHSVC_OAUTH_INVALID_GRANT, 1, "why"), 400);
    CU_ASSERT_STRING_EQUAL(oauth_error(req), "invalid_grant");
}

void authsvc_test_register_oidc_flow_token(void)
{
    CU_pSuite s = CU_add_suite("oidc_flow_token", suite_init, suite_clean);

    CU_add_test(s, "client credentials of a request", test_client_credentials_of_a_request);
    CU_add_test(s, "the token flow's answers", test_token_flow_answers);
    CU_add_test(s, "the gate's refusals as OAuth errors", test_gate_refusals_as_oauth_errors);
}
