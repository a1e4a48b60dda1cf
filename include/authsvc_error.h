/* The error catalogue: every error a client can see, with its HTTP status, LoopBack
 * error name, machine code and message. Handlers answer errors only through it. */
#ifndef AUTHSVC_ERROR_H
#define AUTHSVC_ERROR_H

#include <apr_pools.h>
#include <cjson/cJSON.h>

typedef enum {
    /* protocol errors answered by the router */
    AUTHSVC_E_MALFORMED_JSON,
    AUTHSVC_E_MALFORMED_FORM,
    AUTHSVC_E_DUPLICATE_PARAMETER,
    AUTHSVC_E_MISSING_PARAMETER,
    AUTHSVC_E_BAD_REQUEST,
    AUTHSVC_E_NOT_FOUND,
    AUTHSVC_E_METHOD_NOT_ALLOWED,
    AUTHSVC_E_PAYLOAD_TOO_LARGE,
    AUTHSVC_E_REQUEST_TIMEOUT,
    AUTHSVC_E_UNSUPPORTED_MEDIA_TYPE,
    AUTHSVC_E_VALIDATION_FAILED,
    AUTHSVC_E_NOT_IMPLEMENTED,
    AUTHSVC_E_SERVICE_UNAVAILABLE,
    AUTHSVC_E_INTERNAL,
    /* the old service's keys (docs/design.md section 3) */
    AUTHSVC_E_CODE_EXPIRED,
    AUTHSVC_E_TOKEN_EXPIRED,
    AUTHSVC_E_TOKEN_INVALID,
    AUTHSVC_E_TOKEN_REVOKED,
    AUTHSVC_E_TOKEN_MISSING,
    AUTHSVC_E_CLIENT_INVALID,
    AUTHSVC_E_CLIENT_VERIFICATION_FAILED,
    AUTHSVC_E_CLIENT_USER_MISSING,
    AUTHSVC_E_INVALID_CREDENTIALS,
    AUTHSVC_E_USER_VERIFICATION_FAILED,
    AUTHSVC_E_WRONG_PASSWORD,
    AUTHSVC_E_OTP_INVALID,
    AUTHSVC_E_OTP_EXPIRED,
    AUTHSVC_E_USER_DOES_NOT_EXIST,
    AUTHSVC_E_USER_INACTIVE,
    AUTHSVC_E_PASSWORD_INVALID,
    AUTHSVC_E_PASSWORD_EXTERNAL_USER,
    AUTHSVC_E_NOT_ALLOWED_ACCESS,
    AUTHSVC_E_PASSWORD_REUSED,
    AUTHSVC_E_TOO_MANY_ATTEMPTS,
    AUTHSVC_E_TOTP_EXISTS,
    /* login activity */
    AUTHSVC_E_INVALID_FILTER,
    AUTHSVC_E_ENTITY_NOT_FOUND,
    /* social login */
    AUTHSVC_E_SOCIAL_STATE_INVALID,
    AUTHSVC_E_SOCIAL_LOGIN_FAILED,
    AUTHSVC_E_SOCIAL_PROVIDER_UNKNOWN,
    AUTHSVC_E_IDENTITY_LINK_REFUSED,
    /* sign-up invites */
    AUTHSVC_E_SIGNUP_DISABLED,
    AUTHSVC_E_EMAIL_MISMATCH,
    AUTHSVC_E_USER_EXISTS,
    /* SAML */
    AUTHSVC_E_SAML_NOT_CONFIGURED,
    AUTHSVC_E_SAML_RESPONSE_INVALID,
    AUTHSVC_E_COUNT
} authsvc_error_id_t;

typedef struct {
    int status;          /* HTTP status */
    const char *code;    /* stable machine code, e.g. "InvalidCredentials" */
    const char *message; /* what the client reads, e.g. "Invalid Credentials" */
} authsvc_error_t;

const authsvc_error_t *authsvc_error_get(authsvc_error_id_t id);

/* LoopBack's error name for a status: 401 -> "UnauthorizedError". */
const char *authsvc_error_name_for_status(int status);

/* The flat envelope {"error":{statusCode,name,message,code[,details]}}.
 * details (may be NULL) is copied; the text lives in pool p. */
char *authsvc_error_envelope(apr_pool_t *p, int status, const char *code, const char *message,
                             const cJSON *details);

#endif
