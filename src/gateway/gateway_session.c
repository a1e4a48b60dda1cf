/* Browser sessions of the gateway: an opaque random id in a cookie (`__Host-` prefixed,
 * Secure, HttpOnly, SameSite=Lax, Path=/, no Domain on HTTPS), and the session itself in
 * the database (gateway_sessions, keyed by the id's SHA-256): the origin that created
 * it, the token pair, idle and absolute expiry. An expired access token is refreshed
 * silently with the stored refresh token through the session service, one
 * request at a time (a row claim), so parallel requests never trip reuse detection. */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <util_cookies.h>

#include "authsvc_bearer.h"
#include "authsvc_db.h"
#include "authsvc_db_account.h"
#include "authsvc_db_browser_sessions.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_password.h"
#include "authsvc_session.h"
#include "authsvc_tokens.h"

APLOG_USE_MODULE(authsvc);

#define SESSION_COOKIE "authsvc-session"
#define SESSION_ID_BYTES 32
#define SESSION_REFRESH_AHEAD_MS 5000 /* refresh a little before exp */
#define SESSION_REFRESH_CLAIM_MS 10000
#define SESSION_TOUCH_MS 60000     /* idle expiry moves at most once a minute */
#define SESSION_PURGE_ONE_IN 64    /* opportunistic purge on session creation */
#define SESSION_USER_AGENT_MAX 512 /* bytes of the User-Agent kept for the account page */

typedef authsvc_db_browser_session_t session_t;

static const authsvc_gateway_server_t *session_config(request_rec *r)
{
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
    return c->gateway;
}

static int session_https(request_rec *r)
{
    return strcmp(ap_http_scheme(r), "https") == 0;
}

const char *authsvc_gateway_origin(request_rec *r)
{
    return apr_psprintf(r->pool, "%s://%s:%u", ap_http_scheme(r), r->server->server_hostname,
                        ap_get_server_port(r));
}

/* `__Host-` names need Secure, so plain-HTTP test setups get the bare name. */
const char *authsvc_gateway_cookie_name(request_rec *r, const char *base)
{
    return session_https(r) ? apr_pstrcat(r->pool, "__Host-", base, NULL) : base;
}

/* max_age < 0: a session cookie; 0: delete it. */
void authsvc_gateway_cookie_set(request_rec *r, const char *name, const char *value,
                                long max_age, const char *same_site)
{
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_psprintf(r->pool, "%s=%s; Path=/; HttpOnly; SameSite=%s%s%s", name,
                                max_age == 0 ? "" : value, same_site,
                                session_https(r) ? "; Secure" : "",
                                max_age >= 0 ? apr_psprintf(r->pool, "; Max-Age=%ld", max_age)
                                             : ""));
}

/* The cookie's value when it looks like ours (lowercase hex of the right length). */
const char *authsvc_gateway_cookie_get(request_rec *r, const char *name)
{
    const char *value = NULL;

    if (ap_cookie_read(r, name, &value, 0) != APR_SUCCESS || !value
        || strlen(value) != SESSION_ID_BYTES * 2
        || strspn(value, "0123456789abcdef") != SESSION_ID_BYTES * 2)
        return NULL;
    return value;
}

/* Another request of the same session is refreshing: wait for its result (at most
 * the claim's lifetime). */
static int session_await_refresh(request_rec *r, authsvc_db_t *db, session_t *s)
{
    long long deadline = authsvc_db_now_ms() + SESSION_REFRESH_CLAIM_MS;

    while (authsvc_db_now_ms() < deadline) {
        apr_sleep(apr_time_from_msec(100));
        if (authsvc_db_browser_session_get(db, r->pool, s->id_hash, s) != AUTHSVC_OK)
            return 0;
        if (s->access_expires_ms > authsvc_db_now_ms() + SESSION_REFRESH_AHEAD_MS)
            return 1;
    }
    return 0;
}

