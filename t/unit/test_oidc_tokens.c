/* The token endpoint's services without httpd (oidc_client_auth.c, oidc_tokens.c,
 * oidc_id_token.c): a context of the test's own over the service fixture's SQLite file,
 * the client's registration and the authorization endpoint's code stored with the
 * typed helpers, the services called directly. */
#include <string.h>

#include <CUnit/CUnit.h>
#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "authsvc_db_oidc.h"
#include "authsvc_db_principals.h"
#include "authsvc_db_users.h"
#include "authsvc_jwt.h"
#include "authsvc_oidc_client_auth.h"
#include "authsvc_oidc_id_token.h"
#include "authsvc_oidc_tokens.h"
#include "service_fixture.h"
#include "unit.h"

/* RFC 7636 Appendix B */
#define VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define REDIRECT "https://rp.example/cb"

static authsvc_service_fixture_t fixture;
static int revocations;

static int suite_init(void)
{
    authsvc_db_oidc_client_t reg;

    if (authsvc_service_fixture_open(&fixture, "oidc-tokens"))
        return 1;
    memset(&reg, 0, sizeof(reg));
    reg.client_id = "web";
    reg.grant_types = "authorization_code refresh_token";
    reg.redirect_uris = apr_array_make(fixture.pool, 1, sizeof(const char *));
    reg.post_logout_uris = apr_array_make(fixture.pool, 1, sizeof(const char *));
    return authsvc_db_oidc_client_put(fixture.db, fixture.pool, &reg, 1000) != AUTHSVC_OK;
}

static int suite_clean(void)
{
    return authsvc_service_fixture_close(&fixture);
}

static authsvc_db_t *oidc_db(authsvc_context_t *ctx)
{
    (void)ctx;
    return fixture.db;
}

static void oidc_log(authsvc_context_t *ctx, authsvc_log_level_t level, const char *fmt, ...)
{
    (void)ctx;
    (void)level;
    (void)fmt;
}

static void oidc_revoked(authsvc_context_t *ctx, const char *jti, long long expires_ms)
{
    (void)ctx;
    (void)jti;
    (void)expires_ms;
    revocations++;
}

static authsvc_context_t *context(void)
{
    authsvc_context_t *ctx = apr_pcalloc(fixture.pool, sizeof(*ctx));

    ctx->pool = fixture.pool;
    ctx->config = fixture.config;
    ctx->client_ip = "192.0.2.9";
    ctx->issuer = fixture.config->issuer;
    ctx->db = oidc_db;
    ctx->log = oidc_log;
    ctx->revoked = oidc_revoked;
    return ctx;
}

static authsvc_oauth_status_t authenticate(const char *id, const char *secret,
                                           const char *grant, authsvc_oidc_client_t *out)
{
    authsvc_oidc_client_creds_t creds = {id, secret, 0};
    const char *why = NULL;

    return authsvc_oidc_client_authenticate(context(), fixture.db, &creds, grant, out, &why);
}

/* A code of alice for web, as /oauth2/authorize stores it; the code itself returned. */
static const char *code_make(const char *challenge, long long ttl_ms)
{
    static int made;
    const char *code = apr_psprintf(fixture.pool, "code-%d-%lld", ++made,
                                    (long long)authsvc_db_now_ms());
    authsvc_db_user_t user;
    authsvc_db_membership_t m;
    authsvc_db_oidc_code_t c;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_by_username(fixture.db, fixture.pool, "alice", &user),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_membership_get(fixture.db, fixture.pool, user.id,
                                                    user.default_tenant_id, &m),
                          AUTHSVC_OK);
    memset(&c, 0, sizeof(c));
    c.hash = authsvc_token_hash(fixture.pool, code);
    c.client_id = "web";
    c.user_id = user.id;
    c.tenant_id = user.default_tenant_id;
    c.user_tenant_id = m.id;
    c.redirect_uri = REDIRECT;
    c.scope = "openid email";
    c.nonce = "n-42";
    c.code_challenge = challenge;
    c.auth_time_ms = 1700000000123LL;
    c.amr = "pwd otp mfa";
    c.created_ms = authsvc_db_now_ms();
    c.expires_ms = c.created_ms + ttl_ms;
    CU_ASSERT_EQUAL_FATAL(authsvc_db_oidc_code_insert(fixture.db, fixture.pool, &c),
                          AUTHSVC_OK);
    return code;
}

