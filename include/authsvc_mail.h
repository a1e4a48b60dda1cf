/* Outbound delivery through libcurl: SMTP (smtp:// with STARTTLS, smtps://, optional
 * AUTH) and the webhook (an HTTP POST of a JSON event). Both are bounded by timeouts,
 * verify TLS always, and run in the child's background worker, never in a request.
 * No httpd here. */
#ifndef AUTHSVC_MAIL_H
#define AUTHSVC_MAIL_H

#include <apr_pools.h>

#include "authsvc_status.h"

typedef enum {
    AUTHSVC_MAIL_STARTTLS_REQUIRED, /* smtp://: STARTTLS or no mail (the default) */
    AUTHSVC_MAIL_STARTTLS_TRY,      /* smtp://: STARTTLS when offered */
    AUTHSVC_MAIL_STARTTLS_OFF       /* smtp://: plain text (loopback relays, tests) */
} authsvc_mail_starttls_t;

typedef struct {
    const char *url;             /* smtp://host[:port] or smtps://host[:port] */
    const char *user, *password; /* AUTH, or NULL */
    authsvc_mail_starttls_t starttls;
    long connect_timeout_ms, timeout_ms;
    const char *ca_file; /* CA bundle for TLS (SMTP and webhook), or NULL */
} authsvc_mail_transport_t;

/* Sends message (RFC 5322 text, CRLF) from -> to. On failure *error says why, in
 * libcurl's words (never a password). AUTHSVC_UNAVAILABLE: the server could not be
 * reached or answered too late; AUTHSVC_INVALID: it refused the mail. */
authsvc_status_t authsvc_mail_send(apr_pool_t *p, const authsvc_mail_transport_t *t,
                                   const char *from, const char *to, const char *message,
                                   const char **error);

/* POSTs json to url (http or https) with the transport's timeouts and CA file; a 2xx
 * answer is success. */
authsvc_status_t authsvc_mail_webhook_post(apr_pool_t *p, const authsvc_mail_transport_t *t,
                                           const char *url, const char *json,
                                           const char **error);

/* libcurl's process-wide setup; call before any thread sends (child_init). */
authsvc_status_t authsvc_mail_global_init(apr_pool_t *pchild);

#endif
