/* ID tokens and the user claims of a scope (authsvc_oidc_id_token.h). */
#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>

#include "authsvc_base64url.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_oidc_id_token.h"

const authsvc_key_t *authsvc_oidc_signer(const authsvc_keyring_t *ring)
{
    int i;

    if (!ring)
        return NULL;
    for (i = 0; i < ring->keys->nelts; i++) {
        const authsvc_key_t *k = APR_ARRAY_IDX(ring->keys, i, const authsvc_key_t *);
        if (k->alg == AUTHSVC_JWS_RS256 && k->can_sign)
            return k;
    }
    return authsvc_keyring_signer(ring);
}

int authsvc_oidc_scope_has(const char *scope, const char *word)
{
    apr_size_t n = word ? strlen(word) : 0;
    const char *at = scope;

    if (!n || !at)
        return 0;
    while ((at = strstr(at, word)) != NULL) {
        if ((at == scope || at[-1] == ' ') && (at[n] == '\0' || at[n] == ' '))
            return 1;
        at += n;
    }
    return 0;
}

static void id_token_add(cJSON *claims, const char *name, const char *value)
{
    if (value && *value)
        cJSON_AddStringToObject(claims, name, value);
}

/* name: "given middle family" of the parts the user has. */
static void id_token_add_name(cJSON *claims, const authsvc_db_user_t *u)
{
    const char *parts[] = {u->first_name, u->middle_name, u->last_name};
    char name[1024];
    apr_size_t i, at = 0;

    name[0] = '\0';
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (!parts[i] || !*parts[i] || at + strlen(parts[i]) + 2 > sizeof(name))
            continue;
        at += (apr_size_t)apr_snprintf(name + at, sizeof(name) - at, "%s%s", at ? " " : "",
                                       parts[i]);
    }
    id_token_add(claims, "name", name);
}

void authsvc_oidc_user_claims(cJSON *claims, const authsvc_db_user_t *u, const char *scope)
{
    if (authsvc_oidc_scope_has(scope, "email"))
        id_token_add(claims, "email", u->email);
    if (!authsvc_oidc_scope_has(scope, "profile"))
        return;
    id_token_add(claims, "preferred_username", u->username);
    id_token_add_name(claims, u);
    id_token_add(claims, "given_name", u->first_name);
    id_token_add(claims, "middle_name", u->middle_name);
    id_token_add(claims, "family_name", u->last_name);
    id_token_add(claims, "picture", u->photo_url);
    id_token_add(claims, "locale", u->locale);
    if (u->updated_at > 0)
        cJSON_AddNumberToObject(claims, "updated_at", (double)(u->updated_at / 1000));
}

const char *authsvc_oidc_at_hash(apr_pool_t *p, const char *access_token)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    if (!access_token
        || !EVP_Digest(access_token, strlen(access_token), md, &len, EVP_sha256(), NULL))
        return NULL;
    return authsvc_b64url_encode(p, md, len / 2);
}

/* amr as a JSON array, and acr from it: "2" when a second factor was used, else "1". */
static void id_token_add_amr(cJSON *claims, apr_pool_t *p, const char *amr)
{
    cJSON *list = cJSON_AddArrayToObject(claims, "amr");
    char *copy = apr_pstrdup(p, amr ? amr : "pwd"), *last = NULL, *word;

    for (word = apr_strtok(copy, " ", &last); word; word = apr_strtok(NULL, " ", &last))
        cJSON_AddItemToArray(list, cJSON_CreateString(word));
    cJSON_AddStringToObject(
        claims, "acr",
        authsvc_oidc_scope_has(amr, "mfa") || authsvc_oidc_scope_has(amr, "otp") ? "2" : "1");
}

authsvc_status_t authsvc_oidc_id_token(authsvc_context_t *ctx,
                                       const authsvc_oidc_id_token_in_t *in, const char **token)
{
    const authsvc_key_t *signer = authsvc_oidc_signer(ctx->config->keyring);
    cJSON *claims = authsvc_json_own(ctx->pool, cJSON_CreateObject());
    long long now_s = authsvc_db_now_ms() / 1000;
    const char *at_hash = authsvc_oidc_at_hash(ctx->pool, in->access_token);

    *token = NULL;
    if (!signer || !signer->can_sign)
        return AUTHSVC_UNAVAILABLE;
    cJSON_AddStringToObject(claims, "iss", ctx->issuer);
    cJSON_AddStringToObject(claims, "sub", in->user->id);
    cJSON_AddStringToObject(claims, "aud", in->client_id);
    cJSON_AddNumberToObject(claims, "iat", (double)now_s);
    cJSON_AddNumberToObject(claims, "exp", (double)(now_s + in->ttl));
    if (in->auth_time_ms > 0)
        cJSON_AddNumberToObject(claims, "auth_time", (double)(in->auth_time_ms / 1000));
    id_token_add(claims, "nonce", in->nonce);
    id_token_add_amr(claims, ctx->pool, in->amr);
    id_token_add(claims, "at_hash", at_hash);
    authsvc_oidc_user_claims(claims, in->user, in->scope);
    return authsvc_jwt_sign(ctx->pool, signer, claims, token);
}
