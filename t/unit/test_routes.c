/* The service's route table (routes.c), walked row by row: the rules every row keeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_flows.h"
#include "authsvc_route.h"
#include "authsvc_social_provider.h"
#include "unit.h"

#ifndef AUTHSVC_SOURCE_DIR
#error "AUTHSVC_SOURCE_DIR (the absolute source directory) must be defined"
#endif
#define ROUTES_NOT_BUILT_FILE AUTHSVC_SOURCE_DIR "/t/unit/routes-not-built.txt"
#define ROUTES_LINE_MAX 512

/* The old service's routes, written out here so the table is checked against them. */
static const char *const routes_seed[][2] = {
    {"GET", "/active-users/{range}"},
    {"GET", "/login-activity/count"},
    {"GET", "/login-activity/{id}"},
    {"GET", "/login-activity"},
    {"GET", "/auth/apple-oauth-redirect"},
    {"POST", "/auth/oauth-apple"},
    {"POST", "/auth/azure"},
    {"GET", "/auth/azure"},
    {"GET", "/auth/azure-oauth-redirect"},
    {"PATCH", "/auth/change-password"},
    {"POST", "/auth/login"},
    {"POST", "/auth/login-token"},
    {"GET", "/auth/me"},
    {"POST", "/auth/switch-token"},
    {"POST", "/auth/token"},
    {"POST", "/auth/token-refresh"},
    {"GET", "/auth/check-qr-code"},
    {"POST", "/auth/create-qr-code"},
    {"POST", "/auth/send-otp"},
    {"POST", "/auth/verify-otp"},
    {"POST", "/auth/cognito"},
    {"GET", "/auth/cognito"},
    {"GET", "/auth/cognito-auth-redirect"},
    {"POST", "/auth/facebook"},
    {"GET", "/auth/facebook-auth-redirect"},
    {"POST", "/auth/forget-password"},
    {"PATCH", "/auth/reset-password"},
    {"GET", "/auth/verify-reset-password-link"},
    {"POST", "/auth/google"},
    {"GET", "/auth/google"},
    {"GET", "/auth/google-auth-redirect"},
    {"POST", "/auth/instagram"},
    {"GET", "/auth/instagram-auth-redirect"},
    {"POST", "/auth/keycloak"},
    {"GET", "/auth/keycloak"},
    {"GET", "/auth/keycloak-auth-redirect"},
    {"POST", "/auth/saml"},
    {"POST", "/auth/saml-redirect"},
    {"POST", "/auth/sign-up/create-token"},
    {"POST", "/auth/sign-up/create-user"},
    {"GET", "/auth/sign-up/verify-token"},
    {"POST", "/google/logout"},
    {"POST", "/keycloak/logout"},
    {"POST", "/logout"},
};
#define ROUTES_SEED_COUNT (sizeof(routes_seed) / sizeof(routes_seed[0]))

static const authsvc_route_t *routes_table(apr_size_t *count)
{
    const authsvc_route_t *table = authsvc_routes(count);

    CU_ASSERT_PTR_NOT_NULL_FATAL(table);
    CU_ASSERT_TRUE_FATAL(*count > 0);
    return table;
}

static const char *routes_key(const authsvc_route_t *row)
{
    return apr_pstrcat(authsvc_test_pool(), row->method, " ", row->path, NULL);
}

static int routes_nonempty(const char *s)
{
    return s && *s;
}

/* Whether path holds the segment template "{name}". */
static int routes_path_has_capture(const char *path, const char *name)
{
    return strstr(path, apr_pstrcat(authsvc_test_pool(), "{", name, "}", NULL)) != NULL;
}

/* The PATH parameter named name in params (which is not NULL). */
static const authsvc_param_t *routes_path_param(const authsvc_param_t *params, const char *name,
                                                apr_size_t len)
{
    const authsvc_param_t *prm;

    for (prm = params; prm->name; prm++)
        if (prm->in == AUTHSVC_PARAM_PATH && strlen(prm->name) == len
            && strncmp(prm->name, name, len) == 0)
            return prm;
    return NULL;
}

