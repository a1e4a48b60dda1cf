/* The account pages under <portal>/account: none yet, so every path is left to httpd (404). */
#include <httpd.h>

#include "authsvc_account_page.h"

int authsvc_account_page(request_rec *r, const char *rest)
{
    (void)r;
    (void)rest;
    return DECLINED;
}
