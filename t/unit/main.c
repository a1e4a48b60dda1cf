/* The unit-test runner: every suite, CUnit's basic interface, non-zero exit on failure. */
#include <stdio.h>

#include <CUnit/Basic.h>
#include <apr_dbd.h>
#include <apr_general.h>

#include "unit.h"

/* the suites of the typed database helpers */
void authsvc_test_register_db_tenants(void);
void authsvc_test_register_db_clients(void);
void authsvc_test_register_db_revocations(void);
void authsvc_test_register_db_tokens(void);
void authsvc_test_register_db_principals(void);
void authsvc_test_register_db_plans(void);
void authsvc_test_register_db_readiness(void);
void authsvc_test_register_db_user_links(void);
void authsvc_test_register_db_browser_sessions(void);
void authsvc_test_register_db_account(void);
void authsvc_test_register_db_oidc(void);
void authsvc_test_register_oidc_authorize(void);

static apr_pool_t *root_pool;
static apr_pool_t *test_pool;

apr_pool_t *authsvc_test_pool(void)
{
    if (!test_pool)
        apr_pool_create(&test_pool, root_pool);
    return test_pool;
}

int main(void)
{
    unsigned failures;

    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&root_pool, NULL) != APR_SUCCESS)
        return 2;
    apr_dbd_init(root_pool);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    authsvc_test_register_json();
    authsvc_test_register_base64url();
    authsvc_test_register_bearer();
    authsvc_test_register_keys();
    authsvc_test_register_jwt();
    authsvc_test_register_schema();
    authsvc_test_register_form();
    authsvc_test_register_router();
    authsvc_test_register_routes();
    authsvc_test_register_openapi();
    authsvc_test_register_error();
    authsvc_test_register_db();
    authsvc_test_register_config_merge();
    authsvc_test_register_flow_login();
    authsvc_test_register_session();
    authsvc_test_register_passwords_service();
    authsvc_test_register_signup_service();
    authsvc_test_register_password();
    authsvc_test_register_password_policy();
    authsvc_test_register_regulation();
    authsvc_test_register_device_cookie();
    authsvc_test_register_totp();
    authsvc_test_register_column_crypt();
    authsvc_test_register_admin();
    authsvc_test_register_filter();
    authsvc_test_register_filter_query();
    authsvc_test_register_iso8601();
    authsvc_test_register_activity();
    authsvc_test_register_oidc();
    authsvc_test_register_mail();
    authsvc_test_register_saml_response();
    authsvc_test_register_claims();
    authsvc_test_register_return_url();
    authsvc_test_register_gateway_local();
    authsvc_test_register_gateway_me_stamp();
    authsvc_test_register_login_buttons();
    authsvc_test_register_revocation_set();
    authsvc_test_register_metrics();
    authsvc_test_register_log_numbers();
    authsvc_test_register_db_users();
    authsvc_test_register_db_admin();
    authsvc_test_register_db_tenants();
    authsvc_test_register_db_clients();
    authsvc_test_register_db_revocations();
    authsvc_test_register_db_tokens();
    authsvc_test_register_db_principals();
    authsvc_test_register_db_plans();
    authsvc_test_register_db_readiness();
    authsvc_test_register_db_user_links();
    authsvc_test_register_db_identities();
    authsvc_test_register_db_social();
    authsvc_test_register_db_saml();
    authsvc_test_register_federation();
    authsvc_test_register_db_mail_tokens();
    authsvc_test_register_db_browser_sessions();
    authsvc_test_register_db_account();
    authsvc_test_register_db_oidc();
    authsvc_test_register_oidc_authorize();
    authsvc_test_register_db_regulation();
    authsvc_test_register_db_second_factor();
    authsvc_test_register_db_activity();
    authsvc_test_register_regulation_service();
    authsvc_test_register_oidc_tokens();
    authsvc_test_register_oidc_flow_token();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    /* a suite whose set-up failed ran none of its tests: that fails the run too */
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed()
               + CU_get_number_of_suites_failed();
    printf("\n%u unit tests run, %u assertions failed\n", CU_get_number_of_tests_run(),
           CU_get_number_of_failures());
    CU_cleanup_registry();
    apr_pool_destroy(root_pool);
    apr_terminate();
    return failures || CU_get_error() ? 1 : 0;
}
