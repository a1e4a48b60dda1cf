/* db_tokens.c and the bearer look-ups of db_revocations.c on a migrated SQLite file:
 * refresh tokens stored, read, consumed once, revoked; the access tokens of a family and
 * of a user's other families, and their refresh tokens revoked; auth codes stored, read,
 * redeemed once, given their family; a revocation stored; a bearer token's audience and
 * revocation. */
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_db_principals.h"
#include "authsvc_db_revocations.h"
#include "authsvc_db_tokens.h"
#include "db_fixture.h"
#include "unit.h"

void authsvc_test_register_db_tokens(void);

static authsvc_db_fixture_t f;

static int suite_init(void)
{
    return authsvc_db_fixture_open(&f, "db-tokens");
}

static int suite_clean(void)
{
    authsvc_db_fixture_close(&f);
    return 0;
}

/* A refresh token of alice through "web" in family, its access token jti expiring
 * access_exp. */
static authsvc_status_t refresh_store(const char *hash, const char *family, const char *jti,
                                      long long access_exp)
{
    authsvc_db_refresh_t rt;

    memset(&rt, 0, sizeof(rt));
    rt.hash = hash;
    rt.family_id = family;
    rt.family_expires = 90000;
    rt.user_id = f.user_id;
    rt.client_id = "web";
    rt.tenant_id = f.tenant_id;
    rt.access_jti = jti;
    rt.access_exp = access_exp;
    rt.expires = 80000;
    return authsvc_db_refresh_insert(f.db, f.pool, &rt, 10);
}

static const char *jti_at(const apr_array_header_t *tokens, int i)
{
    return APR_ARRAY_IDX(tokens, i, authsvc_db_access_token_t).jti;
}

