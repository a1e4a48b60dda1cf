/* AuthType authsvc: the check_authn hook. It takes the bearer token (never from the
 * query string), verifies it as the issuer does (signature by kid from our keys or the
 * configured JWK Set, iss, aud allow-list, exp, revocation), sets r->user from the
 * configured claim and passes the identity on. Verified tokens are cached
 * (gateway_cache.c and, in this process, gateway_local.c); this process's own cache keeps
 * the claims parsed and the identity header values made and compares the token itself,
 * so that a token seen before is neither hashed, checked, parsed nor described again. */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <mod_auth.h>
#include <openssl/evp.h>

#include "authsvc_metrics.h"
#include "authsvc_bearer.h"
#include "authsvc_claims.h"
#include "authsvc_db.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_local.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"

APLOG_USE_MODULE(authsvc);

/* SHA-256 of the whole compact token, 8 bytes naming the key ring. */
#define AUTHN_CACHE_KEY_LENGTH (32 + AUTHSVC_KEYRING_TAG_LENGTH)

static int authn_is_ours(request_rec *r)
{
    const char *type = ap_auth_type(r);
    return type && strcasecmp(type, "authsvc") == 0;
}

static const authsvc_gateway_dir_t *authn_dir(request_rec *r)
{
    const authsvc_dir_config_t *d = ap_get_module_config(r->per_dir_config, &authsvc_module);
    return d->gateway;
}

static const authsvc_server_config_t *authn_server(request_rec *r)
{
    return ap_get_module_config(r->server->module_config, &authsvc_module);
}

/* The configured JWK Set, else the vhost's own keys. */
static const authsvc_keyring_t *authn_ring(request_rec *r)
{
    const authsvc_server_config_t *sc = authn_server(r);
    const authsvc_gateway_server_t *g = sc->gateway;

    return g->jwks_set ? g->jwks : sc->keyring;
}

int authsvc_gateway_wants_json(request_rec *r)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");
    const char *mode = apr_table_get(r->headers_in, "Sec-Fetch-Mode");

    return (accept && ap_strcasestr(accept, "application/json"))
           || apr_table_get(r->headers_in, "X-Requested-With")
           || (mode && strcasecmp(mode, "cors") == 0);
}

/* The node's (socache) key: SHA-256 of the whole token first (shmcb picks a subcache by
 * a key's first byte, so the keys must spread from there), then a tag of the key ring
 * (tokens verified under other keys stay apart). */
static void authn_cache_key(const authsvc_keyring_t *ring, const char *token,
                            unsigned char *key)
{
    unsigned int len = 0;

    EVP_Digest(token, strlen(token), key, &len, ring->sha256 ? ring->sha256 : EVP_sha256(),
               NULL);
    memcpy(key + 32, ring->tag, AUTHSVC_KEYRING_TAG_LENGTH);
}

/* This process's key: the ring's tag, then the token itself. The local cache compares
 * whole keys, so a hit hashes nothing: SHA-256 is computed only on a miss, for the
 * node's cache (docs/design.md). */
typedef struct {
    const unsigned char *bytes;
    apr_size_t len;
} authn_local_key_t;

static void authn_local_key(apr_pool_t *p, const authsvc_keyring_t *ring, const char *token,
                            authn_local_key_t *key)
{
    apr_size_t len = strlen(token);
    unsigned char *b = apr_palloc(p, AUTHSVC_KEYRING_TAG_LENGTH + len);

    memcpy(b, ring->tag, AUTHSVC_KEYRING_TAG_LENGTH);
    memcpy(b + AUTHSVC_KEYRING_TAG_LENGTH, token, len);
    key->bytes = b;
    key->len = AUTHSVC_KEYRING_TAG_LENGTH + len;
}

static void authn_expect(request_rec *r, authsvc_jwt_expect_t *expect)
{
    const authsvc_gateway_dir_t *d = authn_dir(r);
    const authsvc_server_config_t *sc = authn_server(r);

    memset(expect, 0, sizeof(*expect));
    expect->issuer = d->issuer_set ? d->issuer : sc->issuer;
    expect->audiences = d->audiences_set ? (const char *const *)d->audiences->elts : NULL;
    expect->now = authsvc_db_now_ms() / 1000;
    expect->leeway = authsvc_config_leeway(sc);
}