static authsvc_oauth_status_t redeem(const char *code, const char *verifier,
                                     authsvc_oidc_tokens_t *out)
{
    authsvc_oidc_client_t client;
    authsvc_oidc_grant_t in;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(authenticate("web", fixture.client_secret, "authorization_code",
                                       &client),
                          AUTHSVC_OAUTH_OK);
    memset(&in, 0, sizeof(in));
    in.code = code;
    in.redirect_uri = REDIRECT;
    in.code_verifier = verifier;
    return authsvc_oidc_grant_code(context(), &client, &in, out, &why);
}

static authsvc_oauth_status_t refresh(const char *token, authsvc_oidc_tokens_t *out)
{
    authsvc_oidc_client_t client;
    authsvc_oidc_grant_t in;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(authenticate("web", fixture.client_secret, "refresh_token", &client),
                          AUTHSVC_OAUTH_OK);
    memset(&in, 0, sizeof(in));
    in.refresh_token = token;
    return authsvc_oidc_grant_refresh(context(), &client, &in, out, &why);
}

static cJSON *claims_of(const char *token)
{
    authsvc_jwt_expect_t expect;
    cJSON *claims = NULL;

    memset(&expect, 0, sizeof(expect));
    expect.issuer = fixture.config->issuer;
    expect.now = authsvc_db_now_ms() / 1000;
    expect.leeway = 60;
    CU_ASSERT_EQUAL(authsvc_jwt_verify(fixture.pool, fixture.config->keyring, token, &expect,
                                       &claims),
                    AUTHSVC_JWT_VALID);
    return claims;
}

static const char *claim(const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    return cJSON_IsString(item) ? item->valuestring : "";
}

static void test_at_hash_and_scopes(void)
{
    /* OpenID Connect Core's example ID token: its access token and at_hash */
    CU_ASSERT_STRING_EQUAL(authsvc_oidc_at_hash(fixture.pool,
                                                "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
                           "77QmUPtjPfzWtF2AnpK9RQ");
    CU_ASSERT_TRUE(authsvc_oidc_scope_has("openid profile email", "profile"));
    CU_ASSERT_TRUE(authsvc_oidc_scope_has("openid", "openid"));
    CU_ASSERT_FALSE(authsvc_oidc_scope_has("openidx profile", "openid"));
    CU_ASSERT_FALSE(authsvc_oidc_scope_has("xopenid", "openid"));
    CU_ASSERT_FALSE(authsvc_oidc_scope_has(NULL, "openid"));
    CU_ASSERT_FALSE(authsvc_oidc_scope_has("openid", ""));
}

static void test_signer_prefers_rs256(void)
{
    static const unsigned char secret[32] = "0123456789abcdef0123456789abcdef";
    authsvc_keyring_t *ring = authsvc_keyring_make(fixture.pool);
    authsvc_key_t *hs = NULL, *rs = NULL;
    EVP_PKEY *pkey = EVP_RSA_gen(2048);
    const char *why = NULL;

    CU_ASSERT_PTR_NULL(authsvc_oidc_signer(NULL));
    CU_ASSERT_PTR_NULL(authsvc_oidc_signer(ring));
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_secret(fixture.pool, secret, sizeof(secret), &hs,
                                                  &why),
                          AUTHSVC_OK);
    authsvc_keyring_add(ring, hs);
    CU_ASSERT_PTR_EQUAL(authsvc_oidc_signer(ring), hs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pkey);
    CU_ASSERT_EQUAL_FATAL(authsvc_key_from_pkey(fixture.pool, pkey, &rs, &why), AUTHSVC_OK);
    EVP_PKEY_free(pkey);
    authsvc_keyring_add(ring, rs);
    CU_ASSERT_PTR_EQUAL(authsvc_oidc_signer(ring), rs);
}

static void test_client_authentication(void)
{
    authsvc_oidc_client_t c;

    CU_ASSERT_EQUAL(authenticate("web", fixture.client_secret, "authorization_code", &c),
                    AUTHSVC_OAUTH_OK);
    CU_ASSERT_STRING_EQUAL(c.reg.grant_types, "authorization_code refresh_token");
    CU_ASSERT_EQUAL(authenticate("web", "wrong", "authorization_code", &c),
                    AUTHSVC_OAUTH_INVALID_CLIENT);
    CU_ASSERT_EQUAL(authenticate("web", NULL, "authorization_code", &c),
                    AUTHSVC_OAUTH_INVALID_CLIENT);
    CU_ASSERT_EQUAL(authenticate("nosuch", "x", "authorization_code", &c),
                    AUTHSVC_OAUTH_INVALID_CLIENT);
    CU_ASSERT_EQUAL(authenticate("", "x", NULL, &c), AUTHSVC_OAUTH_INVALID_CLIENT);
    CU_ASSERT_EQUAL(authenticate("web", fixture.client_secret, "client_credentials", &c),
                    AUTHSVC_OAUTH_UNAUTHORIZED_CLIENT);
    CU_ASSERT_EQUAL(authenticate("web", fixture.client_secret, NULL, &c), AUTHSVC_OAUTH_OK);
    CU_ASSERT_STRING_EQUAL(authsvc_oauth_status_name(AUTHSVC_OAUTH_INVALID_GRANT),
                           "invalid_grant");
}

