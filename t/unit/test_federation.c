/* federation.c with a context of the test's own over a migrated SQLite file: the user
 * of a stored link, a social login state, the AuthnRequest a SAML Response answers (each refusal), and the
 * replay cache. No request, no HTTP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_db.h"
#include "authsvc_db_identities.h"
#include "authsvc_db_social.h"
#include "authsvc_db_users.h"
#include "authsvc_federation.h"
#include "authsvc_migrate.h"
#include "authsvc_tokens.h"
#include "unit.h"

#define IDP "https://idp.example/saml"

static apr_pool_t *pool;
static char *dir;
static authsvc_db_t *db;
static authsvc_context_t ctx;
static const char *user_id;

static authsvc_db_t *test_db(authsvc_context_t *c)
{
    (void)c;
    return db;
}

static void test_log(authsvc_context_t *c, authsvc_log_level_t level, const char *fmt, ...)
{
    (void)c;
    (void)level;
    (void)fmt;
}

/* A client "web", a user "olga" in tenant "acme" linked to keycloak's "sub-9". */
static int suite_seed(void)
{
    const char *tenant[] = {"t1", "acme", "Acme", "1", "1", "1"};
    const char *role[] = {"r1", "t1", "member", "1", "1"};
    const char *web[] = {"web", NULL, "public", "https://web.example/cb", "300", "3600",
                         "60",  "1",  "1"};
    authsvc_user_new_t u = {NULL,   "olga", "olga@example.org",  NULL, NULL, NULL,
                            "t1",   "r1",   AUTHSVC_USER_ACTIVE, NULL, NULL, "keycloak",
                            "sub-9"};

    return authsvc_db_exec(db, pool, "authsvc_tenant_insert", NULL, 6, tenant) == AUTHSVC_OK
                   && authsvc_db_exec(db, pool, "authsvc_role_insert", NULL, 5, role)
                          == AUTHSVC_OK
                   && authsvc_db_exec(db, pool, "authsvc_client_insert", NULL, 9, web)
                          == AUTHSVC_OK
                   && authsvc_db_user_create(db, pool, &u, &user_id) == AUTHSVC_OK
               ? 0
               : 1;
}

static int suite_init(void)
{
    const char *error = NULL;
    authsvc_migrate_result_t result;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-federation-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    if (authsvc_db_open(pool, "sqlite3", apr_pstrcat(pool, dir, "/fed.db", NULL), &db, &error)
            != AUTHSVC_OK
        || authsvc_migrate(db, pool, &result) != AUTHSVC_OK)
        return 1;
    memset(&ctx, 0, sizeof(ctx));
    ctx.pool = pool;
    ctx.db = test_db;
    ctx.log = test_log;
    return suite_seed();
}

static int suite_clean(void)
{
    static const char *const files[] = {"/fed.db", "/fed.db-wal", "/fed.db-shm"};
    apr_size_t i;

    apr_pool_destroy(pool); /* closes the connection */
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        apr_file_remove(apr_pstrcat(authsvc_test_pool(), dir, files[i], NULL),
                        authsvc_test_pool());
    apr_dir_remove(dir, authsvc_test_pool());
    return 0;
}

/* The stored link answers; a transient identity is not looked up; without the link by
 * e-mail, or without an account with the e-mail, there is no user. */
