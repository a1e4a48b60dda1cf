/* The sign-in pages' frame and stylesheet (see authsvc_page_render.h). */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <http_config.h>
#include <http_core.h>
#include <http_protocol.h>

#include "authsvc_gateway.h"
#include "authsvc_page_render.h"
#include "authsvc_page_templates.h"
#include "authsvc_page_text.h"
#include "authsvc_tokens.h"

#define PAGE_STYLE_MAX_AGE "86400"

APLOG_USE_MODULE(authsvc);

/* The stylesheet: served as a file of the module, never inline. */
static const char page_style[] =
    "body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;"
    "line-height:1.4}\n"
    "label{display:block;margin-top:1rem}\n"
    "input[type=text],input[type=password],input[type=email]{box-sizing:border-box;"
    "width:100%;padding:.5rem;font-size:1rem}\n"
    "input[aria-invalid=true]{border:2px solid #8b0000}\n"
    "button{margin-top:1.5rem;padding:.6rem 1.4rem;font-size:1rem}\n"
    "button.secondary{margin-top:.5rem;background:none;border:1px solid #555}\n"
    ".error{color:#8b0000;border:2px solid #8b0000;padding:.5rem}\n"
    ".notice{border:2px solid #1b5e20;padding:.5rem}\n"
    ".hint{color:#333;font-size:.95rem}\n"
    "nav{margin-top:1.5rem}\n"
    ":focus-visible{outline:3px solid #1a4fa0;outline-offset:2px}\n";

const char *authsvc_page_url(request_rec *r, const char *rest)
{
    return apr_pstrcat(r->pool, authsvc_gateway_portal_path(r->server), rest, NULL);
}

const char *authsvc_page_time(apr_pool_t *p, long long ms)
{
    apr_time_exp_t t;
    char buf[32];
    apr_size_t len = 0;

    if (ms <= 0 || apr_time_exp_gmt(&t, apr_time_from_msec(ms)) != APR_SUCCESS
        || apr_strftime(buf, &len, sizeof(buf), "%Y-%m-%d %H:%M UTC", &t) != APR_SUCCESS)
        return "-";
    return apr_pstrdup(p, buf);
}

const char *authsvc_page_escape(apr_pool_t *p, const char *text)
{
    /* 0: UTF-8 text stays as it is (1 would write each byte of a non-ASCII character as
     * its own reference); the frame declares UTF-8 */
    return ap_escape_html2(p, text ? text : "", 0);
}

/* No form-action: browsers apply it to every redirect that follows a form's submission,
 * so a sign-in that goes on to /oauth2/authorize and from there to a relying party's
 * redirect URI (another origin) would be blocked (Chromium does). The forms post to
 * this page only; nothing on it runs script, and every value in it is escaped. */
static void page_security_headers(request_rec *r)
{
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->headers_out, "X-Frame-Options", "DENY");
    apr_table_setn(r->headers_out, "Referrer-Policy", "no-referrer");
    apr_table_setn(r->headers_out, "Content-Security-Policy",
                   "default-src 'none'; style-src 'self'; img-src 'self'; "
                   "frame-ancestors 'none'; base-uri 'none'");
}

/* AuthsvcPagesTemplates of r's vhost, or NULL. */
static const authsvc_page_templates_t *page_templates(const request_rec *r)
{
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
    return c->pages;
}

/* The administrator's frame with its placeholders replaced: {{body}} as it is (the
 * page's own HTML), the others escaped; unknown ones stay as they are. */
