/* What the admin console's pages share (admin_page.c): who is asking (the signed-in
 * user's tenant and permissions), the query, the CSRF token, and the frame every page
 * is sent in (a navigation and the console's own stylesheet); admin_console.c. */
#ifndef AUTHSVC_ADMIN_CONSOLE_H
#define AUTHSVC_ADMIN_CONSOLE_H

#include <httpd.h>
#include <apr_tables.h>

#include "authsvc_context.h"

/* The permissions: ViewLoginActivity for the reports, ManageUsers for users, lockouts,
 * clients and the user actions. */
#define AUTHSVC_ADMIN_PERM_REPORTS "ViewLoginActivity"
#define AUTHSVC_ADMIN_PERM_USERS "ManageUsers"

typedef struct {
    request_rec *r;
    authsvc_context_t *ctx;
    const char *tenant_id;
    const char *user_id;
    int reports; /* holds ViewLoginActivity */
    int users;   /* holds ManageUsers */
    apr_table_t *query;
    const char *csrf;
} authsvc_admin_console_t;

/* Sends a console page: the navigation (current: the path of this page) and body. */
int authsvc_console_send(const authsvc_admin_console_t *c, int status, const char *title,
                         const char *current, const char *body);

/* r's text in its language, escaped. */
const char *authsvc_console_tr(const authsvc_admin_console_t *c, const char *en);

/* The console's address of rest ("/users"). */
const char *authsvc_console_url(const authsvc_admin_console_t *c, const char *rest);

/* The hidden CSRF field. */
const char *authsvc_console_csrf_field(const authsvc_admin_console_t *c);

/* A query value ("" when absent). */
const char *authsvc_console_arg(const authsvc_admin_console_t *c, const char *name);

/* GET <portal>/admin/static/admin.css: the console's stylesheet, cached. */
int authsvc_console_style_sheet(request_rec *r);

#endif