/* Signature and claims, from the node's socache when the same token was verified before
 * on this node, else verified now (and put there); *text: the claims as JSON text, as the
 * caches keep them (NULL when there is no exp to keep them until). */
static authsvc_jwt_result_t authn_verify_token(request_rec *r, const authsvc_keyring_t *ring,
                                               const char *token, const unsigned char *key,
                                               const authsvc_jwt_expect_t *expect,
                                               cJSON **claims, const char **text)
{
    authsvc_jwt_result_t rv;
    const cJSON *exp;

    *claims = NULL;
    *text = NULL;
    if (authsvc_gateway_cache_get(r, key, AUTHN_CACHE_KEY_LENGTH, text)
        && authsvc_json_parse(r->pool, *text, strlen(*text), claims) == AUTHSVC_JSON_VALID) {
        authsvc_metrics_count(authn_server(r)->metrics,
                              AUTHSVC_METRIC_GATEWAY_CACHE_SHARED_HIT);
        return authsvc_jwt_check_claims(*claims, expect);
    }
    authsvc_metrics_count(authn_server(r)->metrics, AUTHSVC_METRIC_GATEWAY_CACHE_MISS);
    *text = NULL;
    rv = authsvc_jwt_verify(r->pool, ring, token, expect, claims);
    exp = rv == AUTHSVC_JWT_VALID ? cJSON_GetObjectItemCaseSensitive(*claims, "exp") : NULL;
    if (cJSON_IsNumber(exp)) {
        *text = authsvc_json_print(r->pool, *claims);
        authsvc_gateway_cache_put(r, key, AUTHN_CACHE_KEY_LENGTH, *text,
                                  (long long)exp->valuedouble);
    }
    return rv;
}

/* What this process keeps of a verified token: an identity whose claims and values are
 * its own (malloc'd, since it outlives the request that made it), never changed again. */
static void authn_entry_destroy(void *data)
{
    authsvc_gateway_identity_t *entry = data;

    cJSON_Delete((cJSON *)entry->claims);
    free(entry);
}

/* A copy of id in one malloc'd block (the claims in cJSON's), or NULL. */
static authsvc_gateway_identity_t *authn_entry_make(const authsvc_gateway_identity_t *id)
{
    apr_size_t sizes[AUTHSVC_GATEWAY_IDENTITY_FIELDS], total = sizeof(*id), i;
    authsvc_gateway_identity_t *entry;
    char *at;

    for (i = 0; i < AUTHSVC_GATEWAY_IDENTITY_FIELDS; i++) {
        sizes[i] = id->values[i] ? strlen(id->values[i]) + 1 : 0;
        total += sizes[i];
    }
    entry = malloc(total);
    if (!entry)
        return NULL;
    entry->claims = cJSON_Duplicate(id->claims, 1);
    if (!entry->claims) {
        free(entry);
        return NULL;
    }
    at = (char *)(entry + 1);
    for (i = 0; i < AUTHSVC_GATEWAY_IDENTITY_FIELDS; i++) {
        entry->values[i] = sizes[i] ? memcpy(at, id->values[i], sizes[i]) : NULL;
        at += sizes[i];
    }
    return entry;
}

/* The identity from this process's cache: the token was verified and found not revoked
 * here, and no revocation was stored on the node since. 0 when it does not hold it. The
 * claims are checked against this location's expectations every time. */
static int authn_local_hit(request_rec *r, authsvc_gateway_local_t *local,
                           unsigned long long generation, const authn_local_key_t *key,
                           const authsvc_jwt_expect_t *expect, authsvc_gateway_identity_t *id,
                           authsvc_jwt_result_t *rv)
{
    const void *entry = NULL;

    if (!authsvc_gateway_local_get(local, r->pool, key->bytes, key->len, expect->now,
                                   generation, &entry))
        return 0;
    *id = *(const authsvc_gateway_identity_t *)entry; /* held until r->pool goes */
    *rv = authsvc_jwt_check_claims(id->claims, expect);
    return 1;
}

/* Kept until exp, as the socache keeps it; claim sets too large for the socache are
 * not kept here either. */
