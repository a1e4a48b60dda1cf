/* "Active users": distinct users per day, ISO week or month over a date range (a GET
 * form), as stacked bars by login type in an SVG drawn here (no script: every bar has
 * a <title> and data-* attributes with its numbers), and the same numbers as a table. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>

#include "authsvc_admin_pages.h"
#include "authsvc_admin_reports.h"
#include "authsvc_limits.h"
#include "authsvc_page_render.h"

#define MS_PER_DAY 86400000LL
#define CHART_W 720
#define CHART_H 300
#define CHART_LEFT 48
#define CHART_BOTTOM 40
#define CHART_TOP 16

static const char *const chart_colors[] = {"#1a4fa0", "#b35900", "#2e7d32",
                                           "#8e24aa", "#c62828", "#00695c"};

typedef struct {
    const char *range;
    authsvc_bucket_t bucket;
    const char *from, *to;
    long long start, end;
    const char *error;
} chart_query_t;

/* The form's values, checked; defaults: daily over the last 30 days. */
static void chart_query(const authsvc_admin_console_t *c, chart_query_t *q)
{
    apr_pool_t *p = c->r->pool;
    long long today = authsvc_db_now_ms() / MS_PER_DAY * MS_PER_DAY;

    q->range = authsvc_console_arg(c, "range");
    q->bucket = !strcmp(q->range, "weekly")    ? AUTHSVC_BUCKET_WEEK
                : !strcmp(q->range, "monthly") ? AUTHSVC_BUCKET_MONTH
                                               : AUTHSVC_BUCKET_DAY;
    if (q->bucket == AUTHSVC_BUCKET_DAY)
        q->range = "daily";
    q->from = *authsvc_console_arg(c, "from")
                  ? authsvc_console_arg(c, "from")
                  : apr_pstrndup(p,
                                 authsvc_iso8601_bucket(p, today - 29 * MS_PER_DAY,
                                                        AUTHSVC_BUCKET_DAY),
                                 10);
    q->to = *authsvc_console_arg(c, "to")
                ? authsvc_console_arg(c, "to")
                : authsvc_iso8601_bucket(p, today, AUTHSVC_BUCKET_DAY);
    q->error = NULL;
    if (strlen(q->from) != 10 || strlen(q->to) != 10
        || authsvc_iso8601_parse(q->from, &q->start) != AUTHSVC_OK
        || authsvc_iso8601_parse(q->to, &q->end) != AUTHSVC_OK)
        q->error = "Enter the dates as YYYY-MM-DD.";
    else if ((q->end += MS_PER_DAY - 1) < q->start)
        q->error = "The first date must not be after the last.";
    else if (q->end - q->start >= AUTHSVC_ACTIVE_USERS_SPAN_DAYS_MAX * MS_PER_DAY)
        q->error = "The date range is too long.";
}

static int chart_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of an object's members, sorted. */
static apr_array_header_t *chart_keys(apr_pool_t *p, const cJSON *o)
{
    apr_array_header_t *keys = apr_array_make(p, 8, sizeof(const char *));
    const cJSON *m;

    cJSON_ArrayForEach(m, o)
    {
        int i, seen = 0;

        for (i = 0; i < keys->nelts; i++)
            seen |= !strcmp(APR_ARRAY_IDX(keys, i, const char *), m->string);
        if (!seen)
            APR_ARRAY_PUSH(keys, const char *) = m->string;
    }
    qsort(keys->elts, (size_t)keys->nelts, sizeof(const char *), chart_cmp);
    return keys;
}

/* Every login type of the report, sorted. */
static apr_array_header_t *chart_types(apr_pool_t *p, const cJSON *report)
{
    cJSON *all = cJSON_CreateObject();
    const cJSON *b, *t;
    apr_array_header_t *types;

    cJSON_ArrayForEach(b, report)
        cJSON_ArrayForEach(t, b) if (!cJSON_GetObjectItemCaseSensitive(all, t->string))
            cJSON_AddNullToObject(all, t->string);
    types = chart_keys(p, all);
    for (int i = 0; i < types->nelts; i++)
        APR_ARRAY_IDX(types, i,
                      const char *) = apr_pstrdup(p, APR_ARRAY_IDX(types, i, const char *));
    cJSON_Delete(all);
    return types;
}

static int chart_count(const cJSON *report, const char *bucket, const char *type)
{
    return cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(report, bucket),
                                         type));
}