static const char *page_frame(request_rec *r, const char *frame, const char *title,
                              const char *body)
{
    const char *names[] = {"lang", "title", "stylesheet", "body"};
    const char *values[] = {
        authsvc_page_escape(r->pool, authsvc_page_lang(r)), authsvc_page_escape(r->pool, title),
        authsvc_page_escape(r->pool, authsvc_page_url(r, "/static/authsvc.css")), body};
    apr_array_header_t *out = apr_array_make(r->pool, 16, sizeof(const char *));
    const char *s = frame, *open;
    size_t i;

    while ((open = strstr(s, "{{"))) {
        const char *close = strstr(open + 2, "}}");

        *(const char **)apr_array_push(out) = apr_pstrndup(r->pool, s, (apr_size_t)(open - s));
        if (!close) {
            s = open; /* an unclosed "{{" stays as written */
            break;
        }
        s = open + 2;
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if ((size_t)(close - s) == strlen(names[i]) && strncmp(s, names[i], close - s) == 0)
                break;
        *(const char **)apr_array_push(
            out) = i < sizeof(names) / sizeof(names[0])
                       ? values[i]
                       : apr_pstrndup(r->pool, open, (apr_size_t)(close + 2 - open));
        s = close + 2;
    }
    *(const char **)apr_array_push(out) = s;
    return apr_array_pstrcat(r->pool, out, 0);
}

int authsvc_page_send(request_rec *r, int status, const char *title, const char *body)
{
    const authsvc_page_templates_t *tpl = page_templates(r);
    const char *t = authsvc_page_escape(r->pool, authsvc_page_tr(r, title)), *html;

    if (tpl && tpl->frame)
        html = page_frame(r, tpl->frame, authsvc_page_tr(r, title), body);
    else
        html = apr_pstrcat(
            r->pool, "<!DOCTYPE html>\n<html lang=\"", authsvc_page_lang(r),
            "\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>",
            t, "</title><link rel=\"stylesheet\" href=\"",
            authsvc_page_url(r, "/static/authsvc.css"), "\"></head>\n<body><main><h1>", t,
            "</h1>\n", body, "</main></body></html>\n", NULL);

    r->status = status;
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_mergen(r->headers_out, "Vary", "Accept-Language");
    page_security_headers(r);
    ap_set_content_length(r, (apr_off_t)strlen(html));
    if (!r->header_only)
        ap_rputs(html, r);
    return OK;
}

int authsvc_page_message(request_rec *r, int status, const char *title, const char *text)
{
    return authsvc_page_send(r, status, title,
                             apr_pstrcat(r->pool, "<p id=\"message\" role=\"status\">",
                                         authsvc_page_escape(r->pool, authsvc_page_tr(r, text)),
                                         "</p>\n<p><a href=\"", authsvc_page_url(r, "/login"),
                                         "\">", authsvc_page_tr(r, "Sign in"), "</a></p>\n",
                                         NULL));
}

const char *authsvc_page_hidden(const authsvc_page_t *pg)
{
    apr_pool_t *p = pg->r->pool;

    return apr_pstrcat(p, "<input type=\"hidden\" name=\"csrf\" value=\"",
                       authsvc_page_escape(p, pg->csrf),
                       "\">\n<input type=\"hidden\" name=\"return\" value=\"",
                       authsvc_page_escape(p, pg->ret), "\">\n",
                       pg->remember ? "<input type=\"hidden\" name=\"remember\" value=\"1\">\n"
                                    : "",
                       NULL);
}

const char *authsvc_page_error(request_rec *r, const char *id, const char *text)
{
    if (!text)
        return "";
    return apr_pstrcat(r->pool, "<p class=\"error\" role=\"alert\" id=\"", id, "\">",
                       authsvc_page_escape(r->pool, authsvc_page_tr(r, text)), "</p>\n", NULL);
}

int authsvc_page_stylesheet(request_rec *r)
{
    const authsvc_page_templates_t *tpl = page_templates(r);
    const char *style = tpl && tpl->style ? tpl->style : page_style;
    const char *etag = apr_pstrcat(r->pool, "\"",
                                   apr_pstrndup(r->pool, authsvc_token_hash(r->pool, style),
                                                16),
                                   "\"", NULL);
    const char *match = apr_table_get(r->headers_in, "If-None-Match");

    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    apr_table_setn(r->headers_out, "ETag", etag);
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=" PAGE_STYLE_MAX_AGE);
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    if (match && strstr(match, etag)) {
        r->status = HTTP_NOT_MODIFIED; /* no body: the header filter sends none */
        return OK;
    }
    ap_set_content_type(r, "text/css; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)strlen(style));
    r->status = HTTP_OK;
    if (!r->header_only)
        ap_rputs(style, r);
    return OK;
}
