/* SetHandler authsvc: the one gate every API request passes. Deny by default: match
 * (404/405), query (400), content type (415), size (413), syntax (400), schema (422),
 * then the route's flow, or 501 when it is not built yet. Validation runs before any
 * authentication, as the old service did. */
#include <stdarg.h>
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>

#include "authsvc_answer_tokens.h"
#include "authsvc_request_body.h"
#include "authsvc_oauth_errors.h"
#include "authsvc_bearer.h"
#include "authsvc_deferred.h"
#include "authsvc_form.h"
#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_metrics.h"
#include "authsvc_request.h"

APLOG_USE_MODULE(authsvc);

static const int log_levels[] = {APLOG_ERR, APLOG_WARNING, APLOG_NOTICE, APLOG_INFO,
                                 APLOG_DEBUG};

static void handler_log(authsvc_request_t *req, authsvc_log_level_t level, const char *fmt, ...)
{
    request_rec *r = req->glue;
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = apr_pvsprintf(r->pool, fmt, ap);
    va_end(ap);
    ap_log_rerror(APLOG_MARK, log_levels[level], 0, r, "%s", msg);
}

/* One connection per request (mod_dbd hands the same one back anyway); kept so that
 * its last error can be logged when the flow answers 5xx. */
static authsvc_db_t *handler_db(authsvc_request_t *req)
{
    if (!req->db_conn)
        req->db_conn = authsvc_dbd_acquire(req->glue);
    req->db_unavailable = !req->db_conn && req->server_config->dbd_glue;
    return req->db_conn;
}

/* Revocations reach the revocation set of this node at once (gateway_cache.c). */
static void handler_revoked(authsvc_request_t *req, const char *jti, long long expires_ms)
{
    request_rec *r = req->glue;

    authsvc_gateway_revocation_note(r->server, jti, expires_ms);
}

/* The login page's session on this host (gateway_session.c), for the OpenID Connect
 * endpoints. */
static int handler_browser_session(authsvc_request_t *req, authsvc_browser_session_t *out)
{
    authsvc_gateway_session_info_t info;
    int live = authsvc_gateway_session_info(req->glue, &info);

    out->user_id = info.user_id;
    out->access_token = info.access_token;
    out->auth_time_ms = info.auth_time_ms;
    out->amr = info.amr;
    return live;
}

static void handler_browser_session_end(authsvc_request_t *req)
{
    authsvc_gateway_session_end(req->glue);
}

/* The login page of this host, or NULL when it has none (no AuthsvcGatewayClient). */
static const char *handler_login_page(request_rec *r, const authsvc_server_config_t *conf)
{
    const authsvc_gateway_server_t *g = conf->gateway;

    return g && g->client_id
               ? apr_pstrcat(r->pool, authsvc_gateway_portal_path(r->server), "/login", NULL)
               : NULL;
}

/* The route-relative path, or NULL when the URI is outside AuthsvcBasePath. */
static const char *handler_route_path(request_rec *r, const authsvc_dir_config_t *dconf)
{
    const char *base = authsvc_config_base_path(dconf);
    apr_size_t len = strlen(base);

    if (len == 0)
        return r->uri;
    if (strncmp(r->uri, base, len) != 0 || (r->uri[len] != '/' && r->uri[len] != '\0'))
        return NULL;
    return r->uri[len] ? r->uri + len : "/";
}

authsvc_request_t *authsvc_handler_request(request_rec *r)
{
    authsvc_request_t *req = apr_pcalloc(r->pool, sizeof(*req));

    req->pool = r->pool;
    req->method = r->method;
    req->headers_in = r->headers_in;
    req->client_ip = r->useragent_ip;
    req->user_agent = apr_table_get(r->headers_in, "User-Agent");
    req->server_config = ap_get_module_config(r->server->module_config, &authsvc_module);
    req->dir_config = ap_get_module_config(r->per_dir_config, &authsvc_module);
    req->base_url = req->server_config->issuer;
    req->db = handler_db;
    req->log = handler_log;
    req->defer = authsvc_deferred_submit;
    req->revoked = handler_revoked;
    req->browser_session = handler_browser_session;
    req->browser_session_end = handler_browser_session_end;
    req->login_page = handler_login_page(r, req->server_config);
    req->glue = r;
    req->headers_out = apr_table_make(r->pool, 4);
    return req;
}

