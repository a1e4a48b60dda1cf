/* Names of the lower layers' status codes, for log lines. */
#include "authsvc_status.h"

const char *authsvc_status_name(authsvc_status_t status)
{
    switch (status) {
    case AUTHSVC_OK: return "ok";
    case AUTHSVC_NOT_FOUND: return "not found";
    case AUTHSVC_INVALID: return "invalid";
    case AUTHSVC_CONFLICT: return "conflict";
    case AUTHSVC_TOO_LARGE: return "too large";
    case AUTHSVC_UNAVAILABLE: return "unavailable";
    case AUTHSVC_DB_ERROR: return "database error";
    case AUTHSVC_CRYPTO_ERROR: return "crypto error";
    case AUTHSVC_NO_MEMORY: return "out of memory";
    }
    return "unknown status";
}