static int session_refresh(request_rec *r, authsvc_db_t *db, session_t *s)
{
    long long now = authsvc_db_now_ms();
    authsvc_session_refresh_t in;
    authsvc_session_tokens_t out;
    authsvc_session_status_t st;
    authsvc_status_t claim = authsvc_db_browser_session_claim(db, r->pool, s->id_hash, now,
                                                              now + SESSION_REFRESH_CLAIM_MS);

    if (claim == AUTHSVC_NOT_FOUND)
        return session_await_refresh(r, db, s);
    if (claim != AUTHSVC_OK)
        return 0;
    memset(&in, 0, sizeof(in));
    in.access_token = s->access_token;
    in.refresh_token = s->refresh_token;
    st = authsvc_session_refresh(authsvc_gateway_context(r), &in, &out);
    if (st != AUTHSVC_SESSION_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      AUTHSVC_LOGNO(1131) "gateway session "
                                          "refresh refused (%s): session ended",
                      authsvc_session_status_name(st));
        authsvc_db_browser_session_delete(db, r->pool, s->id_hash);
        return 0;
    }
    authsvc_db_browser_session_set_tokens(db, r->pool, s->id_hash, out.pair.access_token,
                                          out.pair.refresh_token, out.pair.expires_ms);
    s->access_token = out.pair.access_token;
    s->access_expires_ms = out.pair.expires_ms;
    return 1;
}

static void session_touch(request_rec *r, authsvc_db_t *db, session_t *s)
{
    const authsvc_gateway_server_t *g = session_config(r);
    long long now = authsvc_db_now_ms();
    long long idle = s->remember ? AUTHSVC_GATEWAY_REMEMBER_IDLE
                                 : (g->session_idle_set ? g->session_idle
                                                        : AUTHSVC_GATEWAY_SESSION_IDLE_DEFAULT);

    if (now - s->last_seen_ms >= SESSION_TOUCH_MS)
        authsvc_db_browser_session_touch(db, r->pool, s->id_hash, now, now + idle * 1000);
}

/* The live session of the cookie (this origin's, not idle, not past its end). */
static authsvc_db_t *session_current(request_rec *r, session_t *s)
{
    const char *id = authsvc_gateway_cookie_get(r,
                                                authsvc_gateway_cookie_name(r, SESSION_COOKIE));
    authsvc_db_t *db = id ? authsvc_dbd_acquire(r) : NULL;
    long long now = authsvc_db_now_ms();

    if (!db
        || authsvc_db_browser_session_get(db, r->pool, authsvc_token_hash(r->pool, id), s)
               != AUTHSVC_OK)
        return NULL;
    if (strcmp(s->origin, authsvc_gateway_origin(r)) != 0)
        return NULL; /* a cookie of another vhost (T-10) */
    if (s->idle_expires_ms <= now || s->expires_ms <= now) {
        authsvc_db_browser_session_delete(db, r->pool, s->id_hash);
        return NULL;
    }
    return db;
}

/* The live session with a fresh access token (refreshed when it is about to expire),
 * seen now: NULL when there is none. */
static authsvc_db_t *session_live(request_rec *r, session_t *s)
{
    authsvc_db_t *db = session_current(r, s);

    if (!db)
        return NULL;
    if (s->access_expires_ms <= authsvc_db_now_ms() + SESSION_REFRESH_AHEAD_MS
        && !session_refresh(r, db, s))
        return NULL;
    session_touch(r, db, s);
    return db;
}

int authsvc_gateway_session_token(request_rec *r, const char **token)
{
    session_t s;

    *token = NULL;
    if (!session_live(r, &s))
        return AUTHSVC_BEARER_MISSING;
    *token = s.access_token;
    return AUTHSVC_BEARER_OK;
}

int authsvc_gateway_session_info(request_rec *r, authsvc_gateway_session_info_t *out)
{
    session_t s;

    memset(out, 0, sizeof(*out));
    if (!session_live(r, &s))
        return 0;
    out->user_id = s.user_id;
    out->access_token = s.access_token;
    out->auth_time_ms = s.auth_time_ms;
    out->amr = s.amr;
    return 1;
}

static void session_purge_sometimes(request_rec *r, authsvc_db_t *db)
{
    unsigned char b = 0;

    apr_generate_random_bytes(&b, 1);
    if (b % SESSION_PURGE_ONE_IN == 0)
        authsvc_db_browser_session_purge(db, r->pool, authsvc_db_now_ms());
}

/* The device and address the account page lists the session with (README, "The account
 * page"); a session without them still works. */
static void session_device(request_rec *r, authsvc_db_t *db, const char *id_hash)
{
    const char *ua = apr_table_get(r->headers_in, "User-Agent");
    char *kept = ua ? apr_pstrndup(r->pool, ua, SESSION_USER_AGENT_MAX) : NULL, *c;

    for (c = kept; c && *c; c++) /* printable ASCII only: a cut or odd byte is no text */
        if (*c < 0x20 || *c > 0x7e)
            *c = '?';
    authsvc_db_account_session_device(db, r->pool, id_hash, kept, r->useragent_ip);
}

