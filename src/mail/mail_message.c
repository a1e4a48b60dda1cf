/* RFC 5322 messages with a multipart/alternative body (see authsvc_mail_message.h). */
#include <string.h>

#include <apr_strings.h>
#include <apr_time.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "authsvc_json.h"
#include "authsvc_mail_message.h"

static int message_local_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL);
}

static int message_domain_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '-' || c == '.';
}

int authsvc_mail_address_valid(const char *addr)
{
    const char *at, *c;

    if (!addr || strlen(addr) > AUTHSVC_MAIL_ADDRESS_MAX || !(at = strchr(addr, '@'))
        || at == addr || strchr(at + 1, '@') || at - addr > 64)
        return 0;
    for (c = addr; c < at; c++)
        if (!message_local_char(*c))
            return 0;
    if (addr[0] == '.' || at[-1] == '.' || strstr(addr, ".."))
        return 0;
    for (c = at + 1; *c; c++)
        if (!message_domain_char(*c))
            return 0;
    c = at + 1;
    return *c && *c != '.' && *c != '-' && strchr(c, '.') && c[strlen(c) - 1] != '.'
           && c[strlen(c) - 1] != '-';
}

/* Printable ASCII without the characters that end or quote a display name. */
static int message_name_valid(const char *name)
{
    for (; *name; name++)
        if (*name < 0x20 || *name > 0x7e || *name == '"' || *name == '\\')
            return 0;
    return 1;
}

static int message_plain_ascii(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return 0;
    return 1;
}

static char *message_base64(apr_pool_t *p, const char *data, apr_size_t len)
{
    char *out = apr_palloc(p, 4 * ((len + 2) / 3) + 1);

    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)data, (int)len);
    return out;
}

/* Bytes of s that fit in one encoded word without splitting a UTF-8 sequence. */
static apr_size_t message_word_length(const char *s, apr_size_t left)
{
    apr_size_t n = left < AUTHSVC_MAIL_WORD_BYTES ? left : AUTHSVC_MAIL_WORD_BYTES;

    while (n < left && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

const char *authsvc_mail_subject_encode(apr_pool_t *p, const char *subject)
{
    apr_size_t left = strlen(subject), n;
    const char *out = "";

    if (message_plain_ascii(subject) && !strstr(subject, "=?"))
        return subject;
    while (left > 0) {
        n = message_word_length(subject, left);
        out = apr_pstrcat(p, out, *out ? "\r\n " : "", "=?UTF-8?B?",
                          message_base64(p, subject, n), "?=", NULL);
        subject += n;
        left -= n;
    }
    return out;
}

/* base64 of text in lines of AUTHSVC_MAIL_BASE64_LINE, each ending in CRLF. */
static const char *message_base64_lines(apr_pool_t *p, const char *text)
{
    const char *b64 = message_base64(p, text, strlen(text));
    apr_size_t len = strlen(b64), i, o = 0;
    char *out = apr_palloc(p, len + 2 * (len / AUTHSVC_MAIL_BASE64_LINE + 1) + 1);

    for (i = 0; i < len; i += AUTHSVC_MAIL_BASE64_LINE) {
        apr_size_t n = len - i < AUTHSVC_MAIL_BASE64_LINE ? len - i : AUTHSVC_MAIL_BASE64_LINE;
        memcpy(out + o, b64 + i, n);
        o += n;
        out[o++] = '\r';
        out[o++] = '\n';
    }
    out[o] = '\0';
    return out;
}

static const char *message_part(apr_pool_t *p, const char *boundary, const char *type,
                                const char *text)
{
    return apr_pstrcat(p, "--", boundary, "\r\nContent-Type: ", type,
                       "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                       message_base64_lines(p, text), NULL);
}

/* RFC 5322 3.3 date-time in UTC, without the locale strftime would use. */
static const char *message_date(apr_pool_t *p, long long now_s)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    apr_time_exp_t t;

    apr_time_exp_gmt(&t, apr_time_from_sec(now_s));
    return apr_psprintf(p, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[t.tm_wday], t.tm_mday,
                        months[t.tm_mon], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
}

static const char *message_random_hex(apr_pool_t *p)
{
    unsigned char b[16];
    char *hex = apr_palloc(p, 33);
    int i;

    if (RAND_bytes(b, sizeof(b)) != 1)
        return NULL;
    for (i = 0; i < 16; i++)
        apr_snprintf(hex + 2 * i, 3, "%02x", b[i]);
    return hex;
}

static const char *message_headers(apr_pool_t *p, const authsvc_mail_message_t *m,
                                   long long now_s, const char *id)
{
    const char *from = m->from_name && *m->from_name
                           ? apr_psprintf(p, "\"%s\" <%s>", m->from_name, m->from)
                           : m->from;

    return apr_pstrcat(p, "Date: ", message_date(p, now_s), "\r\nFrom: ", from,
                       "\r\nTo: ", m->to,
                       "\r\nSubject: ", authsvc_mail_subject_encode(p, m->subject),
                       "\r\nMessage-ID: <", id, strchr(m->from, '@'), ">\r\n",
                       "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n", NULL);
}

authsvc_status_t authsvc_mail_message_build(apr_pool_t *p, const authsvc_mail_message_t *m,
                                            long long now_s, const char **out)
{
    const char *id = message_random_hex(p), *boundary;

    *out = NULL;
    if (!authsvc_mail_address_valid(m->from) || !authsvc_mail_address_valid(m->to)
        || (m->from_name && !message_name_valid(m->from_name)) || !m->subject || !m->text
        || !authsvc_utf8_valid(m->subject, strlen(m->subject)) || strpbrk(m->subject, "\r\n")
        || !authsvc_utf8_valid(m->text, strlen(m->text))
        || (m->html && !authsvc_utf8_valid(m->html, strlen(m->html))))
        return AUTHSVC_INVALID;
    if (!id)
        return AUTHSVC_CRYPTO_ERROR;
    boundary = apr_pstrcat(p, "=_authsvc_", id, NULL);
    if (!m->html) {
        *out = apr_pstrcat(p, message_headers(p, m, now_s, id),
                           "Content-Type: text/plain; charset=UTF-8\r\n"
                           "Content-Transfer-Encoding: base64\r\n\r\n",
                           message_base64_lines(p, m->text), NULL);
        return AUTHSVC_OK;
    }
    *out = apr_pstrcat(p, message_headers(p, m, now_s, id),
                       "Content-Type: multipart/alternative;\r\n boundary=\"", boundary,
                       "\"\r\n\r\n", message_part(p, boundary, "text/plain", m->text),
                       message_part(p, boundary, "text/html", m->html), "--", boundary,
                       "--\r\n", NULL);
    return AUTHSVC_OK;
}
