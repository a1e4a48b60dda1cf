/* The route table: every route of the service, as data. To find a route's code,
 * read its handler here. A NULL handler answers 501 until its flow is built
 * (t/unit/routes-not-built.txt lists them; that list only shrinks). */
#include "authsvc_admin_flows.h"
#include "authsvc_flows.h"
#include "authsvc_route.h"

/* Not formatted by clang-format: the schemas and the route table are laid out as tables. */
/* clang-format off */

#define STR(name, req, max) {name, AUTHSVC_TYPE_STRING, req, max, NULL}
#define FIELDS_END {NULL, AUTHSVC_TYPE_STRING, 0, 0, NULL}

/* ---- body schemas (names as in the old service's OpenAPI document) ---- */

static const authsvc_schema_field_t login_fields[] = {
    STR("client_id", 1, 255), STR("client_secret", 0, 512),
    STR("username", 1, 255), STR("password", 1, 1024), FIELDS_END};
static const authsvc_schema_t login_request = {"LoginRequest", login_fields, 0};

static const authsvc_schema_field_t token_fields[] = {
    STR("code", 1, 1024), STR("clientId", 1, 255), FIELDS_END};
static const authsvc_schema_t auth_token_request = {"AuthTokenRequest", token_fields, 0};

static const authsvc_schema_field_t refresh_fields[] = {
    STR("refreshToken", 1, 512), STR("tenantId", 0, 255), FIELDS_END};
static const authsvc_schema_t auth_refresh_token_request = {"AuthRefreshTokenRequest",
                                                            refresh_fields, 0};

static const authsvc_schema_field_t change_password_fields[] = {
    STR("refreshToken", 0, 512), STR("username", 1, 255), STR("password", 1, 1024),
    STR("oldPassword", 1, 1024), FIELDS_END};
static const authsvc_schema_t reset_password_partial = {"ResetPasswordPartial",
                                                        change_password_fields, 0};

static const authsvc_schema_field_t logout_fields[] = {STR("refreshToken", 0, 512), FIELDS_END};
static const authsvc_schema_t refresh_token_request_partial = {"RefreshTokenRequestPartial",
                                                               logout_fields, 0};

static const authsvc_schema_field_t otp_send_fields[] = {
    STR("client_id", 1, 255), STR("client_secret", 1, 512), STR("key", 1, 1024), FIELDS_END};
static const authsvc_schema_t otp_send_request = {"OtpSendRequest", otp_send_fields, 0};

static const authsvc_schema_field_t otp_login_fields[] = {
    STR("key", 1, 1024), STR("otp", 1, 16), STR("clientId", 0, 255), FIELDS_END};
static const authsvc_schema_t otp_login_request = {"OtpLoginRequest", otp_login_fields, 0};

/* Missing code / clientId are the flow's 401s (as in the old service), not 422s. */
static const authsvc_schema_field_t qr_fields[] = {
    STR("code", 0, 1024), STR("clientId", 0, 255), FIELDS_END};
static const authsvc_schema_t qr_code_request = {"QrCodeRequest", qr_fields, 0};

static const authsvc_schema_field_t forget_fields[] = {
    STR("username", 1, 255), STR("client_id", 1, 255), STR("client_secret", 1, 512), FIELDS_END};
static const authsvc_schema_t forget_password_dto = {"ForgetPasswordDto", forget_fields, 0};

static const authsvc_schema_field_t reset_fields[] = {
    STR("token", 1, 512), STR("password", 1, 1024), STR("client_id", 1, 255),
    STR("client_secret", 1, 512), FIELDS_END};
static const authsvc_schema_t reset_password_with_client = {"ResetPasswordWithClient",
                                                            reset_fields, 0};

static const authsvc_schema_field_t signup_fields[] = {
    STR("email", 1, 320), {"data", AUTHSVC_TYPE_OBJECT, 0, 0, NULL}, FIELDS_END};
static const authsvc_schema_t signup_request_dto = {"SignupRequestDto", signup_fields, 0};

/* The one body that is not strict: profile fields beyond these are ignored. */
static const authsvc_schema_field_t local_user_fields[] = {
    STR("email", 1, 320), STR("password", 1, 1024), FIELDS_END};
static const authsvc_schema_t local_user_profile_dto = {"LocalUserProfileDto",
                                                        local_user_fields, 1};

