/* The API's signed-in gate from memory (see authsvc_gateway_me.h). What the database
 * check of authsvc_bearer_verify answers for a token, the audience still one of its
 * subject's clients and its jti not revoked, is kept with its verified claims in this
 * process's own cache, under the SHA-256 of the whole token and the key ring's tag (a
 * flipped bit misses), until the token's exp and no longer than:
 * - the node's revocation generation has not moved (every revocation made on this node
 *   raises it at once, those of other nodes and of authsvc-admin by the push on
 *   PostgreSQL or the poll);
 * - on SQLite, neither file of the database was written since the check (the stamp):
 *   authsvc-admin and other nodes write that same file, so their changes are seen at
 *   once, as the database check on every request saw them.
 * A membership ends only when its user or client is deleted, and both revoke the
 * tokens they end (authsvc-admin's user delete and client delete), so the revocation
 * that ends a cached entry ends its membership answer too. iss and exp are checked
 * again on every hit. docs/design.md ("/auth/me from memory"). */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <openssl/evp.h>

#include "authsvc_db.h"
#include "authsvc_db_revocations.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_local.h"
#include "authsvc_gateway_me.h"
#include "authsvc_gateway_me_stamp.h"
#include "authsvc_json.h"
#include "authsvc_jwt.h"
#include "authsvc_keys.h"
#include "authsvc_log.h"

/* SHA-256 of the whole compact token, then the key ring's tag (as the gateway's keys). */
#define ME_KEY_LENGTH (32 + AUTHSVC_KEYRING_TAG_LENGTH)

/* One checked token: its claims (cJSON's own memory, as it outlives the request) and
 * when the database was asked about it. Never changed once put. */
typedef struct {
    cJSON *claims;
    long long checked_ms;
} me_entry_t;

typedef struct {
    request_rec *r;
    authsvc_context_t *ctx;
    const authsvc_keyring_t *ring;
    const char *token;
    unsigned char key[ME_KEY_LENGTH];
    authsvc_jwt_expect_t expect;
    authsvc_gateway_local_t *local;
    unsigned long long generation; /* read before the revocation check */
    authsvc_gateway_stamp_t *stamp;
} me_check_t;

static void me_entry_destroy(void *data)
{
    me_entry_t *entry = data;

    cJSON_Delete(entry->claims);
    free(entry);
}

static void me_key(const authsvc_keyring_t *ring, const char *token, unsigned char *key)
{
    unsigned int len = 0;

    EVP_Digest(token, strlen(token), key, &len, ring->sha256 ? ring->sha256 : EVP_sha256(),
               NULL);
    memcpy(key + 32, ring->tag, AUTHSVC_KEYRING_TAG_LENGTH);
}

static authsvc_bearer_result_t me_refused(me_check_t *c, authsvc_jwt_result_t rv)
{
    if (rv == AUTHSVC_JWT_EXPIRED)
        return AUTHSVC_BEARER_EXPIRED;
    c->ctx->log(c->ctx, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(3001) "bearer token refused: %s",
                authsvc_jwt_result_name(rv));
    return AUTHSVC_BEARER_INVALID;
}

/* 1 and *result when this process holds the token checked and nothing could have
 * changed its answer since; 0 when the database must be asked. */
static int me_local_hit(me_check_t *c, cJSON **claims, authsvc_bearer_result_t *result)
{
    const void *data = NULL;
    const me_entry_t *entry;
    authsvc_jwt_result_t rv;

    if (!authsvc_gateway_local_get(c->local, c->r->pool, c->key, ME_KEY_LENGTH, c->expect.now,
                                   c->generation, &data))
        return 0;
    entry = data; /* held until r->pool goes */
    if (!authsvc_gateway_stamp_fresh(c->stamp, entry->checked_ms))
        return 0;
    rv = authsvc_jwt_check_claims(entry->claims, &c->expect);
    if (rv == AUTHSVC_JWT_VALID)
        *claims = entry->claims; /* read-only from here on */
    *result = rv == AUTHSVC_JWT_VALID ? AUTHSVC_BEARER_OK : me_refused(c, rv);
    return 1;
}

/* Signature and claims: from the node's socache when the token was verified before on
 * this node (by the gateway or the API), else verified now and put there. */
