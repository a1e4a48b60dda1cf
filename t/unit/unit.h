/* CUnit suites: each test_<area>.c registers its own suite through one function. */
#ifndef AUTHSVC_UNIT_H
#define AUTHSVC_UNIT_H

#include <CUnit/CUnit.h>
#include <apr_pools.h>

/* One pool the tests allocate from; it lives until the runner ends. */
apr_pool_t *authsvc_test_pool(void);

void authsvc_test_register_json(void);
void authsvc_test_register_base64url(void);
void authsvc_test_register_bearer(void);
void authsvc_test_register_keys(void);
void authsvc_test_register_jwt(void);
void authsvc_test_register_schema(void);
void authsvc_test_register_form(void);
void authsvc_test_register_router(void);
void authsvc_test_register_routes(void);
void authsvc_test_register_openapi(void);
void authsvc_test_register_error(void);
void authsvc_test_register_db(void);
void authsvc_test_register_config_merge(void);
void authsvc_test_register_flow_login(void);
void authsvc_test_register_session(void);
void authsvc_test_register_passwords_service(void);
void authsvc_test_register_signup_service(void);
void authsvc_test_register_password(void);
void authsvc_test_register_password_policy(void);
void authsvc_test_register_regulation(void);
void authsvc_test_register_device_cookie(void);
void authsvc_test_register_totp(void);
void authsvc_test_register_column_crypt(void);
void authsvc_test_register_admin(void);
void authsvc_test_register_filter(void);
void authsvc_test_register_filter_query(void);
void authsvc_test_register_iso8601(void);
void authsvc_test_register_activity(void);
void authsvc_test_register_oidc(void);
void authsvc_test_register_mail(void);
void authsvc_test_register_saml_response(void);
void authsvc_test_register_claims(void);
void authsvc_test_register_return_url(void);
void authsvc_test_register_gateway_local(void);
void authsvc_test_register_gateway_me_stamp(void);
void authsvc_test_register_login_buttons(void);
void authsvc_test_register_revocation_set(void);
void authsvc_test_register_metrics(void);
void authsvc_test_register_log_numbers(void);
void authsvc_test_register_db_users(void);
void authsvc_test_register_db_admin(void);
void authsvc_test_register_db_identities(void);
void authsvc_test_register_db_social(void);
void authsvc_test_register_db_saml(void);
void authsvc_test_register_federation(void);
void authsvc_test_register_db_mail_tokens(void);
void authsvc_test_register_db_regulation(void);
void authsvc_test_register_db_second_factor(void);
void authsvc_test_register_db_activity(void);
void authsvc_test_register_regulation_service(void);
void authsvc_test_register_oidc_tokens(void);
void authsvc_test_register_oidc_flow_token(void);

#endif
