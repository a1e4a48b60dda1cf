/* Body schemas: strict object validation with LoopBack-style 422 details. */
#ifndef AUTHSVC_SCHEMA_H
#define AUTHSVC_SCHEMA_H

#include <apr_pools.h>
#include <cjson/cJSON.h>

typedef enum {
    AUTHSVC_TYPE_STRING,
    AUTHSVC_TYPE_OBJECT,
    AUTHSVC_TYPE_BOOLEAN,
    AUTHSVC_TYPE_NUMBER,
    AUTHSVC_TYPE_INTEGER,
    AUTHSVC_TYPE_ARRAY
} authsvc_schema_type_t;

typedef struct {
    const char *name;
    authsvc_schema_type_t type;
    int required;
    unsigned max_length; /* strings: 0 means AUTHSVC_FIELD_LENGTH_DEFAULT */
    const char *description;
} authsvc_schema_field_t;

typedef struct {
    const char *name;                     /* e.g. "LoginRequest" */
    const authsvc_schema_field_t *fields; /* ends with a row whose name is NULL */
    int allow_unknown;                    /* 0: unknown members are refused */
} authsvc_schema_t;

/* NULL when body satisfies schema, else a pool-owned array of
 * {"path","code","message","info"} details (at most AUTHSVC_VALIDATION_DETAILS_MAX). */
cJSON *authsvc_schema_validate(apr_pool_t *p, const authsvc_schema_t *schema,
                               const cJSON *body);

/* "string", "object", ... as OpenAPI writes them. */
const char *authsvc_schema_type_name(authsvc_schema_type_t type);

#endif