static void test_refresh(void)
{
    authsvc_db_refresh_t got;

    CU_ASSERT_EQUAL_FATAL(refresh_store("h-one", "fam-one", "jti-one", 5000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(refresh_store("h-one", "fam-one", "jti-one", 5000), AUTHSVC_CONFLICT);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_refresh_get(f.db, f.pool, "h-one", &got), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.family_id, "fam-one");
    CU_ASSERT_EQUAL(got.family_expires, 90000);
    CU_ASSERT_STRING_EQUAL(got.user_id, f.user_id);
    CU_ASSERT_STRING_EQUAL(got.client_id, "web");
    CU_ASSERT_STRING_EQUAL(got.tenant_id, f.tenant_id);
    CU_ASSERT_STRING_EQUAL(got.access_jti, "jti-one");
    CU_ASSERT_EQUAL(got.access_exp, 5000);
    CU_ASSERT_EQUAL(got.expires, 80000);
    CU_ASSERT_FALSE(got.consumed);
    CU_ASSERT_FALSE(got.revoked);
    /* consumed once; not after its expiry */
    CU_ASSERT_EQUAL(authsvc_db_refresh_consume(f.db, f.pool, "h-one", 80000),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_refresh_consume(f.db, f.pool, "h-one", 100), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_refresh_consume(f.db, f.pool, "h-one", 100), AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_refresh_revoke(f.db, f.pool, "h-one", 200), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_refresh_get(f.db, f.pool, "h-one", &got), AUTHSVC_OK);
    CU_ASSERT_TRUE(got.consumed);
    CU_ASSERT_TRUE(got.revoked);
    CU_ASSERT_EQUAL(authsvc_db_refresh_get(f.db, f.pool, "nosuch", &got), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NULL(got.family_id);
}

static void test_family(void)
{
    apr_array_header_t *tokens = NULL;
    authsvc_db_refresh_t got;

    CU_ASSERT_EQUAL_FATAL(refresh_store("h-a1", "fam-a", "jti-a1", 5000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(refresh_store("h-a2", "fam-a", "jti-a2", 500), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(refresh_store("h-b1", "fam-b", "jti-b1", 6000), AUTHSVC_OK);
    /* the access tokens still live at 1000 */
    CU_ASSERT_EQUAL_FATAL(authsvc_db_refresh_family_access(f.db, f.pool, "fam-a", 1000,
                                                           &tokens),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(tokens->nelts, 1);
    CU_ASSERT_STRING_EQUAL(jti_at(tokens, 0), "jti-a1");
    CU_ASSERT_EQUAL(APR_ARRAY_IDX(tokens, 0, authsvc_db_access_token_t).expires_at, 5000);
    CU_ASSERT_EQUAL(authsvc_db_refresh_revoke_family(f.db, f.pool, "fam-a", 2000), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_refresh_get(f.db, f.pool, "h-a2", &got), AUTHSVC_OK);
    CU_ASSERT_TRUE(got.revoked);
    CU_ASSERT_EQUAL(authsvc_db_refresh_get(f.db, f.pool, "h-b1", &got), AUTHSVC_OK);
    CU_ASSERT_FALSE(got.revoked);
    /* a revoked family still lists its access tokens */
    CU_ASSERT_EQUAL(authsvc_db_refresh_family_access(f.db, f.pool, "fam-a", 1000, &tokens),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(tokens->nelts, 1);
    CU_ASSERT_EQUAL(authsvc_db_refresh_family_access(f.db, f.pool, "nosuch", 1000, &tokens),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(tokens->nelts, 0);
}

static void test_user_other(void)
{
    apr_array_header_t *tokens = NULL;
    authsvc_db_refresh_t got;

    CU_ASSERT_EQUAL_FATAL(refresh_store("h-c1", "fam-c", "jti-c1", 7000), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(refresh_store("h-d1", "fam-d", "jti-d1", 7000), AUTHSVC_OK);
    /* keeping fam-c: fam-b and fam-d (fam-a and fam-one are revoked) */
    CU_ASSERT_EQUAL_FATAL(authsvc_db_refresh_user_other_access(f.db, f.pool, f.user_id, "fam-c",
                                                               1000, &tokens),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(tokens->nelts, 2);
    CU_ASSERT(strcmp(jti_at(tokens, 0), "jti-c1") != 0
              && strcmp(jti_at(tokens, 1), "jti-c1") != 0);
    CU_ASSERT_EQUAL(authsvc_db_refresh_user_other_access(f.db, f.pool, f.user_id, NULL, 1000,
                                                         &tokens),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(tokens->nelts, 3);
    CU_ASSERT_EQUAL(authsvc_db_refresh_user_other_access(f.db, f.pool, f.user_id, NULL, 6500,
                                                         &tokens),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(tokens->nelts, 2);
    CU_ASSERT_EQUAL(authsvc_db_refresh_revoke_user_other(f.db, f.pool, f.user_id, "fam-c",
                                                         3000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_refresh_get(f.db, f.pool, "h-d1", &got), AUTHSVC_OK);
    CU_ASSERT_TRUE(got.revoked);
    CU_ASSERT_EQUAL(authsvc_db_refresh_get(f.db, f.pool, "h-c1", &got), AUTHSVC_OK);
    CU_ASSERT_FALSE(got.revoked);
    CU_ASSERT_EQUAL(authsvc_db_refresh_revoke_user_other(f.db, f.pool, f.user_id, NULL, 4000),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_refresh_get(f.db, f.pool, "h-c1", &got), AUTHSVC_OK);
    CU_ASSERT_TRUE(got.revoked);
    CU_ASSERT_EQUAL(authsvc_db_refresh_user_other_access(f.db, f.pool, f.user_id, NULL, 1000,
                                                         &tokens),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(tokens->nelts, 0);
}

static void test_auth_code(void)
{
    authsvc_db_auth_code_t code, got;
    authsvc_db_membership_t m;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_membership_get(f.db, f.pool, f.user_id, f.tenant_id, &m),
                          AUTHSVC_OK);
    memset(&code, 0, sizeof(code));
    code.hash = "code-hash";
    code.client_id = "web";
    code.user_id = f.user_id;
    code.tenant_id = f.tenant_id;
    code.user_tenant_id = m.id;
    code.mfa_pending = 1;
    code.expires_at = 5000;
    CU_ASSERT_EQUAL_FATAL(authsvc_db_auth_code_insert(f.db, f.pool, &code, 10), AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_auth_code_get(f.db, f.pool, "code-hash", &got),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(got.client_id, "web");
    CU_ASSERT_STRING_EQUAL(got.user_id, f.user_id);
    CU_ASSERT_STRING_EQUAL(got.tenant_id, f.tenant_id);
    CU_ASSERT_STRING_EQUAL(got.user_tenant_id, m.id);
    CU_ASSERT_EQUAL(got.mfa_pending, 1);
    CU_ASSERT_EQUAL(got.expires_at, 5000);
    CU_ASSERT_FALSE(got.used);
    CU_ASSERT_PTR_NULL(got.family_id);
    CU_ASSERT_EQUAL(got.otp_failures, 0);
    CU_ASSERT_EQUAL(authsvc_db_auth_code_consume(f.db, f.pool, "code-hash", 5000),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_auth_code_consume(f.db, f.pool, "code-hash", 100), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_auth_code_consume(f.db, f.pool, "code-hash", 100),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_EQUAL(authsvc_db_auth_code_set_family(f.db, f.pool, "code-hash", "fam-z"),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL_FATAL(authsvc_db_auth_code_get(f.db, f.pool, "code-hash", &got),
                          AUTHSVC_OK);
    CU_ASSERT_TRUE(got.used);
    CU_ASSERT_STRING_EQUAL(got.family_id, "fam-z");
    CU_ASSERT_EQUAL(authsvc_db_auth_code_get(f.db, f.pool, "nosuch", &got), AUTHSVC_NOT_FOUND);
}

static void test_revocation_insert(void)
{
    CU_ASSERT_EQUAL(authsvc_db_revocation_insert(f.db, f.pool, "jti-r", 9000, 100), AUTHSVC_OK);
    /* a second revocation of the same jti changes nothing */
    CU_ASSERT_EQUAL(authsvc_db_revocation_insert(f.db, f.pool, "jti-r", 9999, 200), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_fixture_count(&f, "SELECT expires_at FROM revoked_tokens "
                                                 "WHERE jti = 'jti-r'"),
                    9000);
    CU_ASSERT_EQUAL(authsvc_db_fixture_count(&f, "SELECT revoked_at FROM revoked_tokens "
                                                 "WHERE jti = 'jti-r'"),
                    100);
    CU_ASSERT_EQUAL(authsvc_db_revocation_check(f.db, f.pool, "jti-r"), AUTHSVC_OK);
}

static void test_bearer(void)
{
    int member = -1, revoked = -1;

    CU_ASSERT_EQUAL_FATAL(authsvc_db_exec_text(f.db, f.pool,
                                               apr_pstrcat(f.pool,
                                                           "INSERT INTO user_auth_clients "
                                                           "(user_id, client_id) VALUES ('",
                                                           f.user_id, "', 'web')", NULL),
                                               NULL),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_bearer_state(f.db, f.pool, f.user_id, "web", "jti-live", &member,
                                            &revoked),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(member, 1);
    CU_ASSERT_EQUAL(revoked, 0);
    CU_ASSERT_EQUAL(authsvc_db_revocation_insert(f.db, f.pool, "jti-gone", 9000, 100),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_db_bearer_state(f.db, f.pool, f.user_id, "web", "jti-gone", &member,
                                            &revoked),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(member, 1);
    CU_ASSERT_EQUAL(revoked, 1);
    CU_ASSERT_EQUAL(authsvc_db_bearer_state(f.db, f.pool, f.user_id, "other", "jti-live",
                                            &member, &revoked),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(member, 0);
    CU_ASSERT_EQUAL(revoked, 0);
    CU_ASSERT_EQUAL(authsvc_db_bearer_audience(f.db, f.pool, f.user_id, "web", &member),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(member, 1);
    CU_ASSERT_EQUAL(authsvc_db_bearer_audience(f.db, f.pool, "nobody", "web", &member),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(member, 0);
}

void authsvc_test_register_db_tokens(void)
{
    CU_pSuite s = CU_add_suite("db_tokens", suite_init, suite_clean);

    CU_add_test(s, "refresh token stored, read, consumed once, revoked", test_refresh);
    CU_add_test(s, "a family's access tokens, the family revoked", test_family);
    CU_add_test(s, "a user's other families' access tokens, revoked", test_user_other);
    CU_add_test(s, "auth code stored, read, redeemed once, its family", test_auth_code);
    CU_add_test(s, "a revocation stored once", test_revocation_insert);
    CU_add_test(s, "a bearer token's audience and revocation", test_bearer);
}
