/* "Users" (list with Disable / Enable) and "Lockouts" (failed logins and locks with
 * Unlock): the actions are POST forms with the CSRF token; each names the user by id
 * and is carried out by the account service for a member of the admin's tenant. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>

#include "authsvc_admin_pages.h"
#include "authsvc_admin_users.h"
#include "authsvc_page_render.h"

#define USERS_PAGE 50

static const char *const account_status_texts[] = {"Registered", "Active", "Disabled",
                                                   "Password change needed", "Rejected"};

/* One POST form with a button: action on user id. */
static const char *account_button(const authsvc_admin_console_t *c, const char *path,
                                  const char *action, const char *id, const char *username,
                                  const char *text)
{
    apr_pool_t *p = c->r->pool;

    return apr_pstrcat(p, "<form class=\"inline\" method=\"post\" action=\"",
                       authsvc_console_url(c, path), "\">", authsvc_console_csrf_field(c),
                       "<input type=\"hidden\" name=\"id\" value=\"",
                       authsvc_page_escape(p, id),
                       "\"><input type=\"hidden\" name=\"action\" value=\"", action,
                       "\"><button type=\"submit\" aria-label=\"", authsvc_console_tr(c, text),
                       " ", authsvc_page_escape(p, username), "\">",
                       authsvc_console_tr(c, text), "</button></form>", NULL);
}

static const char *account_notice(const authsvc_admin_console_t *c, const char *notice)
{
    return notice
               ? apr_pstrcat(c->r->pool, "<p class=\"notice\" role=\"status\" id=\"notice\">",
                             authsvc_console_tr(c, notice), "</p>\n", NULL)
               : "";
}

static const char *users_rows(const authsvc_admin_console_t *c, const apr_array_header_t *rows)
{
    apr_pool_t *p = c->r->pool;
    long long now = authsvc_db_now_ms();
    const char *out = "";
    int i;

    for (i = 0; i < rows->nelts; i++) {
        const authsvc_db_admin_user_t *u = &APR_ARRAY_IDX(rows, i, authsvc_db_admin_user_t);
        int disabled = u->status == 2;

        out = apr_pstrcat(p, out, "<tr data-id=\"", authsvc_page_escape(p, u->id), "\"><td>",
                          authsvc_page_escape(p, u->username), "</td><td>",
                          authsvc_page_escape(p, u->email ? u->email : "-"),
                          "</td><td class=\"status\">",
                          authsvc_console_tr(c, u->status >= 0 && u->status < 5
                                                    ? account_status_texts[u->status]
                                                    : "-"),
                          "</td><td>",
                          u->locked_until > now ? authsvc_page_time(p, u->locked_until)
                                                : authsvc_console_tr(c, "No"),
                          "</td><td>",
                          account_button(c, "/users", disabled ? "enable" : "disable", u->id,
                                         u->username, disabled ? "Enable" : "Disable"),
                          "</td></tr>\n", NULL);
    }
    return out;
}

static const char *users_filter(const authsvc_admin_console_t *c)
{
    apr_pool_t *p = c->r->pool;

    return apr_pstrcat(
        p, "<form class=\"filter\" method=\"get\" action=\"", authsvc_console_url(c, "/users"),
        "\"><div><label for=\"username\">", authsvc_console_tr(c, "Username starts with"),
        "</label><input type=\"text\" id=\"username\" name=\"username\" value=\"",
        authsvc_page_escape(p, authsvc_console_arg(c, "username")),
        "\"></div><div><label><input type=\"checkbox\" name=\"locked\" value=\"1\"",
        *authsvc_console_arg(c, "locked") ? " checked" : "", "> ",
        authsvc_console_tr(c, "Locked only"), "</label></div><div><button type=\"submit\">",
        authsvc_console_tr(c, "Filter"), "</button></div></form>\n", NULL);
}

/* Links to the previous and next page, keeping the filter (a next page when this one
 * is full). */
