/* The account page as HTML (see authsvc_account_view.h). No inline script or style; every
 * value escaped; each input has a label; the result of a form is announced. */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_protocol.h>

#include "authsvc_account_sessions.h"
#include "authsvc_account_view.h"
#include "authsvc_db_account.h"
#include "authsvc_db_tenants.h"
#include "authsvc_page_render.h"
#include "authsvc_page_text.h"
#include "authsvc_second_factor.h"

static const char *view_claim(const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    return cJSON_IsString(item) && *item->valuestring ? item->valuestring : NULL;
}

/* The forms' hidden fields: the CSRF token and the action. */
static const char *view_form(const authsvc_account_t *a, const char *id, const char *action)
{
    apr_pool_t *p = a->r->pool;

    return apr_pstrcat(p, "<form id=\"", id, "\" method=\"post\" action=\"",
                       authsvc_page_url(a->r, "/account"), "\">\n",
                       "<input type=\"hidden\" name=\"csrf\" value=\"",
                       authsvc_page_escape(p, a->csrf), "\">\n",
                       "<input type=\"hidden\" name=\"action\" value=\"", action, "\">\n",
                       NULL);
}

/* An input with its label; in error: invalid, described by the error, focused. */
static const char *view_input(const authsvc_account_t *a, const authsvc_account_say_t *say,
                              const char *id, const char *name, const char *label,
                              const char *attrs)
{
    int bad = say->error && say->field && strcmp(say->field, id) == 0;
    int focus = say->field && strcmp(say->field, id) == 0;

    return apr_pstrcat(a->r->pool, "<label for=\"", id, "\">", authsvc_page_tr(a->r, label),
                       "</label>\n<input id=\"", id, "\" name=\"", name, "\" ", attrs,
                       bad ? " aria-invalid=\"true\" aria-describedby=\"account-error\"" : "",
                       focus ? " autofocus" : "", ">\n", NULL);
}

/* "pwd otp mfa" -> "password, one-time code" (translated). */
static const char *view_methods(request_rec *r, const char *amr)
{
    const char *out = NULL;
    char *list = apr_pstrdup(r->pool, amr ? amr : "pwd"), *state = NULL, *m;

    for (m = apr_strtok(list, " ", &state); m; m = apr_strtok(NULL, " ", &state)) {
        const char *name = strcmp(m, "pwd") == 0   ? "password"
                           : strcmp(m, "otp") == 0 ? "one-time code"
                           : strcmp(m, "mfa") == 0 ? NULL
                                                   : "another service";
        if (name)
            out = out ? apr_pstrcat(r->pool, out, ", ", authsvc_page_tr(r, name), NULL)
                      : authsvc_page_tr(r, name);
    }
    return out ? out : authsvc_page_tr(r, "password");
}

static const char *view_row(const authsvc_account_t *a, const char *id, const char *label,
                            const char *value)
{
    return apr_pstrcat(a->r->pool, "<dt>", authsvc_page_tr(a->r, label), "</dt><dd id=\"", id,
                       "\">", authsvc_page_escape(a->r->pool, value ? value : "-"), "</dd>\n",
                       NULL);
}

static const char *view_profile(const authsvc_account_t *a)
{
    apr_pool_t *p = a->r->pool;
    const char *first = view_claim(a->claims, "firstName"),
               *last = view_claim(a->claims, "lastName");
    const char *tenant_id = view_claim(a->claims, "tenantId");
    authsvc_db_tenant_t t;
    const char *tenant = tenant_id;

    if (tenant_id && authsvc_db_tenant_by_id(a->db, p, tenant_id, &t) == AUTHSVC_OK)
        tenant = t.name && *t.name ? apr_pstrcat(p, t.name, " (", t.key, ")", NULL) : t.key;
    return apr_pstrcat(
        p, "<section aria-labelledby=\"profile-heading\"><h2 id=\"profile-heading\">",
        authsvc_page_tr(a->r, "Profile"), "</h2>\n<dl id=\"profile\">\n",
        view_row(a, "profile-username", "Username", a->username),
        view_row(a, "profile-name", "Name",
                 first || last ? apr_pstrcat(p, first ? first : "", first && last ? " " : "",
                                             last ? last : "", NULL)
                               : NULL),
        view_row(a, "profile-email", "E-mail address", view_claim(a->claims, "email")),
        view_row(a, "profile-tenant", "Tenant", tenant),
        view_row(a, "profile-signed-in", "Signed in",
                 apr_pstrcat(p, authsvc_page_time(p, a->info.auth_time_ms), " (",
                             view_methods(a->r, a->info.amr), ")", NULL)),
        "</dl></section>\n", NULL);
}