static void test_user(void)
{
    authsvc_identity_t id = {"keycloak", "sub-9", NULL, 0, 1, "web"};
    authsvc_identity_t stranger = {"keycloak", "sub-0", "nobody@example.org", 1, 1, "web"};
    const char *found = NULL, *how = NULL;

    CU_ASSERT_EQUAL(authsvc_federation_user(&ctx, db, &id, 1, 0, &found, &how), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(found, user_id);
    CU_ASSERT_STRING_EQUAL(how, "linked");
    found = NULL;
    CU_ASSERT_EQUAL(authsvc_federation_user(&ctx, db, &id, 0, 0, &found, &how),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(found);
    CU_ASSERT_EQUAL(authsvc_federation_user(&ctx, db, &stranger, 1, 1, &found, &how),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_STRING_EQUAL(how, "email");
    CU_ASSERT_PTR_NULL(found);
}

static void test_social_state(void)
{
    authsvc_db_social_state_t s = {
        "keycloak", "web", authsvc_token_hash(pool, "cookie-s"), NULL,
        NULL,       NULL,  authsvc_db_now_ms() + 600000,         0};
    authsvc_db_social_state_t out;
    const char *why = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_social_state_insert(db, pool,
                                                         authsvc_token_hash(pool, "state-1"),
                                                         &s),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_federation_social_state_take(&ctx, db, "keycloak", "", "cookie-s",
                                                         &out, &why),
                    AUTHSVC_INVALID);
    CU_ASSERT_STRING_EQUAL(why, "no state");
    CU_ASSERT_EQUAL(authsvc_federation_social_state_take(&ctx, db, "keycloak", "state-0",
                                                         "cookie-s", &out, &why),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_federation_social_state_take(&ctx, db, "google", "state-1",
                                                         "cookie-s", &out, &why),
                    AUTHSVC_INVALID);
    CU_ASSERT_STRING_EQUAL(why, "state of another provider");
    CU_ASSERT_EQUAL(authsvc_federation_social_state_take(&ctx, db, "keycloak", "state-1", NULL,
                                                         &out, &why),
                    AUTHSVC_INVALID);
    CU_ASSERT_STRING_EQUAL(why, "state of another browser");
    CU_ASSERT_EQUAL(authsvc_federation_social_state_take(&ctx, db, "keycloak", "state-1",
                                                         "cookie-s", &out, &why),
                    AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(why);
    CU_ASSERT_STRING_EQUAL(out.client_id, "web");
    /* used up */
    CU_ASSERT_EQUAL(authsvc_federation_social_state_take(&ctx, db, "keycloak", "state-1",
                                                         "cookie-s", &out, &why),
                    AUTHSVC_NOT_FOUND);
}

/* A new state is stored under the value sent to the provider and taken back with the
 * binding cookie the browser got. */
static void test_social_state_new(void)
{
    authsvc_social_start_t start = {"keycloak", "web", 1, 0, "a=1"};
    authsvc_db_social_state_t s, taken;
    const char *state = NULL, *binding = NULL, *why = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_federation_social_state_new(&ctx, db, &start, &state,
                                                              &binding, &s),
                          AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(state);
    CU_ASSERT_PTR_NOT_NULL_FATAL(binding);
    CU_ASSERT_PTR_NOT_NULL(s.nonce);
    CU_ASSERT_PTR_NULL(s.code_verifier);
    CU_ASSERT_STRING_EQUAL(s.binding_hash, authsvc_token_hash(pool, binding));
    CU_ASSERT(s.expires_at > authsvc_db_now_ms());
    CU_ASSERT_EQUAL_FATAL(authsvc_federation_social_state_take(&ctx, db, "keycloak", state,
                                                               binding, &taken, &why),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(taken.nonce, s.nonce);
    CU_ASSERT_STRING_EQUAL(taken.kept_params, "a=1");
    CU_ASSERT_STRING_EQUAL(taken.client_id, "web");
}

static authsvc_status_t store(const char *request_id, const char *binding, int ttl)
{
    authsvc_saml_request_t r = {request_id, "web", IDP, "relay", ttl, binding};

    return authsvc_federation_saml_request_store(&ctx, db, &r);
}

static const char *take(const authsvc_saml_answer_t *a, const char **client_id,
                        const char **relay_state)
{
    const char *why = NULL;
    authsvc_status_t st = authsvc_federation_saml_request_take(&ctx, db, a, client_id,
                                                               relay_state, &why);

    CU_ASSERT_EQUAL(st, why ? AUTHSVC_INVALID : AUTHSVC_OK);
    return why;
}

static void test_request_taken_once(void)
{
    authsvc_saml_answer_t a = {IDP, "_r1", 0, "web", "cookie-1"};
    const char *client = NULL, *relay = NULL;

    CU_ASSERT_EQUAL_FATAL(store("_r1", "cookie-1", 300), AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(take(&a, &client, &relay));
    CU_ASSERT_STRING_EQUAL(client, "web");
    CU_ASSERT_STRING_EQUAL(relay, "relay");
    CU_ASSERT_STRING_EQUAL(take(&a, &client, &relay),
                           "the AuthnRequest was answered already or has expired");
}

static void test_request_refusals(void)
{
    authsvc_saml_answer_t a = {IDP, "_r2", 0, NULL, "another-cookie"};
    const char *client = NULL, *relay = NULL;

    CU_ASSERT_EQUAL_FATAL(store("_r2", "cookie-2", 300), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(take(&a, &client, &relay),
                           "the Response came back through another browser than the one "
                           "that started the login (binding cookie)");
    a.binding = NULL;
    CU_ASSERT_PTR_NOT_NULL(take(&a, &client, &relay));
    a.binding = "cookie-2";
    a.query_client = "app";
    CU_ASSERT_STRING_EQUAL(take(&a, &client, &relay),
                           "the Response answers a request of another client");
    a.query_client = NULL;
    a.in_response_to = "_nope";
    CU_ASSERT_STRING_EQUAL(take(&a, &client, &relay),
                           "InResponseTo names no AuthnRequest of this service");
    /* the refusals did not use the request up */
    a.in_response_to = "_r2";
    CU_ASSERT_PTR_NULL(take(&a, &client, &relay));
}

static void test_unsolicited(void)
{
    authsvc_saml_answer_t a = {IDP, NULL, 0, "web", NULL};
    const char *client = NULL, *relay = "x";

    CU_ASSERT_STRING_EQUAL(take(&a, &client, &relay),
                           "an unsolicited Response, and IdP-initiated logins are off");
    a.idp_initiated = 1;
    CU_ASSERT_PTR_NULL(take(&a, &client, &relay));
    CU_ASSERT_STRING_EQUAL(client, "web");
    CU_ASSERT_PTR_NULL(relay);
    a.query_client = NULL;
    CU_ASSERT_STRING_EQUAL(take(&a, &client, &relay),
                           "an unsolicited Response names no client (?client=)");
}

static void test_replay(void)
{
    long long until = authsvc_db_now_ms() + 60000;
    const char *why = "x";

    CU_ASSERT_EQUAL(authsvc_federation_saml_replay(&ctx, db, IDP, "_a1", until, &why),
                    AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(why);
    CU_ASSERT_EQUAL(authsvc_federation_saml_replay(&ctx, db, IDP, "_a1", until, &why),
                    AUTHSVC_INVALID);
    CU_ASSERT_STRING_EQUAL(why, "the Assertion was used before (replay)");
}

void authsvc_test_register_federation(void)
{
    CU_pSuite s = CU_add_suite("federation", suite_init, suite_clean);

    CU_add_test(s, "the user of an identity: linked, transient, unknown", test_user);
    CU_add_test(s, "a social login state: each refusal, used once", test_social_state);
    CU_add_test(s, "a new social login state, taken back", test_social_state_new);
    CU_add_test(s, "an AuthnRequest is answered once", test_request_taken_once);
    CU_add_test(s, "answers of another browser, client or request", test_request_refusals);
    CU_add_test(s, "unsolicited Responses", test_unsolicited);
    CU_add_test(s, "the replay cache", test_replay);
}
