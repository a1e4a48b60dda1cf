/* Browser-binding cookies (docs/design.md section 8): a random value the browser that started a
 * login carries back to its end (social redirect, Apple form_post, SAML POST), compared
 * with the hash stored with the server-side state. Over https the cookie is "__Host-"
 * prefixed, Secure and SameSite=None, so that a cross-site POST back still carries it;
 * over http (development, tests) it is SameSite=Lax. Always HttpOnly, Path=/, no Domain. */
#ifndef AUTHSVC_BINDING_COOKIE_H
#define AUTHSVC_BINDING_COOKIE_H

#include <apr_pools.h>

/* The Set-Cookie value that sets cookie base (e.g. "authsvc_saml") to value for max_age
 * seconds (0 clears it); base_url (the service's, may be NULL) says whether it is
 * served over https. */
const char *authsvc_binding_cookie_header(apr_pool_t *p, const char *base_url, const char *base,
                                          const char *value, int max_age);

/* The value of cookie base in cookies (a request's Cookie header, may be NULL), or NULL. */
const char *authsvc_binding_cookie_find(apr_pool_t *p, const char *base_url,
                                        const char *cookies, const char *base);

#endif
