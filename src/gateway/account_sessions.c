/* The account page's list of browser sessions (see authsvc_account_sessions.h). */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>

#include "authsvc_account_sessions.h"
#include "authsvc_bearer.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_page_render.h"
#include "authsvc_page_text.h"
#include "authsvc_session.h"
#include "authsvc_tokens.h"

#define SESSION_COOKIE "authsvc-session" /* gateway_session.c's cookie */

/* First match wins: the more specific token first (Edge and Opera say "Chrome" too,
 * Chrome says "Safari", Android says "Linux"). */
static const char *const account_browsers[][2] = {
    {"Edg/", "Edge"},      {"OPR/", "Opera"},         {"Firefox/", "Firefox"},
    {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"Safari/", "Safari"},
    {"curl/", "curl"},     {"python", "Python"}};
static const char *const account_systems[][2] = {{"Android", "Android"}, {"iPhone", "iOS"},
                                                 {"iPad", "iPadOS"},     {"Windows", "Windows"},
                                                 {"Mac OS X", "macOS"},  {"CrOS", "ChromeOS"},
                                                 {"Linux", "Linux"}};

const char *authsvc_account_device(apr_pool_t *p, const char *ua)
{
    const char *browser = NULL, *system = NULL;
    size_t i;

    if (!ua || !*ua)
        return NULL;
    for (i = 0; !browser && i < sizeof(account_browsers) / sizeof(account_browsers[0]); i++)
        if (strstr(ua, account_browsers[i][0]))
            browser = account_browsers[i][1];
    for (i = 0; !system && i < sizeof(account_systems) / sizeof(account_systems[0]); i++)
        if (strstr(ua, account_systems[i][0]))
            system = account_systems[i][1];
    if (!browser)
        browser = "Other browser";
    return system ? apr_pstrcat(p, browser, " on ", system, NULL) : browser;
}

const char *authsvc_account_sessions_current(request_rec *r)
{
    const char *id = authsvc_gateway_cookie_get(r,
                                                authsvc_gateway_cookie_name(r, SESSION_COOKIE));

    return id ? authsvc_token_hash(r->pool, id) : NULL;
}

apr_array_header_t *authsvc_account_sessions_list(request_rec *r, authsvc_db_t *db,
                                                  const char *user_id)
{
    apr_array_header_t *rows = NULL;

    if (authsvc_db_account_sessions(db, r->pool, user_id, authsvc_db_now_ms(), &rows)
        != AUTHSVC_OK)
        return NULL;
    return rows;
}

const authsvc_db_account_session_t *authsvc_account_sessions_find(
    const apr_array_header_t *rows, const char *id_hash)
{
    int i;

    for (i = 0; rows && id_hash && i < rows->nelts; i++) {
        const authsvc_db_account_session_t *s = &APR_ARRAY_IDX(rows, i,
                                                               authsvc_db_account_session_t);
        if (s->id_hash && strcmp(s->id_hash, id_hash) == 0)
            return s;
    }
    return NULL;
}

/* The handle a form names a session by: not the id's hash itself, so the page never
 * shows what the database keys sessions by. */
static const char *account_handle(apr_pool_t *p, const char *id_hash)
{
    return authsvc_token_hash(p, apr_pstrcat(p, "account-session:", id_hash, NULL));
}

/* Revokes the session's tokens as signing out does, then deletes it (only user_id's). */
static int account_end_one(request_rec *r, authsvc_db_t *db, const char *user_id,
                           const authsvc_db_account_session_t *s)
{
    authsvc_context_t *ctx = authsvc_gateway_context(r);
    cJSON *claims = NULL;
    const cJSON *jti;
    const char *owner = NULL;

    authsvc_bearer_verify(ctx, s->access_token, 1, &claims);
    jti = claims ? cJSON_GetObjectItemCaseSensitive(claims, "jti") : NULL;
    authsvc_session_logout(ctx, cJSON_IsString(jti) ? jti->valuestring : NULL, s->refresh_token,
                           &owner);
    return authsvc_db_account_session_delete(db, r->pool, s->id_hash, user_id) == AUTHSVC_OK;
}