static authsvc_jwt_result_t me_signature(me_check_t *c, cJSON **claims)
{
    const char *text = NULL;
    authsvc_jwt_result_t rv;
    const cJSON *exp;

    if (authsvc_gateway_cache_get(c->r, c->key, ME_KEY_LENGTH, &text)
        && authsvc_json_parse(c->r->pool, text, strlen(text), claims) == AUTHSVC_JSON_VALID) {
        rv = authsvc_jwt_check_claims(*claims, &c->expect);
        if (rv != AUTHSVC_JWT_VALID)
            *claims = NULL;
        return rv;
    }
    *claims = NULL;
    rv = authsvc_jwt_verify(c->r->pool, c->ring, c->token, &c->expect, claims);
    exp = rv == AUTHSVC_JWT_VALID ? cJSON_GetObjectItemCaseSensitive(*claims, "exp") : NULL;
    if (cJSON_IsNumber(exp))
        authsvc_gateway_cache_put(c->r, c->key, ME_KEY_LENGTH,
                                  authsvc_json_print(c->r->pool, *claims),
                                  (long long)exp->valuedouble);
    return rv;
}

/* Kept until exp, as checked at checked_ms against generation. */
static void me_local_put(me_check_t *c, const cJSON *claims, long long checked_ms)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(claims, "exp");
    me_entry_t *entry;

    if (!cJSON_IsNumber(exp))
        return;
    entry = malloc(sizeof(*entry));
    if (!entry)
        return;
    entry->checked_ms = checked_ms;
    entry->claims = cJSON_Duplicate(claims, 1);
    if (!entry->claims) {
        free(entry);
        return;
    }
    authsvc_gateway_local_put(c->local, c->key, ME_KEY_LENGTH, entry, me_entry_destroy,
                              (long long)exp->valuedouble, c->generation);
}

/* Not in this process's cache: the signature (socache or verified), then the database as
 * authsvc_bearer_verify asks it, then this node's revocation set as the gateway asks it;
 * an entry is kept only when both say "not revoked". */
static authsvc_bearer_result_t me_check(me_check_t *c, cJSON **claims)
{
    long long checked_ms = authsvc_db_now_ms(); /* before the database is asked */
    authsvc_jwt_result_t rv = me_signature(c, claims);
    authsvc_bearer_result_t result;
    const cJSON *jti;
    authsvc_db_t *db;
    int revoked;

    if (rv != AUTHSVC_JWT_VALID)
        return me_refused(c, rv);
    result = authsvc_bearer_check_state(c->ctx, *claims);
    if (result == AUTHSVC_BEARER_INVALID)
        *claims = NULL;
    if (result != AUTHSVC_BEARER_OK)
        return result;
    jti = cJSON_GetObjectItemCaseSensitive(*claims, "jti");
    revoked = authsvc_gateway_revoked(c->r, jti->valuestring); /* a string: checked above */
    if (revoked > 0)
        return AUTHSVC_BEARER_REVOKED;
    db = c->ctx->db(c->ctx);
    if (revoked == 0 && db) {
        authsvc_gateway_stamp_learn(c->stamp, authsvc_db_sqlite_file(db));
        me_local_put(c, *claims, checked_ms);
    }
    return AUTHSVC_BEARER_OK;
}

authsvc_bearer_result_t authsvc_gateway_me_verify(request_rec *r, authsvc_context_t *ctx,
                                                  const char *token, cJSON **claims)
{
    me_check_t c;
    authsvc_bearer_result_t result;

    *claims = NULL;
    memset(&c, 0, sizeof(c));
    c.ring = ctx->config->keyring;
    if (c.ring && c.ring->keys->nelts > 0)
        c.local = authsvc_gateway_api_local(r, &c.generation, &c.stamp);
    if (!c.local)
        return authsvc_bearer_verify(ctx, token, 0, claims);
    c.r = r;
    c.ctx = ctx;
    c.token = token;
    c.expect.issuer = ctx->issuer;
    c.expect.now = authsvc_db_now_ms() / 1000;
    c.expect.leeway = authsvc_config_leeway(ctx->config);
    me_key(c.ring, token, c.key);
    if (me_local_hit(&c, claims, &result))
        return result;
    return me_check(&c, claims);
}
