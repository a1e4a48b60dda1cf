/* The account page of a signed-in user, under <portal>/account (account_page.c). */
#ifndef AUTHSVC_ACCOUNT_PAGE_H
#define AUTHSVC_ACCOUNT_PAGE_H

#include <httpd.h>

/* rest: the path after <portal>/account ("" or "/..."); DECLINED when it names no page. */
int authsvc_account_page(request_rec *r, const char *rest);

#endif
