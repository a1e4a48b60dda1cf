/* The OpenAPI document (openapi.c), checked against the route table it is generated from. */
#include <ctype.h>
#include <string.h>

#include <apr_strings.h>

#include "authsvc_json.h"
#include "authsvc_openapi.h"
#include "unit.h"

#define OPENAPI_SCHEMA_REF_PREFIX "#/components/schemas/"

static const authsvc_route_t *openapi_table(apr_size_t *count)
{
    const authsvc_route_t *table = authsvc_routes(count);

    CU_ASSERT_PTR_NOT_NULL_FATAL(table);
    return table;
}

static cJSON *openapi_document(const char *server_url)
{
    apr_size_t count;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = authsvc_openapi_document(authsvc_test_pool(), table, count, server_url);

    CU_ASSERT_TRUE_FATAL(cJSON_IsObject(doc));
    return doc;
}

static const char *openapi_lower(const char *s)
{
    char *out = apr_pstrdup(authsvc_test_pool(), s), *c;

    for (c = out; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return out;
}

/* paths[row->path][lowercase method], which must exist. */
static const cJSON *openapi_operation(const cJSON *doc, const authsvc_route_t *row)
{
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(doc, "paths");
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(paths, row->path), openapi_lower(row->method));

    CU_ASSERT_TRUE_FATAL(cJSON_IsObject(op));
    return op;
}

/* The component schema that op's request body refers to for media type, which must exist. */
static const cJSON *openapi_body_component(const cJSON *doc, const cJSON *op, const char *media)
{
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(op, "requestBody"), "content");
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(content, media),
                                         "schema"),
        "$ref");
    const cJSON *schemas = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(doc, "components"), "schemas");
    const cJSON *component;
    const apr_size_t prefix = strlen(OPENAPI_SCHEMA_REF_PREFIX);

    CU_ASSERT_TRUE_FATAL(cJSON_IsString(ref));
    CU_ASSERT_EQUAL_FATAL(strncmp(ref->valuestring, OPENAPI_SCHEMA_REF_PREFIX, prefix), 0);
    component = cJSON_GetObjectItemCaseSensitive(schemas, ref->valuestring + prefix);
    CU_ASSERT_TRUE_FATAL(cJSON_IsObject(component));
    return component;
}

static const char *openapi_media_type(authsvc_body_kind_t body)
{
    return body == AUTHSVC_BODY_JSON ? "application/json" : "application/x-www-form-urlencoded";
}

static int openapi_array_has_string(const cJSON *array, const char *s)
{
    const cJSON *item;

    cJSON_ArrayForEach(item, array) if (cJSON_IsString(item)
                                        && strcmp(item->valuestring, s) == 0) return 1;
    return 0;
}

static void test_openapi_version_is_3_0_3(void)
{
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(openapi_document(NULL), "openapi");

    CU_ASSERT_TRUE_FATAL(cJSON_IsString(version));
    CU_ASSERT_STRING_EQUAL(version->valuestring, "3.0.3");
}

static void test_openapi_every_row_is_an_operation_with_its_id(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(openapi_operation(doc, &table[i]),
                                                           "operationId");
        CU_ASSERT_TRUE_FATAL(cJSON_IsString(id));
        CU_ASSERT_STRING_EQUAL(id->valuestring, table[i].name);
    }
}

static void test_openapi_operations_are_exactly_the_rows(void)
{
    apr_size_t count;
    const cJSON *path, *op;
    int operations = 0;

    openapi_table(&count);
    cJSON_ArrayForEach(path, cJSON_GetObjectItemCaseSensitive(openapi_document(NULL), "paths"))
        cJSON_ArrayForEach(op, path) operations++;
    CU_ASSERT_EQUAL(operations, (int)count);
}

static void test_openapi_body_routes_refer_to_a_component_for_their_media_type(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const cJSON *component;
        const cJSON *title;
        if (table[i].body == AUTHSVC_BODY_NONE)
            continue;
        component = openapi_body_component(doc, openapi_operation(doc, &table[i]),
                                           openapi_media_type(table[i].body));
        title = cJSON_GetObjectItemCaseSensitive(component, "title");
        CU_ASSERT_TRUE_FATAL(cJSON_IsString(title));
        CU_ASSERT_STRING_EQUAL(title->valuestring, table[i].schema->name);
    }
}

