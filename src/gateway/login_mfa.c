/* The second step of the sign-in page (see authsvc_login_mfa.h). */
#include <string.h>

#include <httpd.h>
#include <util_cookies.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_protocol.h>

#include "authsvc_auth_code.h"
#include "authsvc_config_mail.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_login_mfa.h"
#include "authsvc_login_form.h"
#include "authsvc_login_steps.h"
#include "authsvc_page_text.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_second_factor.h"
#include "authsvc_tokens.h"

APLOG_USE_MODULE(authsvc);

#define MFA_COOKIE "authsvc-mfa"
#define MFA_AMR "pwd otp mfa"
#define MFA_AMR_EXT "ext otp mfa"
/* "ext" while the pending sign-in began at another provider (login_social.c); absent
 * after a password. It only says which first factor the browser's own session records. */
#define MFA_VIA_COOKIE "authsvc-mfa-via"

typedef struct {
    authsvc_context_t *ctx;
    authsvc_db_t *db;
    authsvc_auth_code_t code; /* the browser's pending code */
    int totp;                 /* the user has an authenticator */
} mfa_t;

static const char *mfa_client_id(request_rec *r)
{
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
    const authsvc_gateway_server_t *g = c->gateway;

    return g->client_id;
}

static void mfa_cookie(request_rec *r, const char *value, long max_age)
{
    authsvc_gateway_cookie_set(r, authsvc_gateway_cookie_name(r, MFA_COOKIE), value, max_age,
                               "Strict");
    if (max_age == 0)
        authsvc_gateway_cookie_set(r, authsvc_gateway_cookie_name(r, MFA_VIA_COOKIE), "", 0,
                                   "Strict");
}

/* The amr of the session the pending sign-in ends in. */
static const char *mfa_amr(request_rec *r)
{
    const char *via = NULL;

    if (ap_cookie_read(r, authsvc_gateway_cookie_name(r, MFA_VIA_COOKIE), &via, 0)
            == APR_SUCCESS
        && via && strcmp(via, "ext") == 0)
        return MFA_AMR_EXT;
    return MFA_AMR;
}

/* The code form: TOTP or a mailed code (then with "send a new code"). */
static int mfa_form(const authsvc_page_t *pg, int status, int totp, const char *error,
                    const char *notice)
{
    apr_pool_t *p = pg->r->pool;
    const char *action = authsvc_page_url(pg->r, "/login"), *hidden = authsvc_page_hidden(pg);
    const char *body = apr_pstrcat(
        p, "<p id=\"otp-hint\" class=\"hint\">",
        authsvc_page_tr(pg->r, totp ? "Enter the 6-digit code from your authenticator app."
                                    : "Enter the 6-digit code we sent to your e-mail address."),
        "</p>\n", authsvc_page_error(pg->r, "otp-error", error),
        notice ? apr_pstrcat(p, "<p class=\"notice\" role=\"status\" id=\"otp-notice\">",
                             authsvc_page_escape(p, authsvc_page_tr(pg->r, notice)), "</p>\n",
                             NULL)
               : "",
        "<form id=\"otp-form\" method=\"post\" action=\"", action, "\">\n", hidden,
        "<input type=\"hidden\" name=\"step\" value=\"otp\">\n"
        "<label for=\"otp\">",
        authsvc_page_tr(pg->r, "Verification code"),
        "</label>\n"
        "<input id=\"otp\" name=\"otp\" type=\"text\" inputmode=\"numeric\" "
        "autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\" required "
        "autofocus aria-describedby=\"otp-hint",
        error ? " otp-error\" aria-invalid=\"true\">\n" : "\">\n",
        "<button id=\"verify\" type=\"submit\">", authsvc_page_tr(pg->r, "Verify"),
        "</button>\n</form>\n",
        totp ? ""
             : apr_pstrcat(p, "<form id=\"resend-form\" method=\"post\" action=\"", action,
                           "\">\n", hidden,
                           "<input type=\"hidden\" name=\"step\" value=\"resend\">\n"
                           "<button id=\"resend\" class=\"secondary\" type=\"submit\">"
                           "Send a new code</button>\n</form>\n",
                           NULL),
        "<nav><a id=\"start-over\" href=\"", action,
        "?return=", authsvc_page_escape(p, ap_escape_urlencoded(p, pg->ret)), "\">",
        authsvc_page_tr(pg->r, "Start over"), "</a></nav>\n", NULL);

    return authsvc_page_send(pg->r, status, "Verify it's you", body);
}

/* The pending state is gone (used, expired, locked, another browser's): back to the
 * password form. */
static int mfa_restart(const authsvc_page_t *pg, const mfa_t *m, const char *reason,
                       const char *text)
{
    m->ctx->log(m->ctx, AUTHSVC_LOG_WARNING,
                AUTHSVC_LOGNO(2951) "sign-in page: second factor refused: reason=%s "
                                    "client=%s user=%s",
                reason, m->ctx->client_ip ? m->ctx->client_ip : "-",
                m->code.user_id ? m->code.user_id : "-");
    mfa_cookie(pg->r, "", 0);
    return authsvc_login_form_page(pg, HTTP_UNAUTHORIZED, NULL, text, "username");
}

