/* The account page of a signed-in user at <portal>/account (README, "The account
 * page"): the profile, changing the password, enrolling an authenticator app (its QR
 * code served at <portal>/account/qr.png to this session only, and its key as text,
 * confirmed with a code) or removing it, and the user's browser sessions
 * (account_sessions.c). Every form posts here with the CSRF token (account_form.c)
 * and is answered with the page again (account_view.c), its
 * result announced. The checks are the account service's (authsvc_account.h). After a
 * password change this browser stays signed in and every other session ends
 * (docs/design.md, "The account page"). */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_protocol.h>

#include "authsvc_account.h"
#include "authsvc_account_page.h"
#include "authsvc_account_sessions.h"
#include "authsvc_account_view.h"
#include "authsvc_bearer.h"
#include "authsvc_db_account.h"
#include "authsvc_gateway_context.h"
#include "authsvc_httpd.h"
#include "authsvc_portal.h"
#include "authsvc_second_factor.h"
#include "authsvc_session.h"

/* A form with a missing or wrong CSRF token changes nothing. */
static const authsvc_portal_refusal_t account_refusal = {
    "Your account", HTTP_BAD_REQUEST, "The form has expired. Open the page again."};

static const char *account_claim(const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    return cJSON_IsString(item) && *item->valuestring ? item->valuestring : NULL;
}

/* The signed-in session with a genuine token and a database, else 0. */
static int account_open(request_rec *r, authsvc_account_t *a)
{
    memset(a, 0, sizeof(*a));
    a->r = r;
    if (!authsvc_gateway_session_info(r, &a->info))
        return 0;
    a->user_id = a->info.user_id;
    a->ctx = authsvc_gateway_context(r);
    a->db = authsvc_dbd_acquire(r);
    if (!a->db
        || authsvc_bearer_verify(a->ctx, a->info.access_token, 0, &a->claims)
               != AUTHSVC_BEARER_OK
        || !(a->username = account_claim(a->claims, "username")))
        return 0;
    a->current = authsvc_account_sessions_current(r);
    return a->current != NULL;
}

static int account_say(const authsvc_account_t *a, int status, const char *notice,
                       const char *error, const char *field)
{
    authsvc_account_say_t say = {status, notice, error, field};

    return authsvc_account_view(a, &say);
}

/* A refusal of the account service, announced at field. */
static int account_refused(const authsvc_account_t *a, authsvc_account_status_t st,
                           const authsvc_account_out_t *out, const char *field)
{
    switch (st) {
    case AUTHSVC_ACCOUNT_WRONG_PASSWORD:
        return account_say(a, HTTP_UNAUTHORIZED, NULL, "The password is not right.", field);
    case AUTHSVC_ACCOUNT_LIMITED:
        if (out->retry_after > 0)
            apr_table_setn(a->r->err_headers_out, "Retry-After",
                           apr_ltoa(a->r->pool, out->retry_after));
        return account_say(a, HTTP_TOO_MANY_REQUESTS, NULL,
                           "Too many attempts. Try again later.", field);
    case AUTHSVC_ACCOUNT_EXTERNAL:
        return account_say(a, HTTP_CONFLICT, NULL,
                           "This account signs in elsewhere and has no password here.", field);
    case AUTHSVC_ACCOUNT_POLICY:
        return account_say(a, HTTP_BAD_REQUEST, NULL,
                           out->why ? out->why : "This password is not allowed.",
                           "new-password");
    case AUTHSVC_ACCOUNT_REUSED:
        return account_say(a, HTTP_BAD_REQUEST, NULL,
                           "Choose a password other than the current one.", "new-password");
    case AUTHSVC_ACCOUNT_WRONG_CODE:
        return account_say(a, HTTP_BAD_REQUEST, NULL, "That code is not right. Try again.",
                           field);
    case AUTHSVC_ACCOUNT_EXISTS:
        return account_say(a, HTTP_CONFLICT, NULL, "An authenticator app is set up already.",
                           NULL);
    case AUTHSVC_ACCOUNT_NONE:
        return account_say(a, HTTP_CONFLICT, NULL, "No authenticator app is set up.", NULL);
    default:
        return account_say(a, HTTP_SERVICE_UNAVAILABLE, NULL,
                           "This is not possible right now. Try again later.", field);
    }
}

