/* The providers the sign-in page has buttons for (see authsvc_login_buttons.h). */
#include "authsvc_login_buttons.h"

/* The buttons, in the order of the page (a file without httpd, so that the unit tests
 * can read the table). The callback paths repeat those of the API's
 * route table (src/api/routes.c), which this layer may not read; a unit test
 * (t/unit/test_login_buttons.c) compares the two. */
static const authsvc_login_button_t social_buttons[] = {
    {"apple", "Sign in with Apple", "/auth/apple-oauth-redirect"},
    {"azure", "Sign in with Microsoft", "/auth/azure-oauth-redirect"},
    {"cognito", "Sign in with Amazon Cognito", "/auth/cognito-auth-redirect"},
    {"facebook", "Sign in with Facebook", "/auth/facebook-auth-redirect"},
    {"google", "Sign in with Google", "/auth/google-auth-redirect"},
    {"instagram", "Sign in with Instagram", "/auth/instagram-auth-redirect"},
    {"keycloak", "Sign in with Keycloak", "/auth/keycloak-auth-redirect"},
};

const authsvc_login_button_t *authsvc_login_buttons_all(apr_size_t *count)
{
    *count = sizeof(social_buttons) / sizeof(social_buttons[0]);
    return social_buttons;
}
