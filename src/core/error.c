/* The error catalogue and the LoopBack error envelope. */
#include <apr_strings.h>

#include "authsvc_error.h"
#include "authsvc_json.h"

static const authsvc_error_t catalogue[AUTHSVC_E_COUNT] = {
    [AUTHSVC_E_MALFORMED_JSON] = {400, "MalformedJson", "The request body is not valid JSON"},
    [AUTHSVC_E_MALFORMED_FORM] = {400, "MalformedForm", "The request body is not a valid form"},
    [AUTHSVC_E_DUPLICATE_PARAMETER] = {400, "DuplicateParameter",
                                       "A parameter is given more than once"},
    [AUTHSVC_E_MISSING_PARAMETER] = {400, "MissingParameter",
                                     "A required parameter is missing"},
    [AUTHSVC_E_BAD_REQUEST] = {400, "BadRequest", "Bad Request"},
    [AUTHSVC_E_NOT_FOUND] = {404, "NotFound", "Endpoint not found"},
    [AUTHSVC_E_METHOD_NOT_ALLOWED] = {405, "MethodNotAllowed",
                                      "Method not allowed on this endpoint"},
    [AUTHSVC_E_PAYLOAD_TOO_LARGE] = {413, "PayloadTooLarge", "The request body is too large"},
    [AUTHSVC_E_REQUEST_TIMEOUT] = {408, "RequestTimeout",
                                   "The request body did not arrive in time"},
    [AUTHSVC_E_UNSUPPORTED_MEDIA_TYPE] = {415, "UnsupportedMediaType",
                                          "Unsupported content type"},
    [AUTHSVC_E_VALIDATION_FAILED] =
        {422, "VALIDATION_FAILED",
         "The request body is invalid. See error object `details` property for more info."},
    [AUTHSVC_E_NOT_IMPLEMENTED] = {501, "NotImplemented", "Not implemented"},
    [AUTHSVC_E_SERVICE_UNAVAILABLE] = {503, "ServiceUnavailable",
                                       "Service temporarily unavailable"},
    [AUTHSVC_E_INTERNAL] = {500, "InternalError", "Internal Server Error"},
    [AUTHSVC_E_CODE_EXPIRED] = {401, "CodeExpired", "Code Expired"},
    [AUTHSVC_E_TOKEN_EXPIRED] = {401, "TokenExpired", "Token Expired"},
    [AUTHSVC_E_TOKEN_INVALID] = {401, "TokenInvalid", "Token Invalid"},
    [AUTHSVC_E_TOKEN_REVOKED] = {401, "TokenRevoked", "Token Revoked"},
    [AUTHSVC_E_TOKEN_MISSING] = {422, "TokenMissing", "Token Missing"},
    [AUTHSVC_E_CLIENT_INVALID] = {401, "ClientInvalid", "Client Invalid"},
    [AUTHSVC_E_CLIENT_VERIFICATION_FAILED] = {401, "ClientVerificationFailed",
                                              "Client Verification Failed"},
    [AUTHSVC_E_CLIENT_USER_MISSING] = {401, "ClientUserMissing", "Client User Missing"},
    [AUTHSVC_E_INVALID_CREDENTIALS] = {401, "InvalidCredentials", "Invalid Credentials"},
    [AUTHSVC_E_USER_VERIFICATION_FAILED] = {401, "UserVerificationFailed",
                                            "User Verification Failed"},
    [AUTHSVC_E_WRONG_PASSWORD] = {401, "WrongPassword", "Incorrect Password"},
    [AUTHSVC_E_OTP_INVALID] = {401, "OtpInvalid", "Otp Invalid"},
    [AUTHSVC_E_OTP_EXPIRED] = {401, "OtpExpired", "Otp Token Incorrect or Expired"},
    [AUTHSVC_E_USER_DOES_NOT_EXIST] = {401, "UserDoesNotExist", "User Does Not Exist"},
    [AUTHSVC_E_USER_INACTIVE] = {401, "UserInactive", "User Inactive"},
    [AUTHSVC_E_PASSWORD_INVALID] = {400, "PasswordInvalid", "Password Invalid"},
    [AUTHSVC_E_PASSWORD_EXTERNAL_USER] = {400, "PasswordCannotBeChangedForExternalUser",
                                          "Password cannot be changed for external user"},
    [AUTHSVC_E_NOT_ALLOWED_ACCESS] = {403, "NotAllowedAccess", "Not Allowed Access"},
    [AUTHSVC_E_PASSWORD_REUSED] = {401, "PasswordReused",
                                   "The new password must differ from the current one"},
    [AUTHSVC_E_TOO_MANY_ATTEMPTS] = {429, "TooManyAttempts",
                                     "Too many failed attempts; try again later"},
    [AUTHSVC_E_TOTP_EXISTS] = {409, "TotpAlreadyGenerated",
                               "An authenticator is already set up for this user"},
    [AUTHSVC_E_INVALID_FILTER] = {400, "InvalidFilter", "The filter is invalid"},
    [AUTHSVC_E_ENTITY_NOT_FOUND] = {404, "ENTITY_NOT_FOUND", "Entity not found"},
    [AUTHSVC_E_SOCIAL_STATE_INVALID] = {400, "InvalidState",
                                        "The login state is missing, unknown, used or expired"},
    [AUTHSVC_E_SOCIAL_LOGIN_FAILED] = {401, "SocialLoginFailed",
                                       "Login through the identity provider failed"},
    [AUTHSVC_E_SOCIAL_PROVIDER_UNKNOWN] = {400, "ProviderNotConfigured",
                                           "This identity provider is not configured"},
    [AUTHSVC_E_IDENTITY_LINK_REFUSED] = {401, "IdentityLinkRefused",
                                         "This identity is not linked to an account, and the "
                                         "account with its e-mail cannot be linked to it "
                                         "automatically: an administrator can link it"},
    [AUTHSVC_E_SIGNUP_DISABLED] = {403, "SignUpDisabled", "Self sign-up is disabled"},
    [AUTHSVC_E_EMAIL_MISMATCH] = {400, "EmailMismatch", "The e-mail is not the invited one"},
    [AUTHSVC_E_USER_EXISTS] = {409, "UserExists", "A user with this e-mail exists already"},
    [AUTHSVC_E_SAML_NOT_CONFIGURED] = {400, "SamlNotConfigured", "SAML is not configured"},
    [AUTHSVC_E_SAML_RESPONSE_INVALID] = {401, "SamlResponseInvalid", "SAML Response Invalid"},
};

