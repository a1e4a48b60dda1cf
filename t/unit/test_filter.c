/* The LoopBack filter -> SQL translator (filter.c): every operator on both dialects,
 * fields, order, paging, the rows of T-56 and T-57, and a check that generated SQL
 * names nothing but allow-listed columns and SQL keywords. */
#include <ctype.h>
#include <string.h>

#include <apr_strings.h>

#include "authsvc_activity.h"
#include "authsvc_filter.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "unit.h"

static const char *const filter_keywords[] = {"AND",    "OR",      "NOT",  "IS",    "NULL",
                                              "IN",     "BETWEEN", "LIKE", "ILIKE", "GLOB",
                                              "ESCAPE", "ASC",     "DESC", "NULLS", "FIRST",
                                              "LAST",   "COLLATE", NULL};

static int filter_word_allowed(const char *word)
{
    const authsvc_filter_model_t *m = authsvc_activity_model();
    int i;

    for (i = 0; filter_keywords[i]; i++)
        if (strcmp(filter_keywords[i], word) == 0)
            return 1;
    for (i = 0; i < m->nfields; i++)
        if (strcmp(m->fields[i].column, word) == 0)
            return 1;
    return 0;
}

/* 1 when sql holds only allow-listed identifiers, keywords, numbers, placeholders,
 * operators, the quoted collation "C" and the escape literal '\'. */
static int filter_sql_is_allow_listed(const char *sql)
{
    const char *s = sql;
    char word[64];

    while (*s) {
        if (isalpha((unsigned char)*s) || *s == '_') {
            size_t n = 0;
            while ((isalnum((unsigned char)*s) || *s == '_') && n < sizeof(word) - 1)
                word[n++] = *s++;
            word[n] = '\0';
            if (!filter_word_allowed(word))
                return 0;
        } else if (*s == '%') {
            if (strncmp(s, "%s", 2) == 0)
                s += 2;
            else if (strncmp(s, "%lld", 4) == 0)
                s += 4;
            else
                return 0;
        } else if (*s == '"') {
            if (strncmp(s, "\"C\"", 3) != 0)
                return 0;
            s += 3;
        } else if (*s == '\'') {
            if (strncmp(s, "'\\'", 3) != 0)
                return 0;
            s += 3;
        } else if (strchr(" (),=<>!0123456789", *s))
            s++;
        else
            return 0;
    }
    return 1;
}

static authsvc_status_t filter_compile(const char *json, authsvc_dialect_t d,
                                       authsvc_filter_sql_t *out, const char **error)
{
    apr_pool_t *p = authsvc_test_pool();
    cJSON *f = json ? authsvc_json_own(p, cJSON_Parse(json)) : NULL;
    authsvc_status_t st;

    if (json)
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    st = authsvc_filter_compile(p, authsvc_activity_model(), d, f, AUTHSVC_FILTER_ALLOW_ALL,
                                out, error);
    if (st == AUTHSVC_OK) {
        CU_ASSERT_TRUE(filter_sql_is_allow_listed(out->where));
        CU_ASSERT_TRUE(filter_sql_is_allow_listed(out->order));
    }
    return st;
}

/* Compiles json on SQLite and expects where. */
static void filter_expect(const char *json, const char *where, int nargs)
{
    authsvc_filter_sql_t out;
    const char *error = NULL;

    CU_ASSERT_EQUAL_FATAL(filter_compile(json, AUTHSVC_DIALECT_SQLITE, &out, &error),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.where, where);
    CU_ASSERT_EQUAL(out.args->nelts, nargs);
}

static void filter_expect_pg(const char *json, const char *where)
{
    authsvc_filter_sql_t out;
    const char *error = NULL;

    CU_ASSERT_EQUAL_FATAL(filter_compile(json, AUTHSVC_DIALECT_PGSQL, &out, &error),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.where, where);
}

static void filter_expect_invalid(const char *json)
{
    authsvc_filter_sql_t out;
    const char *error = NULL;

    CU_ASSERT_EQUAL(filter_compile(json, AUTHSVC_DIALECT_SQLITE, &out, &error),
                    AUTHSVC_INVALID);
    CU_ASSERT_PTR_NOT_NULL(error);
    CU_ASSERT_EQUAL(filter_compile(json, AUTHSVC_DIALECT_PGSQL, &out, &error), AUTHSVC_INVALID);
}

static const char *filter_arg(const authsvc_filter_sql_t *out, int i)
{
    return APR_ARRAY_IDX(out->args, i, const char *);
}