static int routes_compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void routes_sort(apr_array_header_t *lines)
{
    qsort(lines->elts, (size_t)lines->nelts, sizeof(char *), routes_compare_strings);
}

/* "METHOD PATH" of every row without a handler, sorted. */
static apr_array_header_t *routes_not_built_in_table(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);
    apr_array_header_t *lines = apr_array_make(authsvc_test_pool(), 64, sizeof(char *));

    for (i = 0; i < count; i++)
        if (!table[i].handler)
            APR_ARRAY_PUSH(lines, const char *) = routes_key(&table[i]);
    routes_sort(lines);
    return lines;
}

/* The committed list's lines (no comments, no blank lines), sorted; NULL when unreadable. */
static apr_array_header_t *routes_not_built_in_file(void)
{
    apr_array_header_t *lines = apr_array_make(authsvc_test_pool(), 64, sizeof(char *));
    char line[ROUTES_LINE_MAX];
    FILE *f = fopen(ROUTES_NOT_BUILT_FILE, "r");

    if (!f)
        return NULL;
    while (fgets(line, sizeof(line), f)) {
        size_t len = strcspn(line, "\r\n");
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        line[len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        APR_ARRAY_PUSH(lines, const char *) = apr_pstrdup(authsvc_test_pool(), line);
    }
    fclose(f);
    routes_sort(lines);
    return lines;
}

/* Prints the lines only one side has; returns how many there are. */
static int routes_print_differences(const apr_array_header_t *table,
                                    const apr_array_header_t *file)
{
    int i = 0, j = 0, differences = 0;

    while (i < table->nelts || j < file->nelts) {
        const char *t = i < table->nelts ? APR_ARRAY_IDX(table, i, const char *) : NULL;
        const char *f = j < file->nelts ? APR_ARRAY_IDX(file, j, const char *) : NULL;
        int cmp = !t ? 1 : !f ? -1 : strcmp(t, f);
        if (cmp == 0) {
            i++, j++;
            continue;
        }
        differences++;
        if (cmp < 0) {
            printf("\n    not built but missing from routes-not-built.txt: %s", t);
            i++;
        } else {
            printf("\n    in routes-not-built.txt but built or not a route: %s", f);
            j++;
        }
    }
    if (differences)
        printf("\n    ");
    return differences;
}

static void test_routes_method_and_path_are_unique(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);
    apr_hash_t *seen = apr_hash_make(authsvc_test_pool());

    for (i = 0; i < count; i++) {
        const char *key = routes_key(&table[i]);
        CU_ASSERT_PTR_NULL(apr_hash_get(seen, key, APR_HASH_KEY_STRING));
        apr_hash_set(seen, key, APR_HASH_KEY_STRING, &table[i]);
    }
}

static void test_routes_names_are_unique(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);
    apr_hash_t *seen = apr_hash_make(authsvc_test_pool());

    for (i = 0; i < count; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(table[i].name);
        CU_ASSERT_PTR_NULL(apr_hash_get(seen, table[i].name, APR_HASH_KEY_STRING));
        apr_hash_set(seen, table[i].name, APR_HASH_KEY_STRING, &table[i]);
    }
}

static void test_routes_every_row_has_name_tag_and_summary(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++) {
        CU_ASSERT_TRUE(routes_nonempty(table[i].name));
        CU_ASSERT_TRUE(routes_nonempty(table[i].tag));
        CU_ASSERT_TRUE(routes_nonempty(table[i].summary));
    }
}

static void test_routes_method_is_get_post_or_patch(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(table[i].method);
        CU_ASSERT_TRUE(strcmp(table[i].method, "GET") == 0
                       || strcmp(table[i].method, "POST") == 0
                       || strcmp(table[i].method, "PATCH") == 0);
    }
}

