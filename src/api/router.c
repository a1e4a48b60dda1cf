/* Route matching: method + path against the table's templates. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_route.h"

/* Matches one segment template "{name}" or a literal; advances both cursors. */
int authsvc_router_template_match(apr_pool_t *p, const char *template_path, const char *path,
                                  authsvc_capture_t *captures, int *ncaptures)
{
    const char *t = template_path, *s = path;
    int n = 0;

    while (*t && *s) {
        if (*t == '{') {
            const char *close = strchr(t, '}');
            apr_size_t len = strcspn(s, "/");
            if (!close || len == 0 || n >= AUTHSVC_PATH_CAPTURES_MAX)
                return 0;
            if (captures) {
                captures[n].name = apr_pstrmemdup(p, t + 1, (apr_size_t)(close - t - 1));
                captures[n].value = apr_pstrmemdup(p, s, len);
            }
            n++;
            t = close + 1;
            s += len;
            continue;
        }
        if (*t != *s)
            return 0;
        t++;
        s++;
    }
    if (*t || *s)
        return 0;
    if (ncaptures)
        *ncaptures = n;
    return 1;
}

static int router_method_matches(const char *row_method, const char *method)
{
    return strcmp(row_method, method) == 0
           || (strcmp(method, "HEAD") == 0 && strcmp(row_method, "GET") == 0);
}

/* Literal templates win over ones with captures ("/login-activity/count" before "/{id}"). */
static int router_is_literal(const char *template_path)
{
    return strchr(template_path, '{') == NULL;
}

static const authsvc_route_t *router_find(apr_pool_t *p, const authsvc_route_t *table,
                                          apr_size_t count, const char *method,
                                          const char *path, int literal_pass,
                                          authsvc_route_match_t *out, const char **allow)
{
    apr_size_t i;

    for (i = 0; i < count; i++) {
        const authsvc_route_t *row = &table[i];
        if (router_is_literal(row->path) != literal_pass)
            continue;
        if (!authsvc_router_template_match(p, row->path, path, NULL, NULL))
            continue;
        if (router_method_matches(row->method, method)) {
            authsvc_router_template_match(p, row->path, path, out->captures, &out->ncaptures);
            return row;
        }
        *allow = *allow ? apr_pstrcat(p, *allow, ", ", row->method, NULL) : row->method;
    }
    return NULL;
}

authsvc_route_result_t authsvc_router_match(apr_pool_t *p, const authsvc_route_t *table,
                                            apr_size_t count, const char *method,
                                            const char *path, authsvc_route_match_t *out)
{
    const char *allow = NULL;

    memset(out, 0, sizeof(*out));
    if (strlen(path) > AUTHSVC_PATH_LENGTH_MAX)
        return AUTHSVC_ROUTE_NO_PATH;
    out->route = router_find(p, table, count, method, path, 1, out, &allow);
    if (!out->route && !allow)
        out->route = router_find(p, table, count, method, path, 0, out, &allow);
    if (out->route)
        return AUTHSVC_ROUTE_MATCHED;
    out->allow = allow;
    return allow ? AUTHSVC_ROUTE_NO_METHOD : AUTHSVC_ROUTE_NO_PATH;
}
