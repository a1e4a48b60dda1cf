/* The passwords service and the reset-password service without httpd or a request
 * record: a context of the test's own over the service fixture's database, the service
 * called directly, its status, output and rows read back. */
#include <string.h>

#include <CUnit/CUnit.h>
#include <apr_strings.h>

#include "authsvc_db.h"
#include "authsvc_db_credentials.h"
#include "authsvc_db_users.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password_reset.h"
#include "authsvc_passwords.h"
#include "service_fixture.h"
#include "unit.h"

#define PASSWORD AUTHSVC_SERVICE_FIXTURE_PASSWORD
#define NEW_PASSWORD "Kx7-bandersnatch-Quill-93"

static authsvc_service_fixture_t fixture;
static int logged;

static int suite_init(void)
{
    return authsvc_service_fixture_open(&fixture, "passwords");
}

static int suite_clean(void)
{
    return authsvc_service_fixture_close(&fixture);
}

static authsvc_db_t *passwords_db(authsvc_context_t *ctx)
{
    (void)ctx;
    return fixture.db;
}

static void passwords_log(authsvc_context_t *ctx, authsvc_log_level_t level, const char *fmt,
                          ...)
{
    (void)ctx;
    (void)level;
    (void)fmt;
    logged++;
}

static authsvc_context_t *context(void)
{
    authsvc_context_t *ctx = apr_pcalloc(fixture.pool, sizeof(*ctx));

    ctx->pool = fixture.pool;
    ctx->config = fixture.config;
    ctx->client_ip = "192.0.2.9";
    ctx->user_agent = "test_passwords_service";
    ctx->issuer = fixture.config->issuer;
    ctx->db = passwords_db;
    ctx->log = passwords_log;
    return ctx;
}

static const char *alice_id(void)
{
    authsvc_db_user_t user;

    if (authsvc_db_user_by_username(fixture.db, fixture.pool, "alice", &user) != AUTHSVC_OK)
        return NULL;
    return user.id;
}

static void test_passwords_policy(void)
{
    const char *why = NULL;

    CU_ASSERT_EQUAL(authsvc_passwords_acceptable(context(), "alice", PASSWORD, &why),
                    AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(why);
    CU_ASSERT_EQUAL(authsvc_passwords_acceptable(context(), "alice", "short", &why),
                    AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(why);
}

static void test_passwords_hash_and_check(void)
{
    apr_interval_time_t spent = 0;
    const char *hash = NULL;
    int rehash = 1;

    CU_ASSERT_EQUAL(authsvc_passwords_hash(context(), PASSWORD, &hash, &spent), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(hash);
    CU_ASSERT(spent > 0);
    spent = 0;
    CU_ASSERT_EQUAL(authsvc_passwords_check(context(), hash, PASSWORD, &rehash, &spent),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(rehash, 0);
    CU_ASSERT(spent > 0);
    CU_ASSERT_EQUAL(authsvc_passwords_check(context(), hash, "wrong", NULL, NULL),
                    AUTHSVC_INVALID);
    spent = 0;
    /* no stored hash: refused, after the time of one hash */
    CU_ASSERT_EQUAL(authsvc_passwords_check(context(), NULL, PASSWORD, NULL, &spent),
                    AUTHSVC_INVALID);
    CU_ASSERT(spent > 0);
}

static void test_passwords_store(void)
{
    const char *id = alice_id(), *stored = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(id);
    CU_ASSERT_EQUAL(authsvc_passwords_store(context(), fixture.db, id, PASSWORD, NULL),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_credential_password(fixture.db, fixture.pool, id, &stored),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_passwords_check(context(), stored, PASSWORD, NULL, NULL),
                    AUTHSVC_OK);
}

static const char *reset_link(const char *user_id)
{
    const char *token = NULL;

    if (authsvc_mail_token_issue(context(), fixture.db, AUTHSVC_MAIL_RESET, user_id, "web",
                                 "alice@example.org", &token)
        != AUTHSVC_OK)
        return NULL;
    return token;
}

static authsvc_password_reset_status_t reset(const char *token, const char *client_id,
                                             const char *password,
                                             authsvc_password_reset_out_t *out)
{
    authsvc_password_reset_in_t in = {token, client_id, password};

    return authsvc_password_reset_apply(context(), fixture.db, &in, out);
}

static void test_password_reset_refusals(void)
{
    const char *token = reset_link(alice_id());
    authsvc_password_reset_out_t out;

    CU_ASSERT_PTR_NOT_NULL_FATAL(token);
    CU_ASSERT_EQUAL(authsvc_password_reset_link_check(context(), fixture.db, token),
                    AUTHSVC_RESET_OK);
    CU_ASSERT_EQUAL(authsvc_password_reset_link_check(context(), fixture.db, "no-such-token"),
                    AUTHSVC_RESET_TOKEN_INVALID);
    CU_ASSERT_EQUAL(reset("no-such-token", "web", NEW_PASSWORD, &out),
                    AUTHSVC_RESET_TOKEN_INVALID);
    CU_ASSERT_EQUAL(reset(token, "other", NEW_PASSWORD, &out), AUTHSVC_RESET_CLIENT_INVALID);
    CU_ASSERT_EQUAL(reset(token, "web", "short", &out), AUTHSVC_RESET_PASSWORD_INVALID);
    CU_ASSERT_PTR_NOT_NULL(out.why);
    CU_ASSERT_EQUAL(reset(token, "web", PASSWORD, &out), AUTHSVC_RESET_PASSWORD_REUSED);
    CU_ASSERT(out.password_time > 0);
    /* none of these used the link up */
    CU_ASSERT_EQUAL(authsvc_password_reset_link_check(context(), fixture.db, token),
                    AUTHSVC_RESET_OK);
}

static void test_password_reset_sets_the_password(void)
{
    const char *id = alice_id(), *token = reset_link(id), *stored = NULL;
    authsvc_password_reset_out_t out;
    int before = logged;

    CU_ASSERT_PTR_NOT_NULL_FATAL(token);
    CU_ASSERT_EQUAL(reset(token, "web", NEW_PASSWORD, &out), AUTHSVC_RESET_OK);
    CU_ASSERT_STRING_EQUAL(out.user_id, id);
    CU_ASSERT(out.password_time > 0);
    CU_ASSERT(logged > before);
    CU_ASSERT_EQUAL(authsvc_db_credential_password(fixture.db, fixture.pool, id, &stored),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_passwords_check(context(), stored, NEW_PASSWORD, NULL, NULL),
                    AUTHSVC_OK);
    /* the link is used up */
    CU_ASSERT_EQUAL(authsvc_password_reset_link_check(context(), fixture.db, token),
                    AUTHSVC_RESET_TOKEN_EXPIRED);
    CU_ASSERT_EQUAL(reset(token, "web", PASSWORD, &out), AUTHSVC_RESET_TOKEN_EXPIRED);
}

void authsvc_test_register_passwords_service(void)
{
    CU_pSuite s = CU_add_suite("passwords_service", suite_init, suite_clean);

    CU_add_test(s, "the policy", test_passwords_policy);
    CU_add_test(s, "hash and check, timed", test_passwords_hash_and_check);
    CU_add_test(s, "a stored password", test_passwords_store);
    CU_add_test(s, "reset refusals", test_password_reset_refusals);
    CU_add_test(s, "a reset sets the password", test_password_reset_sets_the_password);
}
