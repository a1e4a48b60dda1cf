/* What the service says about itself: OpenID metadata, keys, OpenAPI, health. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_db_readiness.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_keys.h"
#include "authsvc_log.h"
#include "authsvc_openapi.h"

/* The ID token's algorithm, chosen as the token endpoint signs it: the first RS256 key
 * that can sign (every relying party supports RS256), else the signing key's. */
static cJSON *discovery_algs(authsvc_request_t *req)
{
    const authsvc_keyring_t *ring = req->server_config->keyring;
    cJSON *algs = cJSON_CreateArray();
    const authsvc_key_t *signer = ring ? authsvc_keyring_signer(ring) : NULL;
    int i;

    for (i = 0; ring && i < ring->keys->nelts; i++) {
        const authsvc_key_t *k = APR_ARRAY_IDX(ring->keys, i, const authsvc_key_t *);
        if (k->alg == AUTHSVC_JWS_RS256 && k->can_sign) {
            signer = k;
            break;
        }
    }
    if (signer)
        cJSON_AddItemToArray(algs, cJSON_CreateString(authsvc_jws_alg_name(signer->alg)));
    return algs;
}

/* An endpoint of this issuer. */
static void discovery_endpoint(authsvc_request_t *req, cJSON *doc, const char *name,
                               const char *path)
{
    cJSON_AddStringToObject(doc, name, apr_pstrcat(req->pool, req->base_url, path, NULL));
}

/* What the ID token and UserInfo tell, by scope. */
static const char *const discovery_claims =
    "[\"iss\",\"sub\",\"aud\",\"exp\",\"iat\",\"auth_time\",\"nonce\",\"acr\",\"amr\","
    "\"at_hash\",\"email\",\"email_verified\",\"preferred_username\",\"name\","
    "\"given_name\",\"family_name\",\"updated_at\"]";

/* Exactly what the /oauth2/ endpoints do: nothing more is announced. */
int authsvc_flow_openid_configuration(authsvc_request_t *req)
{
    cJSON *doc = authsvc_json_own(req->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(doc, "issuer", req->base_url);
    discovery_endpoint(req, doc, "authorization_endpoint", "/oauth2/authorize");
    discovery_endpoint(req, doc, "token_endpoint", "/oauth2/token");
    discovery_endpoint(req, doc, "userinfo_endpoint", "/oauth2/userinfo");
    discovery_endpoint(req, doc, "end_session_endpoint", "/oauth2/logout");
    discovery_endpoint(req, doc, "revocation_endpoint", "/oauth2/revoke");
    discovery_endpoint(req, doc, "introspection_endpoint", "/oauth2/introspect");
    discovery_endpoint(req, doc, "jwks_uri", "/.well-known/jwks.json");
    cJSON_AddItemToObject(doc, "response_types_supported", cJSON_Parse("[\"code\"]"));
    cJSON_AddItemToObject(doc, "response_modes_supported", cJSON_Parse("[\"query\"]"));
    cJSON_AddItemToObject(doc, "grant_types_supported",
                          cJSON_Parse("[\"authorization_code\",\"refresh_token\","
                                      "\"client_credentials\"]"));
    cJSON_AddItemToObject(doc, "subject_types_supported", cJSON_Parse("[\"public\"]"));
    cJSON_AddItemToObject(doc, "id_token_signing_alg_values_supported", discovery_algs(req));
    cJSON_AddItemToObject(doc, "scopes_supported",
                          cJSON_Parse("[\"openid\",\"profile\",\"email\"]"));
    cJSON_AddItemToObject(doc, "claims_supported", cJSON_Parse(discovery_claims));
    cJSON_AddItemToObject(doc, "token_endpoint_auth_methods_supported",
                          cJSON_Parse("[\"client_secret_basic\",\"client_secret_post\","
                                      "\"none\"]"));
    cJSON_AddItemToObject(doc, "code_challenge_methods_supported", cJSON_Parse("[\"S256\"]"));
    cJSON_AddItemToObject(doc, "prompt_values_supported", cJSON_Parse("[\"login\",\"none\"]"));
    cJSON_AddTrueToObject(doc, "authorization_response_iss_parameter_supported");
    cJSON_AddFalseToObject(doc, "request_parameter_supported");
    cJSON_AddFalseToObject(doc, "request_uri_parameter_supported");
    cJSON_AddFalseToObject(doc, "claims_parameter_supported");
    return authsvc_respond_json(req, 200, doc);
}

/* Publishes the public half of every configured key (HS256 secrets never). */
int authsvc_flow_jwks(authsvc_request_t *req)
{
    cJSON *doc;

    if (req->server_config->keyring)
        return authsvc_respond_json(req, 200,
                                    authsvc_keyring_jwks(req->pool,
                                                         req->server_config->keyring));
    doc = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddArrayToObject(doc, "keys");
    return authsvc_respond_json(req, 200, doc);
}

int authsvc_flow_openapi(authsvc_request_t *req)
{
    return authsvc_respond_json(req, 200,
                                authsvc_openapi_document(req->pool, req->routes,
                                                         req->route_count, req->base_url));
}

int authsvc_flow_health_live(authsvc_request_t *req)
{
    cJSON *doc = authsvc_json_own(req->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(doc, "status", "UP");
    return authsvc_respond_json(req, 200, doc);
}

int authsvc_flow_health_ready(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    cJSON *doc;
    int version = 0;
    authsvc_status_t rv;

    if (!db)
        return authsvc_respond_error_message(req, AUTHSVC_E_SERVICE_UNAVAILABLE,
                                             "Database unavailable", NULL);
    rv = authsvc_db_schema_ready(db, req->pool, &version);
    if (rv != AUTHSVC_OK || version < 1) {
        req->log(req, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(0101) "readiness: schema version %d (%s)", version,
                 authsvc_status_name(rv));
        return authsvc_respond_error_message(req, AUTHSVC_E_SERVICE_UNAVAILABLE,
                                             "Database not ready", NULL);
    }
    doc = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(doc, "status", "UP");
    cJSON_AddStringToObject(doc, "database",
                            db->dialect == AUTHSVC_DIALECT_PGSQL ? "pgsql" : "sqlite3");
    cJSON_AddNumberToObject(doc, "schemaVersion", version);
    return authsvc_respond_json(req, 200, doc);
}
