/* "Login activity": the tenant's logins, newest first, filtered by a GET form (user,
 * login type, from/to dates) and paged. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <apr_hash.h>
#include <apr_strings.h>

#include "authsvc_admin_pages.h"
#include "authsvc_admin_reports.h"
#include "authsvc_db_activity.h"
#include "authsvc_db_users.h"
#include "authsvc_page_render.h"

#define ACTIVITY_PAGE 50
#define MS_PER_DAY 86400000LL

typedef struct {
    authsvc_admin_activity_query_t q;
    const char *user, *type, *from, *to;
    const char *error;
    int unknown_user;
} activity_form_t;

/* A date field: 0 (open) when empty; its day's last ms when end. */
static int activity_date(const char *text, int end, long long *ms)
{
    *ms = 0;
    if (!*text)
        return 1;
    if (strlen(text) != 10 || authsvc_iso8601_parse(text, ms) != AUTHSVC_OK)
        return 0;
    if (end)
        *ms += MS_PER_DAY - 1;
    return 1;
}

static void activity_form(const authsvc_admin_console_t *c, activity_form_t *f)
{
    authsvc_db_user_t user;
    authsvc_db_t *db;
    long offset = atol(authsvc_console_arg(c, "offset"));

    memset(f, 0, sizeof(*f));
    f->user = authsvc_console_arg(c, "user");
    f->type = authsvc_console_arg(c, "type");
    f->from = authsvc_console_arg(c, "from");
    f->to = authsvc_console_arg(c, "to");
    f->q.limit = ACTIVITY_PAGE;
    f->q.offset = offset > 0 && offset < 1000000 ? (int)offset : 0;
    f->q.login_type = *f->type ? f->type : NULL;
    if (strlen(f->user) > 255 || strlen(f->type) > 64)
        f->error = "The form was not sent as expected.";
    else if (!activity_date(f->from, 0, &f->q.from_ms) || !activity_date(f->to, 1, &f->q.to_ms))
        f->error = "Enter the dates as YYYY-MM-DD.";
    if (f->error || !*f->user)
        return;
    db = c->ctx->db(c->ctx);
    if (db && authsvc_db_user_by_username(db, c->r->pool, f->user, &user) == AUTHSVC_OK)
        f->q.actor = user.id;
    else
        f->unknown_user = 1;
}

static const char *activity_field(apr_pool_t *p, const char *id, const char *label,
                                  const char *type, const char *value)
{
    return apr_pstrcat(p, "<div><label for=\"", id, "\">", label, "</label><input type=\"",
                       type, "\" id=\"", id, "\" name=\"", id, "\" value=\"",
                       authsvc_page_escape(p, value), "\"></div>", NULL);
}

static const char *activity_filter(const authsvc_admin_console_t *c, const activity_form_t *f)
{
    apr_pool_t *p = c->r->pool;

    return apr_pstrcat(
        p, "<form class=\"filter\" method=\"get\" action=\"",
        authsvc_console_url(c, "/activity"), "\">",
        activity_field(p, "user", authsvc_console_tr(c, "Username"), "text", f->user),
        activity_field(p, "type", authsvc_console_tr(c, "Login type"), "text", f->type),
        activity_field(p, "from", authsvc_console_tr(c, "From"), "date", f->from),
        activity_field(p, "to", authsvc_console_tr(c, "To"), "date", f->to),
        "<div><button type=\"submit\">", authsvc_console_tr(c, "Filter"),
        "</button></div></form>\n", NULL);
}

/* The username of an actor id (the id itself when the user is gone). */
static const char *activity_user(const authsvc_admin_console_t *c, apr_hash_t *names,
                                 const char *actor)
{
    const char *name = actor ? apr_hash_get(names, actor, APR_HASH_KEY_STRING) : NULL;
    authsvc_db_user_t user;
    authsvc_db_t *db;

    if (name || !actor)
        return name ? name : "-";
    db = c->ctx->db(c->ctx);
    name = db && authsvc_db_user_by_id(db, c->r->pool, actor, &user) == AUTHSVC_OK
               ? user.username
               : actor;
    apr_hash_set(names, actor, APR_HASH_KEY_STRING, name);
    return name;
}