int authsvc_gateway_session_create(request_rec *r, const char *access_token,
                                   const char *refresh_token, long long access_expires_ms,
                                   const char *user_id, int remember, const char *amr)
{
    const authsvc_gateway_server_t *g = session_config(r);
    authsvc_db_t *db = authsvc_dbd_acquire(r);
    const char *id = authsvc_random_token(r->pool, SESSION_ID_BYTES);
    session_t s;
    long long now = authsvc_db_now_ms();
    long long lifetime = remember ? AUTHSVC_GATEWAY_REMEMBER_LIFETIME
                                  : (g->session_lifetime_set
                                         ? g->session_lifetime
                                         : AUTHSVC_GATEWAY_SESSION_LIFETIME_DEFAULT);
    long long idle = remember ? AUTHSVC_GATEWAY_REMEMBER_IDLE
                              : (g->session_idle_set ? g->session_idle
                                                     : AUTHSVC_GATEWAY_SESSION_IDLE_DEFAULT);

    if (!db || !id)
        return 0;
    s.id_hash = authsvc_token_hash(r->pool, id);
    s.origin = authsvc_gateway_origin(r);
    s.user_id = user_id;
    s.access_token = access_token;
    s.refresh_token = refresh_token;
    s.access_expires_ms = access_expires_ms;
    s.remember = remember ? 1 : 0;
    s.created_ms = s.last_seen_ms = now;
    s.idle_expires_ms = now + idle * 1000;
    s.expires_ms = now + lifetime * 1000;
    s.auth_time_ms = now;
    s.amr = amr ? amr : "pwd";
    if (authsvc_db_browser_session_insert(db, r->pool, &s) != AUTHSVC_OK)
        return 0;
    session_device(r, db, s.id_hash);
    session_purge_sometimes(r, db);
    authsvc_gateway_cookie_set(r, authsvc_gateway_cookie_name(r, SESSION_COOKIE), id,
                               remember ? (long)lifetime : -1, "Lax");
    return 1;
}

/* Revokes the session's tokens as its own client's logout would: a token that is not
 * ours any more (or not genuine) leaves nothing to revoke. */
static void session_logout(request_rec *r, const session_t *s)
{
    authsvc_context_t *ctx = authsvc_gateway_context(r);
    cJSON *claims = NULL;
    const cJSON *jti;
    const char *user_id = NULL;

    authsvc_bearer_verify(ctx, s->access_token, 1, &claims);
    if (!claims)
        return;
    jti = cJSON_GetObjectItemCaseSensitive(claims, "jti");
    authsvc_session_logout(ctx, cJSON_IsString(jti) ? jti->valuestring : NULL, s->refresh_token,
                           &user_id);
}

void authsvc_gateway_session_end(request_rec *r)
{
    session_t s;
    authsvc_db_t *db = session_current(r, &s);

    authsvc_gateway_cookie_set(r, authsvc_gateway_cookie_name(r, SESSION_COOKIE), "", 0, "Lax");
    if (!db)
        return;
    session_logout(r, &s);
    authsvc_db_browser_session_delete(db, r->pool, s.id_hash);
}

/* Where to come back to: the path and query of the request-target as the client wrote
 * them (still escaped). An absolute-form target (GET http://host/path HTTP/1.1) loses
 * its scheme and host, which the login page would refuse as another origin. */
static const char *session_return_target(request_rec *r)
{
    apr_uri_t uri;
    const char *path;

    if (!r->unparsed_uri || r->unparsed_uri[0] == '/')
        return r->unparsed_uri ? r->unparsed_uri : "/";
    if (apr_uri_parse(r->pool, r->unparsed_uri, &uri) != APR_SUCCESS)
        return "/";
    path = uri.path && uri.path[0] == '/' ? uri.path : "/";
    return uri.query ? apr_pstrcat(r->pool, path, "?", uri.query, NULL) : path;
}

int authsvc_gateway_login_redirect(request_rec *r)
{
    const char *login = apr_pstrcat(r->pool, authsvc_gateway_portal_path(r->server), "/login",
                                    NULL);

    apr_table_setn(r->err_headers_out, "Location",
                   apr_pstrcat(r->pool, login, "?return=",
                               ap_escape_urlencoded(r->pool, session_return_target(r)), NULL));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_SEE_OTHER;
}
