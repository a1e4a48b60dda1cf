/* The session service's statuses as answers (authsvc_answer_session.h). */
#include <apr_strings.h>

#include "authsvc_answer_session.h"
#include "authsvc_answer_tokens.h"

/* The catalogue error of a refusal that is answered as it is. */
static authsvc_error_id_t session_error(authsvc_session_status_t st)
{
    switch (st) {
    case AUTHSVC_SESSION_TOO_MANY_ATTEMPTS: return AUTHSVC_E_TOO_MANY_ATTEMPTS;
    case AUTHSVC_SESSION_BAD_CLIENT: return AUTHSVC_E_CLIENT_VERIFICATION_FAILED;
    case AUTHSVC_SESSION_BAD_CREDENTIALS: return AUTHSVC_E_INVALID_CREDENTIALS;
    case AUTHSVC_SESSION_CLIENT_INVALID: return AUTHSVC_E_CLIENT_INVALID;
    case AUTHSVC_SESSION_USER_INACTIVE: return AUTHSVC_E_USER_INACTIVE;
    case AUTHSVC_SESSION_SECOND_FACTOR: return AUTHSVC_E_USER_VERIFICATION_FAILED;
    case AUTHSVC_SESSION_CODE_EXPIRED: return AUTHSVC_E_CODE_EXPIRED;
    case AUTHSVC_SESSION_TOKEN_INVALID: return AUTHSVC_E_TOKEN_INVALID;
    case AUTHSVC_SESSION_TOKEN_EXPIRED: return AUTHSVC_E_TOKEN_EXPIRED;
    case AUTHSVC_SESSION_UNKNOWN_USER: return AUTHSVC_E_USER_DOES_NOT_EXIST;
    default: return AUTHSVC_E_SERVICE_UNAVAILABLE; /* FAILED: without Retry-After */
    }
}

int authsvc_session_respond(authsvc_request_t *req, authsvc_session_status_t st,
                            const authsvc_session_tokens_t *out)
{
    if (out)
        req->password_time += out->password_time;
    switch (st) {
    case AUTHSVC_SESSION_OK: return authsvc_tokens_respond(req, &out->pair);
    case AUTHSVC_SESSION_UNAVAILABLE: return authsvc_respond_unavailable(req);
    case AUTHSVC_SESSION_BEARER_INVALID:
        return authsvc_bearer_respond(req, AUTHSVC_BEARER_INVALID);
    case AUTHSVC_SESSION_TOO_MANY_ATTEMPTS:
        apr_table_setn(req->headers_out, "Retry-After", apr_ltoa(req->pool, out->retry_after));
        break;
    default: break;
    }
    return authsvc_respond_error(req, session_error(st));
}
