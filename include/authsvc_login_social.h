/* Sign-in through a social provider from the sign-in page (README, "Sign-in pages"):
 * the buttons (authsvc_login_buttons.h) post to <portal>/social, which starts the
 * provider's login as the gateway client (the state, the browser binding cookie and the
 * 303 of the API's start); the API's provider callback ends it with our auth code sent to
 * the gateway client's registered redirect URL, which must be <portal>/callback: that
 * page redeems the code through the session services and opens the browser session (amr
 * "ext"). A value of the browser's own (cookie authsvc-fed) rides along the provider's
 * round trip, so that a code that comes back to another browser is refused. */
#ifndef AUTHSVC_LOGIN_SOCIAL_H
#define AUTHSVC_LOGIN_SOCIAL_H

#include "authsvc_page_render.h"

/* POST <portal>/social (form read and CSRF-checked): 303 to the provider named by the
 * button, or a page saying why not. */
int authsvc_login_social_start(const authsvc_page_t *pg, apr_table_t *form);

/* GET <portal>/callback?code=..&portal_state=.. (csrf: the browser's CSRF cookie, for
 * the sign-in form of a refusal): the browser session and a 303 to the return address
 * of the start, or a page saying why not. */
int authsvc_login_social_callback(request_rec *r, const char *csrf);

#endif
