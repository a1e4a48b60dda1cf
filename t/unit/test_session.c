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
#include <openssl/rand.h>

#include "authsvc_admin.h"
#include "authsvc_config_mail.h"
#include "authsvc_db.h"
#include "authsvc_gateway.h"
#include "authsvc_keys.h"
#include "authsvc_session.h"
#include "unit.h"

#define PASSWORD "Tq8-vorpal-Wyvern-51"

static apr_pool_t *pool;
static char *dir;
static const char *db_path;
static const char *client_secret;
static authsvc_server_config_t *config;
static authsvc_db_t *db;

static int admin(const char *input, const char *const *args, char **out_text)
{
    const char *argv[32] = {"authsvc-admin", "--driver", "sqlite3", "--params", db_path};
    int argc = 5, rc;
    size_t len = 0;
    char *out = NULL;
    FILE *in = input ? fmemopen((void *)input, strlen(input), "r") : fopen("/dev/null", "r");
    FILE *o = open_memstream(&out, &len), *err = fopen("/dev/null", "w");

    while (*args && argc < 31)
        argv[argc++] = *args++;
    argv[argc] = NULL;
    rc = authsvc_admin_main(pool, argc, argv, in, o, err);
    fclose(in);
    fclose(o);
    fclose(err);
    if (out_text)
        *out_text = apr_pstrdup(pool, out);
    free(out);
    return rc;
}

#define ADMIN(input, out, ...) admin((input), (const char *const[]){__VA_ARGS__, NULL}, (out))

/* The "client_secret: ..." line of client add. */
static const char *secret_of(const char *out)
{
    const char *at = out ? strstr(out, "client_secret:") : NULL;
    char *secret;

    if (!at)
        return NULL;
    at += strlen("client_secret:");
    while (*at == ' ')
        at++;
    secret = apr_pstrdup(pool, at);
    secret[strcspn(secret, " \n")] = '\0';
    return secret;
}

static int suite_init(void)
{
    unsigned char secret[32];
    authsvc_key_t *key = NULL;
    const char *why = NULL;
    char *out = NULL;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-session-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    db_path = apr_pstrcat(pool, dir, "/session.db", NULL);
    setenv("AUTHSVC_PASSWORD_BLOCKLIST", AUTHSVC_SOURCE_DIR "/conf/password-blocklist.txt", 1);
    if (ADMIN(NULL, NULL, "migrate") != 0
        || ADMIN(NULL, NULL, "tenant", "add", "--key", "t1", "--name", "T1") != 0
        || ADMIN(NULL, NULL, "role", "add", "--tenant", "t1", "--name", "member") != 0
        || ADMIN(NULL, &out, "client", "add", "--client-id", "web", "--redirect-url",
                 "http://127.0.0.1/")
               != 0
        || !(client_secret = secret_of(out))
        || ADMIN(PASSWORD "\n", NULL, "user", "add", "--username", "alice", "--tenant", "t1",
                 "--role", "member", "--client", "web", "--password-stdin")
               != 0)
        return 1;
    if (authsvc_db_open(pool, "sqlite3", db_path, &db, &why) != AUTHSVC_OK
        || RAND_bytes(secret, sizeof(secret)) != 1
        || authsvc_key_from_secret(pool, secret, sizeof(secret), &key, &why) != AUTHSVC_OK)
        return 1;
    config = apr_pcalloc(pool, sizeof(*config));
    config->use_database = 1;
    config->issuer = "http://127.0.0.1";
    config->issuer_set = 1;
    config->mail = authsvc_config_mail_create(pool);
    config->gateway = authsvc_gateway_server_create(pool);
    config->keyring = authsvc_keyring_make(pool);
    authsvc_keyring_add(config->keyring, key);
    config->keyring_set = 1;
    return 0;
}

static int suite_clean(void)
{
    char *cmd = apr_psprintf(pool, "rm -rf '%s'", dir);

    apr_pool_destroy(pool);
    return system(cmd) == 0 ? 0 : 1;
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