static const char *users_pager(const authsvc_admin_console_t *c, int offset, int shown)
{
    apr_pool_t *p = c->r->pool;
    const char *base = apr_pstrcat(p, authsvc_console_url(c, "/users"), "?username=",
                                   ap_escape_urlencoded(p, authsvc_console_arg(c, "username")),
                                   *authsvc_console_arg(c, "locked") ? "&amp;locked=1" : "",
                                   "&amp;offset=", NULL);
    const char *out = "";

    if (offset > 0)
        out = apr_psprintf(p, "<a href=\"%s%d\" rel=\"prev\">%s</a> ", base,
                           offset > USERS_PAGE ? offset - USERS_PAGE : 0,
                           authsvc_console_tr(c, "Previous page"));
    if (shown == USERS_PAGE)
        out = apr_psprintf(p, "%s<a href=\"%s%d\" rel=\"next\">%s</a>", out, base,
                           offset + USERS_PAGE, authsvc_console_tr(c, "Next page"));
    return *out ? apr_pstrcat(p, "<nav aria-label=\"", authsvc_console_tr(c, "Pages"), "\"><p>",
                              out, "</p></nav>\n", NULL)
                : "";
}

int authsvc_console_users_page(const authsvc_admin_console_t *c, const char *notice)
{
    apr_pool_t *p = c->r->pool;
    authsvc_db_admin_user_query_t q;
    apr_array_header_t *rows = NULL;
    long offset = atol(authsvc_console_arg(c, "offset"));

    memset(&q, 0, sizeof(q));
    q.tenant_id = c->tenant_id;
    q.prefix = authsvc_console_arg(c, "username");
    q.status = -1;
    q.locked_only = *authsvc_console_arg(c, "locked") != '\0';
    q.limit = USERS_PAGE;
    q.offset = offset > 0 && offset < 1000000 ? (int)offset : 0;
    if (strlen(q.prefix) > 255 || authsvc_console_users_list(c->ctx, &q, &rows) != AUTHSVC_OK)
        return authsvc_page_message(c->r, HTTP_SERVICE_UNAVAILABLE, "Users",
                                    "This is not possible right now. Try again later.");
    return authsvc_console_send(
        c, HTTP_OK, "Users", "/users",
        apr_pstrcat(p, account_notice(c, notice), users_filter(c), "<p id=\"users-hint\">",
                    authsvc_console_tr(c, "Disabling a user ends every session of the user at "
                                          "once; enabling lets the user sign in again."),
                    "</p><table id=\"users\"><caption>", authsvc_console_tr(c, "Users"),
                    "</caption><thead><tr><th scope=\"col\">",
                    authsvc_console_tr(c, "Username"), "</th><th scope=\"col\">",
                    authsvc_console_tr(c, "E-mail address"), "</th><th scope=\"col\">",
                    authsvc_console_tr(c, "Status"), "</th><th scope=\"col\">",
                    authsvc_console_tr(c, "Locked until"), "</th><th scope=\"col\">",
                    authsvc_console_tr(c, "Action"), "</th></tr></thead><tbody>",
                    users_rows(c, rows), "</tbody></table>\n",
                    users_pager(c, q.offset, rows->nelts), NULL));
}

/* The refusal of an action as the page again, announced. */
static int account_refused(const authsvc_admin_console_t *c, int users, authsvc_status_t st)
{
    const char *text = st == AUTHSVC_NOT_FOUND
                           ? "There is no such user."
                           : "This is not possible right now. Try again later.";

    return authsvc_console_send(
        c, st == AUTHSVC_NOT_FOUND ? HTTP_NOT_FOUND : HTTP_SERVICE_UNAVAILABLE,
        users ? "Users" : "Lockouts", users ? "/users" : "/lockouts",
        apr_pstrcat(c->r->pool, authsvc_page_error(c->r, "action-error", text), "<p><a href=\"",
                    authsvc_console_url(c, users ? "/users" : "/lockouts"), "\">",
                    authsvc_console_tr(c, "Back to the list"), "</a></p>", NULL));
}

int authsvc_console_users_post(const authsvc_admin_console_t *c, apr_table_t *form)
{
    const char *id = apr_table_get(form, "id"), *action = apr_table_get(form, "action");
    int disable, changed = 0;
    authsvc_status_t st;

    if (!id || !*id || strlen(id) > 64 || !action
        || (strcmp(action, "disable") != 0 && strcmp(action, "enable") != 0))
        return authsvc_page_message(c->r, HTTP_BAD_REQUEST, "Users",
                                    "The form was not sent as expected.");
    disable = action[0] == 'd';
    st = authsvc_console_users_set_status(c->ctx, c->tenant_id, id, disable, &changed);
    if (st != AUTHSVC_OK)
        return account_refused(c, 1, st);
    return authsvc_console_users_page(c, disable ? "The user is disabled; every session of it "
                                                   "has ended."
                                                 : "The user is enabled.");
}

