/* db_user_links.c on a migrated SQLite file: a link added, found from either side,
 * listed, refused twice, removed; a password is never removed as a link. */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db.h"
#include "authsvc_db_user_links.h"
#include "authsvc_migrate.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_user_links(void);

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

static int suite_init(void)
{
    return suite_open("db-user-links")
           || sql("INSERT INTO users (id, username, username_key, created_at, updated_at) "
                  "VALUES ('u1', 'a', 'a', 1, 1), ('u2', 'b', 'b', 1, 1)")
           || sql("INSERT INTO user_credentials (id, user_id, provider, external_id, "
                  "password_hash, created_at, updated_at) VALUES "
                  "('c1', 'u1', 'internal', NULL, '$argon2id$h', 1, 1)");
}

static void test_add_and_find(void)
{
    const char *value = "x";

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_link_add(db, pool, "u1", "google", "g-1"),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_link_add(db, pool, "u1", "saml:https://idp", "s-1"),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_user_link_owner(db, pool, "google", "g-1", &value), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(value, "u1");
    CU_ASSERT_EQUAL(authsvc_db_user_link_of(db, pool, "u1", "google", &value), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(value, "g-1");
    CU_ASSERT_EQUAL(authsvc_db_user_link_owner(db, pool, "google", "g-2", &value),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(value);
    CU_ASSERT_EQUAL(authsvc_db_user_link_of(db, pool, "u2", "google", &value),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(value);
    /* the same identity, or a second one of that provider for the user: refused */
    CU_ASSERT_EQUAL(authsvc_db_user_link_add(db, pool, "u2", "google", "g-1"),
                    AUTHSVC_CONFLICT);
    CU_ASSERT_EQUAL(authsvc_db_user_link_add(db, pool, "u1", "google", "g-2"),
                    AUTHSVC_CONFLICT);
}

static void test_list(void)
{
    apr_array_header_t *links = NULL;
    const authsvc_db_user_link_t *l;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_user_links(db, pool, "u1", &links), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(links->nelts, 2); /* not the password */
    l = &APR_ARRAY_IDX(links, 0, authsvc_db_user_link_t);
    CU_ASSERT_STRING_EQUAL(l->provider, "google");
    CU_ASSERT_STRING_EQUAL(l->subject, "g-1");
    CU_ASSERT(l->linked_at > 0);
    CU_ASSERT_STRING_EQUAL(APR_ARRAY_IDX(links, 1, authsvc_db_user_link_t).provider,
                           "saml:https://idp");
    CU_ASSERT_EQUAL(authsvc_db_user_links(db, pool, "u2", &links), AUTHSVC_OK);
    CU_ASSERT_EQUAL(links->nelts, 0);
}

static void test_remove(void)
{
    apr_array_header_t *links = NULL;
    int removed = -1;

    CU_ASSERT_EQUAL(authsvc_db_user_link_remove(db, pool, "google", "g-1", &removed),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(removed, 1);
    CU_ASSERT_EQUAL(authsvc_db_user_link_remove(db, pool, "google", "g-1", &removed),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(removed, 0);
    CU_ASSERT_EQUAL(authsvc_db_user_link_remove(db, pool, "internal", NULL, &removed),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(removed, 0);
    CU_ASSERT_EQUAL(authsvc_db_user_links(db, pool, "u1", &links), AUTHSVC_OK);
    CU_ASSERT_EQUAL(links->nelts, 1);
}

void authsvc_test_register_db_user_links(void)
{
    CU_pSuite s = CU_add_suite("db_user_links", suite_init, suite_clean);

    CU_add_test(s, "a link added, found from either side", test_add_and_find);
    CU_add_test(s, "a user's links, not its password", test_list);
    CU_add_test(s, "a link removed", test_remove);
}
