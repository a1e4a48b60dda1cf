/* Strict JSON for untrusted input, and pool-owned cJSON values. */
#ifndef AUTHSVC_JSON_H
#define AUTHSVC_JSON_H

#include <apr_pools.h>
#include <cjson/cJSON.h>

typedef enum {
    AUTHSVC_JSON_VALID = 0,
    AUTHSVC_JSON_EMPTY,     /* no bytes at all */
    AUTHSVC_JSON_SYNTAX,    /* not JSON, or trailing bytes */
    AUTHSVC_JSON_ENCODING,  /* not UTF-8, a NUL byte, or a \u0000 escape */
    AUTHSVC_JSON_TOO_DEEP,  /* nesting over AUTHSVC_JSON_DEPTH_MAX */
    AUTHSVC_JSON_DUPLICATE, /* an object names one member twice */
    AUTHSVC_JSON_TOO_MANY   /* an object with over AUTHSVC_JSON_MEMBERS_MAX members */
} authsvc_json_result_t;

/* Parses len bytes strictly. On success *out is owned by pool p. */
authsvc_json_result_t authsvc_json_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                                         cJSON **out);

/* A message for a parse result, for the client. */
const char *authsvc_json_result_message(authsvc_json_result_t result);

/* Hands item to pool p: cJSON_Delete runs when p is cleared. Returns item. */
cJSON *authsvc_json_own(apr_pool_t *p, cJSON *item);

/* Unformatted text of item, copied into p. */
char *authsvc_json_print(apr_pool_t *p, const cJSON *item);

/* True when buf[0..len) is well-formed UTF-8 without NUL bytes. */
int authsvc_utf8_valid(const char *buf, apr_size_t len);

#endif
