/* Mail messages as RFC 5322 text: headers, a multipart/alternative body with a plain
 * text and an HTML part (RFC 2045/2046, UTF-8, base64), and the address check that
 * keeps header injection out. Pure: no httpd, no network. */
#ifndef AUTHSVC_MAIL_MESSAGE_H
#define AUTHSVC_MAIL_MESSAGE_H

#include <apr_pools.h>

#include "authsvc_status.h"

/* Longest address accepted (RFC 5321 4.5.3.1: 64 + 1 + 255, in practice 254). */
#define AUTHSVC_MAIL_ADDRESS_MAX 254
/* Body lines of base64 parts (RFC 2045 6.8: at most 76 characters). */
#define AUTHSVC_MAIL_BASE64_LINE 76
/* Encoded words of a Subject (RFC 2047 2: at most 75 characters each). */
#define AUTHSVC_MAIL_WORD_BYTES 45

typedef struct {
    const char *from;      /* bare address */
    const char *from_name; /* display name (printable ASCII) or NULL */
    const char *to;        /* bare address */
    const char *subject;   /* UTF-8 */
    const char *text;      /* UTF-8 plain text part */
    const char *html;      /* UTF-8 HTML part, or NULL for text only */
} authsvc_mail_message_t;

/* 1 when addr is a plain ASCII addr-spec (local@domain) we are willing to put in an
 * SMTP envelope and a header: no spaces, controls, quotes, brackets or commas, one '@',
 * a dotted domain of letters, digits and hyphens. Internationalised addresses
 * (SMTPUTF8) are refused. */
int authsvc_mail_address_valid(const char *addr);

/* The whole message with CRLF line ends, ready for SMTP DATA. now_s: the Date header.
 * AUTHSVC_INVALID when an address, the display name or a text is unusable. */
authsvc_status_t authsvc_mail_message_build(apr_pool_t *p, const authsvc_mail_message_t *m,
                                            long long now_s, const char **out);

/* The Subject header value: as is when it is printable ASCII, otherwise RFC 2047
 * encoded words (UTF-8, base64) never splitting a character, folded with CRLF SP. */
const char *authsvc_mail_subject_encode(apr_pool_t *p, const char *subject);

#endif
