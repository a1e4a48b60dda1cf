/* db_clients.c on a migrated SQLite file: creation, the look-up, a taken client_id, the
 * listing, the access tokens of live sessions, a new secret and deletion. */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_clients.h"
#include "authsvc_migrate.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_clients(void);

static apr_pool_t *pool;
static authsvc_db_t *db;

static authsvc_db_fixture_t fixture;

static int suite_open(const char *name)
{
    if (authsvc_db_fixture_open_empty(&fixture, name))
        return 1;
    pool = fixture.pool;
    db = fixture.db;
    return 0;
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&fixture);
    return 0;
}

/* Runs SQL text (the seed); 0 on success. */
static int sql(const char *text)
{
    return authsvc_db_exec_text(db, pool, text, NULL) != AUTHSVC_OK;
}

/* A tenant, a user and a client "seeded" with two users and three refresh tokens: one
 * live, one revoked, one whose access token expired. */
static int suite_init(void)
{
    return suite_open("db-clients")
           || sql("INSERT INTO tenants (id, tenant_key, name, status, created_at, updated_at) "
                  "VALUES ('t1', 'acme', 'Acme', 1, 1, 1)")
           || sql("INSERT INTO users (id, username, username_key, created_at, updated_at) "
                  "VALUES ('u1', 'a', 'a', 1, 1), ('u2', 'b', 'b', 1, 1)")
           || sql("INSERT INTO auth_clients (client_id, client_type, created_at, updated_at) "
                  "VALUES ('seeded', 'public', 5, 5)")
           || sql("INSERT INTO user_auth_clients (user_id, client_id) VALUES ('u1', 'seeded'), "
                  "('u2', 'seeded')")
           || sql(
               "INSERT INTO refresh_tokens (token_hash, family_id, family_expires_at, user_id, "
               "client_id, tenant_id, access_jti, access_exp, expires_at, revoked_at, "
               "created_at) VALUES "
               "('h1', 'f1', 9999999999999, 'u1', 'seeded', 't1', 'jti-live', 9999999999998, "
               "9999999999999, NULL, 1), "
               "('h2', 'f2', 9999999999999, 'u1', 'seeded', 't1', 'jti-revoked', "
               "9999999999998, 9999999999999, 5, 1), "
               "('h3', 'f3', 9999999999999, 'u2', 'seeded', 't1', 'jti-old', 10, "
               "9999999999999, NULL, 1)");
}

static void test_create_and_find(void)
{
    authsvc_db_client_t
        c = {"web", "$argon2id$h", "confidential", "https://web.example/cb", 300, 3600, 60},
        found;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_client_create(db, pool, &c), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_client_by_id(db, pool, "web", &found), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(found.client_id, "web");
    CU_ASSERT_STRING_EQUAL(found.secret_hash, "$argon2id$h");
    CU_ASSERT_STRING_EQUAL(found.type, "confidential");
    CU_ASSERT_STRING_EQUAL(found.redirect_url, "https://web.example/cb");
    CU_ASSERT_EQUAL(found.access_ttl, 300);
    CU_ASSERT_EQUAL(found.refresh_ttl, 3600);
    CU_ASSERT_EQUAL(found.code_ttl, 60);
    CU_ASSERT_EQUAL(authsvc_db_client_create(db, pool, &c), AUTHSVC_CONFLICT);
    CU_ASSERT_EQUAL(authsvc_db_client_by_id(db, pool, "nosuch", &found), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(found.client_id);
}

static void test_summaries(void)
{
    apr_array_header_t *rows = NULL;
    authsvc_db_client_summary_t *s, one;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_client_summaries(db, pool, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(rows->nelts, 2);
    s = &APR_ARRAY_IDX(rows, 0, authsvc_db_client_summary_t);
    CU_ASSERT_STRING_EQUAL(s->client_id, "seeded");
    CU_ASSERT_STRING_EQUAL(s->type, "public");
    CU_ASSERT_PTR_NULL(s->redirect_url);
    CU_ASSERT_EQUAL(s->access_ttl, 900);
    CU_ASSERT_EQUAL(s->created_at, 5);
    CU_ASSERT_EQUAL(s->users, 2);
    s = &APR_ARRAY_IDX(rows, 1, authsvc_db_client_summary_t);
    CU_ASSERT_STRING_EQUAL(s->client_id, "web");
    CU_ASSERT_EQUAL(s->users, 0);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_client_summary(db, pool, "web", &one), AUTHSVC_OK);
    CU_ASSERT_EQUAL(one.code_ttl, 60);
    CU_ASSERT_EQUAL(authsvc_db_client_summary(db, pool, "nosuch", &one), AUTHSVC_NOT_FOUND);
}

static void test_live_access(void)
{
    apr_array_header_t *tokens = NULL;
    authsvc_db_access_token_t *t;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_client_live_access(db, pool, "seeded", 1000, &tokens),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(tokens->nelts, 1);
    t = &APR_ARRAY_IDX(tokens, 0, authsvc_db_access_token_t);
    CU_ASSERT_STRING_EQUAL(t->jti, "jti-live");
    CU_ASSERT_EQUAL(t->expires_at, 9999999999998LL);
    CU_ASSERT_EQUAL(authsvc_db_client_live_access(db, pool, "seeded", 5, &tokens), AUTHSVC_OK);
    CU_ASSERT_EQUAL(tokens->nelts, 2);
    CU_ASSERT_EQUAL(authsvc_db_client_live_access(db, pool, "web", 5, &tokens), AUTHSVC_OK);
    CU_ASSERT_EQUAL(tokens->nelts, 0);
}

static void test_secret_and_delete(void)
{
    authsvc_db_client_t found;
    apr_array_header_t *rows = NULL;
    int changed = -1;

    CU_ASSERT_EQUAL(authsvc_db_client_set_secret(db, pool, "web", "$argon2id$new", &changed),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_client_by_id(db, pool, "web", &found), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(found.secret_hash, "$argon2id$new");
    /* a public client has no secret to replace */
    CU_ASSERT_EQUAL(authsvc_db_client_set_secret(db, pool, "seeded", "$argon2id$x", &changed),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 0);
    CU_ASSERT_EQUAL(authsvc_db_client_delete(db, pool, "seeded", &changed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(authsvc_db_client_by_id(db, pool, "seeded", &found), AUTHSVC_NOT_FOUND);
    /* its refresh tokens went with it */
    CU_ASSERT_EQUAL(authsvc_db_client_live_access(db, pool, "seeded", 5, &rows), AUTHSVC_OK);
    CU_ASSERT_EQUAL(rows->nelts, 0);
    CU_ASSERT_EQUAL(authsvc_db_client_delete(db, pool, "seeded", &changed), AUTHSVC_OK);
    CU_ASSERT_EQUAL(changed, 0);
}

void authsvc_test_register_db_clients(void)
{
    CU_pSuite s = CU_add_suite("db_clients", suite_init, suite_clean);

    CU_add_test(s, "a client: created, found, a taken id", test_create_and_find);
    CU_add_test(s, "clients listed with their users", test_summaries);
    CU_add_test(s, "the access tokens of live sessions", test_live_access);
    CU_add_test(s, "a new secret; deletion", test_secret_and_delete);
}