static void authn_local_put(authsvc_gateway_local_t *local, unsigned long long generation,
                            const authn_local_key_t *key, const authsvc_gateway_identity_t *id,
                            const char *text)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(id->claims, "exp");
    authsvc_gateway_identity_t *entry;

    if (!local || !text || !cJSON_IsNumber(exp)
        || strlen(text) > AUTHSVC_GATEWAY_LOCAL_VALUE_MAX)
        return;
    entry = authn_entry_make(id);
    if (entry)
        authsvc_gateway_local_put(local, key->bytes, key->len, entry, authn_entry_destroy,
                                  (long long)exp->valuedouble, generation);
}

static authsvc_bearer_result_t authn_refused_token(request_rec *r, authsvc_jwt_result_t rv)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  AUTHSVC_LOGNO(1122) "gateway: token "
                                      "refused: %s",
                  authsvc_jwt_result_name(rv));
    return rv == AUTHSVC_JWT_EXPIRED ? AUTHSVC_BEARER_EXPIRED : AUTHSVC_BEARER_INVALID;
}

static authsvc_bearer_result_t authn_verify(request_rec *r, const char *token,
                                            authsvc_gateway_identity_t *id)
{
    const authsvc_keyring_t *ring = authn_ring(r);
    unsigned char key[AUTHN_CACHE_KEY_LENGTH];
    authn_local_key_t local_key;
    authsvc_gateway_local_t *local;
    unsigned long long generation;
    const char *text = NULL;
    authsvc_jwt_expect_t expect;
    authsvc_jwt_result_t rv;
    cJSON *claims = NULL;
    const cJSON *jti;
    int revoked;

    if (!ring || ring->keys->nelts == 0) {
        ap_log_rerror(
            APLOG_MARK, APLOG_ERR, 0, r,
            AUTHSVC_LOGNO(
                1121) "AuthType authsvc "
                      "without keys: set AuthsvcSigningKey or AuthsvcGatewayJWKSFile");
        return AUTHSVC_BEARER_INVALID;
    }
    authn_expect(r, &expect);
    authn_local_key(r->pool, ring, token, &local_key);
    local = authsvc_gateway_local(r, &generation); /* read before the revocation check */
    if (authn_local_hit(r, local, generation, &local_key, &expect, id, &rv)) {
        authsvc_metrics_count(authn_server(r)->metrics, AUTHSVC_METRIC_GATEWAY_CACHE_LOCAL_HIT);
        return rv == AUTHSVC_JWT_VALID ? AUTHSVC_BEARER_OK : authn_refused_token(r, rv);
    }
    /* only tokens that passed this check were ever kept: a hit needs none */
    if (!authsvc_bearer_token_ok(token))
        return AUTHSVC_BEARER_INVALID;
    authn_cache_key(ring, token, key);
    rv = authn_verify_token(r, ring, token, key, &expect, &claims, &text);
    if (rv != AUTHSVC_JWT_VALID)
        return authn_refused_token(r, rv);
    jti = cJSON_GetObjectItemCaseSensitive(claims, "jti");
    if (!cJSON_IsString(jti) || !*jti->valuestring)
        return AUTHSVC_BEARER_INVALID;
    id->claims = claims;
    authsvc_gateway_identity_values(r->pool, id);
    revoked = authsvc_gateway_revoked(r, jti->valuestring);
    if (revoked > 0) /* the key=value shape of authsvc2001, for fail2ban (conf/fail2ban) */
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      AUTHSVC_LOGNO(1123) "token refused: "
                                          "reason=revoked client=%s jti=%s",
                      r->useragent_ip ? r->useragent_ip : "-", jti->valuestring);
    else if (revoked < 0) /* not the client's doing: no client= for fail2ban to match */
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      AUTHSVC_LOGNO(2502) "gateway: token %s "
                                          "refused: revocation list unavailable",
                      jti->valuestring);
    else
        authn_local_put(local, generation, &local_key, id, text);
    return revoked > 0   ? AUTHSVC_BEARER_REVOKED
           : revoked < 0 ? AUTHSVC_BEARER_UNAVAILABLE
                         : AUTHSVC_BEARER_OK;
}

