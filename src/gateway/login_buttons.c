/* The sign-in page's social buttons (see authsvc_login_buttons.h). */
#include <string.h>

#include <httpd.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <http_config.h>

#include "authsvc_httpd.h"
#include "authsvc_login_buttons.h"
#include "authsvc_login_saml.h"
#include "authsvc_page_text.h"

APLOG_USE_MODULE(authsvc);

static const authsvc_server_config_t *social_config(const request_rec *r)
{
    return ap_get_module_config(r->server->module_config, &authsvc_module);
}

const authsvc_login_button_t *authsvc_login_button(const request_rec *r, const char *name,
                                                   const authsvc_social_provider_t **provider)
{
    const authsvc_server_config_t *c = social_config(r);
    apr_size_t n, i;
    const authsvc_login_button_t *all = authsvc_login_buttons_all(&n);

    *provider = name && c->social_providers
                    ? authsvc_social_provider_find(c->social_providers, name)
                    : NULL;
    for (i = 0; *provider && i < n; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

const char *authsvc_login_buttons(const authsvc_page_t *pg)
{
    apr_pool_t *p = pg->r->pool;
    const authsvc_social_provider_t *provider;
    const char *buttons = "";
    apr_size_t n, i;
    const authsvc_login_button_t *all = authsvc_login_buttons_all(&n);

    /* the table's order, so that the page is the same at every request */
    for (i = 0; i < n; i++)
        if (authsvc_login_button(pg->r, all[i].name, &provider))
            buttons = apr_pstrcat(p, buttons, "<button id=\"social-", all[i].name,
                                  "\" class=\"secondary\" type=\"submit\" name=\"provider\" "
                                  "value=\"",
                                  all[i].name, "\">",
                                  authsvc_page_escape(p, authsvc_page_tr(pg->r, all[i].label)),
                                  "</button>\n", NULL);
    if (authsvc_login_saml_offered(pg->r))
        buttons = apr_pstrcat(
            p, buttons,
            "<button id=\"social-saml\" class=\"secondary\" type=\"submit\" "
            "name=\"provider\" value=\"saml\">",
            authsvc_page_escape(p, authsvc_page_tr(pg->r, "Sign in with single sign-on")),
            "</button>\n", NULL);
    if (!*buttons)
        return "";
    return apr_pstrcat(p, "<form id=\"social-form\" method=\"post\" action=\"",
                       authsvc_page_url(pg->r, "/social"), "\">\n", authsvc_page_hidden(pg),
                       buttons, "</form>\n", NULL);
}
