/* The password policy as the flows apply it: 8 to 256 characters (code points, not
 * bytes), no composition rules, not the username. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"

static apr_size_t password_code_points(const char *s)
{
    apr_size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

authsvc_status_t authsvc_flow_password_acceptable(authsvc_request_t *req, const char *username,
                                                  const char *password, const char **why)
{
    apr_size_t n = password_code_points(password);

    (void)req;
    *why = NULL;
    if (!authsvc_utf8_valid(password, strlen(password)))
        *why = "Password must be valid UTF-8";
    else if (n < 8)
        *why = "Password must be at least 8 characters";
    else if (n > AUTHSVC_PASSWORD_LENGTH_MAX)
        *why = "Password must be at most 256 characters";
    else if (username && strcasecmp(username, password) == 0)
        *why = "Password must not be the username";
    return *why ? AUTHSVC_INVALID : AUTHSVC_OK;
}