/* The stacked bars of one bucket at x. */
static const char *chart_bars(apr_pool_t *p, const cJSON *report, const char *bucket,
                              const apr_array_header_t *types, int x, int w, double scale)
{
    const char *out = "";
    int i, y = CHART_H - CHART_BOTTOM;

    for (i = 0; i < types->nelts; i++) {
        const char *type = APR_ARRAY_IDX(types, i, const char *);
        int n = chart_count(report, bucket, type), h = (int)(n * scale + 0.5);

        if (!n)
            continue;
        y -= h;
        out = apr_psprintf(p,
                           "%s<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                           "data-bucket=\"%s\" data-type=\"%s\" data-count=\"%d\">"
                           "<title>%s %s: %d</title></rect>",
                           out, x, y, w, h, chart_colors[i % 6], authsvc_page_escape(p, bucket),
                           authsvc_page_escape(p, type), n, authsvc_page_escape(p, bucket),
                           authsvc_page_escape(p, type), n);
    }
    return out;
}

static int chart_total(const cJSON *report, const char *bucket, const apr_array_header_t *types)
{
    int i, n = 0;

    for (i = 0; i < types->nelts; i++)
        n += chart_count(report, bucket, APR_ARRAY_IDX(types, i, const char *));
    return n;
}

/* A key of the colours, under the bars (the legend is text, not colour alone). */
static const char *chart_legend(apr_pool_t *p, const apr_array_header_t *types)
{
    const char *out = "";
    int i;

    for (i = 0; i < types->nelts; i++)
        out = apr_psprintf(p,
                           "%s<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                           "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
                           out, CHART_LEFT + i * 120, CHART_H - 12, chart_colors[i % 6],
                           CHART_LEFT + i * 120 + 14, CHART_H - 3,
                           authsvc_page_escape(p, APR_ARRAY_IDX(types, i, const char *)));
    return out;
}

static const char *chart_svg(const authsvc_admin_console_t *c, const cJSON *report,
                             const apr_array_header_t *buckets, const apr_array_header_t *types)
{
    apr_pool_t *p = c->r->pool;
    int i, max = 1, slot, w;
    double scale;
    const char *bars = "", *labels = "";

    for (i = 0; i < buckets->nelts; i++)
        max = chart_total(report, APR_ARRAY_IDX(buckets, i, const char *), types) > max
                  ? chart_total(report, APR_ARRAY_IDX(buckets, i, const char *), types)
                  : max;
    scale = (double)(CHART_H - CHART_BOTTOM - CHART_TOP) / max;
    slot = buckets->nelts ? (CHART_W - CHART_LEFT) / buckets->nelts : 1;
    w = slot > 4 ? slot * 3 / 4 : 1;
    for (i = 0; i < buckets->nelts; i++) {
        const char *b = APR_ARRAY_IDX(buckets, i, const char *);
        int x = CHART_LEFT + i * slot + (slot - w) / 2;

        bars = apr_pstrcat(p, bars, chart_bars(p, report, b, types, x, w, scale), NULL);
        if (buckets->nelts <= 16 || i % (buckets->nelts / 8 + 1) == 0)
            labels = apr_psprintf(p, "%s<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
                                  labels, x, CHART_H - CHART_BOTTOM + 16,
                                  authsvc_page_escape(p, b));
    }
    return apr_psprintf(
        p,
        "<svg class=\"chart\" id=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" "
        "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" data-max=\"%d\">"
        "<title id=\"chart-title\">%s</title>"
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
        "<text x=\"4\" y=\"%d\" font-size=\"11\">%d</text>"
        "<text x=\"4\" y=\"%d\" font-size=\"11\">0</text>%s%s%s</svg>\n",
        CHART_W, CHART_H, CHART_W, CHART_H, max,
        authsvc_console_tr(c, "Active users by login type (the table below has the numbers)"),
        CHART_LEFT, CHART_H - CHART_BOTTOM, CHART_W, CHART_H - CHART_BOTTOM, CHART_TOP + 8, max,
        CHART_H - CHART_BOTTOM, bars, labels, chart_legend(p, types));
}