/* Writes the answer the flow (or the gate) left in req. */
static int handler_send(request_rec *r, authsvc_request_t *req)
{
    const apr_array_header_t *arr = apr_table_elts(req->headers_out);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i;

    r->status = req->status ? req->status : HTTP_INTERNAL_SERVER_ERROR;
    if (r->status == HTTP_SERVICE_UNAVAILABLE
        && !apr_table_get(req->headers_out, "Retry-After"))
        apr_table_setn(req->headers_out, "Retry-After", AUTHSVC_RETRY_AFTER_SECONDS);
    for (i = 0; i < arr->nelts; i++)
        apr_table_set(r->headers_out, e[i].key, e[i].val);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "Pragma", "no-cache");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->headers_out, "Referrer-Policy", "no-referrer");
    if (!req->body_out)
        return OK;
    ap_set_content_type(r, req->content_type ? req->content_type
                                             : "application/json; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)req->body_out_len);
    ap_rwrite(req->body_out, (int)req->body_out_len, r);
    return OK;
}

/* The answer to a body the input filters could not deliver: 408 when the client was too
 * slow (mod_reqtimeout's body rate, the Timeout directive), else what httpd maps the
 * filter's status to (400 for a broken chunked encoding and the like). */
/* "application/json; charset=utf-8" matches "application/json"; any other charset not. */
static int handler_media_type_is(const char *header, const char *expected)
{
    apr_size_t len = strlen(expected);
    const char *params;

    if (!header)
        return 0;
    while (*header == ' ' || *header == '\t')
        header++;
    if (strncasecmp(header, expected, len) != 0)
        return 0;
    params = header + len;
    while (*params == ' ' || *params == '\t')
        params++;
    if (*params == '\0')
        return 1;
    if (*params != ';')
        return 0;
    params++;
    while (*params == ' ' || *params == '\t')
        params++;
    return *params == '\0' || strncasecmp(params, "charset=utf-8", 13) == 0
           || strncasecmp(params, "charset=\"utf-8\"", 15) == 0;
}

static int gate_error(authsvc_request_t *req, authsvc_error_id_t id, const char *message)
{
    if (req->route && (req->route->flags & AUTHSVC_ROUTE_OAUTH_ERRORS))
        return authsvc_oauth_gate_error(req, id, message);
    return authsvc_respond_error_message(req, id, message, NULL);
}

/* Query string: decodable, each name once, required ones present. 0 when it passes. */
static int gate_query(authsvc_request_t *req, const char *args)
{
    const authsvc_param_t *prm;
    authsvc_form_result_t rv;

    if (args && strlen(args) > AUTHSVC_QUERY_LENGTH_MAX)
        return gate_error(req, AUTHSVC_E_BAD_REQUEST, "The query string is too long");
    if (req->route->flags & AUTHSVC_ROUTE_OWN_PARAMS) {
        req->args = args;
        req->query = apr_table_make(req->pool, 1);
        return 0;
    }
    rv = authsvc_form_parse(req->pool, args ? args : "", args ? strlen(args) : 0, &req->query);
    if (rv == AUTHSVC_FORM_DUPLICATE)
        return gate_error(req, AUTHSVC_E_DUPLICATE_PARAMETER, NULL);
    if (rv != AUTHSVC_FORM_VALID)
        return gate_error(req, AUTHSVC_E_BAD_REQUEST, "The query string is malformed");
    for (prm = req->route->params; prm && prm->name; prm++) {
        const char *value = apr_table_get(req->query, prm->name);
        if (prm->in == AUTHSVC_PARAM_QUERY && prm->required && (!value || !*value))
            return gate_error(req, AUTHSVC_E_MISSING_PARAMETER,
                              apr_psprintf(req->pool, "Query parameter '%s' is required",
                                           prm->name));
    }
    return 0;
}

