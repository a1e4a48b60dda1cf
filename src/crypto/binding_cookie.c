/* Browser-binding cookies (see authsvc_binding_cookie.h). */
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "authsvc_binding_cookie.h"

static int binding_secure(const authsvc_request_t *req)
{
    return req->base_url && strncasecmp(req->base_url, "https://", 8) == 0;
}

static const char *binding_name(const authsvc_request_t *req, const char *base)
{
    return binding_secure(req) ? apr_pstrcat(req->pool, "__Host-", base, NULL) : base;
}

void authsvc_binding_cookie_set(authsvc_request_t *req, const char *base, const char *value,
                                int max_age)
{
    apr_table_add(req->headers_out, "Set-Cookie",
                  apr_psprintf(req->pool, "%s=%s; Path=/; Max-Age=%d; HttpOnly; %s",
                               binding_name(req, base), value, max_age,
                               binding_secure(req) ? "Secure; SameSite=None" : "SameSite=Lax"));
}

const char *authsvc_binding_cookie_get(const authsvc_request_t *req, const char *base)
{
    const char *header = apr_table_get(req->headers_in, "Cookie");
    const char *name = binding_name(req, base);
    apr_size_t len = strlen(name);
    char *copy, *pair, *last = NULL;

    if (!header)
        return NULL;
    copy = apr_pstrdup(req->pool, header);
    for (pair = apr_strtok(copy, ";", &last); pair; pair = apr_strtok(NULL, ";", &last)) {
        while (*pair == ' ' || *pair == '\t')
            pair++;
        if (strncmp(pair, name, len) == 0 && pair[len] == '=')
            return pair + len + 1;
    }
    return NULL;
}
