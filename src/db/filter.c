/* LoopBack filter -> SQL over an allow-listed model. Identifiers are copied only from
 * the model; values are bound. Both dialects answer the same rows: LIKE always names
 * its escape character, case-sensitive like/nlike use GLOB on SQLite (whose LIKE
 * ignores ASCII case), text ranges and ordering use the C collation on PostgreSQL, and
 * NULLs sort first ascending and last descending on both. */
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "authsvc_filter.h"
#include "authsvc_iso8601.h"
#include "authsvc_limits.h"

typedef struct {
    apr_pool_t *p;
    const authsvc_filter_model_t *model;
    authsvc_dialect_t dialect;
    apr_array_header_t *args;
    const char *error;
} compiler_t;

static const char *fail(compiler_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *fail(compiler_t *c, const char *fmt, ...)
{
    va_list ap;

    if (!c->error) {
        va_start(ap, fmt);
        c->error = apr_pvsprintf(c->p, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

/* A client's name, echoed in a message only when it is short, printable ASCII. */
static const char *shown(const char *s)
{
    const char *q;

    if (strlen(s) > 40)
        return "(a long name)";
    for (q = s; *q; q++)
        if (*q < 0x20 || *q > 0x7e || *q == '\'' || *q == '"' || *q == '\\')
            return "(an unprintable name)";
    return s;
}

int authsvc_filter_field_index(const authsvc_filter_model_t *model, const char *name)
{
    int i;

    for (i = 0; i < model->nfields; i++)
        if (strcmp(model->fields[i].name, name) == 0)
            return i;
    return -1;
}

static const authsvc_filter_field_t *field_named(compiler_t *c, const char *name)
{
    int i = authsvc_filter_field_index(c->model, name);

    const char *known = c->model->fields[0].name;

    if (i < 0) {
        for (i = 1; i < c->model->nfields; i++)
            known = apr_pstrcat(c->p, known, ", ", c->model->fields[i].name, NULL);
        fail(c, "Unknown property '%s' (properties: %s)", shown(name), known);
        return NULL;
    }
    return &c->model->fields[i];
}

/* A whole number in [0, max] from a JSON number or a string of digits (bracket form). */
static int whole_number(const cJSON *item, long long max, long long *out)
{
    const char *s;
    long long v = 0;

    if (cJSON_IsNumber(item)) {
        double d = item->valuedouble;
        if (!(d >= 0 && d <= (double)max) || (double)(long long)d != d)
            return -1;
        *out = (long long)d;
        return 0;
    }
    if (!cJSON_IsString(item) || !*(s = item->valuestring) || strlen(s) > 18)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/* Binds one value of field f and answers its placeholder, or NULL. */
static const char *bind_value(compiler_t *c, const authsvc_filter_field_t *f, const cJSON *item)
{
    long long ms;

    if (c->args->nelts >= AUTHSVC_FILTER_ARGS_MAX)
        return fail(c, "The filter has too many values (at most %d)", AUTHSVC_FILTER_ARGS_MAX);
    if (f->type == AUTHSVC_FIELD_TIME) {
        if (whole_number(item, AUTHSVC_ISO8601_MS_MAX, &ms) != 0
            && (!cJSON_IsString(item)
                || authsvc_iso8601_parse(item->valuestring, &ms) != AUTHSVC_OK))
            return fail(c, "Property '%s' takes ISO 8601 date-times or epoch milliseconds",
                        f->name);
        APR_ARRAY_PUSH(c->args, const char *) = authsvc_db_int_arg(c->p, ms);
        return "%lld";
    }
    if (!cJSON_IsString(item))
        return fail(c, "Property '%s' takes strings", f->name);
    if (strlen(item->valuestring) > AUTHSVC_FILTER_VALUE_MAX)
        return fail(c, "A value of '%s' is too long (at most %d bytes)", f->name,
                    AUTHSVC_FILTER_VALUE_MAX);
    APR_ARRAY_PUSH(c->args, const char *) = item->valuestring;
    return "%s";
}

/* The column as compared or sorted: PostgreSQL's database collation may not be C. */
static const char *column_ordered(compiler_t *c, const authsvc_filter_field_t *f)
{
    if (f->type == AUTHSVC_FIELD_TEXT && c->dialect == AUTHSVC_DIALECT_PGSQL)
        return apr_pstrcat(c->p, f->column, " COLLATE \"C\"", NULL);
    return f->column;
}

static const char *compile_eq(compiler_t *c, const authsvc_filter_field_t *f, const cJSON *item,
                              int negate)
{
    const char *ph;

    if (cJSON_IsNull(item))
        return apr_pstrcat(c->p, f->column, negate ? " IS NOT NULL" : " IS NULL", NULL);
    ph = bind_value(c, f, item);
    return ph ? apr_pstrcat(c->p, f->column, negate ? " <> " : " = ", ph, NULL) : NULL;
}

static const char *compile_range(compiler_t *c, const authsvc_filter_field_t *f, const char *op,
                                 const cJSON *item)
{
    const char *ph = cJSON_IsNull(item)
                         ? fail(c, "Operator values of '%s' must not be null", f->name)
                         : bind_value(c, f, item);

    return ph ? apr_pstrcat(c->p, column_ordered(c, f), " ", op, " ", ph, NULL) : NULL;
}

static const char *compile_list(compiler_t *c, const authsvc_filter_field_t *f,
                                const cJSON *item, int negate)
{
    const char *sql = NULL, *ph;
    const cJSON *v;
    int n = cJSON_GetArraySize(item);

    if (!cJSON_IsArray(item))
        return fail(c, "inq and nin of '%s' take an array", f->name);
    if (n > AUTHSVC_FILTER_LIST_MAX)
        return fail(c, "inq and nin take at most %d values", AUTHSVC_FILTER_LIST_MAX);
    if (n == 0)
        return negate ? "1 = 1" : "1 = 0";
    cJSON_ArrayForEach(v, item)
    {
        if (cJSON_IsNull(v))
            return fail(c, "inq and nin values must not be null");
        if (!(ph = bind_value(c, f, v)))
            return NULL;
        sql = sql ? apr_pstrcat(c->p, sql, ", ", ph, NULL) : ph;
    }
    return apr_pstrcat(c->p, f->column, negate ? " NOT IN (" : " IN (", sql, ")", NULL);
}

static const char *compile_between(compiler_t *c, const authsvc_filter_field_t *f,
                                   const cJSON *item)
{
    const char *lo, *hi;

    if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != 2
        || cJSON_IsNull(cJSON_GetArrayItem(item, 0))
        || cJSON_IsNull(cJSON_GetArrayItem(item, 1)))
        return fail(c, "between of '%s' takes an array of two values", f->name);
    lo = bind_value(c, f, cJSON_GetArrayItem(item, 0));
    hi = lo ? bind_value(c, f, cJSON_GetArrayItem(item, 1)) : NULL;
    return hi ? apr_pstrcat(c->p, column_ordered(c, f), " BETWEEN ", lo, " AND ", hi, NULL)
              : NULL;
}

/* A like pattern with '\' as its escape, rewritten so that '\' precedes only '%', '_'
 * or '\' (the dialects read other escapes differently). NULL when it ends with a lone
 * escape or has too many wildcards. */
static const char *like_normalize(compiler_t *c, const char *pattern)
{
    apr_size_t len = strlen(pattern), o = 0, i;
    char *out = apr_palloc(c->p, len + 1);
    int wildcards = 0;

    for (i = 0; i < len; i++) {
        if (pattern[i] == '\\') {
            if (++i == len)
                return fail(c, "A like pattern must not end with the escape character '\\'");
            if (strchr("%_\\", pattern[i]))
                out[o++] = '\\';
        } else if (pattern[i] == '%' || pattern[i] == '_') {
            wildcards++;
        }
        out[o++] = pattern[i];
    }
    out[o] = '\0';
    if (wildcards > AUTHSVC_FILTER_LIKE_WILDCARDS_MAX)
        return fail(c, "A like pattern may hold at most %d wildcards ('%%' and '_')",
                    AUTHSVC_FILTER_LIKE_WILDCARDS_MAX);
    return out;
}

/* The same pattern for SQLite's case-sensitive GLOB. */
static const char *like_to_glob(apr_pool_t *p, const char *like)
{
    char *out = apr_palloc(p, strlen(like) * 3 + 1), *o = out;
    const char *s;

    for (s = like; *s; s++) {
        char ch = *s;
        if (ch == '\\')
            ch = *++s;
        else if (ch == '%' || ch == '_') {
            *o++ = ch == '%' ? '*' : '?';
            continue;
        }
        if (ch == '*' || ch == '?' || ch == '[') {
            *o++ = '[';
            *o++ = ch;
            *o++ = ']';
        } else
            *o++ = ch;
    }
    *o = '\0';
    return out;
}

static const char *compile_like(compiler_t *c, const authsvc_filter_field_t *f, int negate,
                                int insensitive, const cJSON *item)
{
    const char *pattern, *keyword;

    if (f->type != AUTHSVC_FIELD_TEXT)
        return fail(c, "like operators apply to text properties, not '%s'", f->name);
    if (!cJSON_IsString(item) || strlen(item->valuestring) > AUTHSVC_FILTER_VALUE_MAX)
        return fail(c, "A like pattern of '%s' must be a string of at most %d bytes", f->name,
                    AUTHSVC_FILTER_VALUE_MAX);
    if (c->args->nelts >= AUTHSVC_FILTER_ARGS_MAX)
        return fail(c, "The filter has too many values (at most %d)", AUTHSVC_FILTER_ARGS_MAX);
    if (!(pattern = like_normalize(c, item->valuestring)))
        return NULL;
    if (c->dialect == AUTHSVC_DIALECT_SQLITE && !insensitive) {
        APR_ARRAY_PUSH(c->args, const char *) = like_to_glob(c->p, pattern);
        return apr_pstrcat(c->p, f->column, negate ? " NOT GLOB %s" : " GLOB %s", NULL);
    }
    keyword = insensitive && c->dialect == AUTHSVC_DIALECT_PGSQL ? "ILIKE" : "LIKE";
    APR_ARRAY_PUSH(c->args, const char *) = pattern;
    return apr_pstrcat(c->p, f->column, negate ? " NOT " : " ", keyword, " %s ESCAPE '\\'",
                       NULL);
}

typedef enum {
    OP_EQ,
    OP_NEQ,
    OP_RANGE,
    OP_INQ,
    OP_NIN,
    OP_BETWEEN,
    OP_LIKE,
    OP_NLIKE,
    OP_ILIKE,
    OP_NILIKE
} op_kind_t;

static const struct {
    const char *name;
    op_kind_t kind;
    const char *sql; /* OP_RANGE's comparison */
} operators[] = {
    {"eq", OP_EQ, NULL},         {"neq", OP_NEQ, NULL},     {"gt", OP_RANGE, ">"},
    {"gte", OP_RANGE, ">="},     {"lt", OP_RANGE, "<"},     {"lte", OP_RANGE, "<="},
    {"inq", OP_INQ, NULL},       {"nin", OP_NIN, NULL},     {"between", OP_BETWEEN, NULL},
    {"like", OP_LIKE, NULL},     {"nlike", OP_NLIKE, NULL}, {"ilike", OP_ILIKE, NULL},
    {"nilike", OP_NILIKE, NULL},
};

static const char *compile_operator(compiler_t *c, const authsvc_filter_field_t *f,
                                    const char *name, const cJSON *item)
{
    apr_size_t i;

    for (i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
        if (strcmp(operators[i].name, name) != 0)
            continue;
        switch (operators[i].kind) {
        case OP_EQ: return compile_eq(c, f, item, 0);
        case OP_NEQ: return compile_eq(c, f, item, 1);
        case OP_RANGE: return compile_range(c, f, operators[i].sql, item);
        case OP_INQ: return compile_list(c, f, item, 0);
        case OP_NIN: return compile_list(c, f, item, 1);
        case OP_BETWEEN: return compile_between(c, f, item);
        case OP_LIKE: return compile_like(c, f, 0, 0, item);
        case OP_NLIKE: return compile_like(c, f, 1, 0, item);
        case OP_ILIKE: return compile_like(c, f, 0, 1, item);
        case OP_NILIKE: return compile_like(c, f, 1, 1, item);
        }
    }
    return fail(c,
                "Operator '%s' is not supported (eq, neq, gt, gte, lt, lte, inq, nin, "
                "between, like, nlike, ilike, nilike)",
                shown(name));
}

/* Joins parts with glue inside parentheses; empty when there are none. */
static const char *join(compiler_t *c, const apr_array_header_t *parts, const char *glue,
                        const char *empty)
{
    const char *sql = NULL;
    int i;

    if (parts->nelts == 0)
        return empty;
    for (i = 0; i < parts->nelts; i++) {
        const char *part = APR_ARRAY_IDX(parts, i, const char *);
        sql = sql ? apr_pstrcat(c->p, sql, glue, part, NULL) : part;
    }
    return apr_pstrcat(c->p, "(", sql, ")", NULL);
}

static const char *compile_where(compiler_t *c, const cJSON *where, int depth);

/* {"and": [...]} or {"or": [...]} */
static const char *compile_junction(compiler_t *c, const cJSON *list, int is_and, int depth)
{
    apr_array_header_t *parts = apr_array_make(c->p, 4, sizeof(const char *));
    const cJSON *item;
    const char *sql;

    if (!cJSON_IsArray(list))
        return fail(c, "and/or take an array of where objects");
    if (cJSON_GetArraySize(list) > AUTHSVC_FILTER_LIST_MAX)
        return fail(c, "and/or take at most %d items", AUTHSVC_FILTER_LIST_MAX);
    if (depth >= AUTHSVC_FILTER_DEPTH_MAX)
        return fail(c, "and/or nest at most %d deep", AUTHSVC_FILTER_DEPTH_MAX);
    cJSON_ArrayForEach(item, list)
    {
        if (!(sql = compile_where(c, item, depth + 1)))
            return NULL;
        APR_ARRAY_PUSH(parts, const char *) = sql;
    }
    return join(c, parts, is_and ? " AND " : " OR ", is_and ? "1 = 1" : "1 = 0");
}

/* "property": value, or "property": {operator: value, ...} (operators ANDed). */
static const char *compile_condition(compiler_t *c, const char *name, const cJSON *value)
{
    const authsvc_filter_field_t *f = field_named(c, name);
    apr_array_header_t *parts;
    const cJSON *op;
    const char *sql;

    if (!f)
        return NULL;
    if (!cJSON_IsObject(value))
        return cJSON_IsArray(value) ? fail(c, "Use inq to match '%s' against a list", f->name)
                                    : compile_eq(c, f, value, 0);
    if (!value->child)
        return fail(c, "The condition on '%s' names no operator", f->name);
    parts = apr_array_make(c->p, 2, sizeof(const char *));
    cJSON_ArrayForEach(op, value)
    {
        if (!(sql = compile_operator(c, f, op->string, op)))
            return NULL;
        APR_ARRAY_PUSH(parts, const char *) = sql;
    }
    return join(c, parts, " AND ", NULL);
}

static const char *compile_where(compiler_t *c, const cJSON *where, int depth)
{
    apr_array_header_t *parts = apr_array_make(c->p, 4, sizeof(const char *));
    const cJSON *m;
    const char *sql;

    if (!cJSON_IsObject(where))
        return fail(c, "where must be an object");
    cJSON_ArrayForEach(m, where)
    {
        if (strcmp(m->string, "and") == 0 || strcmp(m->string, "or") == 0)
            sql = compile_junction(c, m, m->string[0] == 'a', depth);
        else
            sql = compile_condition(c, m->string, m);
        if (!sql)
            return NULL;
        APR_ARRAY_PUSH(parts, const char *) = sql;
    }
    return join(c, parts, " AND ", "1 = 1");
}

int authsvc_filter_boolean(const cJSON *item)
{
    if (cJSON_IsBool(item))
        return cJSON_IsTrue(item);
    if (cJSON_IsString(item) && strcmp(item->valuestring, "true") == 0)
        return 1;
    if (cJSON_IsString(item) && strcmp(item->valuestring, "false") == 0)
        return 0;
    return -1;
}

/* {"actor": true, ...} (only the true ones; or all but the false ones) or ["actor", ...]. */
static int compile_fields(compiler_t *c, const cJSON *fields, unsigned long *mask)
{
    unsigned long all = (1UL << c->model->nfields) - 1, on = 0, off = 0;
    const cJSON *m;
    int i, b;

    if (!cJSON_IsObject(fields) && !cJSON_IsArray(fields))
        return fail(c, "fields must be an object or an array of property names"), -1;
    cJSON_ArrayForEach(m, fields)
    {
        const char *name = cJSON_IsArray(fields) ? (cJSON_IsString(m) ? m->valuestring : NULL)
                                                 : m->string;
        if (!name)
            return fail(c, "fields must list property names"), -1;
        if (!field_named(c, name))
            return -1;
        i = authsvc_filter_field_index(c->model, name);
        b = cJSON_IsArray(fields) ? 1 : authsvc_filter_boolean(m);
        if (b < 0)
            return fail(c, "fields values must be true or false"), -1;
        if (b)
            on |= 1UL << i;
        else
            off |= 1UL << i;
    }
    *mask = on ? on : all & ~off;
    return 0;
}

/* "loginTime DESC" -> SQL; *seen gets the field's bit. */
static const char *order_item(compiler_t *c, const char *text, unsigned long *seen)
{
    char *copy = apr_pstrdup(c->p, text), *last = NULL;
    const char *name = apr_strtok(copy, " \t", &last);
    const char *dir = name ? apr_strtok(NULL, " \t", &last) : NULL;
    const authsvc_filter_field_t *f;
    int desc = 0;

    if (!name)
        return fail(c, "An order item is empty");
    if (dir && strcasecmp(dir, "DESC") == 0)
        desc = 1;
    else if (dir && strcasecmp(dir, "ASC") != 0)
        return fail(c, "An order direction must be ASC or DESC");
    if (dir && apr_strtok(NULL, " \t", &last))
        return fail(c, "An order item is a property and an optional ASC or DESC");
    if (!(f = field_named(c, name)))
        return NULL;
    *seen |= 1UL << authsvc_filter_field_index(c->model, name);
    return apr_pstrcat(c->p, column_ordered(c, f),
                       desc ? " DESC NULLS LAST" : " ASC NULLS FIRST", NULL);
}

/* Order items from "a DESC, b" into parts. */
static int order_split(compiler_t *c, const char *text, apr_array_header_t *parts,
                       unsigned long *seen)
{
    char *copy = apr_pstrdup(c->p, text), *last = NULL, *item;
    const char *sql;

    if (strlen(text) > AUTHSVC_FILTER_VALUE_MAX)
        return fail(c, "order is too long"), -1;
    for (item = apr_strtok(copy, ",", &last); item; item = apr_strtok(NULL, ",", &last)) {
        if (parts->nelts >= AUTHSVC_FILTER_LIST_MAX)
            return fail(c, "order takes at most %d items", AUTHSVC_FILTER_LIST_MAX), -1;
        if (!(sql = order_item(c, item, seen)))
            return -1;
        APR_ARRAY_PUSH(parts, const char *) = sql;
    }
    return parts->nelts ? 0 : (fail(c, "order is empty"), -1);
}

/* order: a string or an array of strings; the primary key breaks ties last. */
static const char *compile_order(compiler_t *c, const cJSON *order)
{
    apr_array_header_t *parts = apr_array_make(c->p, 4, sizeof(const char *));
    unsigned long seen = 0;
    const cJSON *item;

    if (!order) {
        if (order_split(c, c->model->default_order, parts, &seen) != 0)
            return NULL;
    } else if (cJSON_IsString(order)) {
        if (order_split(c, order->valuestring, parts, &seen) != 0)
            return NULL;
    } else if (cJSON_IsArray(order) && cJSON_GetArraySize(order) <= AUTHSVC_FILTER_LIST_MAX) {
        cJSON_ArrayForEach(item, order) if (!cJSON_IsString(item)
                                            || order_split(c, item->valuestring, parts, &seen)
                                                   != 0) return c->error
            ? NULL
            : fail(c, "order items must be strings");
    } else
        return fail(c, "order must be a string or an array of at most %d strings",
                    AUTHSVC_FILTER_LIST_MAX);
    if (!(seen & 1UL))
        APR_ARRAY_PUSH(parts,
                       const char *) = apr_pstrcat(c->p,
                                                   column_ordered(c, &c->model->fields[0]),
                                                   " ASC", NULL);
    return apr_array_pstrcat(c->p, parts, ',');
}

/* limit (capped), skip or offset. */
static int compile_page(compiler_t *c, const cJSON *filter, authsvc_filter_sql_t *out)
{
    const cJSON *limit = cJSON_GetObjectItemCaseSensitive(filter, "limit");
    const cJSON *skip = cJSON_GetObjectItemCaseSensitive(filter, "skip");

    if (!skip)
        skip = cJSON_GetObjectItemCaseSensitive(filter, "offset");
    out->limit = AUTHSVC_FILTER_PAGE_MAX;
    out->offset = 0;
    if (limit && whole_number(limit, 1LL << 53, &out->limit) != 0)
        return fail(c, "limit must be a whole number"), -1;
    if (out->limit == 0 || out->limit > AUTHSVC_FILTER_PAGE_MAX)
        out->limit = AUTHSVC_FILTER_PAGE_MAX;
    if (skip && whole_number(skip, AUTHSVC_FILTER_SKIP_MAX, &out->offset) != 0)
        return fail(c, "skip/offset must be a whole number from 0 to %d",
                    AUTHSVC_FILTER_SKIP_MAX),
               -1;
    return 0;
}

static const struct {
    const char *key;
    unsigned allow;
} filter_keys[] = {
    {"where", AUTHSVC_FILTER_ALLOW_WHERE}, {"fields", AUTHSVC_FILTER_ALLOW_FIELDS},
    {"order", AUTHSVC_FILTER_ALLOW_ORDER}, {"limit", AUTHSVC_FILTER_ALLOW_PAGE},
    {"skip", AUTHSVC_FILTER_ALLOW_PAGE},   {"offset", AUTHSVC_FILTER_ALLOW_PAGE},
};

/* Every top-level key is known and allowed here. */
static int check_keys(compiler_t *c, const cJSON *filter, unsigned allow)
{
    const cJSON *m;
    apr_size_t i;

    cJSON_ArrayForEach(m, filter)
    {
        for (i = 0; i < sizeof(filter_keys) / sizeof(filter_keys[0]); i++)
            if (strcmp(filter_keys[i].key, m->string) == 0)
                break;
        if (i == sizeof(filter_keys) / sizeof(filter_keys[0])
            || !(filter_keys[i].allow & allow))
            return fail(c, "Filter key '%s' is not supported here", shown(m->string)), -1;
    }
    return 0;
}

static void compiler_init(compiler_t *c, apr_pool_t *p, const authsvc_filter_model_t *model,
                          authsvc_dialect_t dialect, authsvc_filter_sql_t *out)
{
    memset(c, 0, sizeof(*c));
    c->p = p;
    c->model = model;
    c->dialect = dialect;
    c->args = apr_array_make(p, 8, sizeof(const char *));
    memset(out, 0, sizeof(*out));
    out->args = c->args;
    out->where = "1 = 1";
    out->limit = AUTHSVC_FILTER_PAGE_MAX;
    out->fields = (1UL << model->nfields) - 1;
}

static authsvc_status_t compiler_done(compiler_t *c, const char **error)
{
    *error = c->error;
    return c->error ? AUTHSVC_INVALID : AUTHSVC_OK;
}

authsvc_status_t authsvc_filter_compile(apr_pool_t *p, const authsvc_filter_model_t *model,
                                        authsvc_dialect_t dialect, const cJSON *filter,
                                        unsigned allow, authsvc_filter_sql_t *out,
                                        const char **error)
{
    compiler_t c;
    const cJSON *where, *fields;

    compiler_init(&c, p, model, dialect, out);
    if (filter && !cJSON_IsObject(filter))
        fail(&c, "filter must be an object");
    else if (filter && check_keys(&c, filter, allow) == 0) {
        where = cJSON_GetObjectItemCaseSensitive(filter, "where");
        fields = cJSON_GetObjectItemCaseSensitive(filter, "fields");
        if (where)
            out->where = compile_where(&c, where, 0);
        if (!c.error && fields)
            compile_fields(&c, fields, &out->fields);
        if (!c.error)
            compile_page(&c, filter, out);
    }
    if (!c.error)
        out->order = compile_order(&c, filter
                                           ? cJSON_GetObjectItemCaseSensitive(filter, "order")
                                           : NULL);
    return compiler_done(&c, error);
}

authsvc_status_t authsvc_filter_compile_where(apr_pool_t *p,
                                              const authsvc_filter_model_t *model,
                                              authsvc_dialect_t dialect, const cJSON *where,
                                              authsvc_filter_sql_t *out, const char **error)
{
    compiler_t c;

    compiler_init(&c, p, model, dialect, out);
    if (where)
        out->where = compile_where(&c, where, 0);
    return compiler_done(&c, error);
}