static const authsvc_schema_field_t client_auth_fields[] = {
    STR("client_id", 1, 255), STR("client_secret", 1, 512), FIELDS_END};
static const authsvc_schema_t client_auth_request = {"ClientAuthRequest", client_auth_fields,
                                                     0};

/* Keycloak start: the caller's own extra parameters travel in the state (old service). */
static const authsvc_schema_t keycloak_auth_request = {"KeycloakAuthRequest",
                                                       client_auth_fields, 1};

/* Apple's form_post redirect: code, state, and on the first login "user"; id_token
 * with response_type "code id_token"; error when the user cancelled. */
static const authsvc_schema_field_t apple_callback_fields[] = {
    STR("code", 0, 2048), STR("state", 0, 1024), STR("id_token", 0, 8192), STR("user", 0, 4096),
    STR("iss", 0, 1024), STR("error", 0, 256), STR("error_description", 0, 1024), FIELDS_END};
static const authsvc_schema_t apple_callback_form = {"AppleCallbackForm", apple_callback_fields,
                                                     0};

static const authsvc_schema_field_t saml_auth_fields[] = {
    STR("client_id", 1, 255), STR("client_secret", 1, 512), STR("RelayState", 0, 1024),
    FIELDS_END};
static const authsvc_schema_t saml_auth_request = {"SamlAuthRequest", saml_auth_fields, 0};

static const authsvc_schema_field_t saml_response_fields[] = {
    STR("SAMLResponse", 1, 262144), STR("RelayState", 0, 1024), FIELDS_END};
static const authsvc_schema_t saml_response = {"SamlResponse", saml_response_fields, 0};

/* The OpenID Connect endpoints read their parameters themselves (OWN_PARAMS): any field. */
static const authsvc_schema_field_t oidc_params_fields[] = {FIELDS_END};
static const authsvc_schema_t oidc_params_form = {"OidcParameters", oidc_params_fields, 1};

/* ---- query, header and path parameters ---- */

#define Q(name, req) {name, AUTHSVC_PARAM_QUERY, req, NULL}
#define H(name) {name, AUTHSVC_PARAM_HEADER, 0, NULL}
#define P(name) {name, AUTHSVC_PARAM_PATH, 1, NULL}
#define PARAMS_END {NULL, AUTHSVC_PARAM_QUERY, 0, NULL}

static const authsvc_param_t range_params[] = {
    P("range"), Q("startDate", 1), Q("endDate", 1), Q("filter", 0), PARAMS_END};
static const authsvc_param_t where_params[] = {Q("where", 0), PARAMS_END};
static const authsvc_param_t filter_params[] = {Q("filter", 0), PARAMS_END};
static const authsvc_param_t id_params[] = {P("id"), Q("filter", 0), PARAMS_END};
static const authsvc_param_t callback_params[] = {Q("code", 0), Q("state", 0), PARAMS_END};
static const authsvc_param_t azure_callback_params[] = {
    Q("code", 0), Q("state", 0), Q("session_state", 0), PARAMS_END};
static const authsvc_param_t client_query_params[] = {
    Q("client_id", 0), Q("client_secret", 0), PARAMS_END};
static const authsvc_param_t reset_link_params[] = {Q("token", 1), PARAMS_END};
static const authsvc_param_t qr_check_params[] = {H("code"), H("clientId"), PARAMS_END};
static const authsvc_param_t saml_acs_params[] = {Q("client", 0), PARAMS_END};

/* OAuth 2.0 forms (oauth_errors.c, flow_oidc_*.c): every field optional, the flows say
 * which are missing in RFC 6749 §5.2 terms; unknown parameters are ignored (§3.2) */
static const authsvc_schema_field_t oauth_token_fields[] = {
    STR("grant_type", 0, 64), STR("code", 0, 1024), STR("redirect_uri", 0, 2048),
    STR("code_verifier", 0, 256), STR("refresh_token", 0, 512), STR("scope", 0, 1024),
    STR("client_id", 0, 255), STR("client_secret", 0, 512), FIELDS_END};
static const authsvc_schema_t oauth_token_request = {"OAuth2TokenRequest", oauth_token_fields,
                                                     1};
static const authsvc_schema_field_t oauth_token_of_client_fields[] = {
    STR("token", 0, 8192), STR("token_type_hint", 0, 64), STR("client_id", 0, 255),
    STR("client_secret", 0, 512), FIELDS_END};
