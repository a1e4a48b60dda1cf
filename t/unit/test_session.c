/* The session service without httpd or a request record: a context of the test's own
 * over a migrated SQLite file set up with authsvc-admin, the service called directly, its
 * status and output read back. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_db.h"
#include "authsvc_session.h"
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
    if (authsvc_service_fixture_open(&fixture, "session"))
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

static int revocations;

static authsvc_db_t *session_db(authsvc_context_t *ctx)
{
    (void)ctx;
    return db;
}

static void session_log(authsvc_context_t *ctx, authsvc_log_level_t level, const char *fmt, ...)
{
    (void)ctx;
    (void)level;
    (void)fmt;
}

static void session_revoked(authsvc_context_t *ctx, const char *jti, long long expires_ms)
{
    (void)ctx;
    (void)jti;
    (void)expires_ms;
    revocations++;
}

static authsvc_context_t *context(void)
{
    authsvc_context_t *ctx = apr_pcalloc(pool, sizeof(*ctx));

    ctx->pool = pool;
    ctx->config = config;
    ctx->client_ip = "192.0.2.8";
    ctx->user_agent = "test_session";
    ctx->issuer = config->issuer;
    ctx->db = session_db;
    ctx->log = session_log;
    ctx->revoked = session_revoked;
    return ctx;
}

static authsvc_session_status_t login(const char *client, const char *secret,
                                      const char *password, authsvc_session_tokens_t *out)
{
    authsvc_session_login_t in;

    memset(&in, 0, sizeof(in));
    in.client_id = client;
    in.client_secret = secret;
    in.username = "Alice"; /* usernames are case-insensitive */
    in.password = password;
    return authsvc_session_login(context(), &in, out);
}

static authsvc_session_status_t refresh(const authsvc_token_pair_t *pair,
                                        authsvc_session_tokens_t *out)
{
    authsvc_session_refresh_t in;

    memset(&in, 0, sizeof(in));
    in.access_token = pair->access_token;
    in.refresh_token = pair->refresh_token;
    return authsvc_session_refresh(context(), &in, out);
}

static void test_session_login_gives_a_pair_and_the_user(void)
{
    authsvc_session_tokens_t out;

    CU_ASSERT_EQUAL_FATAL(login("web", client_secret, PASSWORD, &out), AUTHSVC_SESSION_OK);
    CU_ASSERT_PTR_NOT_NULL(out.pair.access_token);
    CU_ASSERT_PTR_NOT_NULL(out.pair.refresh_token);
    CU_ASSERT_PTR_NOT_NULL(out.pair.jti);
    CU_ASSERT(out.pair.expires_ms > authsvc_db_now_ms());
    CU_ASSERT_PTR_NOT_NULL_FATAL(out.user_id);
    CU_ASSERT_STRING_EQUAL(out.user_id, out.principal->user_id);
    CU_ASSERT_STRING_EQUAL(out.principal->username, "alice");
    CU_ASSERT(out.password_time > 0);
}

static void test_session_login_refusals(void)
{
    authsvc_session_tokens_t out;

    CU_ASSERT_EQUAL(login("web", client_secret, "not-" PASSWORD, &out),
                    AUTHSVC_SESSION_BAD_CREDENTIALS);
    CU_ASSERT_EQUAL(login("nobody", client_secret, PASSWORD, &out), AUTHSVC_SESSION_BAD_CLIENT);
    CU_ASSERT_EQUAL(login("web", "not-the-secret", PASSWORD, &out), AUTHSVC_SESSION_BAD_CLIENT);
    CU_ASSERT_PTR_NULL(out.pair.access_token);
}

