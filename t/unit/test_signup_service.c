/* The sign-up service without httpd or a request record: a context of the test's own over
 * the service fixture's database (AuthsvcSignUp t1 member web), the service called
 * directly, its status, output and rows read back. */
#include <string.h>

#include <CUnit/CUnit.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_config_mail.h"
#include "authsvc_db.h"
#include "authsvc_db_credentials.h"
#include "authsvc_db_users.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_passwords.h"
#include "authsvc_signup.h"
#include "service_fixture.h"
#include "unit.h"

#define PASSWORD "Rz4-jabberwock-Tulgey-27"

static authsvc_service_fixture_t fixture;

static int suite_init(void)
{
    authsvc_mail_config_t *mc;

    if (authsvc_service_fixture_open(&fixture, "signup"))
        return 1;
    mc = fixture.config->mail;
    mc->signup = 1;
    mc->signup_tenant = "t1";
    mc->signup_role = "member";
    mc->signup_clients = apr_array_make(fixture.pool, 1, sizeof(const char *));
    APR_ARRAY_PUSH(mc->signup_clients, const char *) = "web";
    return 0;
}

static int suite_clean(void)
{
    return authsvc_service_fixture_close(&fixture);
}

static authsvc_db_t *signup_db(authsvc_context_t *ctx)
{
    (void)ctx;
    return fixture.db;
}

static void signup_log(authsvc_context_t *ctx, authsvc_log_level_t level, const char *fmt, ...)
{
    (void)ctx;
    (void)level;
    (void)fmt;
}

static authsvc_context_t *context(void)
{
    authsvc_context_t *ctx = apr_pcalloc(fixture.pool, sizeof(*ctx));

    ctx->pool = fixture.pool;
    ctx->config = fixture.config;
    ctx->client_ip = "192.0.2.10";
    ctx->user_agent = "test_signup_service";
    ctx->issuer = fixture.config->issuer;
    ctx->db = signup_db;
    ctx->log = signup_log;
    return ctx;
}

static const char *invite(const char *email)
{
    const char *token = NULL;

    if (authsvc_mail_token_issue(context(), fixture.db, AUTHSVC_MAIL_INVITE, NULL, NULL, email,
                                 &token)
        != AUTHSVC_OK)
        return NULL;
    return token;
}

static authsvc_signup_status_t signup(const char *token, const char *email,
                                      const char *password, authsvc_signup_out_t *out)
{
    authsvc_signup_in_t in = {token, email, password, "Bob", NULL, NULL};

    return authsvc_signup_user_create(context(), fixture.db, &in, out);
}

static void test_signup_token_check(void)
{
    const char *token = invite("bob@example.org"), *email = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(token);
    CU_ASSERT_EQUAL(authsvc_signup_token_check(context(), fixture.db, token, &email),
                    AUTHSVC_SIGNUP_OK);
    CU_ASSERT_STRING_EQUAL(email, "bob@example.org");
    CU_ASSERT_EQUAL(authsvc_signup_token_check(context(), fixture.db, "no-such", &email),
                    AUTHSVC_SIGNUP_INVITE_INVALID);
    CU_ASSERT_EQUAL(authsvc_signup_token_check(context(), NULL, token, &email),
                    AUTHSVC_SIGNUP_UNAVAILABLE);
}

static void test_signup_refusals(void)
{
    const char *token = invite("carol@example.org"), *taken = invite("alice");
    authsvc_signup_out_t out;

    CU_ASSERT_PTR_NOT_NULL_FATAL(token);
    CU_ASSERT_EQUAL(signup(token, "mallory@example.org", PASSWORD, &out),
                    AUTHSVC_SIGNUP_EMAIL_MISMATCH);
    CU_ASSERT_EQUAL(signup(token, "carol@example.org", "short", &out),
                    AUTHSVC_SIGNUP_PASSWORD_INVALID);
    CU_ASSERT_PTR_NOT_NULL(out.why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(taken);
    CU_ASSERT_EQUAL(signup(taken, "alice", PASSWORD, &out), AUTHSVC_SIGNUP_USER_EXISTS);
}

static void test_signup_creates_the_user(void)
{
    const char *token = invite("Dave@example.org"), *stored = NULL, *email = NULL;
    authsvc_signup_out_t out;
    authsvc_db_user_t user;

    CU_ASSERT_PTR_NOT_NULL_FATAL(token);
    CU_ASSERT_EQUAL(signup(token, "dave@EXAMPLE.org", PASSWORD, &out), AUTHSVC_SIGNUP_OK);
    CU_ASSERT_STRING_EQUAL(out.email, "Dave@example.org");
    CU_ASSERT_PTR_NOT_NULL(out.tenant_id);
    CU_ASSERT(out.password_time > 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_by_id(fixture.db, fixture.pool, out.user_id, &user),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(user.first_name, "Bob");
    CU_ASSERT_EQUAL(authsvc_db_user_client_member(fixture.db, fixture.pool, out.user_id, "web"),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_credential_password(fixture.db, fixture.pool, out.user_id,
                                                   &stored),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_passwords_check(context(), stored, PASSWORD, NULL, NULL),
                    AUTHSVC_OK);
    /* the invite is used up */
    CU_ASSERT_EQUAL(authsvc_signup_token_check(context(), fixture.db, token, &email),
                    AUTHSVC_SIGNUP_INVITE_EXPIRED);
    CU_ASSERT_EQUAL(signup(token, "dave@example.org", PASSWORD, &out),
                    AUTHSVC_SIGNUP_INVITE_EXPIRED);
}

void authsvc_test_register_signup_service(void)
{
    CU_pSuite s = CU_add_suite("signup_service", suite_init, suite_clean);

    CU_add_test(s, "an invite checked", test_signup_token_check);
    CU_add_test(s, "sign-up refusals", test_signup_refusals);
    CU_add_test(s, "sign-up creates the user", test_signup_creates_the_user);
}
