/* Forgot and reset password pages (see authsvc_login_reset.h). */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_protocol.h>

#include "authsvc_config_mail.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_login_form.h"
#include "authsvc_login_reset.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_page_text.h"
#include "authsvc_password_reset.h"

APLOG_USE_MODULE(authsvc);

/* The reset mail, made once the answer has gone out. */
typedef struct {
    authsvc_context_t *ctx;
    authsvc_db_t *db;
    const char *username;
    const char *client_id;
} reset_mail_t;

static const char *reset_client_id(request_rec *r)
{
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
    const authsvc_gateway_server_t *g = c->gateway;

    return g->client_id;
}

static const char *reset_login_link(const authsvc_page_t *pg)
{
    apr_pool_t *p = pg->r->pool;

    return apr_pstrcat(p, authsvc_page_url(pg->r, "/login"),
                       "?return=", authsvc_page_escape(p, ap_escape_urlencoded(p, pg->ret)),
                       NULL);
}

int authsvc_login_reset_forgot_form(const authsvc_page_t *pg)
{
    apr_pool_t *p = pg->r->pool;

    return authsvc_page_send(
        pg->r, HTTP_OK, "Forgot password",
        apr_pstrcat(p, "<p id=\"forgot-hint\" class=\"hint\">",
                    authsvc_page_tr(pg->r,
                                    "Enter your username. If the account exists, we send "
                                    "a link to reset its password to its e-mail "
                                    "address."),
                    "</p>\n"
                    "<form id=\"forgot-form\" method=\"post\" action=\"",
                    authsvc_page_url(pg->r, "/forgot"), "\">\n", authsvc_page_hidden(pg),
                    "<label for=\"username\">", authsvc_page_tr(pg->r, "Username"),
                    "</label>\n"
                    "<input id=\"username\" name=\"username\" type=\"text\" "
                    "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
                    "required autofocus aria-describedby=\"forgot-hint\">\n"
                    "<button id=\"send-link\" type=\"submit\">",
                    authsvc_page_tr(pg->r, "Send the link"),
                    "</button>\n</form>\n"
                    "<nav><a href=\"",
                    reset_login_link(pg), "\">", authsvc_page_tr(pg->r, "Back to sign in"),
                    "</a></nav>\n", NULL));
}

/* A pool cleanup of the request: the request's answer has been sent by then, so neither
 * it nor its timing tells whether the account exists (the API defers it alike). Runs
 * before the request's database connection is released (cleanups run in reverse). */
static apr_status_t reset_mail_later(void *data)
{
    reset_mail_t *m = data;

    authsvc_password_reset_mail(m->ctx, m->db, m->username, m->client_id);
    return APR_SUCCESS;
}

int authsvc_login_reset_forgot(const authsvc_page_t *pg, apr_table_t *form)
{
    request_rec *r = pg->r;
    reset_mail_t *m = apr_pcalloc(r->pool, sizeof(*m));
    const char *username = apr_table_get(form, "username");
    long retry_after = 0;

    m->ctx = authsvc_gateway_context(r);
    if (!(m->db = m->ctx->db(m->ctx)))
        return authsvc_page_message(r, HTTP_SERVICE_UNAVAILABLE, "Forgot password",
                                    "This is not possible right now. Try again later.");
    if (authsvc_mail_limit_over(m->ctx, m->db, "ip", m->ctx->client_ip, &retry_after)) {
        m->ctx->log(m->ctx, AUTHSVC_LOG_WARNING,
                    AUTHSVC_LOGNO(2957) "forgot-password page: client=%s over the mail "
                                        "limit, nothing sent",
                    m->ctx->client_ip ? m->ctx->client_ip : "-");
        apr_table_setn(r->err_headers_out, "Retry-After", apr_ltoa(r->pool, retry_after));
        return authsvc_page_message(r, HTTP_TOO_MANY_REQUESTS, "Forgot password",
                                    "Too many requests. Try again later.");
    }
    if (!authsvc_config_mail_enabled(m->ctx->config->mail))
        m->ctx->log(m->ctx, AUTHSVC_LOG_WARNING,
                    AUTHSVC_LOGNO(2958) "forgot-password page: no AuthsvcMailServer or "
                                        "AuthsvcMailWebhook, nothing sent");
    else if (username && *username) {
        m->username = apr_pstrdup(r->pool, username);
        m->client_id = reset_client_id(r);
        apr_pool_cleanup_register(r->pool, m, reset_mail_later, apr_pool_cleanup_null);
    }
    return authsvc_page_message(r, HTTP_OK, "Check your e-mail",
                                "If an account with this username exists, a link to reset "
                                "its password has been sent to its e-mail address.");
}

/* The new-password form; error (NULL: none) is announced on the first field. */
static int reset_form(const authsvc_page_t *pg, int status, const char *token,
                      const char *error)
{
    apr_pool_t *p = pg->r->pool;
    const char *marks = error ? " aria-invalid=\"true\" aria-describedby=\"reset-hint "
                                "reset-error\""
                              : " aria-describedby=\"reset-hint\"";

    return authsvc_page_send(
        pg->r, status, "Choose a new password",
        apr_pstrcat(p, authsvc_page_error(pg->r, "reset-error", error),
                    "<p id=\"reset-hint\" class=\"hint\">",
                    authsvc_page_tr(pg->r, "Enter your new password twice."),
                    "</p>\n"
                    "<form id=\"reset-form\" method=\"post\" action=\"",
                    authsvc_page_url(pg->r, "/reset"), "\">\n", authsvc_page_hidden(pg),
                    "<input type=\"hidden\" name=\"token\" value=\"",
                    authsvc_page_escape(p, token), "\">\n",
                    authsvc_login_form_new_password(pg->r, "New password", "New password again",
                                                    apr_pstrcat(p, " autofocus", marks, NULL)),
                    "<button id=\"save\" type=\"submit\">",
                    authsvc_page_tr(pg->r, "Save the password"), "</button>\n</form>\n", NULL));
}