static void test_code_with_the_rfc7636_vector(void)
{
    const char *code = code_make(CHALLENGE, 60000);
    authsvc_oidc_tokens_t out, again;
    int before;
    cJSON *id;

    CU_ASSERT_EQUAL(redeem(code, NULL, &out), AUTHSVC_OAUTH_INVALID_GRANT);
    CU_ASSERT_EQUAL(redeem(code, CHALLENGE, &out), AUTHSVC_OAUTH_INVALID_GRANT); /* plain */
    CU_ASSERT_EQUAL(redeem(code, VERIFIER "x", &out), AUTHSVC_OAUTH_INVALID_GRANT);
    CU_ASSERT_EQUAL_FATAL(redeem(code, VERIFIER, &out), AUTHSVC_OAUTH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out.id_token);
    CU_ASSERT_PTR_NOT_NULL(out.refresh_token);
    CU_ASSERT_STRING_EQUAL(out.scope, "openid email");
    CU_ASSERT_STRING_EQUAL(claim(claims_of(out.access_token), "scope"), "openid email");
    id = claims_of(out.id_token);
    CU_ASSERT_STRING_EQUAL(claim(id, "aud"), "web");
    CU_ASSERT_STRING_EQUAL(claim(id, "nonce"), "n-42");
    CU_ASSERT_STRING_EQUAL(claim(id, "acr"), "2");
    CU_ASSERT_STRING_NOT_EQUAL(claim(id, "sub"), "");
    /* alice has no e-mail address: a column without a value is left out */
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(id, "email"));
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(id, "preferred_username"));
    CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(id, "auth_time")->valuedouble, 1700000000);
    CU_ASSERT_STRING_EQUAL(claim(id, "at_hash"),
                           authsvc_oidc_at_hash(fixture.pool, out.access_token));
    /* redeemed again: refused, and what the first redemption got is revoked */
    before = revocations;
    CU_ASSERT_EQUAL(redeem(code, VERIFIER, &again), AUTHSVC_OAUTH_INVALID_GRANT);
    CU_ASSERT_TRUE(revocations > before);
    CU_ASSERT_EQUAL(refresh(out.refresh_token, &again), AUTHSVC_OAUTH_INVALID_GRANT);
}

static void test_expired_code_and_rotation(void)
{
    authsvc_oidc_tokens_t first, second, third;

    CU_ASSERT_EQUAL(redeem(code_make(NULL, -1), NULL, &first), AUTHSVC_OAUTH_INVALID_GRANT);
    CU_ASSERT_EQUAL_FATAL(redeem(code_make(NULL, 60000), NULL, &first), AUTHSVC_OAUTH_OK);
    CU_ASSERT_EQUAL_FATAL(refresh(first.refresh_token, &second), AUTHSVC_OAUTH_OK);
    CU_ASSERT_STRING_NOT_EQUAL(second.refresh_token, first.refresh_token);
    CU_ASSERT_PTR_NOT_NULL(second.id_token);
    CU_ASSERT_STRING_EQUAL(claim(claims_of(second.id_token), "nonce"), "");
    /* the rotated token again ends the family: its successor goes too */
    CU_ASSERT_EQUAL(refresh(first.refresh_token, &third), AUTHSVC_OAUTH_INVALID_GRANT);
    CU_ASSERT_EQUAL(refresh(second.refresh_token, &third), AUTHSVC_OAUTH_INVALID_GRANT);
    CU_ASSERT_EQUAL(refresh("no-such-token", &third), AUTHSVC_OAUTH_INVALID_GRANT);
}

void authsvc_test_register_oidc_tokens(void)
{
    CU_pSuite s = CU_add_suite("oidc_tokens", suite_init, suite_clean);

    CU_add_test(s, "at_hash and scopes", test_at_hash_and_scopes);
    CU_add_test(s, "ID tokens prefer an RS256 key", test_signer_prefers_rs256);
    CU_add_test(s, "client authentication", test_client_authentication);
    CU_add_test(s, "a code with the RFC 7636 vector, redeemed twice",
                test_code_with_the_rfc7636_vector);
    CU_add_test(s, "expired code, refresh rotation and reuse", test_expired_code_and_rotation);
}
