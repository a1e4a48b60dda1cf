/* Browser-binding cookies (docs/design.md section 8): a random value the browser that started a
 * login carries back to its end (social redirect, Apple form_post, SAML POST), compared
 * with the hash stored with the server-side state. Over https the cookie is "__Host-"
 * prefixed, Secure and SameSite=None, so that a cross-site POST back still carries it;
 * over http (development, tests) it is SameSite=Lax. Always HttpOnly, Path=/, no Domain. */
#ifndef AUTHSVC_BINDING_COOKIE_H
#define AUTHSVC_BINDING_COOKIE_H

#include "authsvc_request.h"

/* Sets cookie base (e.g. "authsvc_saml") to value for max_age seconds (0 clears it). */
void authsvc_binding_cookie_set(authsvc_request_t *req, const char *base, const char *value,
                                int max_age);

/* The value of cookie base the request carries, or NULL. */
const char *authsvc_binding_cookie_get(const authsvc_request_t *req, const char *base);

#endif