int authsvc_account_sessions_end(request_rec *r, authsvc_db_t *db, const char *user_id,
                                 const char *current, const char *handle)
{
    apr_array_header_t *rows = authsvc_account_sessions_list(r, db, user_id);
    int i, ended = 0;

    if (!rows)
        return -1;
    for (i = 0; i < rows->nelts; i++) {
        const authsvc_db_account_session_t *s = &APR_ARRAY_IDX(rows, i,
                                                               authsvc_db_account_session_t);

        if (current && strcmp(s->id_hash, current) == 0)
            continue;
        if (handle && strcmp(account_handle(r->pool, s->id_hash), handle) != 0)
            continue;
        ended += account_end_one(r, db, user_id, s);
    }
    return ended;
}

static const char *account_session_row(request_rec *r, const authsvc_db_account_session_t *s,
                                       int n, int is_current, const char *hidden)
{
    apr_pool_t *p = r->pool;
    const char *device = authsvc_account_device(p, s->user_agent);
    const char *action = is_current
                             ? apr_pstrcat(p, "<strong>", authsvc_page_tr(r, "This session"),
                                           "</strong>", NULL)
                             : apr_pstrcat(p, "<form method=\"post\" action=\"",
                                           authsvc_page_url(r, "/account"), "\">\n", hidden,
                                           "<input type=\"hidden\" name=\"action\" "
                                           "value=\"session-end\">\n<input type=\"hidden\" "
                                           "name=\"session\" value=\"",
                                           account_handle(p, s->id_hash),
                                           "\">\n<button class=\"secondary\" type=\"submit\" "
                                           "id=\"end-session-",
                                           apr_itoa(p, n), "\">",
                                           authsvc_page_tr(r, "End session"),
                                           "</button></form>", NULL);

    return apr_pstrcat(p, "<tr class=\"", is_current ? "session current" : "session", "\"><td>",
                       authsvc_page_escape(p, device ? device : authsvc_page_tr(r, "unknown")),
                       "</td><td>",
                       authsvc_page_escape(p, s->client_ip ? s->client_ip
                                                           : authsvc_page_tr(r, "unknown")),
                       "</td><td>", authsvc_page_time(p, s->last_seen_ms), "</td><td>", action,
                       "</td></tr>\n", NULL);
}

const char *authsvc_account_sessions_html(request_rec *r, const apr_array_header_t *rows,
                                          const char *current, const char *hidden)
{
    apr_pool_t *p = r->pool;
    const char *html = "";
    int i, others = 0;

    for (i = 0; rows && i < rows->nelts; i++) {
        const authsvc_db_account_session_t *s = &APR_ARRAY_IDX(rows, i,
                                                               authsvc_db_account_session_t);
        int is_current = current && strcmp(s->id_hash, current) == 0;

        others += !is_current;
        html = apr_pstrcat(p, html, account_session_row(r, s, i, is_current, hidden), NULL);
    }
    return apr_pstrcat(
        p, "<section aria-labelledby=\"sessions-heading\"><h2 id=\"sessions-heading\">",
        authsvc_page_tr(r, "Sessions"), "</h2>\n<table id=\"sessions\"><thead><tr>",
        "<th scope=\"col\">", authsvc_page_tr(r, "Device"), "</th><th scope=\"col\">",
        authsvc_page_tr(r, "Address"), "</th><th scope=\"col\">",
        authsvc_page_tr(r, "Last used"), "</th><th scope=\"col\">",
        authsvc_page_tr(r, "Action"), "</th></tr></thead>\n<tbody>\n", html,
        "</tbody></table>\n",
        others ? apr_pstrcat(p, "<form method=\"post\" action=\"",
                             authsvc_page_url(r, "/account"), "\">\n", hidden,
                             "<input type=\"hidden\" name=\"action\" value=\"sessions-end\">\n"
                             "<button id=\"end-others\" class=\"secondary\" type=\"submit\">",
                             authsvc_page_tr(r, "End all other sessions"), "</button></form>\n",
                             NULL)
               : "",
        "</section>\n", NULL);
}
