/* The gateway's sign-in pages as HTML: one page frame (the module's stylesheet, no
 * inline style or script, so the Content-Security-Policy needs no 'unsafe-inline'), the
 * hidden fields every form carries (CSRF token, return address, "remember me"), error
 * paragraphs announced to screen readers, and the stylesheet itself, served by the
 * module at <portal>/static/authsvc.css with caching headers. */
#ifndef AUTHSVC_PAGE_RENDER_H
#define AUTHSVC_PAGE_RENDER_H

#include <httpd.h>

/* What a sign-in form carries from one step to the next. */
typedef struct {
    request_rec *r;
    const char *csrf; /* the CSRF cookie's value (double submit) */
    const char *ret;  /* the return address, checked */
    int remember;     /* "remember me" was ticked */
} authsvc_page_t;

/* The portal path of r's vhost followed by rest ("/login"). */
const char *authsvc_page_url(request_rec *r, const char *rest);

/* Sends a whole page in r's language (authsvc_page_text.h): <title> and <h1> are title
 * (translated and escaped here), body is HTML. */
int authsvc_page_send(request_rec *r, int status, const char *title, const char *body);

/* A page with one message (text, translated and escaped) and a link to the sign-in
 * page. */
int authsvc_page_message(request_rec *r, int status, const char *title, const char *text);

/* A time (epoch ms) as "2026-12-05 23:50 UTC"; "-" when unset (<= 0). */
const char *authsvc_page_time(apr_pool_t *p, long long ms);

/* Text escaped for HTML content and attribute values. */
const char *authsvc_page_escape(apr_pool_t *p, const char *text);

/* The hidden fields of pg (csrf, return, remember). */
const char *authsvc_page_hidden(const authsvc_page_t *pg);

/* <p role="alert" id="id"> with text (translated, escaped), or "" when text is NULL. */
const char *authsvc_page_error(request_rec *r, const char *id, const char *text);

/* GET/HEAD <portal>/static/authsvc.css: the stylesheet, with an ETag and Cache-Control
 * max-age (304 when If-None-Match names it). */
int authsvc_page_stylesheet(request_rec *r);

#endif