static const char *chart_table(const authsvc_admin_console_t *c, const cJSON *report,
                               const apr_array_header_t *buckets,
                               const apr_array_header_t *types)
{
    apr_pool_t *p = c->r->pool;
    const char *head = "", *rows = "";
    int i, j;

    for (j = 0; j < types->nelts; j++)
        head = apr_pstrcat(p, head, "<th scope=\"col\">",
                           authsvc_page_escape(p, APR_ARRAY_IDX(types, j, const char *)),
                           "</th>", NULL);
    for (i = 0; i < buckets->nelts; i++) {
        const char *b = APR_ARRAY_IDX(buckets, i, const char *), *cells = "";

        for (j = 0; j < types->nelts; j++)
            cells = apr_psprintf(p, "%s<td class=\"n\" data-type=\"%s\">%d</td>", cells,
                                 authsvc_page_escape(p, APR_ARRAY_IDX(types, j, const char *)),
                                 chart_count(report, b, APR_ARRAY_IDX(types, j, const char *)));
        rows = apr_pstrcat(p, rows, "<tr data-bucket=\"", authsvc_page_escape(p, b),
                           "\"><th scope=\"row\">", authsvc_page_escape(p, b), "</th>", cells,
                           "</tr>\n", NULL);
    }
    return apr_pstrcat(p, "<table id=\"active-users\"><caption>",
                       authsvc_console_tr(c, "Active users per period and login type"),
                       "</caption><thead><tr><th scope=\"col\">",
                       authsvc_console_tr(c, "Period"), "</th>", head, "</tr></thead><tbody>",
                       rows, "</tbody></table>\n", NULL);
}

static const char *chart_option(apr_pool_t *p, const char *value, const char *text,
                                const char *current)
{
    return apr_pstrcat(p, "<option value=\"", value, "\"",
                       strcmp(value, current) == 0 ? " selected" : "", ">", text, "</option>",
                       NULL);
}

static const char *chart_form(const authsvc_admin_console_t *c, const chart_query_t *q)
{
    apr_pool_t *p = c->r->pool;

    return apr_pstrcat(
        p, "<form class=\"filter\" method=\"get\" action=\"",
        authsvc_console_url(c, "/active-users"), "\"><div><label for=\"range\">",
        authsvc_console_tr(c, "Period"), "</label><select id=\"range\" name=\"range\">",
        chart_option(p, "daily", authsvc_console_tr(c, "Day"), q->range),
        chart_option(p, "weekly", authsvc_console_tr(c, "ISO week"), q->range),
        chart_option(p, "monthly", authsvc_console_tr(c, "Month"), q->range),
        "</select></div><div><label for=\"from\">", authsvc_console_tr(c, "From"),
        "</label><input type=\"date\" id=\"from\" name=\"from\" value=\"",
        authsvc_page_escape(p, q->from), "\"",
        q->error ? " aria-invalid=\"true\" aria-describedby=\"chart-error\"" : "",
        "></div><div><label for=\"to\">", authsvc_console_tr(c, "To"),
        "</label><input type=\"date\" id=\"to\" name=\"to\" value=\"",
        authsvc_page_escape(p, q->to), "\"", q->error ? " aria-invalid=\"true\"" : "",
        "></div><div><button type=\"submit\">", authsvc_console_tr(c, "Show"),
        "</button></div></form>\n", NULL);
}

int authsvc_console_chart_page(const authsvc_admin_console_t *c)
{
    apr_pool_t *p = c->r->pool;
    chart_query_t q;
    cJSON *report = NULL;
    apr_array_header_t *buckets, *types;
    authsvc_status_t st;

    chart_query(c, &q);
    if (q.error)
        return authsvc_console_send(
            c, HTTP_BAD_REQUEST, "Active users", "/active-users",
            apr_pstrcat(p, authsvc_page_error(c->r, "chart-error", q.error), chart_form(c, &q),
                        NULL));
    st = authsvc_console_active_users(c->ctx, c->tenant_id, q.bucket, q.start, q.end, &report);
    if (st != AUTHSVC_OK)
        return authsvc_page_message(c->r, HTTP_SERVICE_UNAVAILABLE, "Active users",
                                    "This is not possible right now. Try again later.");
    buckets = chart_keys(p, report);
    types = chart_types(p, report);
    return authsvc_console_send(
        c, HTTP_OK, "Active users", "/active-users",
        apr_pstrcat(
            p, chart_form(c, &q),
            apr_psprintf(p,
                         "<p id=\"chart-range\" data-range=\"%s\" data-start=\"%s\" "
                         "data-end=\"%s\">%s</p>",
                         q.range, authsvc_page_escape(p, q.from), authsvc_page_escape(p, q.to),
                         authsvc_console_tr(c, "Distinct users who signed in, per period "
                                               "and login type.")),
            buckets->nelts ? chart_svg(c, report, buckets, types)
                           : apr_pstrcat(p, "<p id=\"chart-empty\">",
                                         authsvc_console_tr(c, "No sign-ins in this range."),
                                         "</p>", NULL),
            chart_table(c, report, buckets, types), NULL));
}
