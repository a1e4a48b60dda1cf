/* The admin console, under <portal>/admin (admin_page.c). */
#ifndef AUTHSVC_ADMIN_PAGE_H
#define AUTHSVC_ADMIN_PAGE_H

#include <httpd.h>

/* rest: the path after <portal>/admin ("" or "/..."); DECLINED when it names no page. */
int authsvc_console_page(request_rec *r, const char *rest);

#endif
