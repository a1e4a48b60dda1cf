/* The sign-in page's SAML button (README, "Sign-in pages"): an AuthnRequest to the
 * vhost's IdP (AuthsvcSaml*), sent as the gateway client with the browser binding cookie
 * of the API's start; the API's ACS ends it with our auth code and the RelayState to the
 * gateway client's redirect URL, <portal>/callback (authsvc_login_social.h). */
#ifndef AUTHSVC_LOGIN_SAML_H
#define AUTHSVC_LOGIN_SAML_H

#include <httpd.h>

#include "authsvc_context.h"
#include "authsvc_db.h"

/* 1 when r's vhost has a SAML IdP the button can start (the redirect binding). */
int authsvc_login_saml_offered(const request_rec *r);

/* A stored AuthnRequest of client_id carrying relay_state: *url is where the browser
 * goes, *set_cookie the binding cookie's Set-Cookie value. 0 (logged) when it cannot be
 * made. */
int authsvc_login_saml_request(request_rec *r, authsvc_context_t *ctx, authsvc_db_t *db,
                               const char *client_id, const char *relay_state, const char **url,
                               const char **set_cookie);

#endif
