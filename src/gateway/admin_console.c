/* What the admin console's pages share (see authsvc_admin_console.h): the frame with
 * its navigation and stylesheet, texts. */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_protocol.h>

#include "authsvc_admin_console.h"
#include "authsvc_gateway.h"
#include "authsvc_page_render.h"
#include "authsvc_page_text.h"

/* The console's own stylesheet, linked from each page after the portal's: wider pages
 * and tables (served as a file, so the CSP needs no inline style). */
static const char admin_style[] =
    "body{max-width:64rem}\n"
    "nav.admin ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}\n"
    "nav.admin a[aria-current=page]{font-weight:bold}\n"
    "table{border-collapse:collapse;margin:1rem 0}\n"
    "th,td{border:1px solid #767676;padding:.3rem .6rem;text-align:left}\n"
    "td.n{text-align:right}\n"
    "form.filter{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end}\n"
    "form.filter label{margin-top:0}\n"
    "form.inline button{margin-top:0;padding:.3rem .8rem}\n"
    "svg.chart{max-width:100%;height:auto}\n"
    ".legend span{display:inline-block;margin-right:1rem}\n";

const char *authsvc_console_tr(const authsvc_admin_console_t *c, const char *en)
{
    return authsvc_page_escape(c->r->pool, authsvc_page_tr(c->r, en));
}

const char *authsvc_console_url(const authsvc_admin_console_t *c, const char *rest)
{
    return authsvc_page_url(c->r, apr_pstrcat(c->r->pool, "/admin", rest, NULL));
}

const char *authsvc_console_csrf_field(const authsvc_admin_console_t *c)
{
    return apr_pstrcat(c->r->pool, "<input type=\"hidden\" name=\"csrf\" value=\"",
                       authsvc_page_escape(c->r->pool, c->csrf), "\">", NULL);
}

const char *authsvc_console_arg(const authsvc_admin_console_t *c, const char *name)
{
    const char *v = c->query ? apr_table_get(c->query, name) : NULL;

    return v ? v : "";
}

/* One link of the navigation, marked when it is the current page. */
static const char *admin_nav_item(const authsvc_admin_console_t *c, const char *path,
                                  const char *text, const char *current)
{
    return apr_pstrcat(c->r->pool, "<li><a href=\"", authsvc_console_url(c, path), "\"",
                       strcmp(path, current) == 0 ? " aria-current=\"page\"" : "", ">",
                       authsvc_console_tr(c, text), "</a></li>", NULL);
}

int authsvc_console_send(const authsvc_admin_console_t *c, int status, const char *title,
                         const char *current, const char *body)
{
    apr_pool_t *p = c->r->pool;
    const char *nav = apr_pstrcat(
        p, "<link rel=\"stylesheet\" href=\"", authsvc_console_url(c, "/static/admin.css"),
        "\">\n<nav class=\"admin\" aria-label=\"", authsvc_console_tr(c, "Administration"),
        "\"><ul>", admin_nav_item(c, "", "Overview", current),
        c->reports ? admin_nav_item(c, "/active-users", "Active users", current) : "",
        c->reports ? admin_nav_item(c, "/activity", "Login activity", current) : "",
        c->users ? admin_nav_item(c, "/lockouts", "Lockouts", current) : "",
        c->users ? admin_nav_item(c, "/users", "Users", current) : "",
        c->users ? admin_nav_item(c, "/clients", "Clients", current) : "", "</ul></nav>\n",
        NULL);

    return authsvc_page_send(c->r, status, title, apr_pstrcat(p, nav, body, NULL));
}

int authsvc_console_style_sheet(request_rec *r)
{
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=86400");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_type(r, "text/css; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)strlen(admin_style));
    if (!r->header_only)
        ap_rputs(admin_style, r);
    return OK;
}