const authsvc_error_t *authsvc_error_get(authsvc_error_id_t id)
{
    if ((unsigned)id >= AUTHSVC_E_COUNT || catalogue[id].status == 0)
        return &catalogue[AUTHSVC_E_INTERNAL];
    return &catalogue[id];
}

const char *authsvc_error_name_for_status(int status)
{
    switch (status) {
    case 400: return "BadRequestError";
    case 401: return "UnauthorizedError";
    case 403: return "ForbiddenError";
    case 404: return "NotFoundError";
    case 405: return "MethodNotAllowedError";
    case 409: return "ConflictError";
    case 413: return "PayloadTooLargeError";
    case 415: return "UnsupportedMediaTypeError";
    case 422: return "UnprocessableEntityError";
    case 429: return "TooManyRequestsError";
    case 501: return "NotImplementedError";
    case 503: return "ServiceUnavailableError";
    default: return status >= 500 ? "InternalServerError" : "HttpError";
    }
}

char *authsvc_error_envelope(apr_pool_t *p, int status, const char *code, const char *message,
                             const cJSON *details)
{
    cJSON *root = authsvc_json_own(p, cJSON_CreateObject());
    cJSON *error = cJSON_AddObjectToObject(root, "error");

    cJSON_AddNumberToObject(error, "statusCode", status);
    cJSON_AddStringToObject(error, "name", authsvc_error_name_for_status(status));
    cJSON_AddStringToObject(error, "message", message);
    cJSON_AddStringToObject(error, "code", code);
    if (details)
        cJSON_AddItemToObject(error, "details", cJSON_Duplicate(details, 1));
    return authsvc_json_print(p, root);
}
