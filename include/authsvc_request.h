/* What a flow handler sees of a request and how it answers. Flows never touch
 * request_rec: the glue (handler.c) fills this record and writes the answer, so
 * flows and everything below them build and test without httpd. */
#ifndef AUTHSVC_REQUEST_H
#define AUTHSVC_REQUEST_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <cjson/cJSON.h>
#include "authsvc_config.h"
#include "authsvc_context.h"
#include "authsvc_db.h"
#include "authsvc_error.h"
#include "authsvc_route.h"

/* The browser session of this host's login page, as the glue reads it (gateway). */
typedef struct {
    const char *user_id;
    const char *access_token;
    long long auth_time_ms; /* when the user signed in (epoch ms) */
    const char *amr;        /* RFC 8176 values, space-separated */
} authsvc_browser_session_t;

/* Work a flow hands to the child's background worker (see authsvc_deferred.h). */
typedef void (*authsvc_deferred_fn)(authsvc_request_t *job);

struct authsvc_request {
    apr_pool_t *pool;
    const char *method;
    const char *path; /* relative to AuthsvcBasePath */
    const authsvc_route_t *route;
    const authsvc_route_t *routes; /* the table route came from (discovery, callbacks) */
    apr_size_t route_count;
    authsvc_capture_t captures[AUTHSVC_PATH_CAPTURES_MAX];
    int ncaptures;
    apr_table_t *query; /* decoded query parameters, each at most once */
    const apr_table_t *headers_in;
    cJSON *body; /* validated body, NULL for AUTHSVC_BODY_NONE */
    /* AUTHSVC_ROUTE_OWN_PARAMS routes: the raw query string (NULL when none) and form body
     * (NULL for a GET), length-checked only. */
    const char *args;
    const char *form_text;
    apr_size_t form_len;
    const char *client_ip; /* from the connection (mod_remoteip when set up) */
    const char *user_agent;
    const char *base_url; /* issuer URL, from configuration only */
    const authsvc_server_config_t *server_config;
    const authsvc_dir_config_t *dir_config;
    const char *bearer_token; /* the verified access token (signed-in routes) */
    cJSON *claims;            /* its claims */
    /* The login page's device cookie, verified by the page: the user it was issued to and
     * its device id (authsvc_device_cookie.h); NULL on API requests and without one. */
    const char *device_user_id;
    const char *device_id;

    /* Services the glue provides. db() answers NULL when no connection can be had. */
    authsvc_db_t *(*db)(authsvc_request_t *req);
    void (*log)(authsvc_request_t *req, authsvc_log_level_t level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    /* Queues fn to run after the answer, with a copy of args as its body; NULL in jobs. */
    authsvc_status_t (*defer)(authsvc_request_t *req, authsvc_deferred_fn fn,
                              const cJSON *args);
    /* Tells this node's gateway cache at once that a token was revoked (may be NULL). */
    void (*revoked)(authsvc_request_t *req, const char *jti, long long expires_ms);
    /* The browser session of the login page on this host (OpenID Connect endpoints): 1 and
     * *out filled when there is a live one; end ends it and its tokens. NULL in jobs. */
    int (*browser_session)(authsvc_request_t *req, authsvc_browser_session_t *out);
    void (*browser_session_end)(authsvc_request_t *req);
    const char *login_page; /* this host's login page path, NULL without AuthsvcGatewayClient */
    void *glue;             /* the glue's own state (the request_rec) */
    authsvc_db_t *db_conn;  /* the connection db() gave, kept for the request */
    int db_unavailable;     /* db() found no database (the outage is logged once) */
    apr_interval_time_t password_time; /* spent hashing and checking passwords (the timing
                                         line at TRACE1 tells it apart from the rest) */

    /* The answer. */
    int status;
    const char *content_type; /* NULL: application/json; charset=utf-8 */
    const char *body_out;     /* NULL: no body (204, 303) */
    apr_size_t body_out_len;
    apr_table_t *headers_out;

    /* The same request as a service context (authsvc_request_context fills it). */
    authsvc_context_t ctx;
};

/* The request's service context: pool, config, client, and the request's own db(),
 * log() and revoked(). Filled on first use; the request must be filled in already. */
authsvc_context_t *authsvc_request_context(authsvc_request_t *req);

/* Answers status with item as JSON (item stays owned by the caller). Returns status. */
int authsvc_respond_json(authsvc_request_t *req, int status, const cJSON *item);

/* Answers status with a preformatted body of the given content type. Returns status. */
int authsvc_respond_text(authsvc_request_t *req, int status, const char *content_type,
                         const char *text, apr_size_t len);

/* Answers an error of the catalogue in the envelope. Returns its status. */
int authsvc_respond_error(authsvc_request_t *req, authsvc_error_id_t id);
/* 503 ServiceUnavailable with Retry-After: the database cannot be reached now. */
int authsvc_respond_unavailable(authsvc_request_t *req);

/* Same, with a message of its own and optional 422 details. */
int authsvc_respond_error_message(authsvc_request_t *req, authsvc_error_id_t id,
                                  const char *message, const cJSON *details);

/* 204 without a body. */
int authsvc_respond_no_content(authsvc_request_t *req);

/* The value of capture name, or NULL. */
const char *authsvc_request_capture(const authsvc_request_t *req, const char *name);

#endif