static const char *activity_rows(const authsvc_admin_console_t *c,
                                 const apr_array_header_t *rows)
{
    apr_pool_t *p = c->r->pool;
    apr_hash_t *names = apr_hash_make(p);
    const char *out = "";
    int i;

    for (i = 0; i < rows->nelts; i++) {
        const authsvc_db_activity_t *a = &APR_ARRAY_IDX(rows, i, authsvc_db_activity_t);

        out = apr_pstrcat(p, out, "<tr><td>", authsvc_page_time(p, a->login_time), "</td><td>",
                          authsvc_page_escape(p, activity_user(c, names, a->actor)),
                          "</td><td>", authsvc_page_escape(p, a->login_type), "</td><td>",
                          authsvc_page_escape(p, a->ip_address ? a->ip_address : "-"),
                          "</td></tr>\n", NULL);
    }
    return out;
}

/* Links to the previous and next page, keeping the filter. */
static const char *activity_pager(const authsvc_admin_console_t *c, const activity_form_t *f,
                                  long long total)
{
    apr_pool_t *p = c->r->pool;
    const char *base = apr_pstrcat(p, authsvc_console_url(c, "/activity"),
                                   "?user=", ap_escape_urlencoded(p, f->user),
                                   "&amp;type=", ap_escape_urlencoded(p, f->type),
                                   "&amp;from=", ap_escape_urlencoded(p, f->from),
                                   "&amp;to=", ap_escape_urlencoded(p, f->to),
                                   "&amp;offset=", NULL);
    const char *out = "";

    if (f->q.offset > 0)
        out = apr_psprintf(p, "<a href=\"%s%d\" rel=\"prev\">%s</a> ", base,
                           f->q.offset > ACTIVITY_PAGE ? f->q.offset - ACTIVITY_PAGE : 0,
                           authsvc_console_tr(c, "Previous page"));
    if (f->q.offset + ACTIVITY_PAGE < total)
        out = apr_psprintf(p, "%s<a href=\"%s%d\" rel=\"next\">%s</a>", out, base,
                           f->q.offset + ACTIVITY_PAGE, authsvc_console_tr(c, "Next page"));
    return apr_pstrcat(p, "<nav aria-label=\"", authsvc_console_tr(c, "Pages"), "\"><p>", out,
                       "</p></nav>\n", NULL);
}

int authsvc_console_activity_page(const authsvc_admin_console_t *c)
{
    apr_pool_t *p = c->r->pool;
    activity_form_t f;
    apr_array_header_t *rows = NULL;
    long long total = 0;
    authsvc_status_t st = AUTHSVC_OK;

    activity_form(c, &f);
    if (f.error)
        return authsvc_console_send(
            c, HTTP_BAD_REQUEST, "Login activity", "/activity",
            apr_pstrcat(p, authsvc_page_error(c->r, "activity-error", f.error),
                        activity_filter(c, &f), NULL));
    if (!f.unknown_user)
        st = authsvc_console_activity(c->ctx, c->tenant_id, &f.q, &rows, &total);
    if (st != AUTHSVC_OK)
        return authsvc_page_message(c->r, HTTP_SERVICE_UNAVAILABLE, "Login activity",
                                    "This is not possible right now. Try again later.");
    return authsvc_console_send(
        c, HTTP_OK, "Login activity", "/activity",
        apr_pstrcat(p, activity_filter(c, &f),
                    apr_psprintf(p,
                                 "<p id=\"activity-count\" role=\"status\" "
                                 "data-total=\"%" APR_INT64_T_FMT "\">%s %" APR_INT64_T_FMT
                                 "</p>",
                                 (apr_int64_t)total,
                                 authsvc_console_tr(c, "Matching sign-ins:"),
                                 (apr_int64_t)total),
                    "<table id=\"activity\"><caption>", authsvc_console_tr(c, "Login activity"),
                    "</caption><thead><tr><th scope=\"col\">", authsvc_console_tr(c, "Time"),
                    "</th><th scope=\"col\">", authsvc_console_tr(c, "Username"),
                    "</th><th scope=\"col\">", authsvc_console_tr(c, "Login type"),
                    "</th><th scope=\"col\">", authsvc_console_tr(c, "Address"),
                    "</th></tr></thead><tbody>", rows ? activity_rows(c, rows) : "",
                    "</tbody></table>\n", activity_pager(c, &f, total), NULL));
}
