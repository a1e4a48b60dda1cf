/* Mail messages (RFC 5322/2045/2047), templates and the per-child job queue. */
#include <string.h>

#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <apr_time.h>
#include <openssl/evp.h>

#include "authsvc_job_queue.h"
#include "authsvc_mail_message.h"
#include "authsvc_mail_template.h"
#include "unit.h"

static void test_addresses(void)
{
    CU_ASSERT_TRUE(authsvc_mail_address_valid("alice@example.org"));
    CU_ASSERT_TRUE(authsvc_mail_address_valid("a.b+tag@mail.example.co.uk"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("a@b.example\r\nBcc: x@evil.example"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("a@b.example\nX"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("<a@example.org>"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("a@example.org,b@example.org"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("a b@example.org"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("\xc3\xbc@example.org"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("a@@example.org"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("a@localhost"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid(".a@example.org"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("a..b@example.org"));
    CU_ASSERT_FALSE(authsvc_mail_address_valid("a@example.org."));
    CU_ASSERT_FALSE(authsvc_mail_address_valid(NULL));
}

static void test_subject_encoding(void)
{
    apr_pool_t *p = authsvc_test_pool();
    const char *plain = authsvc_mail_subject_encode(p, "Reset your password");
    /* 40 x "é" (80 bytes): two words, no character split, folded */
    char *accented = apr_palloc(p, 81);
    const char *enc;
    int i;

    CU_ASSERT_STRING_EQUAL(plain, "Reset your password");
    for (i = 0; i < 40; i++)
        memcpy(accented + 2 * i, "\xc3\xa9", 2);
    accented[80] = '\0';
    enc = authsvc_mail_subject_encode(p, accented);
    CU_ASSERT_PTR_NOT_NULL(strstr(enc, "=?UTF-8?B?"));
    CU_ASSERT_PTR_NOT_NULL(strstr(enc, "?=\r\n =?UTF-8?B?"));
    CU_ASSERT_PTR_NULL(strchr(enc, '\xc3'));
    CU_ASSERT_STRING_EQUAL(authsvc_mail_subject_encode(p, "=?x?"), "=?UTF-8?B?PT94Pw==?=");
}

static const char *decode_part(apr_pool_t *p, const char *msg, const char *type)
{
    const char *start = strstr(msg, type), *body, *end;
    char *b64, *o;
    unsigned char *out;
    int n;

    if (!start || !(body = strstr(start, "\r\n\r\n")) || !(end = strstr(body, "\r\n--")))
        return NULL;
    body += 4;
    b64 = apr_pstrmemdup(p, body, (apr_size_t)(end - body));
    for (o = b64; *body && body < end; body++)
        if (*body != '\r' && *body != '\n')
            *o++ = *body;
    *o = '\0';
    out = apr_palloc(p, strlen(b64) + 1);
    n = EVP_DecodeBlock(out, (unsigned char *)b64, (int)strlen(b64));
    if (n < 0)
        return NULL;
    while (n > 0 && out[n - 1] == '\0')
        n--;
    return apr_pstrmemdup(p, (char *)out, (apr_size_t)n);
}

static void test_message_is_multipart_crlf_base64(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_mail_message_t m = {"noreply@example.test",
                                "Example",
                                "alice@example.org",
                                "Reset",
                                "Hello\r\nlink: https://x.test/?token=1",
                                "<p>Hi</p>"};
    const char *msg = NULL, *line, *next;

    CU_ASSERT_EQUAL_FATAL(authsvc_mail_message_build(p, &m, 0, &msg), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "From: \"Example\" <noreply@example.test>\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "To: alice@example.org\r\nSubject: Reset\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "@example.test>\r\nMIME-Version: 1.0\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Content-Type: multipart/alternative;\r\n boundary="));
    CU_ASSERT_STRING_EQUAL(decode_part(p, msg, "text/plain"), m.text);
    CU_ASSERT_STRING_EQUAL(decode_part(p, msg, "text/html"), m.html);
    for (line = msg; (next = strchr(line, '\n')); line = next + 1) {
        CU_ASSERT_TRUE(next > line && next[-1] == '\r'); /* CRLF only */
        CU_ASSERT_TRUE(next - line <= 78);
    }
}

static void test_message_refuses_injection(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_mail_message_t m = {
        "noreply@example.test", NULL, "a@example.org\r\nBcc: b@x.test", "S", "T", NULL};
    const char *msg = NULL;

    CU_ASSERT_EQUAL(authsvc_mail_message_build(p, &m, 0, &msg), AUTHSVC_INVALID);
    m.to = "a@example.org";
    m.subject = "S\r\nBcc: b@x.test";
    CU_ASSERT_EQUAL(authsvc_mail_message_build(p, &m, 0, &msg), AUTHSVC_INVALID);
    m.subject = "S";
    m.from_name = "Evil\" <x@y.test>";
    CU_ASSERT_EQUAL(authsvc_mail_message_build(p, &m, 0, &msg), AUTHSVC_INVALID);
    m.from_name = NULL;
    CU_ASSERT_EQUAL(authsvc_mail_message_build(p, &m, 0, &msg), AUTHSVC_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n"));
}

static void test_template_render_escapes_html(void)
{
    apr_pool_t *p = authsvc_test_pool();
    const authsvc_mail_var_t vars[] = {{"link", "https://x.test/?a=1&token=2"},
                                       {"name", "<b>Bob</b>"},
                                       {NULL, NULL}};

    CU_ASSERT_STRING_EQUAL(authsvc_mail_template_render(p, "Hi {{name}}: {{link}} {{other}}",
                                                        vars, 0),
                           "Hi <b>Bob</b>: https://x.test/?a=1&token=2 {{other}}");
    CU_ASSERT_STRING_EQUAL(
        authsvc_mail_template_render(p, "<a href=\"{{link}}\">{{name}}</a>", vars, 1),
        "<a href=\"https://x.test/?a=1&amp;token=2\">&lt;b&gt;Bob&lt;/b&gt;</a>");
    CU_ASSERT_STRING_EQUAL(authsvc_mail_template_render(p, "{{ unclosed", vars, 0),
                           "{{ unclosed");
}

static void test_shipped_templates_load(void)
{
    apr_pool_t *p = authsvc_test_pool();
    const char *dir = AUTHSVC_SOURCE_DIR "/conf/templates", *why = NULL;
    authsvc_mail_template_t *t = NULL;

    CU_ASSERT_EQUAL_FATAL(authsvc_mail_template_load(p, dir, "reset-password", &t, &why),
                          AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(t->subject, "Reset your {{product}} password");
    CU_ASSERT_PTR_NOT_NULL(strstr(t->text, "{{link}}\r\n"));
    CU_ASSERT_PTR_NOT_NULL(t->html);
    CU_ASSERT_EQUAL(authsvc_mail_template_load(p, dir, "sign-up", &t, &why), AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_mail_template_load(p, dir, "missing", &t, &why), AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NOT_NULL(why);
}

/* ---- the job queue ---- */

typedef struct {
    apr_thread_mutex_t *lock;
    int ran, discarded;
    apr_interval_time_t sleep;
} counter_t;

static void job_run(void *job, void *baton)
{
    counter_t *c = baton;

    (void)job;
    apr_sleep(c->sleep);
    apr_thread_mutex_lock(c->lock);
    c->ran++;
    apr_thread_mutex_unlock(c->lock);
}

static void job_discard(void *job, void *baton)
{
    counter_t *c = baton;

    (void)job;
    c->discarded++;
}

static int counter_ran(counter_t *c)
{
    int n;

    apr_thread_mutex_lock(c->lock);
    n = c->ran;
    apr_thread_mutex_unlock(c->lock);
    return n;
}

static void test_queue_runs_every_job(void)
{
    apr_pool_t *p;
    counter_t c = {NULL, 0, 0, 0};
    authsvc_job_queue_t *q = NULL;
    int i, waited;

    apr_pool_create(&p, authsvc_test_pool());
    apr_thread_mutex_create(&c.lock, APR_THREAD_MUTEX_DEFAULT, authsvc_test_pool());
    CU_ASSERT_EQUAL_FATAL(authsvc_job_queue_start(p, 8, job_run, job_discard, &c, &q),
                          AUTHSVC_OK);
    for (i = 0; i < 20; i++) {
        while (authsvc_job_queue_push(q, &c) == AUTHSVC_TOO_LARGE)
            apr_sleep(1000);
    }
    for (waited = 0; counter_ran(&c) < 20 && waited < 5000; waited++)
        apr_sleep(1000);
    CU_ASSERT_EQUAL(counter_ran(&c), 20);
    apr_pool_destroy(p);
    CU_ASSERT_EQUAL(c.discarded, 0);
}

static void test_queue_is_bounded_and_stops(void)
{
    apr_pool_t *p;
    counter_t c = {NULL, 0, 0, apr_time_from_msec(200)};
    authsvc_job_queue_t *q = NULL;
    int accepted = 0, refused = 0, i;

    apr_pool_create(&p, authsvc_test_pool());
    apr_thread_mutex_create(&c.lock, APR_THREAD_MUTEX_DEFAULT, authsvc_test_pool());
    CU_ASSERT_EQUAL_FATAL(authsvc_job_queue_start(p, 2, job_run, job_discard, &c, &q),
                          AUTHSVC_OK);
    for (i = 0; i < 6; i++) {
        if (authsvc_job_queue_push(q, &c) == AUTHSVC_OK)
            accepted++;
        else
            refused++;
    }
    CU_ASSERT_TRUE(accepted >= 2 && accepted <= 3);
    CU_ASSERT_EQUAL(accepted + refused, 6);
    apr_pool_destroy(p); /* joins: the running job ends, the waiting ones are discarded */
    CU_ASSERT_EQUAL(c.ran + c.discarded, accepted);
    CU_ASSERT_TRUE(c.discarded >= 1);
}

void authsvc_test_register_mail(void)
{
    CU_pSuite s = CU_add_suite("mail", NULL, NULL);

    CU_add_test(s, "addresses that may reach a header", test_addresses);
    CU_add_test(s, "subjects are RFC 2047 encoded when not plain ASCII", test_subject_encoding);
    CU_add_test(s, "messages are multipart, CRLF, base64",
                test_message_is_multipart_crlf_base64);
    CU_add_test(s, "header injection is refused", test_message_refuses_injection);
    CU_add_test(s, "templates render placeholders, HTML escaped",
                test_template_render_escapes_html);
    CU_add_test(s, "the shipped templates load", test_shipped_templates_load);
    CU_add_test(s, "the job queue runs every job", test_queue_runs_every_job);
    CU_add_test(s, "the job queue is bounded and stops cleanly",
                test_queue_is_bounded_and_stops);
}
