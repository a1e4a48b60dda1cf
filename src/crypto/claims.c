/* Claim membership and claim text for the gateway (see authsvc_claims.h). */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_claims.h"

/* A scalar claim value as text (buf holds numbers), or NULL for anything else. */
static const char *claim_scalar(const cJSON *item, char *buf, apr_size_t len)
{
    double v;

    if (cJSON_IsString(item))
        return item->valuestring;
    if (cJSON_IsBool(item))
        return cJSON_IsTrue(item) ? "true" : "false";
    if (!cJSON_IsNumber(item))
        return NULL;
    v = item->valuedouble;
    if (v == (double)(long long)v && v > -9.0e15 && v < 9.0e15)
        apr_snprintf(buf, len, "%" APR_INT64_T_FMT, (apr_int64_t)v);
    else
        snprintf(buf, len, "%.15g", v);
    return buf;
}

static int claim_scalar_is(const cJSON *item, const char *const *values)
{
    char buf[64];
    const char *text = claim_scalar(item, buf, sizeof(buf));

    for (; text && *values; values++)
        if (strcmp(text, *values) == 0)
            return 1;
    return 0;
}

int authsvc_claim_has_any(const cJSON *claims, const char *name, const char *const *values)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name), *e;

    if (!item || !values)
        return 0;
    if (!cJSON_IsArray(item))
        return claim_scalar_is(item, values);
    cJSON_ArrayForEach(e, item) if (claim_scalar_is(e, values)) return 1;
    return 0;
}

/* text without control characters (CR, LF, NUL-free already, TAB, DEL...). */
static const char *claim_printable(apr_pool_t *p, const char *text)
{
    char *out = apr_palloc(p, strlen(text) + 1), *o = out;

    for (; *text; text++)
        if ((unsigned char)*text >= 0x20 && *text != 0x7f)
            *o++ = *text;
    *o = '\0';
    return out;
}

const char *authsvc_claim_text(apr_pool_t *p, const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name), *e;
    const char *text = NULL;

    if (cJSON_IsArray(item)) {
        apr_array_header_t *parts = apr_array_make(p, 8, sizeof(const char *));
        cJSON_ArrayForEach(e, item)
        {
            char buf[64];
            const char *s = claim_scalar(e, buf, sizeof(buf));
            if (s && *s)
                APR_ARRAY_PUSH(parts, const char *) = apr_pstrdup(p, s);
        }
        text = parts->nelts ? apr_array_pstrcat(p, parts, ',') : NULL;
    } else {
        char buf[64];
        text = claim_scalar(item, buf, sizeof(buf));
        text = text ? apr_pstrdup(p, text) : NULL;
    }
    if (!text)
        return NULL;
    text = claim_printable(p, text);
    return *text && strlen(text) <= AUTHSVC_CLAIM_TEXT_MAX ? text : NULL;
}
