/* Strict body validation, answering problems the way LoopBack's AJV did:
 * {"path":"/username","code":"required","message":"...","info":{...}}. */
#include <math.h>
#include <string.h>

#include <apr_strings.h>

#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_schema.h"

const char *authsvc_schema_type_name(authsvc_schema_type_t type)
{
    switch (type) {
    case AUTHSVC_TYPE_STRING: return "string";
    case AUTHSVC_TYPE_OBJECT: return "object";
    case AUTHSVC_TYPE_BOOLEAN: return "boolean";
    case AUTHSVC_TYPE_NUMBER: return "number";
    case AUTHSVC_TYPE_INTEGER: return "integer";
    case AUTHSVC_TYPE_ARRAY: return "array";
    }
    return "unknown";
}

static int schema_type_matches(authsvc_schema_type_t type, const cJSON *value)
{
    switch (type) {
    case AUTHSVC_TYPE_STRING: return cJSON_IsString(value);
    case AUTHSVC_TYPE_OBJECT: return cJSON_IsObject(value);
    case AUTHSVC_TYPE_BOOLEAN: return cJSON_IsBool(value);
    case AUTHSVC_TYPE_NUMBER: return cJSON_IsNumber(value) && isfinite(value->valuedouble);
    case AUTHSVC_TYPE_INTEGER:
        return cJSON_IsNumber(value) && isfinite(value->valuedouble)
               && floor(value->valuedouble) == value->valuedouble;
    case AUTHSVC_TYPE_ARRAY: return cJSON_IsArray(value);
    }
    return 0;
}

/* Adds one problem unless the list is full. info_key/info_value may be NULL. */
static void schema_problem(cJSON *details, const char *path, const char *code,
                           const char *message, const char *info_key, const char *info_value)
{
    cJSON *problem, *info;

    if (cJSON_GetArraySize(details) >= AUTHSVC_VALIDATION_DETAILS_MAX)
        return;
    problem = cJSON_CreateObject();
    cJSON_AddStringToObject(problem, "path", path);
    cJSON_AddStringToObject(problem, "code", code);
    cJSON_AddStringToObject(problem, "message", message);
    info = cJSON_AddObjectToObject(problem, "info");
    if (info_key)
        cJSON_AddStringToObject(info, info_key, info_value);
    cJSON_AddItemToArray(details, problem);
}

static const authsvc_schema_field_t *schema_field(const authsvc_schema_t *schema,
                                                  const char *name)
{
    const authsvc_schema_field_t *f;

    for (f = schema->fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* Characters, not bytes (the body is valid UTF-8): continuation bytes do not count. */
static apr_size_t schema_utf8_length(const char *s)
{
    apr_size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void schema_check_field(apr_pool_t *p, cJSON *details,
                               const authsvc_schema_field_t *field, const cJSON *value)
{
    const char *path = apr_pstrcat(p, "/", field->name, NULL);
    const char *type = authsvc_schema_type_name(field->type);
    unsigned limit = field->max_length ? field->max_length : AUTHSVC_FIELD_LENGTH_DEFAULT;

    if (!schema_type_matches(field->type, value)) {
        schema_problem(details, path, "type", apr_pstrcat(p, "must be ", type, NULL), "type",
                       type);
        return;
    }
    if (field->type == AUTHSVC_TYPE_STRING && schema_utf8_length(value->valuestring) > limit) {
        schema_problem(details, path, "maxLength",
                       apr_psprintf(p, "must NOT have more than %u characters", limit), "limit",
                       apr_psprintf(p, "%u", limit));
    }
}

cJSON *authsvc_schema_validate(apr_pool_t *p, const authsvc_schema_t *schema, const cJSON *body)
{
    cJSON *details = authsvc_json_own(p, cJSON_CreateArray());
    const authsvc_schema_field_t *field;
    const cJSON *member;

    if (!cJSON_IsObject(body)) {
        schema_problem(details, "", "type", "must be object", "type", "object");
        return details;
    }
    for (field = schema->fields; field->name; field++) {
        member = cJSON_GetObjectItemCaseSensitive(body, field->name);
        if (!member || cJSON_IsNull(member)) {
            if (field->required)
                schema_problem(details, "", "required",
                               apr_pstrcat(p, "must have required property '", field->name, "'",
                                           NULL),
                               "missingProperty", field->name);
            continue;
        }
        schema_check_field(p, details, field, member);
    }
    for (member = body->child; member && !schema->allow_unknown; member = member->next) {
        if (!schema_field(schema, member->string))
            schema_problem(details, "", "additionalProperties",
                           "must NOT have additional properties", "additionalProperty",
                           member->string);
    }
    return cJSON_GetArraySize(details) ? details : NULL;
}