static const char *lock_rows(const authsvc_admin_console_t *c, const apr_array_header_t *rows,
                             int accounts)
{
    apr_pool_t *p = c->r->pool;
    long long now = authsvc_db_now_ms();
    const char *out = "";
    int i;

    for (i = 0; i < rows->nelts; i++) {
        const authsvc_db_admin_lock_t *l = &APR_ARRAY_IDX(rows, i, authsvc_db_admin_lock_t);

        out = apr_pstrcat(p, out, "<tr><td>", authsvc_page_escape(p, l->subject), "</td><td>",
                          authsvc_page_escape(p, l->source && *l->source ? l->source : "-"),
                          apr_psprintf(p, "</td><td class=\"n\">%" APR_INT64_T_FMT "</td><td>",
                                       (apr_int64_t)l->failures),
                          l->locked_until > now ? authsvc_page_time(p, l->locked_until)
                                                : authsvc_console_tr(c, "No"),
                          "</td>",
                          accounts
                              ? apr_pstrcat(p, "<td>",
                                            account_button(c, "/lockouts", "unlock", l->user_id,
                                                           l->subject, "Unlock"),
                                            "</td>", NULL)
                              : "",
                          "</tr>\n", NULL);
    }
    return out;
}

static const char *lock_table(const authsvc_admin_console_t *c, const char *id,
                              const char *caption, const apr_array_header_t *rows, int accounts)
{
    return apr_pstrcat(c->r->pool, "<table id=\"", id, "\"><caption>",
                       authsvc_console_tr(c, caption),
                       "</caption><thead><tr><th scope=\"col\">",
                       authsvc_console_tr(c, accounts ? "Username" : "Address"),
                       "</th><th scope=\"col\">", authsvc_console_tr(c, "Source"),
                       "</th><th scope=\"col\">", authsvc_console_tr(c, "Failed logins"),
                       "</th><th scope=\"col\">", authsvc_console_tr(c, "Locked until"),
                       "</th>",
                       accounts ? apr_pstrcat(c->r->pool, "<th scope=\"col\">",
                                              authsvc_console_tr(c, "Action"), "</th>", NULL)
                                : "",
                       "</tr></thead><tbody>", lock_rows(c, rows, accounts),
                       "</tbody></table>\n", NULL);
}

int authsvc_console_lockouts_page(const authsvc_admin_console_t *c, const char *notice)
{
    apr_array_header_t *accounts = NULL, *addresses = NULL;

    if (authsvc_console_users_locks(c->ctx, c->tenant_id, &accounts, &addresses) != AUTHSVC_OK)
        return authsvc_page_message(c->r, HTTP_SERVICE_UNAVAILABLE, "Lockouts",
                                    "This is not possible right now. Try again later.");
    return authsvc_console_send(
        c, HTTP_OK, "Lockouts", "/lockouts",
        apr_pstrcat(c->r->pool, account_notice(c, notice),
                    lock_table(c, "lockouts", "Accounts with failed logins or a lock", accounts,
                               1),
                    lock_table(c, "address-lockouts", "Addresses with failed logins or a lock",
                               addresses, 0),
                    NULL));
}

int authsvc_console_lockouts_post(const authsvc_admin_console_t *c, apr_table_t *form)
{
    const char *id = apr_table_get(form, "id"), *action = apr_table_get(form, "action");
    int cleared = 0;
    authsvc_status_t st;

    if (!id || !*id || strlen(id) > 64 || !action || strcmp(action, "unlock") != 0)
        return authsvc_page_message(c->r, HTTP_BAD_REQUEST, "Lockouts",
                                    "The form was not sent as expected.");
    st = authsvc_console_users_unlock(c->ctx, c->tenant_id, id, &cleared);
    if (st != AUTHSVC_OK)
        return account_refused(c, 0, st);
    return authsvc_console_lockouts_page(c, "The user is unlocked.");
}
