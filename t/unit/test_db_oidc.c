/* db_oidc.c on a migrated SQLite file: a client's OpenID Connect registration stored,
 * replaced and removed; exact URI and grant matching; authorization-endpoint codes kept
 * apart from the codes of the service's own API. */
#include <string.h>

#include "authsvc_db_oidc.h"
#include "authsvc_db_tokens.h"
#include "authsvc_db_principals.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_oidc(void);

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-oidc");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

static apr_array_header_t *uris(const char *a, const char *b)
{
    apr_array_header_t *arr = apr_array_make(f.pool, 2, sizeof(const char *));

    if (a)
        *(const char **)apr_array_push(arr) = a;
    if (b)
        *(const char **)apr_array_push(arr) = b;
    return arr;
}

static void test_client_registration(void)
{
    authsvc_db_oidc_client_t c = {"web", "authorization_code refresh_token",
                                  uris("https://rp.example/cb", "https://rp.example/cb2"),
                                  uris("https://rp.example/bye", NULL)};
    authsvc_db_oidc_client_t got;

    CU_ASSERT_EQUAL(authsvc_db_oidc_client_get(f.db, f.pool, "web", &got), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NOT_NULL(got.redirect_uris);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_oidc_client_put(f.db, f.pool, &c, 1000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_oidc_client_get(f.db, f.pool, "web", &got), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.grant_types, "authorization_code refresh_token");
    CU_ASSERT_EQUAL(got.redirect_uris->nelts, 2);
    CU_ASSERT_EQUAL(got.post_logout_uris->nelts, 1);
    CU_ASSERT_TRUE(authsvc_db_oidc_uri_listed(got.redirect_uris, "https://rp.example/cb2"));
    CU_ASSERT_FALSE(authsvc_db_oidc_uri_listed(got.redirect_uris, "https://rp.example/bye"));
    CU_ASSERT_TRUE(authsvc_db_oidc_uri_listed(got.post_logout_uris, "https://rp.example/bye"));
    /* a second put replaces the whole registration */
    c.grant_types = "client_credentials";
    c.redirect_uris = uris(NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_oidc_client_put(f.db, f.pool, &c, 2000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_oidc_client_get(f.db, f.pool, "web", &got), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.grant_types, "client_credentials");
    CU_ASSERT_EQUAL(got.redirect_uris->nelts, 0);
    CU_ASSERT_EQUAL(authsvc_db_oidc_client_remove(f.db, f.pool, "web"), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_oidc_client_get(f.db, f.pool, "web", &got), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_fixture_count(&f, "SELECT COUNT(*) FROM oidc_client_uris"), 0);
    /* a client that does not exist cannot be registered */
    c.client_id = "nosuch";
    CU_ASSERT_EQUAL(authsvc_db_oidc_client_put(f.db, f.pool, &c, 3000), AUTHSVC_NOT_FOUND);
}

static void test_exact_matching(void)
{
    apr_array_header_t *list = uris("https://rp.example/cb", NULL);

    CU_ASSERT_TRUE(authsvc_db_oidc_uri_listed(list, "https://rp.example/cb"));
    CU_ASSERT_FALSE(authsvc_db_oidc_uri_listed(list, "https://rp.example/cb/"));
    CU_ASSERT_FALSE(authsvc_db_oidc_uri_listed(list, "https://RP.example/cb"));
    CU_ASSERT_FALSE(authsvc_db_oidc_uri_listed(list, "https://rp.example/cb?x=1"));
    CU_ASSERT_FALSE(authsvc_db_oidc_uri_listed(list, NULL));
    CU_ASSERT_TRUE(
        authsvc_db_oidc_grant_listed("authorization_code refresh_token", "refresh_token"));
    CU_ASSERT_TRUE(
        authsvc_db_oidc_grant_listed("authorization_code refresh_token", "authorization_code"));
    CU_ASSERT_FALSE(authsvc_db_oidc_grant_listed("authorization_code", "code"));
    CU_ASSERT_FALSE(authsvc_db_oidc_grant_listed("xrefresh_token", "refresh_token"));
    CU_ASSERT_FALSE(authsvc_db_oidc_grant_listed("refresh_tokens", "refresh_token"));
    CU_ASSERT_FALSE(authsvc_db_oidc_grant_listed("", "refresh_token"));
}

static void test_codes_kept_apart(void)
{
    authsvc_db_oidc_code_t c, got;
    authsvc_db_auth_code_t api;
    authsvc_db_membership_t m;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_membership_get(f.db, f.pool, f.user_id, f.tenant_id, &m),
                          AUTHSVC_OK);
    memset(&c, 0, sizeof(c));
    c.hash = "oidc-code";
    c.client_id = "web";
    c.user_id = f.user_id;
    c.tenant_id = f.tenant_id;
    c.user_tenant_id = m.id;
    c.scope = "openid email";
    c.nonce = "n-1";
    c.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    c.auth_time_ms = 900;
    c.amr = "pwd otp mfa";
    c.expires_ms = 5000;
    c.created_ms = 1000;
    /* a code without its redirect URI is not an authorization-endpoint code */
    CU_ASSERT_EQUAL(authsvc_db_oidc_code_insert(f.db, f.pool, &c), AUTHSVC_INVALID);
    c.redirect_uri = "https://rp.example/cb";
    CU_ASSERT_EQUAL_FATAL(authsvc_db_oidc_code_insert(f.db, f.pool, &c), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_oidc_code_get(f.db, f.pool, "oidc-code", &got),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.redirect_uri, "https://rp.example/cb");
    CU_ASSERT_STRING_EQUAL(got.scope, "openid email");
    CU_ASSERT_STRING_EQUAL(got.nonce, "n-1");
    CU_ASSERT_STRING_EQUAL(got.code_challenge, c.code_challenge);
    CU_ASSERT_STRING_EQUAL(got.amr, "pwd otp mfa");
    CU_ASSERT_EQUAL(got.auth_time_ms, 900);
    CU_ASSERT_EQUAL(got.expires_ms, 5000);
    CU_ASSERT_STRING_EQUAL(got.user_tenant_id, m.id);
    CU_ASSERT_FALSE(got.used);
    /* the service's own API does not see it, and it is single use like theirs */
    CU_ASSERT_EQUAL(authsvc_db_auth_code_get(f.db, f.pool, "oidc-code", &api),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_auth_code_consume(f.db, f.pool, "oidc-code", 100), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_auth_code_consume(f.db, f.pool, "oidc-code", 100),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_oidc_code_get(f.db, f.pool, "oidc-code", &got),
                          AUTHSVC_OK);
    CU_ASSERT_TRUE(got.used);
    /* and the API's codes are not authorization-endpoint codes */
    memset(&api, 0, sizeof(api));
    api.hash = "api-code";
    api.client_id = "web";
    api.user_id = f.user_id;
    api.tenant_id = f.tenant_id;
    api.user_tenant_id = m.id;
    api.expires_at = 5000;
    CU_ASSERT_EQUAL_FATAL(authsvc_db_auth_code_insert(f.db, f.pool, &api, 10), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_oidc_code_get(f.db, f.pool, "api-code", &got),
                    AUTHSVC_NOT_FOUND);
}

void authsvc_test_register_db_oidc(void)
{
    CU_pSuite s = CU_add_suite("db_oidc", suite_init, suite_clean);

    CU_add_test(s, "a client's registration stored, replaced and removed",
                test_client_registration);
    CU_add_test(s, "URIs and grant types match exactly", test_exact_matching);
    CU_add_test(s, "authorization-endpoint codes are kept apart from the API's",
                test_codes_kept_apart);
}
