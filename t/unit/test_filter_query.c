/* Filters in query strings (filter_query.c): JSON and the bracket form. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_filter_query.h"
#include "authsvc_form.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "unit.h"

/* The filter called name in query text, printed back as JSON ("" when absent, NULL
 * when refused). */
static const char *filter_query_json(const char *query, const char *name)
{
    apr_pool_t *p = authsvc_test_pool();
    apr_table_t *table;
    cJSON *out = NULL;
    const char *error = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_form_parse(p, query, strlen(query), &table),
                          AUTHSVC_FORM_VALID);
    if (authsvc_filter_from_query(p, table, name, &out, &error) != AUTHSVC_OK) {
        CU_ASSERT_PTR_NOT_NULL(error);
        return NULL;
    }
    return out ? authsvc_json_print(p, out) : "";
}

static void test_filter_query_json_form(void)
{
    CU_ASSERT_STRING_EQUAL(
        filter_query_json("filter=%7B%22where%22%3A%7B%22actor%22%3A%22a%22%7D%7D", "filter"),
        "{\"where\":{\"actor\":\"a\"}}");
    CU_ASSERT_STRING_EQUAL(filter_query_json("other=1", "filter"), "");
    CU_ASSERT_PTR_NULL(filter_query_json("filter=%7B", "filter"));
    CU_ASSERT_PTR_NULL(filter_query_json("filter=%5B%5D", "filter"));
    CU_ASSERT_PTR_NULL(filter_query_json("filter=%7B%22a%22%3A1%2C%22a%22%3A2%7D", "filter"));
}

static void test_filter_query_bracket_form(void)
{
    CU_ASSERT_STRING_EQUAL(
        filter_query_json("filter[where][actor]=x&filter[limit]=10&filter[order]=id", "filter"),
        "{\"where\":{\"actor\":\"x\"},\"limit\":\"10\",\"order\":\"id\"}");
    CU_ASSERT_STRING_EQUAL(
        filter_query_json("filter[where][actor][inq][1]=b&filter[where][actor][inq][0]=a",
                          "filter"),
        "{\"where\":{\"actor\":{\"inq\":[\"a\",\"b\"]}}}");
    CU_ASSERT_STRING_EQUAL(
        filter_query_json("where[or][0][actor]=a&where[or][1][loginType]=ACCESS", "where"),
        "{\"or\":[{\"actor\":\"a\"},{\"loginType\":\"ACCESS\"}]}");
    CU_ASSERT_STRING_EQUAL(filter_query_json("filter[fields][]=id", "filter"),
                           "{\"fields\":[\"id\"]}");
    /* indexes with a gap stay an object (and the translator refuses it) */
    CU_ASSERT_STRING_EQUAL(filter_query_json("filter[order][0]=id&filter[order][2]=actor",
                                             "filter"),
                           "{\"order\":{\"0\":\"id\",\"2\":\"actor\"}}");
}

static void test_filter_query_refusals(void)
{
    apr_pool_t *p = authsvc_test_pool();
    char *big = apr_psprintf(p, "filter[where][actor]=%0*d", AUTHSVC_FILTER_TEXT_MAX, 0);

    CU_ASSERT_PTR_NULL(filter_query_json("filter=%7B%7D&filter[limit]=1", "filter"));
    CU_ASSERT_PTR_NULL(filter_query_json("filter[where]=x&filter[where][actor]=y", "filter"));
    CU_ASSERT_PTR_NULL(filter_query_json("filter[where=x", "filter"));
    CU_ASSERT_PTR_NULL(filter_query_json("filter[where]x=1", "filter"));
    CU_ASSERT_PTR_NULL(
        filter_query_json("filter[a][b][c][d][e][f][g][h][i][j][k][l][m][n][o][p][q][r]=1",
                          "filter"));
    CU_ASSERT_PTR_NULL(filter_query_json(big, "filter"));
}

void authsvc_test_register_filter_query(void)
{
    CU_pSuite s = CU_add_suite("filter_query", NULL, NULL);

    CU_add_test(s, "URL-encoded JSON", test_filter_query_json_form);
    CU_add_test(s, "bracket form with arrays", test_filter_query_bracket_form);
    CU_add_test(s, "clashes, malformed keys, depth and size refused",
                test_filter_query_refusals);
}
