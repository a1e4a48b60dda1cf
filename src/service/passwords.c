/* Passwords as configured (see authsvc_passwords.h): the policy, hashing and checking
 * with the configured argon2id cost under the child's concurrency cap, timed. */
#include <string.h>

#include <apr_time.h>

#include "authsvc_config.h"
#include "authsvc_db_credentials.h"
#include "authsvc_password.h"
#include "authsvc_password_policy.h"
#include "authsvc_passwords.h"

static void passwords_spent(apr_interval_time_t *spent, apr_time_t started)
{
    if (spent)
        *spent += apr_time_now() - started;
}

authsvc_status_t authsvc_passwords_acceptable(authsvc_context_t *ctx, const char *username,
                                              const char *password, const char **why)
{
    const authsvc_server_config_t *c = ctx->config;
    authsvc_password_policy_t policy;

    *why = NULL;
    if (authsvc_password_policy_init(ctx->pool, &policy, authsvc_config_password_min_length(c),
                                     c->password_blocklist)
        != AUTHSVC_OK) {
        *why = "Password policy unavailable";
        return AUTHSVC_INVALID;
    }
    return authsvc_password_policy_check(&policy, username, password, strlen(password), why);
}

authsvc_status_t authsvc_passwords_hash(authsvc_context_t *ctx, const char *password,
                                        const char **encoded, apr_interval_time_t *spent)
{
    const authsvc_server_config_t *c = ctx->config;
    apr_time_t started = apr_time_now();
    authsvc_status_t st = authsvc_password_hash_limited(ctx->pool, password, strlen(password),
                                                        authsvc_config_password_params(c),
                                                        c->password_limiter, encoded);

    passwords_spent(spent, started);
    return st;
}

authsvc_status_t authsvc_passwords_check(authsvc_context_t *ctx, const char *stored,
                                         const char *password, int *needs_rehash,
                                         apr_interval_time_t *spent)
{
    const authsvc_server_config_t *c = ctx->config;
    const char *burn = NULL;
    apr_time_t started;
    authsvc_status_t st;

    if (needs_rehash)
        *needs_rehash = 0;
    if (!stored) {
        /* no hash to check: spend the time one check costs, then refuse */
        st = authsvc_passwords_hash(ctx, password, &burn, spent);
        return st == AUTHSVC_UNAVAILABLE ? st : AUTHSVC_INVALID;
    }
    started = apr_time_now();
    st = authsvc_password_check(stored, password, strlen(password),
                                authsvc_config_password_params(c), c->password_limiter,
                                needs_rehash);
    passwords_spent(spent, started);
    return st;
}

authsvc_status_t authsvc_passwords_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const char *user_id, const char *password,
                                         apr_interval_time_t *spent)
{
    const char *hash = NULL;
    authsvc_status_t st = authsvc_passwords_hash(ctx, password, &hash, spent);

    if (st != AUTHSVC_OK)
        return st;
    return authsvc_db_credential_password_set(db, ctx->pool, user_id, hash,
                                              authsvc_db_now_ms());
}
