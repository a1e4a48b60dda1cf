/* What the gateway reads from verified token claims: membership tests for the
 * `Require authsvc-*` providers and claim values as header text. A pure layer: no
 * request_rec, unit tested directly. */
#ifndef AUTHSVC_CLAIMS_H
#define AUTHSVC_CLAIMS_H

#include <apr_pools.h>
#include <cjson/cJSON.h>

/* Longest claim value exported to a backend header or variable, in bytes. */
#define AUTHSVC_CLAIM_TEXT_MAX 4096

/* 1 when claim `name` holds one of values (NULL-terminated): a string equal to it, a
 * number or boolean whose text equals it, or an array with such an element. Exact,
 * case-sensitive comparison; never a substring. */
int authsvc_claim_has_any(const cJSON *claims, const char *name, const char *const *values);

/* Claim `name` as one line of text in p: strings as they are, numbers and booleans as
 * JSON prints them, arrays of those joined by ','. Control characters are dropped,
 * so a value can never split a header. NULL when absent, null, an object, empty or
 * longer than AUTHSVC_CLAIM_TEXT_MAX. */
const char *authsvc_claim_text(apr_pool_t *p, const cJSON *claims, const char *name);

#endif
