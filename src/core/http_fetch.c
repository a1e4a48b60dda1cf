/* Outbound HTTP through libcurl: one easy handle per call, owned by the caller's pool. */
#include <string.h>

#include <apr_strings.h>
#include <curl/curl.h>

#include "authsvc_http_fetch.h"

typedef struct {
    apr_pool_t *pool;
    char *data;
    apr_size_t len, cap, max;
    int over;
} fetch_buffer_t;

static size_t fetch_write(char *chunk, size_t size, size_t n, void *userdata)
{
    fetch_buffer_t *buf = userdata;
    apr_size_t add = size * n;

    if (buf->len + add > buf->max) {
        buf->over = 1;
        return 0; /* libcurl stops with CURLE_WRITE_ERROR */
    }
    if (buf->len + add + 1 > buf->cap) {
        apr_size_t cap = buf->cap ? buf->cap : 4096;
        char *grown;
        while (cap < buf->len + add + 1)
            cap *= 2;
        grown = apr_palloc(buf->pool, cap);
        if (buf->len)
            memcpy(grown, buf->data, buf->len);
        buf->data = grown;
        buf->cap = cap;
    }
    memcpy(buf->data + buf->len, chunk, add);
    buf->len += add;
    buf->data[buf->len] = '\0';
    return add;
}

static apr_status_t fetch_easy_cleanup(void *handle)
{
    curl_easy_cleanup(handle);
    return APR_SUCCESS;
}

static apr_status_t fetch_slist_cleanup(void *list)
{
    curl_slist_free_all(list);
    return APR_SUCCESS;
}

static int fetch_url_allowed(const char *url)
{
    return url && (strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0);
}

/* Headers as a curl_slist owned by p; NULL when there are none (or no memory). */
static struct curl_slist *fetch_headers(apr_pool_t *p, const apr_array_header_t *headers)
{
    struct curl_slist *list = NULL, *next;
    int i;

    for (i = 0; headers && i < headers->nelts; i++) {
        next = curl_slist_append(list, APR_ARRAY_IDX(headers, i, const char *));
        if (!next)
            break;
        list = next;
    }
    /* Expect: 100-continue would cost a round trip on every POST. */
    next = curl_slist_append(list, "Expect:");
    if (next)
        list = next;
    if (list)
        apr_pool_cleanup_register(p, list, fetch_slist_cleanup, apr_pool_cleanup_null);
    return list;
}

static void fetch_setup(CURL *h, const authsvc_http_options_t *o, const char *url,
                        fetch_buffer_t *buf, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (o->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fetch_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, buf);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "mod_authsvc");
}

authsvc_status_t authsvc_http_call(apr_pool_t *p, const authsvc_http_options_t *options,
                                   const char *method, const char *url,
                                   const apr_array_header_t *headers, const char *body,
                                   authsvc_http_response_t *out, const char **why)
{
    fetch_buffer_t buf = {p, NULL, 0, 0, options->max_bytes, 0};
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc;
    CURL *h;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (!fetch_url_allowed(url)) {
        *why = "not an http(s) URL";
        return AUTHSVC_INVALID;
    }
    h = curl_easy_init();
    if (!h) {
        *why = "curl_easy_init failed";
        return AUTHSVC_NO_MEMORY;
    }
    apr_pool_cleanup_register(p, h, fetch_easy_cleanup, apr_pool_cleanup_null);
    fetch_setup(h, options, url, &buf, errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, fetch_headers(p, headers));
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    rc = curl_easy_perform(h);
    if (buf.over || rc == CURLE_FILESIZE_EXCEEDED) {
        *why = "answer over the size limit";
        return AUTHSVC_TOO_LARGE;
    }
    if (rc != CURLE_OK) {
        *why = apr_pstrdup(p, errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return AUTHSVC_UNAVAILABLE;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    out->body = buf.data ? buf.data : "";
    out->len = buf.len;
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? AUTHSVC_OK : AUTHSVC_UNAVAILABLE;
}
