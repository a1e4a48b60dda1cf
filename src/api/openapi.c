/* OpenAPI 3.0 from the route table. */
#include <ctype.h>
#include <string.h>

#include <apr_strings.h>

#include "authsvc_json.h"
#include "authsvc_openapi.h"

static cJSON *openapi_schema_object(const authsvc_schema_t *schema)
{
    cJSON *obj = cJSON_CreateObject(), *props, *required = cJSON_CreateArray();
    const authsvc_schema_field_t *f;

    cJSON_AddStringToObject(obj, "title", schema->name);
    cJSON_AddStringToObject(obj, "type", "object");
    props = cJSON_AddObjectToObject(obj, "properties");
    for (f = schema->fields; f->name; f++) {
        cJSON *prop = cJSON_AddObjectToObject(props, f->name);
        cJSON_AddStringToObject(prop, "type", authsvc_schema_type_name(f->type));
        if (f->type == AUTHSVC_TYPE_STRING && f->max_length)
            cJSON_AddNumberToObject(prop, "maxLength", f->max_length);
        if (f->required)
            cJSON_AddItemToArray(required, cJSON_CreateString(f->name));
    }
    if (cJSON_GetArraySize(required))
        cJSON_AddItemToObject(obj, "required", required);
    else
        cJSON_Delete(required);
    cJSON_AddBoolToObject(obj, "additionalProperties", schema->allow_unknown != 0);
    return obj;
}

static const char *openapi_param_in(authsvc_param_in_t in)
{
    return in == AUTHSVC_PARAM_HEADER ? "header" : in == AUTHSVC_PARAM_PATH ? "path" : "query";
}

static void openapi_add_parameters(cJSON *op, const authsvc_route_t *route)
{
    cJSON *params;
    const authsvc_param_t *prm;

    if (!route->params)
        return;
    params = cJSON_AddArrayToObject(op, "parameters");
    for (prm = route->params; prm->name; prm++) {
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "name", prm->name);
        cJSON_AddStringToObject(item, "in", openapi_param_in(prm->in));
        cJSON_AddBoolToObject(item, "required", prm->required != 0);
        cJSON_AddItemToObject(item, "schema", cJSON_Parse("{\"type\":\"string\"}"));
        cJSON_AddItemToArray(params, item);
    }
}

static void openapi_add_body(apr_pool_t *p, cJSON *op, const authsvc_route_t *route)
{
    cJSON *body, *content, *media;
    const char *type;

    if (route->body == AUTHSVC_BODY_NONE)
        return;
    type = route->body == AUTHSVC_BODY_JSON ? "application/json"
                                            : "application/x-www-form-urlencoded";
    body = cJSON_AddObjectToObject(op, "requestBody");
    cJSON_AddBoolToObject(body, "required", 1);
    content = cJSON_AddObjectToObject(body, "content");
    media = cJSON_AddObjectToObject(content, type);
    cJSON_AddItemToObject(media, "schema", cJSON_CreateObject());
    cJSON_AddStringToObject(cJSON_GetObjectItem(media, "schema"), "$ref",
                            apr_pstrcat(p, "#/components/schemas/", route->schema->name, NULL));
}

static void openapi_add_responses(apr_pool_t *p, cJSON *op, const authsvc_route_t *route)
{
    static const int errors[] = {400, 401, 403, 404, 413, 415, 422, 429, 503};
    cJSON *responses = cJSON_AddObjectToObject(op, "responses");
    cJSON *ok = cJSON_AddObjectToObject(responses,
                                        apr_psprintf(p, "%d", route->success_status));
    apr_size_t i;

    cJSON_AddStringToObject(ok, "description",
                            route->success_status == 204   ? "No Content"
                            : route->success_status == 303 ? "See Other (redirect)"
                                                           : "OK");
    for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        cJSON *e = cJSON_AddObjectToObject(responses, apr_psprintf(p, "%d", errors[i]));
        cJSON_AddStringToObject(e, "description", "Error envelope");
        cJSON_AddItemToObject(
            e, "content",
            cJSON_Parse(
                "{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/ErrorEnvelope\"}}}"));
    }
}

