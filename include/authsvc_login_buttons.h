/* The sign-in page's buttons for the social providers configured on the vhost
 * (AuthsvcSocialProvider): one plain form posting to <portal>/social
 * (authsvc_login_social.h), one button per provider, named "Sign in with ...". */
#ifndef AUTHSVC_LOGIN_BUTTONS_H
#define AUTHSVC_LOGIN_BUTTONS_H

#include "authsvc_page_render.h"
#include "authsvc_social_provider.h"

/* A provider's button: its label (English, translated by authsvc_page_text.h) and the
 * path of the API's callback route for it. */
typedef struct {
    const char *name;
    const char *label;
    const char *callback;
} authsvc_login_button_t;

/* The button of provider name when that provider is configured on r's vhost (*provider
 * set), else NULL. */
const authsvc_login_button_t *authsvc_login_button(const request_rec *r, const char *name,
                                                   const authsvc_social_provider_t **provider);

/* Every provider the page has a button for (*count of them), in the page's order
 * (login_providers.c). */
const authsvc_login_button_t *authsvc_login_buttons_all(apr_size_t *count);

/* The buttons' form for pg (HTML), "" when the vhost has no provider. */
const char *authsvc_login_buttons(const authsvc_page_t *pg);

#endif