static void test_filter_equality_and_null(void)
{
    filter_expect("{\"where\":{\"actor\":\"a\"}}", "(actor = %s)", 1);
    filter_expect("{\"where\":{\"actor\":{\"eq\":\"a\"}}}", "((actor = %s))", 1);
    filter_expect("{\"where\":{\"actor\":{\"neq\":\"a\"}}}", "((actor <> %s))", 1);
    filter_expect("{\"where\":{\"deviceInfo\":null}}", "(device_info IS NULL)", 0);
    filter_expect("{\"where\":{\"deviceInfo\":{\"neq\":null}}}", "((device_info IS NOT NULL))",
                  0);
    filter_expect("{}", "1 = 1", 0);
    filter_expect(NULL, "1 = 1", 0);
}

static void test_filter_ranges_on_both_dialects(void)
{
    authsvc_filter_sql_t out;
    const char *error = NULL;

    filter_expect("{\"where\":{\"loginTime\":{\"gt\":\"2025-01-01T00:00:00Z\",\"lte\":5}}}",
                  "((login_time > %lld AND login_time <= %lld))", 2);
    filter_expect("{\"where\":{\"actor\":{\"gte\":\"a\",\"lt\":\"b\"}}}",
                  "((actor >= %s AND actor < %s))", 2);
    filter_expect_pg("{\"where\":{\"actor\":{\"gte\":\"a\"}}}",
                     "((actor COLLATE \"C\" >= %s))");
    filter_expect("{\"where\":{\"loginTime\":{\"between\":[\"2024-12-30\",1735689600000]}}}",
                  "((login_time BETWEEN %lld AND %lld))", 2);
    CU_ASSERT_EQUAL_FATAL(filter_compile("{\"where\":{\"loginTime\":{\"gt\":\"2025-01-01\"}}}",
                                         AUTHSVC_DIALECT_SQLITE, &out, &error),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(filter_arg(&out, 0), "1735689600000");
}

static void test_filter_lists(void)
{
    authsvc_filter_sql_t out;
    const char *error = NULL;

    filter_expect("{\"where\":{\"actor\":{\"inq\":[\"a\",\"b\"]}}}", "((actor IN (%s, %s)))",
                  2);
    filter_expect("{\"where\":{\"actor\":{\"nin\":[\"a\"]}}}", "((actor NOT IN (%s)))", 1);
    filter_expect("{\"where\":{\"actor\":{\"inq\":[]}}}", "((1 = 0))", 0);
    filter_expect("{\"where\":{\"actor\":{\"nin\":[]}}}", "((1 = 1))", 0);
    CU_ASSERT_EQUAL_FATAL(
        filter_compile("{\"where\":{\"actor\":{\"inq\":[\"a\",\"b') OR 1=1--\"]}}}",
                       AUTHSVC_DIALECT_SQLITE, &out, &error),
        AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(filter_arg(&out, 1), "b') OR 1=1--");
}

static void test_filter_like_family_per_dialect(void)
{
    authsvc_filter_sql_t out;
    const char *error = NULL;

    filter_expect("{\"where\":{\"deviceInfo\":{\"like\":\"a%\"}}}", "((device_info GLOB %s))",
                  1);
    filter_expect("{\"where\":{\"deviceInfo\":{\"nlike\":\"a%\"}}}",
                  "((device_info NOT GLOB %s))", 1);
    filter_expect("{\"where\":{\"deviceInfo\":{\"ilike\":\"a%\"}}}",
                  "((device_info LIKE %s ESCAPE '\\'))", 1);
    filter_expect("{\"where\":{\"deviceInfo\":{\"nilike\":\"a%\"}}}",
                  "((device_info NOT LIKE %s ESCAPE '\\'))", 1);
    filter_expect_pg("{\"where\":{\"deviceInfo\":{\"like\":\"a%\"}}}",
                     "((device_info LIKE %s ESCAPE '\\'))");
    filter_expect_pg("{\"where\":{\"deviceInfo\":{\"nilike\":\"a%\"}}}",
                     "((device_info NOT ILIKE %s ESCAPE '\\'))");
    /* LIKE's wildcards and escapes become GLOB's; GLOB's own become literals */
    CU_ASSERT_EQUAL_FATAL(
        filter_compile("{\"where\":{\"deviceInfo\":{\"like\":\"a%_\\\\%*?[\\\\q\"}}}",
                       AUTHSVC_DIALECT_SQLITE, &out, &error),
        AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(filter_arg(&out, 0), "a*?%[*][?][[]q");
    CU_ASSERT_EQUAL_FATAL(
        filter_compile("{\"where\":{\"deviceInfo\":{\"like\":\"\\\\q\\\\%\"}}}",
                       AUTHSVC_DIALECT_PGSQL, &out, &error),
        AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(filter_arg(&out, 0), "q\\%");
}

static void test_filter_and_or_nest(void)
{
    filter_expect("{\"where\":{\"or\":[{\"actor\":\"a\"},{\"and\":[{\"loginType\":\"ACCESS\"},"
                  "{\"ipAddress\":\"x\"}]}]}}",
                  "(((actor = %s) OR (((login_type = %s) AND (ip_address = %s)))))", 3);
    filter_expect("{\"where\":{\"and\":[]}}", "(1 = 1)", 0);
    filter_expect("{\"where\":{\"or\":[]}}", "(1 = 0)", 0);
}

static void test_filter_fields_order_and_page(void)
{
    authsvc_filter_sql_t out;
    const char *error = NULL;

    CU_ASSERT_EQUAL_FATAL(filter_compile(NULL, AUTHSVC_DIALECT_SQLITE, &out, &error),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.order, "login_time DESC NULLS LAST,id ASC");
    CU_ASSERT_EQUAL(out.limit, AUTHSVC_FILTER_PAGE_MAX);
    CU_ASSERT_EQUAL(out.fields, 0xffUL);
    CU_ASSERT_EQUAL_FATAL(
        filter_compile("{\"fields\":{\"id\":true,\"actor\":true},"
                       "\"order\":[\"actor\",\"id desc\"],\"limit\":10,\"skip\":5}",
                       AUTHSVC_DIALECT_PGSQL, &out, &error),
        AUTHSVC_OK);
    CU_ASSERT_EQUAL(out.fields, 0x3UL);
    CU_ASSERT_STRING_EQUAL(out.order, "actor COLLATE \"C\" ASC NULLS FIRST,"
                                      "id COLLATE \"C\" DESC NULLS LAST");
    CU_ASSERT_EQUAL(out.limit, 10);
    CU_ASSERT_EQUAL(out.offset, 5);
    CU_ASSERT_EQUAL_FATAL(
        filter_compile("{\"fields\":{\"tokenPayload\":false},"
                       "\"order\":\"loginType ASC, ipAddress\",\"offset\":\"3\","
                       "\"limit\":1000000000}",
                       AUTHSVC_DIALECT_SQLITE, &out, &error),
        AUTHSVC_OK);
    CU_ASSERT_EQUAL(out.fields, 0xefUL);
    CU_ASSERT_STRING_EQUAL(out.order, "login_type ASC NULLS FIRST,ip_address ASC NULLS FIRST,"
                                      "id ASC");
    CU_ASSERT_EQUAL(out.limit, AUTHSVC_FILTER_PAGE_MAX); /* capped, documented */
    CU_ASSERT_EQUAL(out.offset, 3);
    CU_ASSERT_EQUAL_FATAL(filter_compile("{\"fields\":[\"ipAddress\"]}", AUTHSVC_DIALECT_SQLITE,
                                         &out, &error),
                          AUTHSVC_OK);
    CU_ASSERT_EQUAL(out.fields, 0x80UL);
}

/* T-56: hostile identifiers and operators are refused; hostile values are bound. */
static void test_filter_t56_injection(void)
{
    authsvc_filter_sql_t out;
    const char *error = NULL;

    CU_ASSERT_EQUAL_FATAL(filter_compile("{\"where\":{\"actor\":\"x' OR '1'='1\"}}",
                                         AUTHSVC_DIALECT_SQLITE, &out, &error),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.where, "(actor = %s)");
    CU_ASSERT_STRING_EQUAL(filter_arg(&out, 0), "x' OR '1'='1");
    filter_expect_invalid("{\"where\":{\"loginTime\\\" = 1 OR 1=1--\":1}}");
    filter_expect_invalid("{\"order\":\"loginTime; DROP TABLE login_activity\"}");
    filter_expect_invalid("{\"order\":\"(SELECT 1)\"}");
    filter_expect_invalid("{\"order\":\"loginTime DESC, id ASC NULLS\"}");
    filter_expect_invalid("{\"fields\":{\"id) FROM users--\":true}}");
    filter_expect_invalid("{\"where\":{\"actor\":{\"regexp\":\"^a\"}}}");
    filter_expect_invalid("{\"where\":{\"$where\":\"1\"}}");
    filter_expect_invalid("{\"where\":{\"login_time\":1}}");
    filter_expect_invalid("{\"include\":[\"users\"]}");
    filter_expect_invalid("{\"where\":{\"actor\":5}}");
    filter_expect_invalid("{\"where\":{\"actor\":[\"a\"]}}");
    filter_expect_invalid("{\"where\":{\"actor\":{}}}");
    filter_expect_invalid("{\"where\":{\"loginTime\":{\"gt\":\"yesterday\"}}}");
    filter_expect_invalid("{\"where\":{\"loginTime\":{\"like\":\"2024%\"}}}");
    filter_expect_invalid("{\"where\":{\"actor\":{\"between\":[\"a\"]}}}");
    filter_expect_invalid("{\"where\":{\"actor\":{\"gt\":null}}}");
    filter_expect_invalid("{\"where\":{\"actor\":{\"inq\":[null]}}}");
    filter_expect_invalid("{\"where\":[]}");
    filter_expect_invalid("{\"fields\":{\"id\":\"yes\"}}");
}

/* T-57: depth, list length, wildcards, page and value sizes have limits. */
static void test_filter_t57_limits(void)
{
    apr_pool_t *p = authsvc_test_pool();
    char *deep = apr_pstrdup(p, "{\"actor\":\"a\"}"), *list = apr_pstrdup(p, "\"v\"");
    int i;

    for (i = 0; i < AUTHSVC_FILTER_DEPTH_MAX + 1; i++)
        deep = apr_psprintf(p, "{\"and\":[%s]}", deep);
    filter_expect_invalid(apr_psprintf(p, "{\"where\":%s}", deep));
    for (i = 0; i < AUTHSVC_FILTER_LIST_MAX; i++)
        list = apr_pstrcat(p, list, ",\"v\"", NULL);
    filter_expect_invalid(apr_psprintf(p, "{\"where\":{\"actor\":{\"inq\":[%s]}}}", list));
    filter_expect_invalid("{\"where\":{\"deviceInfo\":{\"like\":\"%%%%%%%%%%%\"}}}");
    filter_expect_invalid("{\"where\":{\"deviceInfo\":{\"like\":\"abc\\\\\"}}}");
    filter_expect_invalid("{\"skip\":1000000000000}");
    filter_expect_invalid("{\"limit\":-1}");
    filter_expect_invalid("{\"limit\":1.5}");
    filter_expect_invalid(
        apr_psprintf(p, "{\"where\":{\"actor\":\"%s\"}}",
                     apr_psprintf(p, "%0*d", AUTHSVC_FILTER_VALUE_MAX + 1, 0)));
}

static void test_filter_where_only(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_filter_sql_t out;
    const char *error = NULL;
    cJSON *where = authsvc_json_own(p, cJSON_Parse("{\"loginType\":\"ACCESS\"}"));

    CU_ASSERT_EQUAL(authsvc_filter_compile_where(p, authsvc_activity_model(),
                                                 AUTHSVC_DIALECT_SQLITE, where, &out, &error),
                    AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(out.where, "(login_type = %s)");
    where = authsvc_json_own(p, cJSON_Parse("{\"where\":{\"loginType\":\"ACCESS\"}}"));
    CU_ASSERT_EQUAL(authsvc_filter_compile_where(p, authsvc_activity_model(),
                                                 AUTHSVC_DIALECT_SQLITE, where, &out, &error),
                    AUTHSVC_INVALID);
}

void authsvc_test_register_filter(void)
{
    CU_pSuite s = CU_add_suite("filter", NULL, NULL);

    CU_add_test(s, "eq, neq and null", test_filter_equality_and_null);
    CU_add_test(s, "gt, gte, lt, lte, between on both dialects",
                test_filter_ranges_on_both_dialects);
    CU_add_test(s, "inq and nin", test_filter_lists);
    CU_add_test(s, "like, nlike, ilike, nilike per dialect",
                test_filter_like_family_per_dialect);
    CU_add_test(s, "and/or nest", test_filter_and_or_nest);
    CU_add_test(s, "fields, order, limit, skip", test_filter_fields_order_and_page);
    CU_add_test(s, "T-56 identifiers refused, values bound", test_filter_t56_injection);
    CU_add_test(s, "T-57 limits", test_filter_t57_limits);
    CU_add_test(s, "a bare where compiles alone", test_filter_where_only);
}