/* Why the request was refused, for the error filter (gateway_errors.c): one value of
 * the enum per result, kept in the request's pool. */
static const authsvc_bearer_result_t authn_results[] = {
    AUTHSVC_BEARER_OK,      AUTHSVC_BEARER_MISSING, AUTHSVC_BEARER_INVALID,
    AUTHSVC_BEARER_EXPIRED, AUTHSVC_BEARER_REVOKED, AUTHSVC_BEARER_UNAVAILABLE};

#define AUTHN_REFUSAL_KEY "authsvc-bearer-refusal"

authsvc_bearer_result_t authsvc_gateway_refusal(request_rec *r)
{
    void *data = NULL;

    apr_pool_userdata_get(&data, AUTHN_REFUSAL_KEY, r->pool);
    return data ? *(const authsvc_bearer_result_t *)data : AUTHSVC_BEARER_INVALID;
}

static int authn_refuse(request_rec *r, authsvc_bearer_result_t rv)
{
    if (rv == AUTHSVC_BEARER_UNAVAILABLE) {
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    apr_pool_userdata_setn(&authn_results[rv], AUTHN_REFUSAL_KEY, NULL, r->pool);
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return HTTP_UNAUTHORIZED;
}

const cJSON *authsvc_gateway_claims(request_rec *r)
{
    for (; r; r = r->prev ? r->prev : r->main) {
        const cJSON *claims = ap_get_module_config(r->request_config, &authsvc_module);
        if (claims)
            return claims;
    }
    return NULL;
}

/* The user: the default claim's value was made with the identity; another claim is
 * looked up for this location. */
static const char *authn_user(request_rec *r, const authsvc_gateway_dir_t *d,
                              const authsvc_gateway_identity_t *id)
{
    if (!d->user_claim_set || strcmp(d->user_claim, AUTHSVC_GATEWAY_USER_CLAIM_DEFAULT) == 0)
        return id->values[0];
    return authsvc_claim_text(r->pool, id->claims, d->user_claim);
}

int authsvc_gateway_check_authn(request_rec *r)
{
    const authsvc_gateway_dir_t *d;
    authsvc_bearer_result_t rv = AUTHSVC_BEARER_MISSING;
    authsvc_gateway_identity_t id;
    const char *token = NULL, *user;

    if (!authn_is_ours(r))
        return DECLINED;
    authsvc_gateway_headers_strip(r);
    d = authn_dir(r);
    memset(&id, 0, sizeof(id));
    if (d->mode != AUTHSVC_GATEWAY_BROWSER)
        rv = authsvc_bearer_candidate(r->headers_in, &token); /* checked in authn_verify */
    if (rv == AUTHSVC_BEARER_MISSING && d->mode != AUTHSVC_GATEWAY_BEARER)
        rv = authsvc_gateway_session_token(r, &token);
    if (rv == AUTHSVC_BEARER_OK)
        rv = authn_verify(r, token, &id);
    authsvc_metrics_count(authn_server(r)->metrics, rv == AUTHSVC_BEARER_OK
                                                        ? AUTHSVC_METRIC_GATEWAY_ALLOWED
                                                        : AUTHSVC_METRIC_GATEWAY_REFUSED);
    if (rv != AUTHSVC_BEARER_OK && rv != AUTHSVC_BEARER_UNAVAILABLE
        && d->mode != AUTHSVC_GATEWAY_BEARER && !authsvc_gateway_wants_json(r))
        return authsvc_gateway_login_redirect(r); /* nothing of the page is sent (T-63) */
    if (rv != AUTHSVC_BEARER_OK)
        return authn_refuse(r, rv);
    user = authn_user(r, d, &id);
    if (!user)
        return authn_refuse(r, AUTHSVC_BEARER_INVALID);
    r->user = apr_pstrdup(r->pool, user);
    /* read-only from here on: a cached identity's claims are shared with other requests */
    ap_set_module_config(r->request_config, &authsvc_module, (void *)id.claims);
    authsvc_gateway_headers_export(r, &id, r->user);
    return OK;
}

int authsvc_gateway_note_auth_failure(request_rec *r, const char *auth_type)
{
    if (strcasecmp(auth_type, "authsvc") != 0)
        return DECLINED;
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return OK;
}
