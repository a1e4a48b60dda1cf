/* SMTP and webhook delivery through libcurl (see authsvc_mail.h). */
#include <string.h>

#include <apr_strings.h>
#include <curl/curl.h>

#include "authsvc_mail.h"

typedef struct {
    const char *data;
    apr_size_t len, off;
} mail_upload_t;

static size_t mail_read(char *buf, size_t size, size_t nitems, void *arg)
{
    mail_upload_t *u = arg;
    size_t n = size * nitems;

    if (n > u->len - u->off)
        n = u->len - u->off;
    memcpy(buf, u->data + u->off, n);
    u->off += n;
    return n;
}

static size_t mail_discard(char *buf, size_t size, size_t nitems, void *arg)
{
    (void)buf;
    (void)arg;
    return size * nitems;
}

static apr_status_t mail_easy_cleanup(void *curl)
{
    curl_easy_cleanup(curl);
    return APR_SUCCESS;
}

static apr_status_t mail_slist_cleanup(void *list)
{
    curl_slist_free_all(list);
    return APR_SUCCESS;
}

/* A pool-owned list (NULL when it cannot be made). */
static struct curl_slist *mail_slist(apr_pool_t *p, const char *item)
{
    struct curl_slist *list = curl_slist_append(NULL, item);

    if (list)
        apr_pool_cleanup_register(p, list, mail_slist_cleanup, apr_pool_cleanup_null);
    return list;
}

/* A pool-owned handle with what both kinds of delivery share: timeouts, TLS
 * verification, no signals (threads), an error buffer. */
static CURL *mail_handle(apr_pool_t *p, const authsvc_mail_transport_t *t, char *errbuf)
{
    CURL *curl = curl_easy_init();

    if (!curl)
        return NULL;
    apr_pool_cleanup_register(p, curl, mail_easy_cleanup, apr_pool_cleanup_null);
    errbuf[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, t->connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, t->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (t->ca_file)
        curl_easy_setopt(curl, CURLOPT_CAINFO, t->ca_file);
    return curl;
}

static const char *mail_curl_error(apr_pool_t *p, CURLcode rc, const char *errbuf)
{
    return apr_psprintf(p, "%s (curl %d)", errbuf[0] ? errbuf : curl_easy_strerror(rc),
                        (int)rc);
}

static authsvc_status_t mail_status(CURLcode rc)
{
    switch (rc) {
    case CURLE_OK: return AUTHSVC_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: return AUTHSVC_UNAVAILABLE;
    default: return AUTHSVC_INVALID;
    }
}

static long mail_use_ssl(authsvc_mail_starttls_t s)
{
    return s == AUTHSVC_MAIL_STARTTLS_REQUIRED ? (long)CURLUSESSL_ALL
           : s == AUTHSVC_MAIL_STARTTLS_TRY    ? (long)CURLUSESSL_TRY
                                               : (long)CURLUSESSL_NONE;
}

authsvc_status_t authsvc_mail_send(apr_pool_t *p, const authsvc_mail_transport_t *t,
                                   const char *from, const char *to, const char *message,
                                   const char **error)
{
    char *errbuf = apr_pcalloc(p, CURL_ERROR_SIZE);
    mail_upload_t upload = {message, strlen(message), 0};
    struct curl_slist *rcpt = mail_slist(p, apr_pstrcat(p, "<", to, ">", NULL));
    CURL *curl = mail_handle(p, t, errbuf);
    CURLcode rc;

    *error = NULL;
    if (!curl || !rcpt) {
        *error = "libcurl could not be set up";
        return AUTHSVC_NO_MEMORY;
    }
    curl_easy_setopt(curl, CURLOPT_URL, t->url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_USE_SSL, mail_use_ssl(t->starttls));
    if (t->user) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, t->user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, t->password ? t->password : "");
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, apr_pstrcat(p, "<", from, ">", NULL));
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, mail_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)upload.len);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK)
        *error = mail_curl_error(p, rc, errbuf);
    return mail_status(rc);
}

authsvc_status_t authsvc_mail_webhook_post(apr_pool_t *p, const authsvc_mail_transport_t *t,
                                           const char *url, const char *json,
                                           const char **error)
{
    char *errbuf = apr_pcalloc(p, CURL_ERROR_SIZE);
    struct curl_slist *headers = mail_slist(p, "Content-Type: application/json");
    CURL *curl = mail_handle(p, t, errbuf);
    long code = 0;
    CURLcode rc;

    *error = NULL;
    if (!curl || !headers) {
        *error = "libcurl could not be set up";
        return AUTHSVC_NO_MEMORY;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(json));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, mail_discard);
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        *error = mail_curl_error(p, rc, errbuf);
        return mail_status(rc);
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code > 299) {
        *error = apr_psprintf(p, "the webhook answered %ld", code);
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}

static apr_status_t mail_global_cleanup(void *unused)
{
    (void)unused;
    curl_global_cleanup();
    return APR_SUCCESS;
}

authsvc_status_t authsvc_mail_global_init(apr_pool_t *pchild)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return AUTHSVC_UNAVAILABLE;
    apr_pool_cleanup_register(pchild, NULL, mail_global_cleanup, apr_pool_cleanup_null);
    return AUTHSVC_OK;
}
