/* Return-URL allow-listing for the gateway's login page (see authsvc_return_url.h). */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "authsvc_return_url.h"

/* Printable ASCII without space and backslash. */
static int return_chars_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == '\\')
            return 0;
    return 1;
}

/* One round of percent-decoding; NULL for a bad escape or an encoded NUL. */
static const char *return_decode(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (*s != '%') {
            *o++ = *s;
            continue;
        }
        if (!apr_isxdigit(s[1]) || !apr_isxdigit(s[2]))
            return NULL;
        *o = (char)((apr_isdigit(s[1]) ? s[1] - '0' : (apr_tolower(s[1]) - 'a' + 10)) * 16
                    + (apr_isdigit(s[2]) ? s[2] - '0' : (apr_tolower(s[2]) - 'a' + 10)));
        if (*o++ == '\0')
            return NULL;
        s += 2;
    }
    *o = '\0';
    return out;
}

/* A path of this origin: "/" not followed by '/' or '\'. */
static int return_path_ok(const char *s)
{
    return s[0] == '/' && s[1] != '/' && s[1] != '\\';
}

const char *authsvc_return_url_origin(apr_pool_t *p, const char *url)
{
    const char *rest, *end;
    char *origin;
    apr_size_t len;

    if (strncasecmp(url, "https://", 8) == 0)
        rest = url + 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        rest = url + 7;
    else
        return NULL;
    end = rest + strcspn(rest, "/?#");
    len = (apr_size_t)(end - rest);
    if (len == 0 || memchr(rest, '@', len) || !return_chars_ok(url))
        return NULL;
    origin = apr_pstrndup(p, url, (apr_size_t)(end - url));
    for (len = 0; origin[len]; len++)
        origin[len] = (char)apr_tolower(origin[len]);
    len = strlen(origin);
    if (strncmp(origin, "https://", 8) == 0 && len > 4 && strcmp(origin + len - 4, ":443") == 0)
        origin[len - 4] = '\0';
    else if (strncmp(origin, "http://", 7) == 0 && len > 3
             && strcmp(origin + len - 3, ":80") == 0)
        origin[len - 3] = '\0';
    return origin;
}

const char *authsvc_return_url_check(apr_pool_t *p, const char *value,
                                     const char *const *origins)
{
    const char *decoded, *origin;

    if (!value || !*value || strlen(value) > AUTHSVC_RETURN_URL_LENGTH_MAX
        || !return_chars_ok(value) || !(decoded = return_decode(p, value))
        || !return_chars_ok(decoded))
        return NULL;
    if (value[0] == '/')
        return return_path_ok(value) && return_path_ok(decoded) ? value : NULL;
    origin = authsvc_return_url_origin(p, value);
    if (!origin || !authsvc_return_url_origin(p, decoded))
        return NULL;
    for (; origins && *origins; origins++)
        if (strcmp(origin, *origins) == 0) {
            const char *path = value + strlen(origin);
            /* written exactly as configured, then a path or nothing */
            return (strncmp(value, origin, strlen(origin)) == 0
                    && (*path == '\0' || return_path_ok(path)))
                       ? value
                       : NULL;
        }
    return NULL;
}
