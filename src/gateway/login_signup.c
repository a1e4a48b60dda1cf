/* The sign-up page (see authsvc_login_signup.h). */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_protocol.h>

#include "authsvc_config_mail.h"
#include "authsvc_gateway_context.h"
#include "authsvc_log.h"
#include "authsvc_login_form.h"
#include "authsvc_login_signup.h"
#include "authsvc_page_text.h"
#include "authsvc_signup.h"

static int signup_unavailable(const authsvc_page_t *pg)
{
    return authsvc_page_message(pg->r, HTTP_SERVICE_UNAVAILABLE, "Create your account",
                                "This is not possible right now. Try again later.");
}

/* An invite that cannot be used (logged). */
static int signup_dead(const authsvc_page_t *pg, authsvc_signup_status_t ss)
{
    authsvc_context_t *ctx = authsvc_gateway_context(pg->r);

    ctx->log(ctx, AUTHSVC_LOG_WARNING,
             AUTHSVC_LOGNO(2961) "sign-up page: invite refused (%s) client=%s",
             ss == AUTHSVC_SIGNUP_INVITE_EXPIRED ? "expired or used" : "unknown",
             ctx->client_ip ? ctx->client_ip : "-");
    return authsvc_page_send(pg->r,
                             ss == AUTHSVC_SIGNUP_INVITE_EXPIRED ? HTTP_GONE : HTTP_NOT_FOUND,
                             "Invitation not valid",
                             apr_pstrcat(pg->r->pool, "<p id=\"message\" role=\"alert\">",
                                         authsvc_page_tr(pg->r, "This invitation has expired "
                                                                "or was used already."),
                                         "</p>\n", NULL));
}

/* The form; error (NULL: none) is announced on the password field. */
static int signup_form(const authsvc_page_t *pg, int status, const char *token,
                       const char *email, apr_table_t *form, const char *error)
{
    apr_pool_t *p = pg->r->pool;
    const char *first = form ? apr_table_get(form, "firstName") : NULL;
    const char *last = form ? apr_table_get(form, "lastName") : NULL;

    return authsvc_page_send(
        pg->r, status, "Create your account",
        apr_pstrcat(
            p, authsvc_page_error(pg->r, "signup-error", error),
            "<form id=\"signup-form\" method=\"post\" action=\"",
            authsvc_page_url(pg->r, "/signup"), "\">\n", authsvc_page_hidden(pg),
            "<input type=\"hidden\" name=\"token\" value=\"", authsvc_page_escape(p, token),
            "\">\n<label for=\"email\">",
            authsvc_page_tr(pg->r, "E-mail address (your username)"),
            "</label>\n"
            "<input id=\"email\" name=\"email\" type=\"email\" readonly value=\"",
            authsvc_page_escape(p, email), "\">\n<label for=\"firstName\">",
            authsvc_page_tr(pg->r, "First name"),
            "</label>\n"
            "<input id=\"firstName\" name=\"firstName\" type=\"text\" "
            "autocomplete=\"given-name\" value=\"",
            authsvc_page_escape(p, first), "\"", error ? "" : " autofocus",
            ">\n<label for=\"lastName\">", authsvc_page_tr(pg->r, "Last name"),
            "</label>\n"
            "<input id=\"lastName\" name=\"lastName\" type=\"text\" "
            "autocomplete=\"family-name\" value=\"",
            authsvc_page_escape(p, last), "\">\n",
            authsvc_login_form_new_password(
                pg->r, "Password", "Password again",
                error ? " autofocus aria-invalid=\"true\" aria-describedby=\"signup-error\""
                      : ""),
            "<button id=\"create\" type=\"submit\">",
            authsvc_page_tr(pg->r, "Create the account"), "</button>\n</form>\n", NULL));
}

/* The invite: 1 with *email, else 0 with the refusal answered (*rc). */
static int signup_invite(const authsvc_page_t *pg, authsvc_context_t *ctx, const char *token,
                         const char **email, int *rc)
{
    authsvc_signup_status_t ss;

    if (!ctx->config->mail->signup) {
        *rc = authsvc_page_message(pg->r, HTTP_NOT_FOUND, "Create your account",
                                   "Sign-up is not offered here.");
        return 0;
    }
    if (!token || !*token) {
        *rc = signup_dead(pg, AUTHSVC_SIGNUP_INVITE_INVALID);
        return 0;
    }
    ss = authsvc_signup_token_check(ctx, ctx->db(ctx), token, email);
    if (ss == AUTHSVC_SIGNUP_OK)
        return 1;
    *rc = ss == AUTHSVC_SIGNUP_UNAVAILABLE ? signup_unavailable(pg) : signup_dead(pg, ss);
    return 0;
}

int authsvc_login_signup_form(const authsvc_page_t *pg, const char *token)
{
    authsvc_context_t *ctx = authsvc_gateway_context(pg->r);
    const char *email = NULL;
    int rc;

    if (!signup_invite(pg, ctx, token, &email, &rc))
        return rc;
    return signup_form(pg, HTTP_OK, token, email, NULL, NULL);
}

/* The text of a refused sign-up whose invite is still usable. */
static const char *signup_refusal(authsvc_signup_status_t ss, const char *why)
{
    switch (ss) {
    case AUTHSVC_SIGNUP_PASSWORD_INVALID: return why ? why : "This password is not allowed.";
    case AUTHSVC_SIGNUP_USER_EXISTS: return "An account with this address exists already.";
    case AUTHSVC_SIGNUP_EMAIL_MISMATCH: return "The address is not the invited one.";
    default: return NULL;
    }
}

int authsvc_login_signup_apply(const authsvc_page_t *pg, apr_table_t *form)
{
    authsvc_context_t *ctx = authsvc_gateway_context(pg->r);
    const char *token = apr_table_get(form, "token"), *email = NULL;
    authsvc_signup_in_t in;
    authsvc_signup_out_t out;
    authsvc_signup_status_t ss;
    int rc;

    if (!signup_invite(pg, ctx, token, &email, &rc))
        return rc;
    memset(&in, 0, sizeof(in));
    memset(&out, 0, sizeof(out));
    in.invite = token;
    in.email = email; /* the invited address: the field is read-only */
    in.password = authsvc_login_form_new_password_read(form);
    in.first_name = apr_table_get(form, "firstName");
    in.last_name = apr_table_get(form, "lastName");
    if (!in.password)
        return signup_form(pg, HTTP_BAD_REQUEST, token, email, form,
                           "The two passwords differ.");
    ss = authsvc_signup_user_create(ctx, ctx->db(ctx), &in, &out);
    if (ss == AUTHSVC_SIGNUP_OK)
        return authsvc_page_send(
            pg->r, HTTP_OK, "Account created",
            apr_pstrcat(pg->r->pool, "<p id=\"message\" role=\"status\">",
                        authsvc_page_tr(pg->r, "Your account is ready. Your username is:"), " ",
                        authsvc_page_escape(pg->r->pool, out.email),
                        "</p>\n<p><a id=\"sign-in\" href=\"", authsvc_page_url(pg->r, "/login"),
                        "\">", authsvc_page_tr(pg->r, "Sign in"), "</a></p>\n", NULL));
    if (signup_refusal(ss, out.why))
        return signup_form(pg, HTTP_BAD_REQUEST, token, email, form,
                           signup_refusal(ss, out.why));
    return ss == AUTHSVC_SIGNUP_UNAVAILABLE ? signup_unavailable(pg) : signup_dead(pg, ss);
}
