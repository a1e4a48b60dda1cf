/* db_social.c on a migrated SQLite file: a login state stored, read, used once and
 * purged; the provider's tokens of a user saved, replaced, read and deleted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_db.h"
#include "authsvc_db_social.h"
#include "authsvc_db_users.h"
#include "authsvc_migrate.h"
#include "authsvc_tokens.h"
#include "unit.h"

static apr_pool_t *pool;
static char *dir;
static authsvc_db_t *db;
static const char *user_id;

/* A client "web" and a user "nina" in tenant "acme". */
static int suite_seed(void)
{
    const char *tenant[] = {"t1", "acme", "Acme", "1", "1", "1"};
    const char *role[] = {"r1", "t1", "member", "1", "1"};
    const char *web[] = {"web", NULL, "public", "https://web.example/cb", "300", "3600",
                         "60",  "1",  "1"};
    authsvc_user_new_t u = {NULL, "nina", NULL,
                            NULL, NULL,   NULL,
                            "t1", "r1",   AUTHSVC_USER_ACTIVE,
                            NULL, NULL,   NULL,
                            NULL};

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
    dir = apr_pstrdup(pool, "/tmp/authsvc-test-db-social-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    if (authsvc_db_open(pool, "sqlite3", apr_pstrcat(pool, dir, "/social.db", NULL), &db,
                        &error)
            != AUTHSVC_OK
        || authsvc_migrate(db, pool, &result) != AUTHSVC_OK)
        return 1;
    return suite_seed();
}

static int suite_clean(void)
{
    static const char *const files[] = {"/social.db", "/social.db-wal", "/social.db-shm"};
    apr_size_t i;

    apr_pool_destroy(pool); /* closes the connection */
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        apr_file_remove(apr_pstrcat(authsvc_test_pool(), dir, files[i], NULL),
                        authsvc_test_pool());
    apr_dir_remove(dir, authsvc_test_pool());
    return 0;
}

static void test_state_round_trip(void)
{
    long long now = authsvc_db_now_ms();
    authsvc_db_social_state_t s = {"keycloak",   "web",     "bindhash",   "nonce-1",
                                   "verifier-1", "a=1&b=2", now + 600000, 0};
    authsvc_db_social_state_t out;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_social_state_insert(db, pool, "hash-1", &s), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_social_state_get(db, pool, "hash-1", &out), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.provider, "keycloak");
    CU_ASSERT_STRING_EQUAL(out.client_id, "web");
    CU_ASSERT_STRING_EQUAL(out.binding_hash, "bindhash");
    CU_ASSERT_STRING_EQUAL(out.nonce, "nonce-1");
    CU_ASSERT_STRING_EQUAL(out.code_verifier, "verifier-1");
    CU_ASSERT_STRING_EQUAL(out.kept_params, "a=1&b=2");
    CU_ASSERT_EQUAL(out.expires_at, now + 600000);
    CU_ASSERT_EQUAL(out.used, 0);
    /* used once: the second use and a use after the expiry lose */
    CU_ASSERT_EQUAL(authsvc_db_social_state_consume(db, pool, "hash-1", now), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_social_state_consume(db, pool, "hash-1", now),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_social_state_get(db, pool, "hash-1", &out), AUTHSVC_OK);
    CU_ASSERT_EQUAL(out.used, 1);
    CU_ASSERT_EQUAL(authsvc_db_social_state_get(db, pool, "hash-2", &out), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(out.provider);
}

static void test_state_expiry_and_purge(void)
{
    long long now = authsvc_db_now_ms();
    authsvc_db_social_state_t s = {"google", "web", "b", NULL, NULL, NULL, now + 1000, 0};
    authsvc_db_social_state_t out;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_social_state_insert(db, pool, "hash-3", &s), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_social_state_consume(db, pool, "hash-3", now + 1000),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_social_state_purge(db, pool, now), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_social_state_get(db, pool, "hash-3", &out), AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(out.nonce);
    CU_ASSERT_EQUAL(authsvc_db_social_state_purge(db, pool, now + 1001), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_social_state_get(db, pool, "hash-3", &out), AUTHSVC_NOT_FOUND);
}

static void test_session_save_get_delete(void)
{
    authsvc_db_social_session_t first = {"at-1", "rt-1", "id-1"};
    authsvc_db_social_session_t second = {"at-2", NULL, NULL};
    authsvc_db_social_session_t out;

    CU_ASSERT_EQUAL(authsvc_db_social_session_get(db, pool, user_id, "keycloak", &out),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_social_session_save(db, pool, user_id, "keycloak", &first),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_social_session_get(db, pool, user_id, "keycloak", &out),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.access_token, "at-1");
    CU_ASSERT_STRING_EQUAL(out.refresh_token, "rt-1");
    CU_ASSERT_STRING_EQUAL(out.id_token, "id-1");
    /* the latest login's tokens replace the earlier ones */
    CU_ASSERT_EQUAL(authsvc_db_social_session_save(db, pool, user_id, "keycloak", &second),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_social_session_get(db, pool, user_id, "keycloak", &out),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.access_token, "at-2");
    CU_ASSERT_PTR_NULL(out.refresh_token);
    CU_ASSERT_EQUAL(authsvc_db_social_session_delete(db, pool, user_id, "keycloak"),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_social_session_get(db, pool, user_id, "keycloak", &out),
                    AUTHSVC_NOT_FOUND);
}

void authsvc_test_register_db_social(void)
{
    CU_pSuite s = CU_add_suite("db_social", suite_init, suite_clean);

    CU_add_test(s, "a login state: stored, read, used once", test_state_round_trip);
    CU_add_test(s, "a login state: expired, purged", test_state_expiry_and_purge);
    CU_add_test(s, "the provider's tokens: saved, replaced, deleted",
                test_session_save_get_delete);
}
