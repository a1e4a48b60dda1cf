/* application/x-www-form-urlencoded, for query strings and form bodies. */
#ifndef AUTHSVC_FORM_H
#define AUTHSVC_FORM_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <cjson/cJSON.h>

typedef enum {
    AUTHSVC_FORM_VALID = 0,
    AUTHSVC_FORM_ENCODING,  /* bad %-escape, %00, or not UTF-8 after decoding */
    AUTHSVC_FORM_DUPLICATE, /* a name appears twice */
    AUTHSVC_FORM_TOO_MANY   /* over AUTHSVC_QUERY_PARAMS_MAX pairs */
} authsvc_form_result_t;

/* Decodes len bytes of text ("a=1&b=2") into *out (each name once). */
authsvc_form_result_t authsvc_form_parse(apr_pool_t *p, const char *text, apr_size_t len,
                                         apr_table_t **out);

/* The pairs as a pool-owned JSON object of strings. */
cJSON *authsvc_form_to_json(apr_pool_t *p, const apr_table_t *form);

/* Percent-decodes (and '+' to space when plus_is_space); NULL when malformed. */
char *authsvc_form_decode(apr_pool_t *p, const char *text, apr_size_t len, int plus_is_space);

#endif
