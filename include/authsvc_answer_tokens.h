/* How the API answers what the token services (tokens.c, bearer.c, session.c) return:
 * the one place their results become HTTP. */
#ifndef AUTHSVC_ANSWER_TOKENS_H
#define AUTHSVC_ANSWER_TOKENS_H

#include "authsvc_bearer.h"
#include "authsvc_request.h"
#include "authsvc_tokens.h"

/* {"accessToken","refreshToken","expires"} */
int authsvc_tokens_respond(authsvc_request_t *req, const authsvc_token_pair_t *pair);

/* Answers a refused token: 503 when UNAVAILABLE, else the 401 of authsvc_bearer_error with
 * WWW-Authenticate: Bearer error="invalid_token". */
int authsvc_bearer_respond(authsvc_request_t *req, authsvc_bearer_result_t result);

/* authsvc_login_principal, answering its refusal (401 ClientInvalid or UserInactive, 503
 * ServiceUnavailable): NULL then. */
authsvc_principal_t *authsvc_answer_login_principal(authsvc_request_t *req, authsvc_db_t *db,
                                                    const char *user_id,
                                                    const authsvc_client_t *client);

#endif
