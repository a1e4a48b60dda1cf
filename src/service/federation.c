/* Federation decisions over the context (see authsvc_federation.h). */
#include <string.h>

#include <openssl/crypto.h>

#include "authsvc_db_saml.h"
#include "authsvc_db_social.h"
#include "authsvc_db_user_links.h"
#include "authsvc_federation.h"
#include "authsvc_limits.h"
#include "authsvc_password.h"
#include "authsvc_purge.h"
#include "authsvc_tokens.h"

authsvc_status_t authsvc_federation_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const authsvc_identity_t *id, int lookup,
                                         int link_by_email, const char **user_id,
                                         const char **how)
{
    authsvc_status_t st = AUTHSVC_NOT_FOUND;

    *how = "linked";
    if (lookup)
        st = authsvc_db_user_link_owner(db, ctx->pool, id->provider, id->subject, user_id);
    if (st != AUTHSVC_NOT_FOUND || !link_by_email)
        return st;
    *how = "email";
    return authsvc_identity_link_by_email(ctx, db, id, user_id);
}

static char *social_random(apr_pool_t *p)
{
    return authsvc_random_token(p, AUTHSVC_SOCIAL_STATE_BYTES);
}

authsvc_status_t authsvc_federation_social_state_new(authsvc_context_t *ctx, authsvc_db_t *db,
                                                     const authsvc_social_start_t *start,
                                                     const char **state, const char **binding,
                                                     authsvc_db_social_state_t *s)
{
    authsvc_status_t st;

    memset(s, 0, sizeof(*s));
    *state = social_random(ctx->pool);
    *binding = social_random(ctx->pool);
    s->nonce = start->nonce ? social_random(ctx->pool) : NULL;
    s->code_verifier = start->pkce ? social_random(ctx->pool) : NULL;
    if (!*state || !*binding || (start->nonce && !s->nonce)
        || (start->pkce && !s->code_verifier))
        return AUTHSVC_NO_MEMORY;
    s->provider = start->provider;
    s->client_id = start->client_id;
    s->binding_hash = authsvc_token_hash(ctx->pool, *binding);
    s->kept_params = start->kept_params;
    s->expires_at = authsvc_db_now_ms() + AUTHSVC_SOCIAL_STATE_TTL * 1000LL;
    st = authsvc_db_social_state_insert(db, ctx->pool, authsvc_token_hash(ctx->pool, *state),
                                        s);
    if (st == AUTHSVC_OK && authsvc_purge_due())
        authsvc_db_social_state_purge(db, ctx->pool, authsvc_db_now_ms());
    return st;
}

authsvc_status_t authsvc_federation_social_state_take(authsvc_context_t *ctx, authsvc_db_t *db,
                                                      const char *provider, const char *state,
                                                      const char *binding,
                                                      authsvc_db_social_state_t *s,
                                                      const char **why)
{
    const char *hash;
    authsvc_status_t st;

    *why = NULL;
    if (!state || !*state) {
        *why = "no state";
        return AUTHSVC_INVALID;
    }
    hash = authsvc_token_hash(ctx->pool, state);
    st = authsvc_db_social_state_get(db, ctx->pool, hash, s);
    if (st != AUTHSVC_OK)
        return st;
    if (strcmp(s->provider, provider) != 0)
        *why = "state of another provider";
    else if (!binding || strcmp(authsvc_token_hash(ctx->pool, binding), s->binding_hash) != 0)
        *why = "state of another browser";
    if (*why)
        return AUTHSVC_INVALID;
    return authsvc_db_social_state_consume(db, ctx->pool, hash, authsvc_db_now_ms());
}

authsvc_status_t authsvc_federation_saml_request_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                                       const authsvc_saml_request_t *r)
{
    authsvc_db_saml_request_t row;

    memset(&row, 0, sizeof(row));
    row.request_id = r->request_id;
    row.client_id = r->client_id;
    row.idp_entity_id = r->idp_entity_id;
    row.relay_state = r->relay_state;
    row.created_at = authsvc_db_now_ms();
    row.expires_at = row.created_at + (long long)r->ttl * 1000;
    row.binding_hash = authsvc_token_hash(ctx->pool, r->binding);
    return authsvc_db_saml_request_insert(db, ctx->pool, &row);
}

/* The browser that posts the Response carries the binding cookie of the request it
 * answers (requests stored before the binding existed have no hash). */
static int saml_same_browser(apr_pool_t *p, const char *binding, const char *binding_hash)
{
    const char *got;

    if (!binding_hash)
        return 1;
    if (!binding)
        return 0;
    got = authsvc_token_hash(p, binding);
    return strlen(got) == strlen(binding_hash)
           && CRYPTO_memcmp(got, binding_hash, strlen(got)) == 0;
}

static const char *saml_request_refusal(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const authsvc_saml_answer_t *a, const char **client_id,
                                        const char **relay_state)
{
    authsvc_db_saml_request_t stored;

    if (!a->in_response_to) {
        if (!a->idp_initiated)
            return "an unsolicited Response, and IdP-initiated logins are off";
        *client_id = a->query_client;
        return a->query_client ? NULL : "an unsolicited Response names no client (?client=)";
    }
    if (authsvc_db_saml_request_get(db, ctx->pool, a->in_response_to, &stored) != AUTHSVC_OK)
        return "InResponseTo names no AuthnRequest of this service";
    *client_id = stored.client_id;
    *relay_state = stored.relay_state;
    if (!saml_same_browser(ctx->pool, a->binding, stored.binding_hash))
        return "the Response came back through another browser than the one that started "
               "the login (binding cookie)";
    if (a->query_client && strcmp(a->query_client, stored.client_id) != 0)
        return "the Response answers a request of another client";
    if (authsvc_db_saml_request_consume(db, ctx->pool, a->in_response_to, stored.client_id,
                                        a->idp_entity_id, authsvc_db_now_ms())
        != AUTHSVC_OK)
        return "the AuthnRequest was answered already or has expired";
    return NULL;
}

authsvc_status_t authsvc_federation_saml_request_take(authsvc_context_t *ctx, authsvc_db_t *db,
                                                      const authsvc_saml_answer_t *a,
                                                      const char **client_id,
                                                      const char **relay_state,
                                                      const char **why)
{
    *client_id = *relay_state = NULL;
    *why = saml_request_refusal(ctx, db, a, client_id, relay_state);
    return *why ? AUTHSVC_INVALID : AUTHSVC_OK;
}

authsvc_status_t authsvc_federation_saml_replay(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const char *idp_entity_id,
                                                const char *assertion_id, long long until_ms,
                                                const char **why)
{
    authsvc_status_t st = authsvc_db_saml_assertion_remember(db, ctx->pool, idp_entity_id,
                                                             assertion_id, until_ms);

    *why = NULL;
    if (st == AUTHSVC_CONFLICT)
        *why = "the Assertion was used before (replay)";
    else if (st != AUTHSVC_OK)
        *why = "the replay cache cannot be written";
    return *why ? AUTHSVC_INVALID : AUTHSVC_OK;
}