static int mfa_unavailable(const authsvc_page_t *pg)
{
    return authsvc_page_message(pg->r, HTTP_SERVICE_UNAVAILABLE, "Cannot sign in",
                                "Signing in is not possible right now. Try again later.");
}

/* The browser's live pending code of this vhost's client: 1 with m filled, else 0 with
 * the refusal answered (*rc). */
static int mfa_pending(const authsvc_page_t *pg, mfa_t *m, int *rc)
{
    request_rec *r = pg->r;
    const char *secret = authsvc_gateway_cookie_get(r,
                                                    authsvc_gateway_cookie_name(r, MFA_COOKIE));
    authsvc_status_t st;

    memset(m, 0, sizeof(*m));
    m->ctx = authsvc_gateway_context(r);
    if (!(m->db = m->ctx->db(m->ctx)))
        return (*rc = mfa_unavailable(pg), 0);
    st = authsvc_auth_code_find(m->ctx, m->db, secret, &m->code);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return (*rc = mfa_unavailable(pg), 0);
    if (st == AUTHSVC_NOT_FOUND || !authsvc_auth_code_live(&m->code) || !m->code.mfa_pending
        || strcmp(m->code.client_id, mfa_client_id(r)) != 0) {
        memset(&m->code, 0, sizeof(m->code));
        *rc = mfa_restart(pg, m, "no-pending-sign-in",
                          "Your sign-in has expired. Sign in again.");
        return 0;
    }
    st = authsvc_second_factor_has_totp(m->ctx, m->db, m->code.user_id);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return (*rc = mfa_unavailable(pg), 0);
    m->totp = st == AUTHSVC_OK;
    return 1;
}

/* A pool cleanup of the request: the code is made and mailed once the answer has gone
 * out, so an SMTP outage never delays the page (the API defers it alike). Runs before
 * the request's database connection is released (cleanups run in reverse). */
static apr_status_t mfa_mail_later(void *data)
{
    const mfa_t *m = data;

    authsvc_second_factor_mail_code(m->ctx, m->db, m->code.hash, m->code.user_id);
    return APR_SUCCESS;
}

/* Mails a code for the pending code (the per-address limit of /auth/send-otp first; the
 * per-user limit is the service's). 1 sent (or silently not, as the API), else 0 with the
 * refusal answered (*rc). */
static int mfa_send(const authsvc_page_t *pg, const mfa_t *m, int *rc)
{
    long retry_after = 0;

    if (authsvc_mail_limit_over(m->ctx, m->db, "ip", m->ctx->client_ip, &retry_after)) {
        m->ctx->log(m->ctx, AUTHSVC_LOG_WARNING,
                    AUTHSVC_LOGNO(2952) "sign-in page: one-time code not sent: client=%s "
                                        "over the mail limit",
                    m->ctx->client_ip ? m->ctx->client_ip : "-");
        apr_table_setn(pg->r->err_headers_out, "Retry-After",
                       apr_ltoa(pg->r->pool, retry_after));
        *rc = mfa_form(pg, HTTP_TOO_MANY_REQUESTS, 0,
                       "Too many codes were requested. Try again later.", NULL);
        return 0;
    }
    if (!authsvc_config_mail_enabled(m->ctx->config->mail)) {
        m->ctx->log(m->ctx, AUTHSVC_LOG_ERROR,
                    AUTHSVC_LOGNO(2953) "sign-in page: user %s owes a second factor and has "
                                        "no authenticator, but no AuthsvcMailServer or "
                                        "AuthsvcMailWebhook is configured",
                    m->code.user_id);
        *rc = authsvc_page_message(pg->r, HTTP_SERVICE_UNAVAILABLE, "Cannot sign in",
                                   "No verification code can be sent. Contact your "
                                   "administrator.");
        return 0;
    }
    apr_pool_cleanup_register(pg->r->pool, apr_pmemdup(pg->r->pool, m, sizeof(*m)),
                              mfa_mail_later, apr_pool_cleanup_null);
    return 1;
}

