/* Directive argument helpers shared by every config file: a leaf below them, so the
 * server config and its parts (password, second factor, gateway) do not need each other. */
#include <apr_strings.h>

#include <httpd.h>
#include <http_config.h>

#include "authsvc_httpd.h"

const char *authsvc_config_number(cmd_parms *cmd, const char *arg, long min, long max,
                                  long *out)
{
    char *end;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || v < min || v > max)
        return apr_psprintf(cmd->pool, "%s: '%s' must be a whole number from %ld to %ld",
                            cmd->cmd->name, arg, min, max);
    *out = (long)v;
    return NULL;
}
