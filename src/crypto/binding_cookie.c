/* Browser-binding cookies (see authsvc_binding_cookie.h). */
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "authsvc_binding_cookie.h"

static int binding_secure(const char *base_url)
{
    return base_url && strncasecmp(base_url, "https://", 8) == 0;
}

static const char *binding_name(apr_pool_t *p, const char *base_url, const char *base)
{
    return binding_secure(base_url) ? apr_pstrcat(p, "__Host-", base, NULL) : base;
}

const char *authsvc_binding_cookie_header(apr_pool_t *p, const char *base_url, const char *base,
                                          const char *value, int max_age)
{
    return apr_psprintf(p, "%s=%s; Path=/; Max-Age=%d; HttpOnly; %s",
                        binding_name(p, base_url, base), value, max_age,
                        binding_secure(base_url) ? "Secure; SameSite=None" : "SameSite=Lax");
}

const char *authsvc_binding_cookie_find(apr_pool_t *p, const char *base_url,
                                        const char *cookies, const char *base)
{
    const char *name = binding_name(p, base_url, base);
    apr_size_t len = strlen(name);
    char *copy, *pair, *last = NULL;

    if (!cookies)
        return NULL;
    copy = apr_pstrdup(p, cookies);
    for (pair = apr_strtok(copy, ";", &last); pair; pair = apr_strtok(NULL, ";", &last)) {
        while (*pair == ' ' || *pair == '\t')
            pair++;
        if (strncmp(pair, name, len) == 0 && pair[len] == '=')
            return pair + len + 1;
    }
    return NULL;
}
