/* The admin console's pages, one file each: the active-users chart (admin_chart.c),
 * login activity (admin_activity.c), users and lockouts with their actions
 * (admin_accounts.c), clients (admin_clients.c). */
#ifndef AUTHSVC_ADMIN_PAGES_H
#define AUTHSVC_ADMIN_PAGES_H

#include <apr_tables.h>

#include "authsvc_admin_console.h"

int authsvc_console_chart_page(const authsvc_admin_console_t *c);
int authsvc_console_activity_page(const authsvc_admin_console_t *c);
int authsvc_console_users_page(const authsvc_admin_console_t *c, const char *notice);
int authsvc_console_lockouts_page(const authsvc_admin_console_t *c, const char *notice);
/* POST /users (action disable or enable) and /lockouts (unlock), form checked already. */
int authsvc_console_users_post(const authsvc_admin_console_t *c, apr_table_t *form);
int authsvc_console_lockouts_post(const authsvc_admin_console_t *c, apr_table_t *form);
int authsvc_console_clients_page(const authsvc_admin_console_t *c);

#endif