/* Parses text as the route's body kind into req->body. 0 when it passes. */
static int gate_parse_body(authsvc_request_t *req, const char *text, apr_size_t len)
{
    if (req->route->body == AUTHSVC_BODY_JSON) {
        authsvc_json_result_t rv = authsvc_json_parse(req->pool, text, len, &req->body);
        return rv == AUTHSVC_JSON_VALID
                   ? 0
                   : gate_error(req,
                                rv == AUTHSVC_JSON_DUPLICATE ? AUTHSVC_E_DUPLICATE_PARAMETER
                                                             : AUTHSVC_E_MALFORMED_JSON,
                                authsvc_json_result_message(rv));
    } else {
        apr_table_t *form;
        authsvc_form_result_t rv = authsvc_form_parse(req->pool, text, len, &form);
        if (rv == AUTHSVC_FORM_DUPLICATE)
            return gate_error(req, AUTHSVC_E_DUPLICATE_PARAMETER, NULL);
        if (rv != AUTHSVC_FORM_VALID)
            return gate_error(req, AUTHSVC_E_MALFORMED_FORM, NULL);
        req->body = authsvc_form_to_json(req->pool, form);
        return 0;
    }
}

/* Content type, size, syntax, schema. 0 when the body passes. */
static int gate_body(authsvc_request_t *req, request_rec *r)
{
    const authsvc_route_t *route = req->route;
    const char *type = route->body == AUTHSVC_BODY_JSON ? "application/json"
                                                        : "application/x-www-form-urlencoded";
    cJSON *details;
    char *text;
    apr_size_t len;
    int rc;

    if (!handler_media_type_is(apr_table_get(r->headers_in, "Content-Type"), type))
        return gate_error(req, AUTHSVC_E_UNSUPPORTED_MEDIA_TYPE,
                          apr_pstrcat(req->pool, "Content-Type must be ", type, NULL));
    rc = authsvc_request_body_read(r, authsvc_config_body_limit(req->dir_config), &text, &len);
    if (rc == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        r->connection->keepalive = AP_CONN_CLOSE;
        return gate_error(req, AUTHSVC_E_PAYLOAD_TOO_LARGE, NULL);
    }
    if (rc == HTTP_REQUEST_TIME_OUT) {
        r->connection->keepalive = AP_CONN_CLOSE;
        return gate_error(req, AUTHSVC_E_REQUEST_TIMEOUT, NULL);
    }
    if (rc != OK) {
        r->connection->keepalive = AP_CONN_CLOSE;
        return gate_error(req, AUTHSVC_E_BAD_REQUEST, "The request body could not be read");
    }
    if (route->flags & AUTHSVC_ROUTE_OWN_PARAMS) {
        req->form_text = text ? text : "";
        req->form_len = len;
        return 0;
    }
    rc = gate_parse_body(req, text ? text : "", len);
    if (rc)
        return rc;
    details = authsvc_schema_validate(req->pool, route->schema, req->body);
    if (details)
        return req->route->flags & AUTHSVC_ROUTE_OAUTH_ERRORS
                   ? authsvc_oauth_gate_error(req, AUTHSVC_E_VALIDATION_FAILED, NULL)
                   : authsvc_respond_error_message(req, AUTHSVC_E_VALIDATION_FAILED, NULL,
                                                   details);
    return 0;
}

/* 1 when the verified claims grant permission. */
static int gate_has_permission(const cJSON *claims, const char *permission)
{
    const cJSON *perms = cJSON_GetObjectItemCaseSensitive(claims, "permissions"), *p;

    cJSON_ArrayForEach(p, perms) if (cJSON_IsString(p)
                                     && strcmp(p->valuestring, permission) == 0) return 1;
    return 0;
}

/* Who may call: public routes pass; signed-in and permission routes need a valid,
 * unrevoked access token of ours; invite routes need a well-formed bearer token, whose
 * invite the flow looks up (an access token is no invite, and an invite no access
 * token). */
static int gate_access(authsvc_request_t *req)
{
    authsvc_bearer_result_t rv;
    const char *token;

    if (req->route->access == AUTHSVC_ACCESS_PUBLIC)
        return 0;
    rv = authsvc_bearer_token(req->headers_in, &token);
    if (req->route->access == AUTHSVC_ACCESS_INVITE) {
        req->bearer_token = token;
        return rv == AUTHSVC_BEARER_OK ? 0 : authsvc_bearer_respond(req, rv);
    }
    if (rv == AUTHSVC_BEARER_OK)
        rv = authsvc_bearer_verify(authsvc_request_context(req), token, 0, &req->claims);
    if (rv == AUTHSVC_BEARER_REVOKED)
        authsvc_bearer_revoked_log(authsvc_request_context(req), req->claims);
    if (rv != AUTHSVC_BEARER_OK)
        return authsvc_bearer_respond(req, rv);
    req->bearer_token = token;
    if (req->route->access == AUTHSVC_ACCESS_PERMISSION
        && !gate_has_permission(req->claims, req->route->permission))
        return authsvc_respond_error(req, AUTHSVC_E_NOT_ALLOWED_ACCESS);
    return 0;
}