int authsvc_login_mfa_open(const authsvc_page_t *pg, const authsvc_session_tokens_t *first,
                           const char *method)
{
    request_rec *r = pg->r;
    const authsvc_principal_t *pr = first->principal;
    const char *secret = NULL;
    authsvc_status_t st;
    mfa_t m;
    int rc;

    memset(&m, 0, sizeof(m));
    m.ctx = authsvc_gateway_context(r);
    if (!(m.db = m.ctx->db(m.ctx))
        || authsvc_auth_code_issue(m.ctx, m.db, first->client, pr->user_id, pr->tenant_id,
                                   pr->user_tenant_id, 1, &secret)
               != AUTHSVC_OK
        || authsvc_auth_code_find(m.ctx, m.db, secret, &m.code) != AUTHSVC_OK)
        return mfa_unavailable(pg);
    st = authsvc_second_factor_has_totp(m.ctx, m.db, pr->user_id);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return mfa_unavailable(pg);
    m.totp = st == AUTHSVC_OK;
    mfa_cookie(r, secret, authsvc_config_otp_ttl(m.ctx->config));
    authsvc_gateway_cookie_set(r, authsvc_gateway_cookie_name(r, MFA_VIA_COOKIE), "ext",
                               strcmp(method, "ext") == 0
                                   ? (long)authsvc_config_otp_ttl(m.ctx->config)
                                   : 0,
                               "Strict");
    m.ctx->log(m.ctx, AUTHSVC_LOG_INFO,
               AUTHSVC_LOGNO(2954) "sign-in page: user %s owes a second factor (%s)",
               pr->user_id, m.totp ? "authenticator" : "mailed code");
    if (m.totp)
        return mfa_form(pg, HTTP_OK, 1, NULL, NULL);
    if (!mfa_send(pg, &m, &rc))
        return rc;
    return mfa_form(pg, HTTP_OK, 0, NULL, NULL);
}

int authsvc_login_mfa_resend(const authsvc_page_t *pg)
{
    mfa_t m;
    int rc;

    if (!mfa_pending(pg, &m, &rc))
        return rc;
    if (m.totp) /* nothing is mailed to users with an authenticator */
        return mfa_form(pg, HTTP_OK, 1, NULL, NULL);
    if (!mfa_send(pg, &m, &rc))
        return rc;
    return mfa_form(pg, HTTP_OK, 0, NULL, "A new code has been sent to your e-mail address.");
}

/* A wrong code: counted (an authenticator's on the pending code, which dies at the
 * limit; a mailed code's on that code, by the service). */
static int mfa_wrong(const authsvc_page_t *pg, const mfa_t *m, int totp_wrong)
{
    if (totp_wrong
        && authsvc_second_factor_wrong(m->ctx, m->db, m->code.hash, m->code.otp_failures)) {
        authsvc_auth_code_consume(m->ctx, m->db, m->code.hash);
        return mfa_restart(pg, m, "too-many-wrong-codes",
                           "Too many wrong codes. Sign in again.");
    }
    m->ctx->log(m->ctx, AUTHSVC_LOG_WARNING,
                AUTHSVC_LOGNO(2955) "sign-in page: second factor refused: reason=wrong-code "
                                    "client=%s user=%s",
                m->ctx->client_ip ? m->ctx->client_ip : "-", m->code.user_id);
    return mfa_form(pg, HTTP_UNAUTHORIZED, m->totp, "That code is not right. Try again.", NULL);
}

/* The second factor has passed: the pair, then the browser session. */
static int mfa_finish(const authsvc_page_t *pg, const mfa_t *m)
{
    authsvc_session_tokens_t out;
    authsvc_session_status_t st = authsvc_login_steps_finish(m->ctx, m->db, &m->code, &out);
    const char *amr;

    if (st == AUTHSVC_SESSION_CODE_EXPIRED)
        return mfa_restart(pg, m, "code-used", "Your sign-in has expired. Sign in again.");
    if (st == AUTHSVC_SESSION_USER_INACTIVE)
        return mfa_restart(pg, m, "user-inactive", "This account cannot sign in.");
    if (st != AUTHSVC_SESSION_OK)
        return mfa_unavailable(pg);
    amr = mfa_amr(pg->r);
    mfa_cookie(pg->r, "", 0);
    return authsvc_login_form_signed_in(pg, &out, amr);
}

int authsvc_login_mfa_verify(const authsvc_page_t *pg, const char *otp)
{
    mfa_t m;
    int rc;

    if (!mfa_pending(pg, &m, &rc))
        return rc;
    if (!otp || !*otp)
        return mfa_form(pg, HTTP_UNAUTHORIZED, m.totp, "Enter the verification code.", NULL);
    switch (authsvc_second_factor_verify(m.ctx, m.db, m.code.hash, m.code.user_id, otp)) {
    case AUTHSVC_SECOND_FACTOR_PASSED: return mfa_finish(pg, &m);
    case AUTHSVC_SECOND_FACTOR_WRONG_MAIL: return mfa_wrong(pg, &m, 0);
    case AUTHSVC_SECOND_FACTOR_WRONG_TOTP: return mfa_wrong(pg, &m, 1);
    case AUTHSVC_SECOND_FACTOR_EXPIRED:
        if (!m.totp) { /* the mailed code is exhausted or expired: a new one may be sent */
            m.ctx->log(m.ctx, AUTHSVC_LOG_WARNING,
                       AUTHSVC_LOGNO(2962) "sign-in page: second factor refused: "
                                           "reason=mailed-code-expired client=%s user=%s",
                       m.ctx->client_ip ? m.ctx->client_ip : "-", m.code.user_id);
            return mfa_form(pg, HTTP_UNAUTHORIZED, 0,
                            "This code has expired or was tried too often. Send a new code.",
                            NULL);
        }
        return mfa_restart(pg, &m, "code-expired", "Your sign-in has expired. Sign in again.");
    default: return mfa_unavailable(pg);
    }
}
