/* Filters in query strings: URL-encoded JSON, or the bracket form rebuilt into the same
 * JSON (objects whose keys are exactly 0..n-1 become arrays). */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>

#include "authsvc_filter_query.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"

#define BRACKET_DEPTH_MAX 16

/* The next "[segment]" at *s into *seg (pool copy). -1 when malformed. */
static int next_segment(apr_pool_t *p, const char **s, const char **seg)
{
    const char *close;

    if (**s != '[' || !(close = strchr(*s, ']')))
        return -1;
    *seg = apr_pstrmemdup(p, *s + 1, (apr_size_t)(close - *s - 1));
    *s = close + 1;
    return strchr(*seg, '[') ? -1 : 0;
}

/* The child object of parent called key, made when missing; NULL on a clash. */
static cJSON *child_object(cJSON *parent, const char *key)
{
    cJSON *child = cJSON_GetObjectItemCaseSensitive(parent, key);

    if (!child)
        child = cJSON_AddObjectToObject(parent, key);
    return cJSON_IsObject(child) ? child : NULL;
}

/* Adds value at the bracket path (the text after the filter's name) under root. */
static int bracket_add(apr_pool_t *p, cJSON *root, const char *path, const char *value)
{
    cJSON *node = root;
    const char *seg = NULL;
    int depth = 0;

    if (next_segment(p, &path, &seg) != 0)
        return -1;
    while (*path) {
        if (++depth > BRACKET_DEPTH_MAX || !*seg || !(node = child_object(node, seg))
            || next_segment(p, &path, &seg) != 0)
            return -1;
    }
    if (!*seg) /* name[...][]=x appends */
        seg = apr_psprintf(p, "%d", cJSON_GetArraySize(node));
    if (cJSON_GetObjectItemCaseSensitive(node, seg))
        return -1;
    cJSON_AddStringToObject(node, seg, value);
    return 0;
}

/* 1 when the object's keys are exactly "0".."n-1" in some order. */
static int is_index_object(const cJSON *obj)
{
    int n = cJSON_GetArraySize(obj), i;
    char key[16];

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "%d", i);
        if (!cJSON_GetObjectItemCaseSensitive(obj, key))
            return 0;
    }
    return 1;
}

/* An array of the index object's members, in index order (they are moved). */
static cJSON *array_from_index_object(cJSON *obj)
{
    cJSON *array = cJSON_CreateArray();
    int n = cJSON_GetArraySize(obj), i;
    char key[16];

    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "%d", i);
        cJSON_AddItemToArray(array, cJSON_DetachItemFromObjectCaseSensitive(obj, key));
    }
    return array;
}

/* Turns the index objects below node into arrays, depth first. */
static void arrays_from_indexes(cJSON *node)
{
    cJSON *child, *next;

    for (child = node->child; child; child = next) {
        next = child->next;
        if (!cJSON_IsObject(child))
            continue;
        arrays_from_indexes(child);
        if (!is_index_object(child))
            continue;
        cJSON_ReplaceItemInObjectCaseSensitive(node, child->string,
                                               array_from_index_object(child));
    }
}

static authsvc_status_t from_brackets(apr_pool_t *p, const apr_table_t *query, const char *name,
                                      cJSON **out, const char **error)
{
    const apr_array_header_t *arr = apr_table_elts(query);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    apr_size_t name_len = strlen(name), total = 0;
    cJSON *root = NULL;
    int i;

    for (i = 0; i < arr->nelts; i++) {
        if (strncmp(e[i].key, name, name_len) != 0 || e[i].key[name_len] != '[')
            continue;
        if (!root)
            root = authsvc_json_own(p, cJSON_CreateObject());
        total += strlen(e[i].key) + strlen(e[i].val) + 2;
        if (total > AUTHSVC_FILTER_TEXT_MAX) {
            *error = apr_psprintf(p, "The filter is too large (at most %d bytes)",
                                  AUTHSVC_FILTER_TEXT_MAX);
            return AUTHSVC_INVALID;
        }
        if (bracket_add(p, root, e[i].key + name_len, e[i].val) != 0) {
            *error = apr_psprintf(p, "The %s parameters are malformed or clash", name);
            return AUTHSVC_INVALID;
        }
    }
    if (root)
        arrays_from_indexes(root);
    *out = root;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_filter_from_query(apr_pool_t *p, const apr_table_t *query,
                                           const char *name, cJSON **out, const char **error)
{
    const char *text = apr_table_get(query, name);
    authsvc_json_result_t rv;
    cJSON *brackets = NULL;

    *out = NULL;
    *error = NULL;
    if (from_brackets(p, query, name, &brackets, error) != AUTHSVC_OK)
        return AUTHSVC_INVALID;
    if (!text) {
        *out = brackets;
        return AUTHSVC_OK;
    }
    if (brackets)
        *error = apr_psprintf(p, "Give %s either as JSON or in the bracket form, not both",
                              name);
    else if (strlen(text) > AUTHSVC_FILTER_TEXT_MAX)
        *error = apr_psprintf(p, "The filter is too large (at most %d bytes)",
                              AUTHSVC_FILTER_TEXT_MAX);
    else if ((rv = authsvc_json_parse(p, text, strlen(text), out)) != AUTHSVC_JSON_VALID)
        *error = apr_psprintf(p, "%s is not valid JSON: %s", name,
                              authsvc_json_result_message(rv));
    else if (!cJSON_IsObject(*out))
        *error = apr_psprintf(p, "%s must be a JSON object", name);
    if (*error) {
        *out = NULL;
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}