static int gate_route(authsvc_request_t *req, request_rec *r, const char *path)
{
    apr_size_t count;
    const authsvc_route_t *table = authsvc_routes(&count);
    authsvc_route_match_t match;

    switch (authsvc_router_match(r->pool, table, count, r->method, path, &match)) {
    case AUTHSVC_ROUTE_NO_PATH: return gate_error(req, AUTHSVC_E_NOT_FOUND, NULL);
    case AUTHSVC_ROUTE_NO_METHOD:
        apr_table_setn(req->headers_out, "Allow", match.allow);
        return gate_error(req, AUTHSVC_E_METHOD_NOT_ALLOWED, NULL);
    case AUTHSVC_ROUTE_MATCHED: break;
    }
    req->route = match.route;
    req->routes = table;
    req->route_count = count;
    req->path = path;
    memcpy(req->captures, match.captures, sizeof(match.captures));
    req->ncaptures = match.ncaptures;
    return 0;
}

static void handler_run(authsvc_request_t *req, request_rec *r)
{
    const char *path = handler_route_path(r, req->dir_config);

    if (!path) {
        gate_error(req, AUTHSVC_E_NOT_FOUND, NULL);
        return;
    }
    if (gate_route(req, r, path) || gate_query(req, r->args))
        return;
    if (req->route->body != AUTHSVC_BODY_NONE && gate_body(req, r))
        return;
    if (!req->route->handler) {
        gate_error(req, AUTHSVC_E_NOT_IMPLEMENTED,
                   apr_psprintf(req->pool, "Not implemented yet: %s (%s %s)", req->route->name,
                                req->route->method, req->route->path));
        return;
    }
    if (gate_access(req))
        return;
    if ((req->route->flags & AUTHSVC_ROUTE_NEEDS_DB) && !req->db(req)) {
        authsvc_respond_unavailable(req);
        return;
    }
    req->route->handler(req);
    /* a known outage is logged once per process (dbd_health.c), not per answer */
    if (req->status >= 500 && req->db_conn && req->db_conn->error)
        authsvc_metrics_count(req->server_config->metrics, AUTHSVC_METRIC_DB_ERRORS);
    if (req->status >= 500 && !(req->status == HTTP_SERVICE_UNAVAILABLE && req->db_unavailable))
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, AUTHSVC_LOGNO(0301) "%s answered %d%s%s",
                      req->route->name, req->status,
                      req->db_conn && req->db_conn->error ? "; database: " : "",
                      req->db_conn && req->db_conn->error ? req->db_conn->error : "");
}

/* At TRACE1, a request that hashed or checked a password tells how long it took in all
 * (from its request line until its answer is handed to httpd) and how much of that was beyond the
 * password work: the service's own overhead, measured in one process (bench/). */
static void handler_log_timing(request_rec *r, const authsvc_request_t *req,
                               apr_interval_time_t total)
{
    if (!req->password_time || !APLOG_R_IS_LEVEL(r, APLOG_TRACE1))
        return;
    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  AUTHSVC_LOGNO(2841) "timing: %s %" APR_TIME_T_FMT
                                      " us in all, %" APR_TIME_T_FMT
                                      " us password work, %" APR_TIME_T_FMT " us beyond it",
                  req->route ? req->route->name : "-", total, req->password_time,
                  total - req->password_time);
}

int authsvc_handler(request_rec *r)
{
    authsvc_request_t *req;
    apr_interval_time_t took;
    int rc;

    if (!r->handler || strcmp(r->handler, "authsvc") != 0)
        return DECLINED;
    req = authsvc_handler_request(r);
    handler_run(req, r);
    rc = handler_send(r, req);
    took = apr_time_now() - r->request_time;
    authsvc_metrics_request(req->server_config->metrics, req->route ? req->route->tag : NULL,
                            r->status, (long long)took);
    handler_log_timing(r, req, took);
    return rc;
}