static const authsvc_schema_t oauth_token_request_of_client = {"OAuth2TokenOfClientRequest",
                                                               oauth_token_of_client_fields, 1};
#define OAUTH AUTHSVC_ROUTE_OAUTH_ERRORS

/* ---- the table ---- */

#define PUBLIC AUTHSVC_ACCESS_PUBLIC, NULL
#define SIGNED_IN AUTHSVC_ACCESS_SIGNED_IN, NULL
#define INVITE AUTHSVC_ACCESS_INVITE, NULL
#define PERMISSION(p) AUTHSVC_ACCESS_PERMISSION, p
#define NO_BODY AUTHSVC_BODY_NONE, NULL
#define JSON(s) AUTHSVC_BODY_JSON, &s
#define FORM(s) AUTHSVC_BODY_FORM, &s
#define DEPRECATED AUTHSVC_ROUTE_DEPRECATED
#define REDIRECTS AUTHSVC_ROUTE_REDIRECTS
#define NEEDS_DB AUTHSVC_ROUTE_NEEDS_DB
#define OWN_PARAMS AUTHSVC_ROUTE_OWN_PARAMS

static const authsvc_route_t routes[] = {
    /* method, path, handler, access, body, params, rate, flags, success, name, tag, summary */

    /* service description */
    {"GET", "/.well-known/openid-configuration", authsvc_flow_openid_configuration, PUBLIC,
     NO_BODY, NULL, 0, 200, "DiscoveryController.openidConfiguration",
     "DiscoveryController", "OpenID Provider metadata of this issuer", NULL},
    {"GET", "/.well-known/jwks.json", authsvc_flow_jwks, PUBLIC, NO_BODY, NULL, 0, 200,
     "DiscoveryController.jwks", "DiscoveryController", "Public keys that verify our tokens", NULL},
    /* OpenID Connect provider: authorization and end-session endpoints (their own
     * parameter handling and answers: OAuth 2.0 errors go to the redirect URI) */
    {"GET", "/oauth2/authorize", authsvc_flow_oidc_authorize, PUBLIC, NO_BODY, NULL,
     REDIRECTS | NEEDS_DB | OWN_PARAMS, 303, "OidcController.authorize", "OidcController",
     "OpenID Connect authorization endpoint (response_type=code, PKCE S256)", NULL},
    {"POST", "/oauth2/authorize", authsvc_flow_oidc_authorize, PUBLIC, FORM(oidc_params_form),
     NULL, REDIRECTS | NEEDS_DB | OWN_PARAMS, 303, "OidcController.authorizeForm",
     "OidcController", "OpenID Connect authorization endpoint, form-encoded", NULL},
    {"GET", "/oauth2/logout", authsvc_flow_oidc_logout, PUBLIC, NO_BODY, NULL,
     REDIRECTS | NEEDS_DB | OWN_PARAMS, 303, "OidcController.logout", "OidcController",
     "RP-initiated logout: ends the browser session (id_token_hint, post_logout_redirect_uri)",
     NULL},
    {"POST", "/oauth2/logout", authsvc_flow_oidc_logout, PUBLIC, FORM(oidc_params_form), NULL,
     REDIRECTS | NEEDS_DB | OWN_PARAMS, 303, "OidcController.logoutForm", "OidcController",
     "RP-initiated logout, form-encoded", NULL},
    {"GET", "/openapi.json", authsvc_flow_openapi, PUBLIC, NO_BODY, NULL, 0, 200,
     "DiscoveryController.openapi", "DiscoveryController",
     "This document, generated from the route table", NULL},
    {"GET", "/authsvc/health/live", authsvc_flow_health_live, PUBLIC, NO_BODY, NULL, 0,
     200, "HealthController.live", "HealthController", "The module answers", NULL},
    {"GET", "/authsvc/health/ready", authsvc_flow_health_ready, PUBLIC, NO_BODY, NULL, 0,
     200, "HealthController.ready", "HealthController",
     "The database answers and its schema is migrated", NULL},

    /* password login and tokens */
    {"POST", "/auth/login", authsvc_flow_login, PUBLIC, JSON(login_request), NULL, NEEDS_DB, 200,
     "LoginController.login", "LoginController",
     "Gets you the code that will be used for getting token (webapps)", NULL},
    {"POST", "/auth/login-token", authsvc_flow_login_token, PUBLIC, JSON(login_request), NULL, NEEDS_DB, 200,
     "LoginController.loginWithClientUser", "LoginController",
     "Gets you refresh token and access token in one hit. (mobile app)", NULL},
    {"POST", "/auth/token", authsvc_flow_token, PUBLIC, JSON(auth_token_request), NULL, NEEDS_DB, 200,
     "LoginController.getToken", "LoginController",
     "Send the code received from the POST /auth/login api and get refresh token and access token (webapps)", NULL},
    /* The flow checks the (possibly expired) access token issued with the refresh token. */
    {"POST", "/auth/token-refresh", authsvc_flow_token_refresh, PUBLIC, JSON(auth_refresh_token_request), NULL, NEEDS_DB, 200, "LoginController.exchangeToken", "LoginController",
     "Gets you a new access and refresh token once your access token is expired", NULL},
    {"POST", "/auth/switch-token", authsvc_flow_switch_token, SIGNED_IN, JSON(auth_refresh_token_request), NULL,
     0, 200, "LoginController.switchToken", "LoginController",
     "To switch the access-token", NULL},
    {"GET", "/auth/me", authsvc_flow_me, SIGNED_IN, NO_BODY, NULL, 0, 200, "LoginController.me",
     "LoginController", "To get the user details", NULL},
    {"PATCH", "/auth/change-password", authsvc_flow_change_password, SIGNED_IN, JSON(reset_password_partial), NULL,
     0, 200, "LoginController.resetPassword", "LoginController",
     "Changes the signed-in user's password", NULL},
    {"POST", "/logout", authsvc_flow_logout, SIGNED_IN, JSON(refresh_token_request_partial), NULL, 0,
     200, "LogoutController.logout", "LogoutController", "To logout", NULL},
    {"POST", "/google/logout", authsvc_flow_social_logout, SIGNED_IN, JSON(refresh_token_request_partial), NULL,
     0, 200, "LogoutController.googleLogout", "LogoutController",
     "This API will log out the user from application as well as google", "google"},
    {"POST", "/keycloak/logout", authsvc_flow_social_logout, SIGNED_IN, JSON(refresh_token_request_partial), NULL,
     0, 200, "LogoutController.keycloakLogout", "LogoutController",
     "This API will log out the user from application as well as keycloak", "keycloak"},

    /* forgot / reset password */
    {"POST", "/auth/forget-password", authsvc_flow_forget_password, PUBLIC, JSON(forget_password_dto), NULL, NEEDS_DB,
     204, "ForgetPasswordController.forgetPassword", "ForgetPasswordController",
     "Mails a reset link to the user", NULL},
    {"GET", "/auth/verify-reset-password-link", authsvc_flow_verify_reset_link, PUBLIC, NO_BODY, reset_link_params, NEEDS_DB, 200, "ForgetPasswordController.verifyResetPasswordLink", "ForgetPasswordController",
     "Check if Token Is Valid and not Expired.", NULL},
    {"PATCH", "/auth/reset-password", authsvc_flow_reset_password, PUBLIC, JSON(reset_password_with_client), NULL,
     NEEDS_DB, 204, "ForgetPasswordController.resetPassword", "ForgetPasswordController",
     "Sets a new password with a reset token", NULL},

    /* sign-up invites */
    {"POST", "/auth/sign-up/create-token", authsvc_flow_signup_create_token, PUBLIC, JSON(signup_request_dto), NULL, 0, 204, "SignupRequestController.requestSignup", "SignupRequestController",
     "Mails a sign-up invite", NULL},
    {"GET", "/auth/sign-up/verify-token", authsvc_flow_signup_verify_token, INVITE, NO_BODY, NULL, 0, 200,
     "SignupRequestController.verifyInviteToken", "SignupRequestController",
     "Checks an invite token (sent as the bearer token)", NULL},
    {"POST", "/auth/sign-up/create-user", authsvc_flow_signup_create_user, INVITE, JSON(local_user_profile_dto), NULL,
     0, 200, "SignupRequestController.signupWithToken", "SignupRequestController",
     "Creates the invited user", NULL},

    /* second factor */
    {"POST", "/auth/send-otp", authsvc_flow_send_otp, PUBLIC, JSON(otp_send_request), NULL, NEEDS_DB, 204,
     "OtpController.sendOtp", "OtpController", "Sends OTP", NULL},
    {"POST", "/auth/verify-otp", authsvc_flow_verify_otp, PUBLIC, JSON(otp_login_request), NULL, NEEDS_DB, 200,
     "OtpController.verifyOtp", "OtpController",
     "Gets you the code that will be used for getting token (webapps)", NULL},
    {"POST", "/auth/create-qr-code", authsvc_flow_create_qr_code, PUBLIC, JSON(qr_code_request), NULL, NEEDS_DB, 200,
     "OtpController.createQr", "OtpController", "Generates a new qrCode for Authenticator App", NULL},
    {"GET", "/auth/check-qr-code", authsvc_flow_check_qr_code, PUBLIC, NO_BODY, qr_check_params, NEEDS_DB, 200,
     "OtpController.checkQr", "OtpController",
     "Returns isGenerated:true if secret_key already exist", NULL},

    /* social login: start (POST form, deprecated GET query) and provider redirect */
    {"POST", "/auth/google", authsvc_flow_social_start, PUBLIC, FORM(client_auth_request), NULL, REDIRECTS,
     303, "GoogleLoginController.postLoginViaGoogle", "GoogleLoginController",
     "POST Call for Google based login", "google"},
    {"GET", "/auth/google", authsvc_flow_social_start, PUBLIC, NO_BODY, client_query_params, REDIRECTS | DEPRECATED, 303, "GoogleLoginController.loginViaGoogle",
     "GoogleLoginController", "Google login (deprecated: secret in the query)", "google"},
    {"GET", "/auth/google-auth-redirect", authsvc_flow_social_callback, PUBLIC, NO_BODY, callback_params, REDIRECTS, 303, "GoogleLoginController.googleCallback", "GoogleLoginController",
     "Google Redirect Token Response", "google"},
    {"POST", "/auth/azure", authsvc_flow_social_start, PUBLIC, FORM(client_auth_request), NULL, REDIRECTS,
     303, "AzureLoginController.postLoginViaAzure", "AzureLoginController",
     "POST Call for azure based login", "azure"},
    {"GET", "/auth/azure", authsvc_flow_social_start, PUBLIC, NO_BODY, client_query_params, REDIRECTS | DEPRECATED, 303, "AzureLoginController.getLoginViaAzure",
     "AzureLoginController", "Azure login (deprecated: secret in the query)", "azure"},
    {"GET", "/auth/azure-oauth-redirect", authsvc_flow_social_callback, PUBLIC, NO_BODY, azure_callback_params, REDIRECTS, 303, "AzureLoginController.azureCallback", "AzureLoginController",
     "Azure Redirect Token Response", "azure"},
    {"POST", "/auth/cognito", authsvc_flow_social_start, PUBLIC, FORM(client_auth_request), NULL, REDIRECTS,
     303, "CognitoLoginController.postLoginViaCognito", "CognitoLoginController",
     "POST Call for Cognito based login", "cognito"},
    {"GET", "/auth/cognito", authsvc_flow_social_start, PUBLIC, NO_BODY, client_query_params, REDIRECTS | DEPRECATED, 303, "CognitoLoginController.loginViaCognito",
     "CognitoLoginController", "Cognito login (deprecated: secret in the query)", "cognito"},
    {"GET", "/auth/cognito-auth-redirect", authsvc_flow_social_callback, PUBLIC, NO_BODY, callback_params, REDIRECTS, 303, "CognitoLoginController.cognitoCallback", "CognitoLoginController",
     "Cognito Redirect Token Response", "cognito"},
    {"POST", "/auth/keycloak", authsvc_flow_social_start, PUBLIC, FORM(keycloak_auth_request), NULL, REDIRECTS, 303, "KeycloakLoginController.postLoginViaKeycloak", "KeycloakLoginController",
     "POST Call for keycloak based login", "keycloak"},
    {"GET", "/auth/keycloak", authsvc_flow_social_start, PUBLIC, NO_BODY, client_query_params, REDIRECTS | DEPRECATED, 303, "KeycloakLoginController.loginViaKeycloak",
     "KeycloakLoginController", "Keycloak login (deprecated: secret in the query)", "keycloak"},
    {"GET", "/auth/keycloak-auth-redirect", authsvc_flow_social_callback, PUBLIC, NO_BODY, callback_params, REDIRECTS, 303, "KeycloakLoginController.keycloakCallback", "KeycloakLoginController",
     "Keycloak Redirect Token Response", "keycloak"},
    {"POST", "/auth/oauth-apple", authsvc_flow_social_start, PUBLIC, FORM(client_auth_request), NULL, REDIRECTS, 303, "AppleLoginController.postLoginViaApple", "AppleLoginController",
     "POST Call for Apple based login", "apple"},
    {"GET", "/auth/apple-oauth-redirect", authsvc_flow_social_callback, PUBLIC, NO_BODY, callback_params, REDIRECTS, 303, "AppleLoginController.appleCallback", "AppleLoginController",
     "Apple Redirect Token Response", "apple"},
    /* Apple answers with response_mode=form_post: the same redirect as a POST form. */
    {"POST", "/auth/apple-oauth-redirect", authsvc_flow_social_callback, PUBLIC,
     FORM(apple_callback_form), NULL, REDIRECTS, 303,
     "AppleLoginController.appleFormPostCallback", "AppleLoginController",
     "Apple Redirect Token Response (form_post)", "apple"},
    {"POST", "/auth/facebook", authsvc_flow_social_start, PUBLIC, FORM(client_auth_request), NULL, REDIRECTS,
     303, "FacebookLoginController.postLoginViaFacebook", "FacebookLoginController",
     "POST Call for Facebook based login", "facebook"},
    {"GET", "/auth/facebook-auth-redirect", authsvc_flow_social_callback, PUBLIC, NO_BODY, callback_params, REDIRECTS, 303, "FacebookLoginController.facebookCallback", "FacebookLoginController",
     "Facebook Redirect Token Response", "facebook"},
    {"POST", "/auth/instagram", authsvc_flow_social_start, PUBLIC, FORM(client_auth_request), NULL, REDIRECTS, 303, "InstagramLoginController.postLoginViaInstagram",
     "InstagramLoginController", "POST Call for Instagram based login", "instagram"},
    {"GET", "/auth/instagram-auth-redirect", authsvc_flow_social_callback, PUBLIC, NO_BODY, callback_params, REDIRECTS, 303, "InstagramLoginController.instagramCallback", "InstagramLoginController",
     "Instagram Redirect Token Response", "instagram"},

    /* SAML */
    {"POST", "/auth/saml", authsvc_flow_saml_start, PUBLIC, FORM(saml_auth_request), NULL, REDIRECTS, 303,
     "SamlLoginController.postLoginViaSaml", "SamlLoginController",
     "POST Call for saml based login", NULL},
    {"POST", "/auth/saml-redirect", authsvc_flow_saml_acs, PUBLIC, FORM(saml_response),
     saml_acs_params, REDIRECTS, 303, "SamlLoginController.oktaSamlCallback",
     "SamlLoginController", "SAML assertion consumer service", NULL},
    {"GET", "/auth/saml/metadata", authsvc_flow_saml_metadata, PUBLIC, NO_BODY, NULL, 0,
     200, "SamlLoginController.metadata", "SamlLoginController", "SAML service provider metadata", NULL},

    /* login activity */
    {"GET", "/login-activity", authsvc_flow_activity_find, PERMISSION("ViewLoginActivity"), NO_BODY, filter_params,
     0, 200, "LoginActivityController.find", "LoginActivityController",
     "Array of LoginActivity model instances", NULL},
    {"GET", "/login-activity/count", authsvc_flow_activity_count, PERMISSION("ViewLoginActivity"), NO_BODY,
     where_params, 0, 200, "LoginActivityController.count", "LoginActivityController",
     "LoginActivity model count", NULL},
    {"GET", "/login-activity/{id}", authsvc_flow_activity_find_by_id, PERMISSION("ViewLoginActivity"), NO_BODY, id_params,
     0, 200, "LoginActivityController.findById", "LoginActivityController",
     "LoginActivity model instance", NULL},
    {"GET", "/active-users/{range}", authsvc_flow_active_users, PERMISSION("ViewLoginActivity"), NO_BODY,
     range_params, 0, 200, "LoginActivityController.getActiveUsers",
     "LoginActivityController", "Distinct active users per day, ISO week or month", NULL},

    /* administration (flow_admin.c): ManageUsers for the users and their actions, the
     * lockouts and clients; every list and action limited to the caller's tenant */
#define ADMIN_USER_PARAMS (const authsvc_param_t[]){P("id"), PARAMS_END}
#define ADMIN_LIST_PARAMS (const authsvc_param_t[]){Q("username", 0), Q("status", 0), \
    Q("locked", 0), Q("limit", 0), Q("offset", 0), PARAMS_END}
    {"GET", "/admin/users", authsvc_flow_admin_users, PERMISSION("ManageUsers"), NO_BODY,
     ADMIN_LIST_PARAMS, NEEDS_DB, 200, "AdminController.users", "AdminController",
     "Users of the caller's tenant with status and lock (username prefix, status, locked, page)",
     NULL},
    {"POST", "/admin/users/{id}/disable", authsvc_flow_admin_user_disable, PERMISSION("ManageUsers"),
     NO_BODY, ADMIN_USER_PARAMS, NEEDS_DB, 200, "AdminController.disableUser", "AdminController",
     "Disables a user and ends every session of it", NULL},
    {"POST", "/admin/users/{id}/enable", authsvc_flow_admin_user_enable, PERMISSION("ManageUsers"),
     NO_BODY, ADMIN_USER_PARAMS, NEEDS_DB, 200, "AdminController.enableUser", "AdminController",
     "Lets a disabled user log in again", NULL},
    {"POST", "/admin/users/{id}/unlock", authsvc_flow_admin_user_unlock, PERMISSION("ManageUsers"),
     NO_BODY, ADMIN_USER_PARAMS, NEEDS_DB, 200, "AdminController.unlockUser", "AdminController",
     "Clears a user's failed-login counters and lock", NULL},
    {"GET", "/admin/lockouts", authsvc_flow_admin_lockouts, PERMISSION("ManageUsers"), NO_BODY,
     NULL, NEEDS_DB, 200, "AdminController.lockouts", "AdminController",
     "Accounts and addresses with failed logins or a lock", NULL},
    {"GET", "/admin/clients", authsvc_flow_admin_clients, PERMISSION("ManageUsers"), NO_BODY,
     NULL, NEEDS_DB, 200, "AdminController.clients", "AdminController",
     "Clients: id, public or confidential, OpenID Connect or not", NULL},
