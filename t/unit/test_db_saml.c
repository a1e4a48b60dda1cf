/* db_saml.c on a migrated SQLite file: an AuthnRequest stored, read and answered once;
 * the replay cache of Assertion IDs; the purge of both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_db.h"
#include "authsvc_db_saml.h"
#include "authsvc_migrate.h"
#include "unit.h"

#define IDP "https://idp.example/saml"

static apr_pool_t *pool;
static char *dir;
static authsvc_db_t *db;

static int suite_init(void)
{
    const char *error = NULL;
    const char *web[] = {"web", NULL, "public", "https://web.example/cb", "300", "3600",
                         "60",  "1",  "1"};
    authsvc_migrate_result_t result;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-db-saml-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    if (authsvc_db_open(pool, "sqlite3", apr_pstrcat(pool, dir, "/saml.db", NULL), &db, &error)
            != AUTHSVC_OK
        || authsvc_migrate(db, pool, &result) != AUTHSVC_OK)
        return 1;
    return authsvc_db_exec(db, pool, "authsvc_client_insert", NULL, 9, web) == AUTHSVC_OK ? 0
                                                                                          : 1;
}

static int suite_clean(void)
{
    static const char *const files[] = {"/saml.db", "/saml.db-wal", "/saml.db-shm"};
    apr_size_t i;

    apr_pool_destroy(pool); /* closes the connection */
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        apr_file_remove(apr_pstrcat(authsvc_test_pool(), dir, files[i], NULL),
                        authsvc_test_pool());
    apr_dir_remove(dir, authsvc_test_pool());
    return 0;
}

static void test_request_round_trip(void)
{
    long long now = authsvc_db_now_ms();
    authsvc_db_saml_request_t r = {"_req1", "web", IDP, "relay-1", now + 300000, now, "bh", 0};
    authsvc_db_saml_request_t out;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_saml_request_insert(db, pool, &r), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_saml_request_get(db, pool, "_req1", &out), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.request_id, "_req1");
    CU_ASSERT_STRING_EQUAL(out.client_id, "web");
    CU_ASSERT_STRING_EQUAL(out.idp_entity_id, IDP);
    CU_ASSERT_STRING_EQUAL(out.relay_state, "relay-1");
    CU_ASSERT_EQUAL(out.expires_at, now + 300000);
    CU_ASSERT_STRING_EQUAL(out.binding_hash, "bh");
    CU_ASSERT_EQUAL(out.used, 0);
    /* another client's or IdP's answer does not use it; the first right one does */
    CU_ASSERT_EQUAL(authsvc_db_saml_request_consume(db, pool, "_req1", "app", IDP, now),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_saml_request_consume(db, pool, "_req1", "web", "other", now),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_saml_request_consume(db, pool, "_req1", "web", IDP, now),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_saml_request_consume(db, pool, "_req1", "web", IDP, now),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_saml_request_get(db, pool, "_req1", &out), AUTHSVC_OK);
    CU_ASSERT_EQUAL(out.used, 1);
    CU_ASSERT_EQUAL(authsvc_db_saml_request_get(db, pool, "_nope", &out), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(out.request_id);
}

static void test_request_expired(void)
{
    long long now = authsvc_db_now_ms();
    authsvc_db_saml_request_t r = {"_req2", "web", IDP, NULL, now + 1000, now, NULL, 0};
    authsvc_db_saml_request_t out;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_saml_request_insert(db, pool, &r), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_saml_request_get(db, pool, "_req2", &out), AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(out.relay_state);
    CU_ASSERT_PTR_NULL(out.binding_hash);
    CU_ASSERT_EQUAL(authsvc_db_saml_request_consume(db, pool, "_req2", "web", IDP, now + 1000),
                    AUTHSVC_NOT_FOUND);
}

static void test_assertion_replay(void)
{
    long long until = authsvc_db_now_ms() + 60000;

    CU_ASSERT_EQUAL(authsvc_db_saml_assertion_remember(db, pool, IDP, "_a1", until),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_saml_assertion_remember(db, pool, IDP, "_a1", until),
                    AUTHSVC_CONFLICT);
    /* an ID is the IdP's own: another IdP may use it too */
    CU_ASSERT_EQUAL(authsvc_db_saml_assertion_remember(db, pool, "other", "_a1", until),
                    AUTHSVC_OK);
}

static void test_purge(void)
{
    long long now = authsvc_db_now_ms();
    authsvc_db_saml_request_t r = {"_req3", "web", IDP, NULL, now + 1000, now, NULL, 0};
    authsvc_db_saml_request_t out;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_saml_request_insert(db, pool, &r), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_saml_assertion_remember(db, pool, IDP, "_a3", now + 1000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_saml_purge(db, pool, now + 1001), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_saml_request_get(db, pool, "_req3", &out), AUTHSVC_NOT_FOUND);
    /* forgotten: the ID is accepted again */
    CU_ASSERT_EQUAL(authsvc_db_saml_assertion_remember(db, pool, IDP, "_a3", now + 9000),
                    AUTHSVC_OK);
}

void authsvc_test_register_db_saml(void)
{
    CU_pSuite s = CU_add_suite("db_saml", suite_init, suite_clean);

    CU_add_test(s, "an AuthnRequest: stored, read, answered once", test_request_round_trip);
    CU_add_test(s, "an expired AuthnRequest is not answered", test_request_expired);
    CU_add_test(s, "the replay cache: an Assertion ID once per IdP", test_assertion_replay);
    CU_add_test(s, "the purge of requests and Assertion IDs", test_purge);
}