static void test_routes_path_starts_with_slash(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(table[i].path);
        CU_ASSERT_EQUAL(table[i].path[0], '/');
    }
}

static void test_routes_permission_is_set_exactly_for_permission_access(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++)
        CU_ASSERT_EQUAL(table[i].access == AUTHSVC_ACCESS_PERMISSION,
                        routes_nonempty(table[i].permission));
}

static void test_routes_schema_is_set_exactly_when_body_is_read(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++)
        CU_ASSERT_EQUAL(table[i].body == AUTHSVC_BODY_NONE, table[i].schema == NULL);
}

static void test_routes_schema_names_identify_one_schema(void)
{
    /* OpenAPI components are keyed by schema name: two schemas must not share one. */
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);
    apr_hash_t *seen = apr_hash_make(authsvc_test_pool());

    for (i = 0; i < count; i++) {
        const authsvc_schema_t *s = table[i].schema, *known;
        if (!s)
            continue;
        CU_ASSERT_TRUE_FATAL(routes_nonempty(s->name));
        known = apr_hash_get(seen, s->name, APR_HASH_KEY_STRING);
        CU_ASSERT_TRUE(known == NULL || known == s);
        apr_hash_set(seen, s->name, APR_HASH_KEY_STRING, s);
    }
}

static void test_routes_schema_field_names_are_unique(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++) {
        const authsvc_schema_field_t *f, *g;
        if (!table[i].schema)
            continue;
        for (f = table[i].schema->fields; f->name; f++)
            for (g = f + 1; g->name; g++)
                CU_ASSERT_STRING_NOT_EQUAL(f->name, g->name);
    }
}

static void test_routes_params_are_well_formed(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++) {
        const authsvc_param_t *prm, *other;
        if (!table[i].params)
            continue;
        for (prm = table[i].params; prm->name; prm++) {
            CU_ASSERT_TRUE(routes_nonempty(prm->name));
            CU_ASSERT_TRUE(prm->in == AUTHSVC_PARAM_QUERY || prm->in == AUTHSVC_PARAM_HEADER
                           || prm->in == AUTHSVC_PARAM_PATH);
            for (other = prm + 1; other->name; other++)
                CU_ASSERT_FALSE(other->in == prm->in && strcmp(other->name, prm->name) == 0);
        }
    }
}

static void test_routes_path_params_are_required_captures_of_the_path(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++) {
        const authsvc_param_t *prm;
        for (prm = table[i].params; prm && prm->name; prm++) {
            if (prm->in != AUTHSVC_PARAM_PATH)
                continue;
            CU_ASSERT_TRUE(prm->required);
            CU_ASSERT_TRUE(routes_path_has_capture(table[i].path, prm->name));
        }
    }
}

static void test_routes_every_capture_has_a_path_param_when_params_are_listed(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++) {
        const char *open = table[i].path, *close;
        if (!table[i].params)
            continue;
        while ((open = strchr(open, '{')) != NULL) {
            close = strchr(open, '}');
            CU_ASSERT_PTR_NOT_NULL_FATAL(close);
            CU_ASSERT_PTR_NOT_NULL(
                routes_path_param(table[i].params, open + 1, (apr_size_t)(close - open - 1)));
            open = close;
        }
    }
}

static void test_routes_every_seed_route_is_present(void)
{
    apr_size_t count, i, s;
    const authsvc_route_t *table = routes_table(&count);

    for (s = 0; s < ROUTES_SEED_COUNT; s++) {
        int found = 0;
        for (i = 0; i < count && !found; i++)
            found = strcmp(table[i].method, routes_seed[s][0]) == 0
                    && strcmp(table[i].path, routes_seed[s][1]) == 0;
        if (!found)
            printf("\n    seed route missing: %s %s\n    ", routes_seed[s][0],
                   routes_seed[s][1]);
        CU_ASSERT_TRUE(found);
    }
}