#undef ADMIN_USER_PARAMS
#undef ADMIN_LIST_PARAMS

    /* OAuth 2.0 / OpenID Connect: token endpoint, UserInfo, revocation, introspection
     * (form bodies; unknown parameters ignored, RFC 6749 §3.2; refusals as §5.2 JSON) */
    {"POST", "/oauth2/token", authsvc_flow_oidc_token, PUBLIC, FORM(oauth_token_request), NULL,
     OAUTH, 200, "OAuth2Controller.token", "OAuth2Controller",
     "OAuth 2.0 token endpoint: authorization_code, refresh_token, client_credentials", NULL},
    {"GET", "/oauth2/userinfo", authsvc_flow_oidc_userinfo, PUBLIC, NO_BODY, NULL, OAUTH, 200,
     "OAuth2Controller.userinfo", "OAuth2Controller",
     "OpenID Connect UserInfo of a Bearer access token", NULL},
    {"POST", "/oauth2/userinfo", authsvc_flow_oidc_userinfo, PUBLIC, NO_BODY, NULL, OAUTH, 200,
     "OAuth2Controller.userinfoPost", "OAuth2Controller",
     "OpenID Connect UserInfo of a Bearer access token", NULL},
    {"POST", "/oauth2/revoke", authsvc_flow_oidc_revoke, PUBLIC, FORM(oauth_token_request_of_client), NULL,
     OAUTH, 200, "OAuth2Controller.revoke", "OAuth2Controller",
     "OAuth 2.0 token revocation (RFC 7009)", NULL},
    {"POST", "/oauth2/introspect", authsvc_flow_oidc_introspect, PUBLIC, FORM(oauth_token_request_of_client), NULL,
     OAUTH, 200, "OAuth2Controller.introspect", "OAuth2Controller",
     "OAuth 2.0 token introspection (RFC 7662)", NULL},
};

/* clang-format on */

const authsvc_route_t *authsvc_routes(apr_size_t *count)
{
    *count = sizeof(routes) / sizeof(routes[0]);
    return routes;
}

const char *const *authsvc_routes_tags(apr_pool_t *p, apr_size_t *count)
{
    const char **tags;
    apr_size_t i;

    *count = sizeof(routes) / sizeof(routes[0]);
    tags = apr_palloc(p, *count * sizeof(*tags));
    for (i = 0; i < *count; i++)
        tags[i] = routes[i].tag;
    return tags;
}