static const char *view_password(const authsvc_account_t *a, const authsvc_account_say_t *say)
{
    return apr_pstrcat(
        a->r->pool,
        "<section aria-labelledby=\"password-heading\"><h2 id=\"password-heading\">",
        authsvc_page_tr(a->r, "Change password"), "</h2>\n",
        view_form(a, "password-form", "password"),
        view_input(a, say, "old-password", "old_password", "Current password",
                   "type=\"password\" autocomplete=\"current-password\" required"),
        view_input(a, say, "new-password", "password", "New password",
                   "type=\"password\" autocomplete=\"new-password\" required"),
        view_input(a, say, "new-password-again", "password_again", "New password again",
                   "type=\"password\" autocomplete=\"new-password\" required"),
        "<button id=\"change-password\" type=\"submit\">",
        authsvc_page_tr(a->r, "Change password"), "</button>\n</form></section>\n", NULL);
}

/* The enrolment in progress: the QR code, the key as text, the code to confirm. */
static const char *view_totp_pending(const authsvc_account_t *a,
                                     const authsvc_account_say_t *say, const char *secret)
{
    apr_pool_t *p = a->r->pool;

    return apr_pstrcat(
        p, "<p id=\"totp-hint\">",
        authsvc_page_tr(a->r, "Scan the QR code with your authenticator app, or enter the key "
                              "by hand, then enter the 6-digit code the app shows."),
        "</p>\n<img id=\"totp-qr\" src=\"", authsvc_page_url(a->r, "/account/qr.png"),
        "\" alt=\"", authsvc_page_tr(a->r, "QR code of the key for your authenticator app"),
        "\">\n<p>", authsvc_page_tr(a->r, "Key:"), " <code id=\"totp-secret\">",
        authsvc_page_escape(p, secret), "</code></p>\n",
        view_form(a, "totp-confirm-form", "totp-confirm"),
        view_input(a, say, "totp-code", "otp", "Verification code",
                   "type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" "
                   "maxlength=\"6\" required"),
        "<button id=\"confirm-totp\" type=\"submit\">", authsvc_page_tr(a->r, "Confirm"),
        "</button>\n</form>\n", NULL);
}

static const char *view_totp(const authsvc_account_t *a, const authsvc_account_say_t *say)
{
    apr_pool_t *p = a->r->pool;
    const char *secret = NULL, *inner;

    if (authsvc_second_factor_has_totp(a->ctx, a->db, a->user_id) == AUTHSVC_OK)
        inner = apr_pstrcat(
            p, "<p id=\"totp-state\">",
            authsvc_page_tr(a->r, "An authenticator app is set up. Signing in asks for its "
                                  "code."),
            "</p>\n", view_form(a, "totp-remove-form", "totp-remove"),
            view_input(a, say, "totp-password", "password", "Password",
                       "type=\"password\" autocomplete=\"current-password\" required"),
            "<button id=\"remove-totp\" class=\"secondary\" type=\"submit\">",
            authsvc_page_tr(a->r, "Remove the authenticator app"), "</button>\n</form>\n",
            NULL);
    else if (authsvc_db_account_totp_pending_get(a->db, p, a->current, a->user_id, &secret)
             == AUTHSVC_OK)
        inner = view_totp_pending(a, say, secret);
    else
        inner = apr_pstrcat(p, "<p id=\"totp-state\">",
                            authsvc_page_tr(a->r, "No authenticator app is set up."), "</p>\n",
                            view_form(a, "totp-enrol-form", "totp-enrol"),
                            "<button id=\"enrol-totp\" type=\"submit\">",
                            authsvc_page_tr(a->r, "Set up an authenticator app"),
                            "</button>\n</form>\n", NULL);
    return apr_pstrcat(p, "<section aria-labelledby=\"totp-heading\"><h2 id=\"totp-heading\">",
                       authsvc_page_tr(a->r, "Authenticator app"), "</h2>\n", inner,
                       "</section>\n", NULL);
}

int authsvc_account_view(const authsvc_account_t *a, const authsvc_account_say_t *say)
{
    apr_pool_t *p = a->r->pool;
    const char *hidden = apr_pstrcat(p, "<input type=\"hidden\" name=\"csrf\" value=\"",
                                     authsvc_page_escape(p, a->csrf), "\">\n", NULL);
    const char *notice = say->notice
                             ? apr_pstrcat(p,
                                           "<p class=\"notice\" role=\"status\" "
                                           "id=\"account-message\">",
                                           authsvc_page_escape(p, authsvc_page_tr(a->r,
                                                                                  say->notice)),
                                           "</p>\n", NULL)
                             : "";

    return authsvc_page_send(
        a->r, say->status, "Your account",
        apr_pstrcat(p,
                    say->error
                        ? apr_pstrcat(p,
                                      "<p class=\"error\" role=\"alert\" id=\"account-error\">",
                                      authsvc_page_escape(p, authsvc_page_tr(a->r, say->error)),
                                      "</p>\n", NULL)
                        : "",
                    notice, view_profile(a), view_password(a, say), view_totp(a, say),
                    authsvc_account_sessions_html(
                        a->r, authsvc_account_sessions_list(a->r, a->db, a->user_id),
                        a->current, hidden),
                    "<nav><a id=\"sign-out\" href=\"", authsvc_page_url(a->r, "/logout"), "\">",
                    authsvc_page_tr(a->r, "Sign out"), "</a></nav>\n", NULL));
}