static cJSON *openapi_operation(apr_pool_t *p, const authsvc_route_t *route)
{
    cJSON *op = cJSON_CreateObject(), *tags = cJSON_AddArrayToObject(op, "tags");

    cJSON_AddItemToArray(tags, cJSON_CreateString(route->tag));
    cJSON_AddStringToObject(op, "operationId", route->name);
    cJSON_AddStringToObject(op, "summary", route->summary);
    if (route->flags & AUTHSVC_ROUTE_DEPRECATED)
        cJSON_AddBoolToObject(op, "deprecated", 1);
    if (route->access != AUTHSVC_ACCESS_PUBLIC)
        cJSON_AddItemToObject(op, "security", cJSON_Parse("[{\"HTTPBearer\":[]}]"));
    if (route->permission) {
        cJSON *perms = cJSON_AddArrayToObject(op, "x-permissions");
        cJSON_AddItemToArray(perms, cJSON_CreateString(route->permission));
    }
    cJSON_AddBoolToObject(op, "x-implemented", route->handler != NULL);
    openapi_add_parameters(op, route);
    openapi_add_body(p, op, route);
    openapi_add_responses(p, op, route);
    return op;
}

static char *openapi_lower(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s), *c;

    for (c = out; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return out;
}

static cJSON *openapi_components(const authsvc_route_t *table, apr_size_t count)
{
    cJSON *components = cJSON_CreateObject();
    cJSON *schemas = cJSON_AddObjectToObject(components, "schemas");
    cJSON *security = cJSON_AddObjectToObject(components, "securitySchemes");
    apr_size_t i;

    for (i = 0; i < count; i++) {
        const authsvc_schema_t *s = table[i].schema;
        if (s && !cJSON_GetObjectItemCaseSensitive(schemas, s->name))
            cJSON_AddItemToObject(schemas, s->name, openapi_schema_object(s));
    }
    cJSON_AddItemToObject(
        schemas, "ErrorEnvelope",
        cJSON_Parse(
            "{\"type\":\"object\",\"properties\":{\"error\":{\"type\":\"object\",\"properties\":{"
            "\"statusCode\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},"
            "\"message\":{\"type\":\"string\"},\"code\":{\"type\":\"string\"},"
            "\"details\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}}}"));
    cJSON_AddItemToObject(
        security, "HTTPBearer",
        cJSON_Parse("{\"type\":\"http\",\"scheme\":\"bearer\",\"bearerFormat\":\"JWT\"}"));
    return components;
}

cJSON *authsvc_openapi_document(apr_pool_t *p, const authsvc_route_t *table, apr_size_t count,
                                const char *server_url)
{
    cJSON *doc = authsvc_json_own(p, cJSON_CreateObject());
    cJSON *info = cJSON_AddObjectToObject(doc, "info"), *paths;
    apr_size_t i;

    cJSON_AddStringToObject(doc, "openapi", "3.0.3");
    cJSON_AddStringToObject(info, "title", "Authentication Service");
    cJSON_AddStringToObject(info, "version", "1.0.0");
    cJSON_AddStringToObject(info, "description", "mod_authsvc: authentication microservice");
    if (server_url) {
        cJSON *server = cJSON_CreateObject();
        cJSON_AddStringToObject(server, "url", server_url);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "servers"), server);
    }
    paths = cJSON_AddObjectToObject(doc, "paths");
    for (i = 0; i < count; i++) {
        cJSON *item = cJSON_GetObjectItemCaseSensitive(paths, table[i].path);
        if (!item)
            item = cJSON_AddObjectToObject(paths, table[i].path);
        cJSON_AddItemToObject(item, openapi_lower(p, table[i].method),
                              openapi_operation(p, &table[i]));
    }
    cJSON_AddItemToObject(doc, "components", openapi_components(table, count));
    return doc;
}
