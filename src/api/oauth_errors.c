/* The OAuth 2.0 endpoints' envelope: client credentials in, §5.2 errors out
 * (authsvc_oauth_errors.h). */
#include <string.h>

#include <apr_base64.h>
#include <apr_strings.h>

#include "authsvc_form.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_oauth_errors.h"

static int oauth_status_http(authsvc_oauth_status_t st)
{
    switch (st) {
    case AUTHSVC_OAUTH_INVALID_CLIENT: return 401;
    case AUTHSVC_OAUTH_UNAVAILABLE: return 503;
    case AUTHSVC_OAUTH_SERVER_ERROR: return 500;
    default: return 400;
    }
}

static int oauth_write(authsvc_request_t *req, int status, const char *error,
                       const char *description)
{
    cJSON *body = authsvc_json_own(req->pool, cJSON_CreateObject());
    const char *text;

    cJSON_AddStringToObject(body, "error", error);
    if (description)
        cJSON_AddStringToObject(body, "error_description", description);
    text = authsvc_json_print(req->pool, body);
    if (status == 503)
        apr_table_setn(req->headers_out, "Retry-After", AUTHSVC_RETRY_AFTER_SECONDS);
    return authsvc_respond_text(req, status, NULL, text, text ? strlen(text) : 0);
}

int authsvc_oauth_error(authsvc_request_t *req, authsvc_oauth_status_t st, int basic,
                        const char *description)
{
    if (st == AUTHSVC_OAUTH_INVALID_CLIENT && basic)
        apr_table_setn(req->headers_out, "WWW-Authenticate", "Basic realm=\"oauth2\"");
    return oauth_write(req, oauth_status_http(st), authsvc_oauth_status_name(st), description);
}

int authsvc_oauth_gate_error(authsvc_request_t *req, authsvc_error_id_t id, const char *message)
{
    const authsvc_error_t *e = authsvc_error_get(id);
    const char *description = message ? message : e->message;

    if (e->status == 503)
        return oauth_write(req, 503, "temporarily_unavailable", description);
    if (e->status >= 500)
        return oauth_write(req, e->status, "server_error", description);
    return oauth_write(req, e->status == 413 ? 413 : 400, "invalid_request", description);
}

const char *authsvc_oauth_param(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = req->body ? cJSON_GetObjectItemCaseSensitive(req->body, name) : NULL;

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* "Basic <base64 of id:secret>", each part form-urlencoded (RFC 6749 §2.3.1). */
static authsvc_oauth_status_t oauth_basic(authsvc_request_t *req, const char *value,
                                          authsvc_oidc_client_creds_t *out, const char **why)
{
    const char *b64 = value + 6, *colon;
    char *plain;
    int len;

    while (*b64 == ' ')
        b64++;
    if (!*b64 || strlen(b64) > 4 * AUTHSVC_FIELD_LENGTH_DEFAULT
        || strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
               != strlen(b64)) {
        *why = "malformed Basic credentials";
        return AUTHSVC_OAUTH_INVALID_REQUEST;
    }
    plain = apr_palloc(req->pool, (apr_size_t)apr_base64_decode_len(b64) + 1);
    len = apr_base64_decode(plain, b64);
    plain[len < 0 ? 0 : len] = '\0';
    colon = strchr(plain, ':');
    if (len <= 0 || (int)strlen(plain) != len || !colon) {
        *why = "malformed Basic credentials";
        return AUTHSVC_OAUTH_INVALID_REQUEST;
    }
    out->client_id = authsvc_form_decode(req->pool, plain, (apr_size_t)(colon - plain), 1);
    out->secret = authsvc_form_decode(req->pool, colon + 1, strlen(colon + 1), 1);
    out->basic = 1;
    if (!out->client_id || !out->secret) {
        *why = "malformed Basic credentials";
        return AUTHSVC_OAUTH_INVALID_REQUEST;
    }
    return AUTHSVC_OAUTH_OK;
}

authsvc_oauth_status_t authsvc_oauth_client_creds(authsvc_request_t *req,
                                                  authsvc_oidc_client_creds_t *out,
                                                  const char **why)
{
    const char *header = apr_table_get(req->headers_in, "Authorization");
    const char *id = authsvc_oauth_param(req, "client_id");
    const char *secret = authsvc_oauth_param(req, "client_secret");
    authsvc_oauth_status_t st;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (!header || strncasecmp(header, "Basic ", 6) != 0) {
        out->client_id = id;
        out->secret = secret;
        return AUTHSVC_OAUTH_OK;
    }
    st = oauth_basic(req, header, out, why);
    if (st == AUTHSVC_OAUTH_OK && secret) {
        *why = "client authenticated by more than one method";
        return AUTHSVC_OAUTH_INVALID_REQUEST;
    }
    /* client_id may come along in the body: then it must name the same client */
    if (st == AUTHSVC_OAUTH_OK && id && strcmp(id, out->client_id) != 0) {
        *why = "client_id differs from the Basic credentials";
        return AUTHSVC_OAUTH_INVALID_REQUEST;
    }
    return st;
}