/* The refresh family of this browser's session: it stays signed in. */
static const char *account_own_family(const authsvc_account_t *a)
{
    const authsvc_db_account_session_t *s = authsvc_account_sessions_find(
        authsvc_account_sessions_list(a->r, a->db, a->user_id), a->current);

    return s ? authsvc_session_family(a->ctx, account_claim(a->claims, "jti"), s->refresh_token)
             : NULL;
}

static int account_password(const authsvc_account_t *a, apr_table_t *form)
{
    authsvc_account_password_t in = {a->user_id, a->username,
                                     apr_table_get(form, "old_password"),
                                     apr_table_get(form, "password"), NULL};
    const char *again = apr_table_get(form, "password_again");
    authsvc_account_out_t out = {NULL, 0};
    authsvc_account_status_t st;

    if (!in.old_password || !*in.old_password)
        return account_say(a, HTTP_BAD_REQUEST, NULL, "Enter your current password.",
                           "old-password");
    if (!in.password || !*in.password || !again)
        return account_say(a, HTTP_BAD_REQUEST, NULL, "Enter your new password twice.",
                           "new-password");
    if (strcmp(in.password, again) != 0)
        return account_say(a, HTTP_BAD_REQUEST, NULL, "The two passwords differ.",
                           "new-password-again");
    in.keep_family = account_own_family(a);
    if (!in.keep_family)
        return account_refused(a, AUTHSVC_ACCOUNT_UNAVAILABLE, &out, "old-password");
    st = authsvc_account_password_change(a->ctx, a->db, &in, &out);
    if (st != AUTHSVC_ACCOUNT_OK)
        return account_refused(a, st, &out, "old-password");
    authsvc_account_sessions_end(a->r, a->db, a->user_id, a->current, NULL);
    return account_say(a, HTTP_OK,
                       "Your password has been changed. Your other sessions have been ended.",
                       NULL, NULL);
}

static int account_totp_enrol(const authsvc_account_t *a)
{
    const char *secret;

    if (authsvc_second_factor_has_totp(a->ctx, a->db, a->user_id) == AUTHSVC_OK)
        return account_say(a, HTTP_CONFLICT, NULL, "An authenticator app is set up already.",
                           NULL);
    secret = authsvc_account_totp_secret(a->ctx);
    if (!secret
        || authsvc_db_account_totp_pending_set(a->db, a->r->pool, a->current, a->user_id,
                                               secret)
               != AUTHSVC_OK)
        return account_say(a, HTTP_SERVICE_UNAVAILABLE, NULL,
                           "This is not possible right now. Try again later.", NULL);
    return account_say(a, HTTP_OK, NULL, NULL, "totp-code");
}

static int account_totp_confirm(const authsvc_account_t *a, apr_table_t *form)
{
    const char *secret = NULL;
    authsvc_account_out_t out = {NULL, 0};
    authsvc_account_status_t st;

    if (authsvc_db_account_totp_pending_get(a->db, a->r->pool, a->current, a->user_id, &secret)
        != AUTHSVC_OK)
        return account_say(a, HTTP_BAD_REQUEST, NULL,
                           "Start setting up the authenticator app again.", NULL);
    st = authsvc_account_totp_confirm(a->ctx, a->db, a->user_id, secret,
                                      apr_table_get(form, "otp"));
    if (st != AUTHSVC_ACCOUNT_OK && st != AUTHSVC_ACCOUNT_EXISTS)
        return account_refused(a, st, &out, "totp-code");
    authsvc_db_account_totp_pending_set(a->db, a->r->pool, a->current, a->user_id, NULL);
    if (st != AUTHSVC_ACCOUNT_OK)
        return account_refused(a, st, &out, NULL);
    return account_say(a, HTTP_OK,
                       "Your authenticator app is set up. Signing in asks for its code.", NULL,
                       NULL);
}

