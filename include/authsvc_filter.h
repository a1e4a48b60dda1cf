/* LoopBack filters -> SQL: a pure layer (no httpd). A filter object
 * {where, fields, order, limit, skip|offset} over a model's allow-listed camelCase
 * properties becomes a WHERE condition with apr_dbd placeholders, the values to bind
 * in order, an ORDER BY list, a page and a field selection. Identifiers come only from
 * the model; every value is bound. Anything else answers AUTHSVC_INVALID with a
 * message for the client. */
#ifndef AUTHSVC_FILTER_H
#define AUTHSVC_FILTER_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <cjson/cJSON.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

typedef enum {
    AUTHSVC_FIELD_TEXT, /* TEXT column: strings */
    AUTHSVC_FIELD_TIME  /* BIGINT epoch ms: ISO 8601 strings or epoch-ms numbers */
} authsvc_field_type_t;

typedef struct {
    const char *name;   /* property, e.g. "loginTime" */
    const char *column; /* SQL column, e.g. "login_time" */
    authsvc_field_type_t type;
} authsvc_filter_field_t;

/* At most 32 fields; fields[0] is the primary key (the final tie-break of every order). */
typedef struct {
    const authsvc_filter_field_t *fields;
    int nfields;
    const char *default_order; /* property and direction, e.g. "loginTime DESC" */
} authsvc_filter_model_t;

/* What a filter may contain (the routes differ). */
#define AUTHSVC_FILTER_ALLOW_WHERE 0x1u
#define AUTHSVC_FILTER_ALLOW_FIELDS 0x2u
#define AUTHSVC_FILTER_ALLOW_ORDER 0x4u
#define AUTHSVC_FILTER_ALLOW_PAGE 0x8u /* limit, skip, offset */
#define AUTHSVC_FILTER_ALLOW_ALL 0xfu

typedef struct {
    const char *where;        /* SQL condition ("1 = 1" for none), placeholders %s/%lld */
    apr_array_header_t *args; /* const char *: the values to bind, in placeholder order */
    const char *order;        /* SQL ORDER BY list, never empty */
    long long limit;          /* capped at AUTHSVC_FILTER_PAGE_MAX */
    long long offset;
    unsigned long fields; /* bit i: model field i is answered */
} authsvc_filter_sql_t;

/* Compiles filter (NULL or a JSON object) for dialect. On AUTHSVC_INVALID *error says
 * why, for the client. */
authsvc_status_t authsvc_filter_compile(apr_pool_t *p, const authsvc_filter_model_t *model,
                                        authsvc_dialect_t dialect, const cJSON *filter,
                                        unsigned allow, authsvc_filter_sql_t *out,
                                        const char **error);

/* Compiles a bare where object (the count route's parameter) into out->where/args. */
authsvc_status_t authsvc_filter_compile_where(apr_pool_t *p,
                                              const authsvc_filter_model_t *model,
                                              authsvc_dialect_t dialect, const cJSON *where,
                                              authsvc_filter_sql_t *out, const char **error);

/* true/false, also as the strings "true"/"false" of the bracket form; -1 otherwise. */
int authsvc_filter_boolean(const cJSON *item);

/* The field of a property name, or -1. */
int authsvc_filter_field_index(const authsvc_filter_model_t *model, const char *name);

#endif