static void test_openapi_routes_without_body_have_no_request_body(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++)
        if (table[i].body == AUTHSVC_BODY_NONE) {
            CU_ASSERT_PTR_NULL(
                cJSON_GetObjectItemCaseSensitive(openapi_operation(doc, &table[i]),
                                                 "requestBody"));
        }
}

static void test_openapi_component_requires_exactly_the_schema_required_fields(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const authsvc_schema_field_t *f;
        const cJSON *required;
        int expected = 0;
        if (table[i].body == AUTHSVC_BODY_NONE)
            continue;
        required = cJSON_GetObjectItemCaseSensitive(
            openapi_body_component(doc, openapi_operation(doc, &table[i]),
                                   openapi_media_type(table[i].body)),
            "required");
        for (f = table[i].schema->fields; f->name; f++) {
            if (!f->required)
                continue;
            expected++;
            CU_ASSERT_TRUE(openapi_array_has_string(required, f->name));
        }
        CU_ASSERT_EQUAL(cJSON_GetArraySize(required), expected);
    }
}

static void test_openapi_component_properties_are_exactly_the_schema_fields(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const authsvc_schema_field_t *f;
        const cJSON *props;
        int expected = 0;
        if (table[i].body == AUTHSVC_BODY_NONE)
            continue;
        props = cJSON_GetObjectItemCaseSensitive(
            openapi_body_component(doc, openapi_operation(doc, &table[i]),
                                   openapi_media_type(table[i].body)),
            "properties");
        for (f = table[i].schema->fields; f->name; f++) {
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(props, f->name), "type");
            expected++;
            CU_ASSERT_TRUE_FATAL(cJSON_IsString(type));
            CU_ASSERT_STRING_EQUAL(type->valuestring, authsvc_schema_type_name(f->type));
        }
        CU_ASSERT_EQUAL(cJSON_GetArraySize(props), expected);
    }
}

static void test_openapi_additional_properties_mirror_allow_unknown(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const cJSON *additional;
        if (table[i].body == AUTHSVC_BODY_NONE)
            continue;
        additional = cJSON_GetObjectItemCaseSensitive(
            openapi_body_component(doc, openapi_operation(doc, &table[i]),
                                   openapi_media_type(table[i].body)),
            "additionalProperties");
        CU_ASSERT_TRUE_FATAL(cJSON_IsBool(additional));
        CU_ASSERT_EQUAL(cJSON_IsTrue(additional) != 0, table[i].schema->allow_unknown != 0);
    }
}

static void test_openapi_security_is_listed_exactly_for_non_public_routes(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const cJSON *security = cJSON_GetObjectItemCaseSensitive(openapi_operation(doc,
                                                                                   &table[i]),
                                                                 "security");
        if (table[i].access == AUTHSVC_ACCESS_PUBLIC) {
            CU_ASSERT_PTR_NULL(security);
        } else {
            CU_ASSERT_TRUE(cJSON_IsArray(security) && cJSON_GetArraySize(security) > 0);
        }
    }
}

static void test_openapi_permission_routes_list_their_permission(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const cJSON *perms = cJSON_GetObjectItemCaseSensitive(openapi_operation(doc, &table[i]),
                                                              "x-permissions");
        if (table[i].access == AUTHSVC_ACCESS_PERMISSION) {
            CU_ASSERT_TRUE(openapi_array_has_string(perms, table[i].permission));
        } else {
            CU_ASSERT_PTR_NULL(perms);
        }
    }
}

static void test_openapi_implemented_mirrors_handler(void)
{
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const cJSON *implemented = cJSON_GetObjectItemCaseSensitive(
            openapi_operation(doc, &table[i]), "x-implemented");
        CU_ASSERT_TRUE_FATAL(cJSON_IsBool(implemented));
        CU_ASSERT_EQUAL(cJSON_IsTrue(implemented) != 0, table[i].handler != NULL);
    }
}