static void test_routes_success_status_is_200_204_or_303(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++)
        CU_ASSERT_TRUE(table[i].success_status == 200 || table[i].success_status == 204
                       || table[i].success_status == 303);
}

static void test_routes_redirect_flag_is_set_exactly_for_303(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++)
        CU_ASSERT_EQUAL((table[i].flags & AUTHSVC_ROUTE_REDIRECTS) != 0,
                        table[i].success_status == 303);
}

/* Social login rows name a known provider, other rows none; every provider with a start
 * route has a callback path, one (its redirect_uri is built from it; Apple's is answered
 * for GET and POST). */
static void test_routes_provider_column(void)
{
    apr_size_t count, i, j;
    const authsvc_route_t *table = routes_table(&count);

    for (i = 0; i < count; i++) {
        int social = table[i].handler == authsvc_flow_social_start
                     || table[i].handler == authsvc_flow_social_callback
                     || table[i].handler == authsvc_flow_social_logout;
        int callbacks = 0;
        const char *path = NULL;

        CU_ASSERT_EQUAL(social, table[i].provider != NULL);
        if (!table[i].provider)
            continue;
        CU_ASSERT(authsvc_social_provider_name_known(table[i].provider));
        if (table[i].handler != authsvc_flow_social_start)
            continue;
        for (j = 0; j < count; j++) {
            if (table[j].handler != authsvc_flow_social_callback
                || strcmp(table[j].provider, table[i].provider) != 0)
                continue;
            callbacks++;
            if (!path)
                path = table[j].path;
            CU_ASSERT_STRING_EQUAL(table[j].path, path);
        }
        CU_ASSERT(callbacks >= 1);
    }
}

static void test_routes_not_built_list_matches_rows_without_handler(void)
{
    apr_array_header_t *table = routes_not_built_in_table();
    apr_array_header_t *file = routes_not_built_in_file();

    if (!file)
        printf("\n    cannot read %s", ROUTES_NOT_BUILT_FILE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    CU_ASSERT_EQUAL(routes_print_differences(table, file), 0);
}

void authsvc_test_register_routes(void)
{
    CU_pSuite s = CU_add_suite("routes", NULL, NULL);

    CU_add_test(s, "the provider column of social login rows", test_routes_provider_column);

    CU_add_test(s, "method and path are unique", test_routes_method_and_path_are_unique);
    CU_add_test(s, "names are unique", test_routes_names_are_unique);
    CU_add_test(s, "every row has a name, a tag and a summary",
                test_routes_every_row_has_name_tag_and_summary);
    CU_add_test(s, "method is GET, POST or PATCH", test_routes_method_is_get_post_or_patch);
    CU_add_test(s, "path starts with '/'", test_routes_path_starts_with_slash);
    CU_add_test(s, "permission is set exactly for PERMISSION access",
                test_routes_permission_is_set_exactly_for_permission_access);
    CU_add_test(s, "schema is set exactly when a body is read",
                test_routes_schema_is_set_exactly_when_body_is_read);
    CU_add_test(s, "schema names identify one schema",
                test_routes_schema_names_identify_one_schema);
    CU_add_test(s, "schema field names are unique", test_routes_schema_field_names_are_unique);
    CU_add_test(s, "params are well formed", test_routes_params_are_well_formed);
    CU_add_test(s, "path params are required captures of the path",
                test_routes_path_params_are_required_captures_of_the_path);
    CU_add_test(s, "every capture has a path param when params are listed",
                test_routes_every_capture_has_a_path_param_when_params_are_listed);
    CU_add_test(s, "every seed route is present", test_routes_every_seed_route_is_present);
    CU_add_test(s, "success status is 200, 204 or 303",
                test_routes_success_status_is_200_204_or_303);
    CU_add_test(s, "REDIRECTS flag is set exactly for 303",
                test_routes_redirect_flag_is_set_exactly_for_303);
    CU_add_test(s, "routes-not-built.txt lists exactly the rows without a handler",
                test_routes_not_built_list_matches_rows_without_handler);
}
