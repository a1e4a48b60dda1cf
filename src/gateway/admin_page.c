/* The admin pages under <portal>/admin: none yet, so every path is left to httpd (404). */
#include <httpd.h>

#include "authsvc_admin_page.h"

int authsvc_admin_page(request_rec *r, const char *rest)
{
    (void)r;
    (void)rest;
    return DECLINED;
}
