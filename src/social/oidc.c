/* The OAuth 2.0 / OpenID Connect client side, without network or httpd. */
#include <math.h>
#include <string.h>

#include <apr_base64.h>
#include <apr_escape.h>
#include <apr_strings.h>
#include <openssl/evp.h>

#include "authsvc_base64url.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_oidc.h"

#define PKCE_VERIFIER_MIN 43
#define PKCE_VERIFIER_MAX 128
#define APPLE_SECRET_LIFETIME 300

static const char *oidc_encode(apr_pool_t *p, const char *s)
{
    return apr_pescape_urlencoded(p, s);
}

int authsvc_oidc_pkce_verifier_valid(const char *verifier)
{
    apr_size_t len = verifier ? strlen(verifier) : 0, i;

    if (len < PKCE_VERIFIER_MIN || len > PKCE_VERIFIER_MAX)
        return 0;
    for (i = 0; i < len; i++) {
        char c = verifier[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '-' || c == '.' || c == '_' || c == '~'))
            return 0;
    }
    return 1;
}

const char *authsvc_oidc_pkce_challenge(apr_pool_t *p, const char *verifier)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    if (!authsvc_oidc_pkce_verifier_valid(verifier)
        || EVP_Digest(verifier, strlen(verifier), digest, &len, EVP_sha256(), NULL) != 1)
        return NULL;
    return authsvc_b64url_encode(p, digest, len);
}

/* "&name=value" with value encoded; "" when value is NULL. */
static const char *oidc_param(apr_pool_t *p, const char *name, const char *value)
{
    return value ? apr_pstrcat(p, "&", name, "=", oidc_encode(p, value), NULL) : "";
}

const char *authsvc_oidc_authorize_url(apr_pool_t *p, const authsvc_social_provider_t *provider,
                                       const char *redirect_uri, const char *state,
                                       const char *nonce, const char *code_challenge)
{
    const char *url = provider->authorization_endpoint;
    const char *q = apr_pstrcat(
        p, "response_type=code", oidc_param(p, "client_id", provider->client_id),
        oidc_param(p, "redirect_uri", redirect_uri), oidc_param(p, "scope", provider->scope),
        oidc_param(p, "state", state), oidc_param(p, "nonce", nonce),
        oidc_param(p, "code_challenge", code_challenge),
        oidc_param(p, "code_challenge_method", code_challenge ? "S256" : NULL),
        oidc_param(p, "response_mode", provider->response_mode), NULL);
    int i;

    for (i = 0; provider->authorize_params && i < provider->authorize_params->nelts; i++)
        q = apr_pstrcat(p, q, "&", APR_ARRAY_IDX(provider->authorize_params, i, const char *),
                        NULL);
    return apr_pstrcat(p, url, strchr(url, '?') ? "&" : "?", q, NULL);
}

authsvc_status_t authsvc_oidc_apple_client_secret(apr_pool_t *p,
                                                  const authsvc_social_provider_t *provider,
                                                  long long now, const char **jwt)
{
    cJSON *claims = authsvc_json_own(p, cJSON_CreateObject());
    authsvc_key_t key;

    *jwt = NULL;
    if (!provider->private_key || !claims)
        return AUTHSVC_INVALID;
    key = *provider->private_key; /* the same key, under Apple's key id */
    key.kid = provider->key_id;
    cJSON_AddStringToObject(claims, "iss", provider->team_id);
    cJSON_AddNumberToObject(claims, "iat", (double)now);
    cJSON_AddNumberToObject(claims, "exp", (double)(now + APPLE_SECRET_LIFETIME));
    cJSON_AddStringToObject(claims, "aud",
                            provider->client_secret_audience ? provider->client_secret_audience
                                                             : provider->issuer);
    cJSON_AddStringToObject(claims, "sub", provider->client_id);
    return authsvc_jwt_sign(p, &key, claims, jwt);
}