static int account_totp_remove(const authsvc_account_t *a, apr_table_t *form)
{
    authsvc_account_out_t out = {NULL, 0};
    const char *password = apr_table_get(form, "password");
    authsvc_account_status_t st;

    if (!password || !*password)
        return account_say(a, HTTP_BAD_REQUEST, NULL, "Enter your password.", "totp-password");
    st = authsvc_account_totp_remove(a->ctx, a->db, a->user_id, a->username, password, &out);
    if (st != AUTHSVC_ACCOUNT_OK)
        return account_refused(a, st, &out, "totp-password");
    return account_say(a, HTTP_OK, "The authenticator app has been removed.", NULL, NULL);
}

static int account_sessions_end(const authsvc_account_t *a, apr_table_t *form, int all)
{
    const char *handle = apr_table_get(form, "session");
    int ended;

    if (!all && (!handle || !*handle))
        return account_say(a, HTTP_BAD_REQUEST, NULL, "The form was not sent as expected.",
                           NULL);
    ended = authsvc_account_sessions_end(a->r, a->db, a->user_id, a->current,
                                         all ? NULL : handle);
    if (ended < 0)
        return account_say(a, HTTP_SERVICE_UNAVAILABLE, NULL,
                           "This is not possible right now. Try again later.", NULL);
    if (!all && ended == 0)
        return account_say(a, HTTP_NOT_FOUND, NULL, "There is no such session of yours.", NULL);
    return account_say(a, HTTP_OK,
                       all ? "Your other sessions have been ended." : "The session has ended.",
                       NULL, NULL);
}

static int account_post(authsvc_account_t *a)
{
    apr_table_t *form = NULL;
    const char *action;
    int rc;

    if (!authsvc_portal_form_checked(a->r, &account_refusal, &form, &a->csrf, &rc))
        return rc;
    action = apr_table_get(form, "action");
    if (action && strcmp(action, "password") == 0)
        return account_password(a, form);
    if (action && strcmp(action, "totp-enrol") == 0)
        return account_totp_enrol(a);
    if (action && strcmp(action, "totp-confirm") == 0)
        return account_totp_confirm(a, form);
    if (action && strcmp(action, "totp-remove") == 0)
        return account_totp_remove(a, form);
    if (action && strcmp(action, "session-end") == 0)
        return account_sessions_end(a, form, 0);
    if (action && strcmp(action, "sessions-end") == 0)
        return account_sessions_end(a, form, 1);
    return account_say(a, HTTP_BAD_REQUEST, NULL, "The form was not sent as expected.", NULL);
}

/* GET <portal>/account/qr.png: the QR code of the authenticator being enrolled in this
 * session, never cached; 404 for any other session. */
static int account_qr(const authsvc_account_t *a)
{
    const char *secret = NULL;
    const unsigned char *png = NULL;
    apr_size_t len = 0;

    apr_table_setn(a->r->err_headers_out, "Cache-Control", "no-store");
    if (authsvc_db_account_totp_pending_get(a->db, a->r->pool, a->current, a->user_id, &secret)
            != AUTHSVC_OK
        || authsvc_account_totp_png(a->ctx, a->username, secret, &png, &len) != AUTHSVC_OK)
        return HTTP_NOT_FOUND;
    ap_set_content_type(a->r, "image/png");
    apr_table_setn(a->r->headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_length(a->r, (apr_off_t)len);
    if (!a->r->header_only)
        ap_rwrite(png, (int)len, a->r);
    return OK;
}

int authsvc_account_page(request_rec *r, const char *rest)
{
    authsvc_account_t a;
    int page = strcmp(rest, "") == 0, qr = strcmp(rest, "/qr.png") == 0;

    if (!page && !qr)
        return DECLINED;
    if ((qr && r->method_number != M_GET)
        || (page && r->method_number != M_GET && r->method_number != M_POST)) {
        apr_table_setn(r->headers_out, "Allow", qr ? "GET" : "GET, POST");
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!account_open(r, &a))
        return qr ? (apr_table_setn(r->err_headers_out, "Cache-Control", "no-store"),
                     HTTP_NOT_FOUND)
                  : authsvc_gateway_login_redirect(r);
    if (qr)
        return account_qr(&a);
    if (r->method_number == M_POST)
        return account_post(&a);
    a.csrf = authsvc_portal_csrf(r);
    return account_say(&a, HTTP_OK, NULL, NULL, NULL);
}