/* A refresh rotates; the rotated token presented again ends the whole family. */
static void test_session_refresh_rotates_and_detects_reuse(void)
{
    authsvc_session_tokens_t first, second, again;

    CU_ASSERT_EQUAL_FATAL(login("web", client_secret, PASSWORD, &first), AUTHSVC_SESSION_OK);
    revocations = 0;
    CU_ASSERT_EQUAL_FATAL(refresh(&first.pair, &second), AUTHSVC_SESSION_OK);
    CU_ASSERT_STRING_EQUAL(second.user_id, first.user_id);
    CU_ASSERT_STRING_EQUAL(second.pair.family_id, first.pair.family_id);
    CU_ASSERT_STRING_NOT_EQUAL(second.pair.refresh_token, first.pair.refresh_token);
    CU_ASSERT_EQUAL(revocations, 1); /* the old access token, told to this node */
    CU_ASSERT_EQUAL(refresh(&first.pair, &again), AUTHSVC_SESSION_TOKEN_EXPIRED);
    CU_ASSERT_EQUAL(refresh(&second.pair, &again), AUTHSVC_SESSION_TOKEN_EXPIRED);
}

/* The refresh token must come with the access token it was issued with. */
static void test_session_refresh_checks_the_access_token(void)
{
    authsvc_session_tokens_t a, b, out;
    authsvc_token_pair_t mixed;

    CU_ASSERT_EQUAL_FATAL(login("web", client_secret, PASSWORD, &a), AUTHSVC_SESSION_OK);
    CU_ASSERT_EQUAL_FATAL(login("web", client_secret, PASSWORD, &b), AUTHSVC_SESSION_OK);
    mixed = a.pair;
    mixed.access_token = b.pair.access_token;
    CU_ASSERT_EQUAL(refresh(&mixed, &out), AUTHSVC_SESSION_TOKEN_INVALID);
    mixed.access_token = "not.a.token";
    CU_ASSERT_EQUAL(refresh(&mixed, &out), AUTHSVC_SESSION_BEARER_INVALID);
    CU_ASSERT_EQUAL(refresh(&a.pair, &out), AUTHSVC_SESSION_OK);
}

static void test_session_logout_revokes_the_pair(void)
{
    authsvc_session_tokens_t in, out;
    const char *user_id = NULL;

    CU_ASSERT_EQUAL_FATAL(login("web", client_secret, PASSWORD, &in), AUTHSVC_SESSION_OK);
    CU_ASSERT_EQUAL(authsvc_session_logout(context(), "another-jti", in.pair.refresh_token,
                                           &user_id),
                    AUTHSVC_SESSION_TOKEN_INVALID);
    CU_ASSERT_EQUAL(authsvc_session_family(context(), in.pair.jti, in.pair.refresh_token)
                        != NULL,
                    1);
    revocations = 0;
    CU_ASSERT_EQUAL_FATAL(authsvc_session_logout(context(), in.pair.jti, in.pair.refresh_token,
                                                 &user_id),
                          AUTHSVC_SESSION_OK);
    CU_ASSERT_STRING_EQUAL(user_id, in.user_id);
    CU_ASSERT_EQUAL(revocations, 1);
    CU_ASSERT_EQUAL(refresh(&in.pair, &out), AUTHSVC_SESSION_TOKEN_EXPIRED);
    CU_ASSERT_EQUAL(authsvc_session_logout(context(), in.pair.jti, "no-such-token", &user_id),
                    AUTHSVC_SESSION_TOKEN_EXPIRED);
}

static void test_session_status_names(void)
{
    CU_ASSERT_STRING_EQUAL(authsvc_session_status_name(AUTHSVC_SESSION_OK), "ok");
    CU_ASSERT_STRING_EQUAL(authsvc_session_status_name(AUTHSVC_SESSION_UNKNOWN_USER),
                           "unknown-user");
    CU_ASSERT_STRING_EQUAL(authsvc_session_status_name((authsvc_session_status_t)99), "?");
}

void authsvc_test_register_session(void)
{
    CU_pSuite s = CU_add_suite("session", suite_init, suite_clean);

    CU_add_test(s, "login gives a pair and the user",
                test_session_login_gives_a_pair_and_the_user);
    CU_add_test(s, "login refusals", test_session_login_refusals);
    CU_add_test(s, "refresh rotates and detects reuse",
                test_session_refresh_rotates_and_detects_reuse);
    CU_add_test(s, "refresh checks the access token",
                test_session_refresh_checks_the_access_token);
    CU_add_test(s, "logout revokes the pair", test_session_logout_revokes_the_pair);
    CU_add_test(s, "status names", test_session_status_names);
}
