/* The session service's statuses as the API answers them (authsvc_session.h): one
 * mapping for the login, refresh and logout flows. */
#ifndef AUTHSVC_ANSWER_SESSION_H
#define AUTHSVC_ANSWER_SESSION_H

#include "authsvc_request.h"
#include "authsvc_session.h"

/* Answers st: the TokenResponse of out->pair when AUTHSVC_SESSION_OK, else the error of
 * the catalogue (429 with Retry-After, 401 with WWW-Authenticate for a refused bearer,
 * 503 with Retry-After). out (may be NULL) adds its password time to the request's. */
int authsvc_session_respond(authsvc_request_t *req, authsvc_session_status_t st,
                            const authsvc_session_tokens_t *out);

#endif