/* RFC 6749 2.3.1: Basic credentials are the form-encoded id and secret. */
static const char *oidc_basic(apr_pool_t *p, const char *id, const char *secret)
{
    const char *pair = apr_pstrcat(p, oidc_encode(p, id), ":", oidc_encode(p, secret), NULL);
    int len = (int)strlen(pair);
    char *coded = apr_palloc(p, (apr_size_t)apr_base64_encode_len(len));

    apr_base64_encode(coded, pair, len);
    return apr_pstrcat(p, "Authorization: Basic ", coded, NULL);
}

/* Client authentication: a header (basic) or form fields (post, Apple). */
static authsvc_status_t oidc_client_auth(apr_pool_t *p,
                                         const authsvc_social_provider_t *provider,
                                         long long now, const char **fields,
                                         apr_array_header_t *headers)
{
    const char *secret = provider->client_secret;

    *fields = oidc_param(p, "client_id", provider->client_id);
    if (provider->client_auth == AUTHSVC_SOCIAL_AUTH_BASIC) {
        APR_ARRAY_PUSH(headers, const char *) = oidc_basic(p, provider->client_id, secret);
        return AUTHSVC_OK;
    }
    if (provider->client_auth == AUTHSVC_SOCIAL_AUTH_APPLE
        && authsvc_oidc_apple_client_secret(p, provider, now, &secret) != AUTHSVC_OK)
        return AUTHSVC_CRYPTO_ERROR;
    *fields = apr_pstrcat(p, *fields, oidc_param(p, "client_secret", secret), NULL);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_oidc_client_request(apr_pool_t *p,
                                             const authsvc_social_provider_t *provider,
                                             const char *fields, long long now,
                                             const char **body, apr_array_header_t **headers)
{
    const char *auth_fields = "";
    authsvc_status_t st;

    *headers = apr_array_make(p, 3, sizeof(const char *));
    APR_ARRAY_PUSH(*headers, const char *) = "Accept: application/json";
    APR_ARRAY_PUSH(*headers, const char *) = "Content-Type: application/x-www-form-urlencoded";
    st = oidc_client_auth(p, provider, now, &auth_fields, *headers);
    if (st != AUTHSVC_OK)
        return st;
    *body = apr_pstrcat(p, fields, auth_fields, NULL);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_oidc_token_request(apr_pool_t *p,
                                            const authsvc_social_provider_t *provider,
                                            const char *code, const char *redirect_uri,
                                            const char *verifier, long long now,
                                            const char **body, apr_array_header_t **headers)
{
    const char *fields = apr_pstrcat(p, "grant_type=authorization_code",
                                     oidc_param(p, "code", code),
                                     oidc_param(p, "redirect_uri", redirect_uri),
                                     oidc_param(p, "code_verifier", verifier), NULL);

    return authsvc_oidc_client_request(p, provider, fields, now, body, headers);
}

const char *authsvc_oidc_form_field(apr_pool_t *p, const char *name, const char *value)
{
    return apr_pstrcat(p, name, "=", oidc_encode(p, value), NULL);
}

static const char *oidc_string(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(item) && *item->valuestring ? item->valuestring : NULL;
}

authsvc_status_t authsvc_oidc_token_response(apr_pool_t *p, const char *body, apr_size_t len,
                                             authsvc_oidc_tokens_t *out)
{
    cJSON *doc = NULL;

    memset(out, 0, sizeof(*out));
    if (authsvc_json_parse(p, body, len, &doc) != AUTHSVC_JSON_VALID || !cJSON_IsObject(doc))
        return AUTHSVC_INVALID;
    out->access_token = oidc_string(doc, "access_token");
    out->id_token = oidc_string(doc, "id_token");
    out->refresh_token = oidc_string(doc, "refresh_token");
    return out->access_token ? AUTHSVC_OK : AUTHSVC_INVALID;
}

const char *authsvc_oidc_token_kid(apr_pool_t *p, const char *token)
{
    const char *dot = token ? strchr(token, '.') : NULL;
    unsigned char *text = NULL;
    apr_size_t len = 0;
    cJSON *header = NULL;

    if (!dot
        || authsvc_b64url_decode(p, token, (apr_size_t)(dot - token), &text, &len) != AUTHSVC_OK
        || authsvc_json_parse(p, (const char *)text, len, &header) != AUTHSVC_JSON_VALID)
        return NULL;
    return oidc_string(header, "kid");
}

const char *authsvc_oidc_result_name(authsvc_oidc_result_t r)
{
    static const char *const names[] = {"valid", "signature", "issuer", "audience",
                                        "azp",   "expired",   "nonce",  "claims"};

    return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

static authsvc_oidc_result_t oidc_from_jwt(authsvc_jwt_result_t r)
{
    switch (r) {
    case AUTHSVC_JWT_VALID: return AUTHSVC_OIDC_VALID;
    case AUTHSVC_JWT_WRONG_ISSUER: return AUTHSVC_OIDC_ISSUER;
    case AUTHSVC_JWT_WRONG_AUDIENCE: return AUTHSVC_OIDC_AUDIENCE;
    case AUTHSVC_JWT_EXPIRED:
    case AUTHSVC_JWT_NOT_YET_VALID: return AUTHSVC_OIDC_EXPIRED;
    default: return AUTHSVC_OIDC_SIGNATURE;
    }
}

/* azp (authorized party): ours when present; required when aud names others too. */
static int oidc_azp_ok(const cJSON *claims, const char *client_id)
{
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(claims, "aud");
    const cJSON *azp = cJSON_GetObjectItemCaseSensitive(claims, "azp");

    if (azp)
        return cJSON_IsString(azp) && strcmp(azp->valuestring, client_id) == 0;
    return !cJSON_IsArray(aud) || cJSON_GetArraySize(aud) == 1;
}

authsvc_oidc_result_t authsvc_oidc_id_token_check(apr_pool_t *p,
                                                  const authsvc_social_provider_t *provider,
                                                  const authsvc_keyring_t *ring,
                                                  const char *id_token, const char *nonce,
                                                  long long now, int leeway, cJSON **claims)
{
    const char *const audiences[] = {provider->client_id, NULL};
    authsvc_jwt_expect_t expect = {.issuer = provider->issuer,
                                   .audiences = audiences,
                                   .now = now,
                                   .leeway = leeway,
                                   .issued_elsewhere = 1};
    const char *got_nonce;
    cJSON *c = NULL;
    authsvc_oidc_result_t r;

    *claims = NULL;
    r = oidc_from_jwt(authsvc_jwt_verify(p, ring, id_token, &expect, &c));
    if (r != AUTHSVC_OIDC_VALID)
        return r;
    if (!oidc_azp_ok(c, provider->client_id))
        return AUTHSVC_OIDC_AZP;
    got_nonce = oidc_string(c, "nonce");
    if (!nonce || !got_nonce || strcmp(got_nonce, nonce) != 0)
        return AUTHSVC_OIDC_NONCE;
    if (!oidc_string(c, "sub") || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(c, "iat")))
        return AUTHSVC_OIDC_CLAIMS;
    *claims = c;
    return AUTHSVC_OIDC_VALID;
}

const char *authsvc_oidc_claim_text(apr_pool_t *p, const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    if (cJSON_IsString(item))
        return *item->valuestring ? item->valuestring : NULL;
    /* 2^53: above it a double no longer holds every whole number (Instagram's user_id) */
    if (cJSON_IsNumber(item) && item->valuedouble >= 0 && item->valuedouble < 9007199254740992.0
        && floor(item->valuedouble) == item->valuedouble)
        return apr_psprintf(p, "%.0f", item->valuedouble);
    return NULL;
}

int authsvc_oidc_claim_true(const cJSON *claims, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);

    return cJSON_IsTrue(item)
           || (cJSON_IsString(item) && strcmp(item->valuestring, "true") == 0);
}
