/* The admin console's pages, one file each: the active-users chart (admin_chart.c),
 * login activity (admin_activity.c), users and lockouts with their actions
 * (admin_accounts.c), clients (admin_clients.c). */
#ifndef AUTHSVC_ADMIN_PAGES_H
#define AUTHSVC_ADMIN_PAGES_H

#include <apr_tables.h>

#include "authsvc_admin_console.h"

int authsvc_admin_chart_page(const authsvc_admin_console_t *c);
int authsvc_admin_activity_page(const authsvc_admin_console_t *c);
int authsvc_admin_users_page(const authsvc_admin_console_t *c, const char *notice);
int authsvc_admin_lockouts_page(const authsvc_admin_console_t *c, const char *notice);
/* POST /users (action disable or enable) and /lockouts (unlock), form checked already. */
int authsvc_admin_users_post(const authsvc_admin_console_t *c, apr_table_t *form);
int authsvc_admin_lockouts_post(const authsvc_admin_console_t *c, apr_table_t *form);
int authsvc_admin_clients_page(const authsvc_admin_console_t *c);

#endif