/* A link that cannot be used: why, and a way to ask for a new one. */
static int reset_link_dead(const authsvc_page_t *pg, authsvc_password_reset_status_t rs)
{
    authsvc_context_t *ctx = authsvc_gateway_context(pg->r);

    ctx->log(ctx, AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(2959) "reset-password page: link refused (%s) client=%s",
             rs == AUTHSVC_RESET_TOKEN_EXPIRED   ? "expired or used"
             : rs == AUTHSVC_RESET_TOKEN_INVALID ? "unknown"
                                                 : "other client",
             ctx->client_ip ? ctx->client_ip : "-");
    return authsvc_page_send(
        pg->r, rs == AUTHSVC_RESET_TOKEN_INVALID ? HTTP_NOT_FOUND : HTTP_GONE, "Link not valid",
        apr_pstrcat(pg->r->pool, "<p id=\"message\" role=\"alert\">",
                    authsvc_page_tr(pg->r, "This link to reset a password has expired or was "
                                           "used already."),
                    "</p>\n<p><a href=\"", authsvc_page_url(pg->r, "/forgot"), "\">",
                    authsvc_page_tr(pg->r, "Ask for a new link"), "</a></p>\n", NULL));
}

int authsvc_login_reset_form(const authsvc_page_t *pg, const char *token)
{
    authsvc_context_t *ctx = authsvc_gateway_context(pg->r);
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_password_reset_status_t rs;

    if (!db)
        return authsvc_page_message(pg->r, HTTP_SERVICE_UNAVAILABLE, "Choose a new password",
                                    "This is not possible right now. Try again later.");
    if (!token || !*token)
        return reset_link_dead(pg, AUTHSVC_RESET_TOKEN_INVALID);
    rs = authsvc_password_reset_link_check(ctx, db, token);
    if (rs == AUTHSVC_RESET_UNAVAILABLE)
        return authsvc_page_message(pg->r, HTTP_SERVICE_UNAVAILABLE, "Choose a new password",
                                    "This is not possible right now. Try again later.");
    if (rs != AUTHSVC_RESET_OK)
        return reset_link_dead(pg, rs);
    return reset_form(pg, HTTP_OK, token, NULL);
}

/* The text of a refused new password (the link is still usable). */
static const char *reset_refusal(authsvc_password_reset_status_t rs, const char *why)
{
    switch (rs) {
    case AUTHSVC_RESET_PASSWORD_INVALID: return why ? why : "This password is not allowed.";
    case AUTHSVC_RESET_PASSWORD_REUSED: return "Choose a password other than the current one.";
    case AUTHSVC_RESET_EXTERNAL_USER:
        return "This account signs in elsewhere and has no password here.";
    default: return NULL;
    }
}

int authsvc_login_reset_apply(const authsvc_page_t *pg, apr_table_t *form)
{
    authsvc_context_t *ctx = authsvc_gateway_context(pg->r);
    authsvc_db_t *db = ctx->db(ctx);
    authsvc_password_reset_in_t in = {apr_table_get(form, "token"), reset_client_id(pg->r),
                                      authsvc_login_form_new_password_read(form)};
    authsvc_password_reset_out_t out;
    authsvc_password_reset_status_t rs;

    if (!db)
        return authsvc_page_message(pg->r, HTTP_SERVICE_UNAVAILABLE, "Choose a new password",
                                    "This is not possible right now. Try again later.");
    if (!in.token || !*in.token)
        return reset_link_dead(pg, AUTHSVC_RESET_TOKEN_INVALID);
    if (!in.password)
        return reset_form(pg, HTTP_BAD_REQUEST, in.token, "The two passwords differ.");
    memset(&out, 0, sizeof(out));
    rs = authsvc_password_reset_apply(ctx, db, &in, &out);
    if (rs == AUTHSVC_RESET_OK) {
        ctx->log(ctx, AUTHSVC_LOG_INFO,
                 AUTHSVC_LOGNO(2960) "reset-password page: password of user %s reset",
                 out.user_id ? out.user_id : "-");
        return authsvc_page_send(pg->r, HTTP_OK, "Password changed",
                                 apr_pstrcat(pg->r->pool, "<p id=\"message\" role=\"status\">",
                                             authsvc_page_tr(pg->r, "Your password has been "
                                                                    "changed."),
                                             "</p>\n<p><a id=\"sign-in\" href=\"",
                                             reset_login_link(pg), "\">",
                                             authsvc_page_tr(pg->r, "Sign in"), "</a></p>\n",
                                             NULL));
    }
    if (reset_refusal(rs, out.why))
        return reset_form(pg, HTTP_BAD_REQUEST, in.token, reset_refusal(rs, out.why));
    if (rs == AUTHSVC_RESET_UNAVAILABLE)
        return authsvc_page_message(pg->r, HTTP_SERVICE_UNAVAILABLE, "Choose a new password",
                                    "This is not possible right now. Try again later.");
    return reset_link_dead(pg, rs);
}
