/* "Clients": every client, public or confidential, OpenID Connect or not. */
#include <httpd.h>
#include <apr_strings.h>

#include "authsvc_admin_pages.h"
#include "authsvc_admin_users.h"
#include "authsvc_page_render.h"

int authsvc_console_clients_page(const authsvc_admin_console_t *c)
{
    apr_pool_t *p = c->r->pool;
    apr_array_header_t *rows = NULL;
    const char *out = "";
    int i;

    if (authsvc_console_users_clients(c->ctx, &rows) != AUTHSVC_OK)
        return authsvc_page_message(c->r, HTTP_SERVICE_UNAVAILABLE, "Clients",
                                    "This is not possible right now. Try again later.");
    for (i = 0; i < rows->nelts; i++) {
        const authsvc_db_admin_client_t *k = &APR_ARRAY_IDX(rows, i, authsvc_db_admin_client_t);

        out = apr_pstrcat(p, out, "<tr><td>", authsvc_page_escape(p, k->client_id), "</td><td>",
                          authsvc_console_tr(c, k->client_type && k->client_type[0] == 'p'
                                                    ? "Public"
                                                    : "Confidential"),
                          "</td><td>", authsvc_console_tr(c, k->oidc ? "Yes" : "No"),
                          "</td><td>", authsvc_page_time(p, k->created_at), "</td></tr>\n",
                          NULL);
    }
    return authsvc_console_send(
        c, HTTP_OK, "Clients", "/clients",
        apr_pstrcat(p, "<table id=\"clients\"><caption>", authsvc_console_tr(c, "Clients"),
                    "</caption><thead><tr><th scope=\"col\">", authsvc_console_tr(c, "Client"),
                    "</th><th scope=\"col\">", authsvc_console_tr(c, "Type"),
                    "</th><th scope=\"col\">", authsvc_console_tr(c, "OpenID Connect"),
                    "</th><th scope=\"col\">", authsvc_console_tr(c, "Created"),
                    "</th></tr></thead><tbody>", out, "</tbody></table>\n", NULL));
}
