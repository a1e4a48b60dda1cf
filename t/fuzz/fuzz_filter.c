/* The LoopBack filter -> SQL compiler (filter.c) behind the activity routes, on both
 * dialects, fed the way a request feeds it: an input starting with '{' is a filter's
 * JSON text, anything else a query string read by authsvc_filter_from_query
 * (filter_query.c) as filter=<JSON> or the bracket form filter[where][actor]=x, and as
 * the count route's where. Whatever compiles must be SQL made of the model's columns,
 * SQL keywords, operators and placeholders only, with one bound value per placeholder. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "authsvc_activity.h"
#include "authsvc_filter.h"
#include "authsvc_filter_query.h"
#include "authsvc_form.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "fuzz.h"

static const char *const sql_keywords[] = {
    "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "ILIKE", "GLOB", "ESCAPE",
    "ASC", "DESC", "NULLS", "FIRST", "LAST", "COLLATE", NULL};

static int word_allowed(const char *word, size_t n)
{
    const authsvc_filter_model_t *m = authsvc_activity_model();
    int i;

    for (i = 0; sql_keywords[i]; i++)
        if (strlen(sql_keywords[i]) == n && strncmp(sql_keywords[i], word, n) == 0)
            return 1;
    for (i = 0; i < m->nfields; i++)
        if (strlen(m->fields[i].column) == n && strncmp(m->fields[i].column, word, n) == 0)
            return 1;
    return 0;
}

/* The number of placeholders in sql, or -1 when it holds anything not allow-listed
 * (the quoted collation "C" and the escape literal '\' are the only quotes). */
static int placeholders(const char *sql)
{
    const char *s = sql;
    int count = 0;

    while (*s) {
        size_t n = 0;
        if (isalpha((unsigned char)*s) || *s == '_') {
            while (isalnum((unsigned char)s[n]) || s[n] == '_')
                n++;
            if (!word_allowed(s, n))
                return -1;
        }
        else if (strncmp(s, "%s", 2) == 0 || strncmp(s, "%lld", 4) == 0)
            n = s[1] == 's' ? 2 : 4, count++;
        else if (strncmp(s, "\"C\"", 3) == 0 || strncmp(s, "'\\'", 3) == 0)
            n = 3;
        else if (strchr(" (),=<>!0123456789", *s))
            n = 1;
        else
            return -1;
        s += n;
    }
    return count;
}

static void check_sql(const authsvc_filter_sql_t *sql, int whole)
{
    if (!sql->where || !sql->args || placeholders(sql->where) != sql->args->nelts)
        abort();
    if (whole && (!sql->order || !*sql->order || placeholders(sql->order) != 0
                  || sql->limit < 0 || sql->limit > AUTHSVC_FILTER_PAGE_MAX || sql->offset < 0))
        abort();
}

static void compile(apr_pool_t *p, const cJSON *filter, int whole)
{
    static const authsvc_dialect_t dialects[] = {AUTHSVC_DIALECT_SQLITE, AUTHSVC_DIALECT_PGSQL};
    const authsvc_filter_model_t *model = authsvc_activity_model();
    size_t i;

    for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++) {
        authsvc_filter_sql_t sql;
        const char *error = NULL;
        authsvc_status_t st;

        memset(&sql, 0, sizeof(sql));
        st = whole ? authsvc_filter_compile(p, model, dialects[i], filter,
                                            AUTHSVC_FILTER_ALLOW_ALL, &sql, &error)
                   : authsvc_filter_compile_where(p, model, dialects[i], filter, &sql, &error);
        if (st == AUTHSVC_OK)
            check_sql(&sql, whole);
        else if (st != AUTHSVC_INVALID || !error)
            abort();
    }
}

static void from_query(apr_pool_t *p, const char *text, size_t size)
{
    apr_table_t *query = NULL;
    cJSON *filter = NULL, *where = NULL;
    const char *error = NULL;

    if (authsvc_form_parse(p, text, size, &query) != AUTHSVC_FORM_VALID)
        return;
    if (authsvc_filter_from_query(p, query, "filter", &filter, &error) == AUTHSVC_OK)
        compile(p, filter, 1);
    if (authsvc_filter_from_query(p, query, "where", &where, &error) == AUTHSVC_OK && where)
        compile(p, where, 0);
}

void authsvc_fuzz_init(apr_pool_t *root)
{
    (void)root;
}

void authsvc_fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cJSON *filter = NULL;

    if (size > 0 && text[0] == '{') {
        if (authsvc_json_parse(p, text, size, &filter) == AUTHSVC_JSON_VALID) {
            compile(p, filter, 1);
            compile(p, filter, 0);
        }
        return;
    }
    from_query(p, text, size);
}
