/* How filters travel in a query string: name=<URL-encoded JSON> or LoopBack's bracket
 * form name[where][actor]=x, name[where][actor][inq][0]=a, name[limit]=10 (bracket
 * values are strings; numeric keys 0..n-1 make arrays). Pure: no httpd. */
#ifndef AUTHSVC_FILTER_QUERY_H
#define AUTHSVC_FILTER_QUERY_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <cjson/cJSON.h>

#include "authsvc_status.h"

/* The filter called name in a decoded query (pool-owned), or NULL when absent.
 * AUTHSVC_INVALID (*error says why) for malformed JSON, a filter over
 * AUTHSVC_FILTER_TEXT_MAX bytes, both forms at once, or clashing bracket keys. */
authsvc_status_t authsvc_filter_from_query(apr_pool_t *p, const apr_table_t *query,
                                           const char *name, cJSON **out, const char **error);

#endif