static void test_openapi_every_param_is_listed_with_its_location(void)
{
    static const char *const where[] = {[AUTHSVC_PARAM_QUERY] = "query",
                                        [AUTHSVC_PARAM_HEADER] = "header",
                                        [AUTHSVC_PARAM_PATH] = "path"};
    apr_size_t count, i;
    const authsvc_route_t *table = openapi_table(&count);
    cJSON *doc = openapi_document(NULL);

    for (i = 0; i < count; i++) {
        const authsvc_param_t *prm;
        const cJSON *listed = cJSON_GetObjectItemCaseSensitive(openapi_operation(doc,
                                                                                 &table[i]),
                                                               "parameters");
        for (prm = table[i].params; prm && prm->name; prm++) {
            const cJSON *item;
            int found = 0;
            cJSON_ArrayForEach(item, listed)
            {
                const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
                const cJSON *in = cJSON_GetObjectItemCaseSensitive(item, "in");
                found |= cJSON_IsString(name) && cJSON_IsString(in)
                         && strcmp(name->valuestring, prm->name) == 0
                         && strcmp(in->valuestring, where[prm->in]) == 0;
            }
            CU_ASSERT_TRUE(found);
        }
    }
}

static void test_openapi_server_url_is_listed_when_given(void)
{
    static const char url[] = "https://auth.example.test/base";
    const cJSON *server = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(openapi_document(url), "servers"), 0);
    const cJSON *listed = cJSON_GetObjectItemCaseSensitive(server, "url");

    CU_ASSERT_TRUE_FATAL(cJSON_IsString(listed));
    CU_ASSERT_STRING_EQUAL(listed->valuestring, url);
}

static void test_openapi_servers_are_absent_without_url(void)
{
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(openapi_document(NULL), "servers"));
}

static void test_openapi_document_text_passes_the_strict_parser(void)
{
    /* Strict parsing refuses duplicate members, which cJSON would happily print. */
    const char *text = authsvc_json_print(authsvc_test_pool(), openapi_document(NULL));
    cJSON *parsed;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(authsvc_json_parse(authsvc_test_pool(), text, strlen(text), &parsed),
                    AUTHSVC_JSON_VALID);
}

void authsvc_test_register_openapi(void)
{
    CU_pSuite s = CU_add_suite("openapi", NULL, NULL);

    CU_add_test(s, "version is 3.0.3", test_openapi_version_is_3_0_3);
    CU_add_test(s, "every row is an operation with its operationId",
                test_openapi_every_row_is_an_operation_with_its_id);
    CU_add_test(s, "operations are exactly the rows",
                test_openapi_operations_are_exactly_the_rows);
    CU_add_test(s, "body routes refer to a component for their media type",
                test_openapi_body_routes_refer_to_a_component_for_their_media_type);
    CU_add_test(s, "routes without a body have no requestBody",
                test_openapi_routes_without_body_have_no_request_body);
    CU_add_test(s, "component requires exactly the schema's required fields",
                test_openapi_component_requires_exactly_the_schema_required_fields);
    CU_add_test(s, "component properties are exactly the schema's fields",
                test_openapi_component_properties_are_exactly_the_schema_fields);
    CU_add_test(s, "additionalProperties mirrors allow_unknown",
                test_openapi_additional_properties_mirror_allow_unknown);
    CU_add_test(s, "security is listed exactly for non-public routes",
                test_openapi_security_is_listed_exactly_for_non_public_routes);
    CU_add_test(s, "permission routes list their permission",
                test_openapi_permission_routes_list_their_permission);
    CU_add_test(s, "x-implemented mirrors the handler",
                test_openapi_implemented_mirrors_handler);
    CU_add_test(s, "every param is listed with its location",
                test_openapi_every_param_is_listed_with_its_location);
    CU_add_test(s, "server URL is listed when given",
                test_openapi_server_url_is_listed_when_given);
    CU_add_test(s, "servers are absent without a URL",
                test_openapi_servers_are_absent_without_url);
    CU_add_test(s, "document text passes the strict parser",
                test_openapi_document_text_passes_the_strict_parser);
}
