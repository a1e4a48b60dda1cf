/* Passwords as the flows use them: the configured policy, hashing and checking with the
 * configured argon2id cost under the child's concurrency cap, and the rehash of stored
 * hashes that are weaker than the configuration (imported bcrypt ones included). */
#include <string.h>

#include <apr_strings.h>
#include <apr_time.h>

#include "authsvc_config.h"
#include "authsvc_db.h"
#include "authsvc_db_credentials.h"
#include "authsvc_flows.h"
#include "authsvc_password_policy.h"

authsvc_status_t authsvc_flow_password_acceptable(authsvc_request_t *req, const char *username,
                                                  const char *password, const char **why)
{
    const authsvc_server_config_t *c = req->server_config;
    authsvc_password_policy_t policy;

    *why = NULL;
    if (authsvc_password_policy_init(req->pool, &policy, authsvc_config_password_min_length(c),
                                     c->password_blocklist)
        != AUTHSVC_OK) {
        *why = "Password policy unavailable";
        return AUTHSVC_INVALID;
    }
    return authsvc_password_policy_check(&policy, username, password, strlen(password), why);
}

authsvc_status_t authsvc_flow_password_hash(authsvc_request_t *req, const char *password,
                                            const char **encoded)
{
    const authsvc_server_config_t *c = req->server_config;
    apr_time_t started = apr_time_now();
    authsvc_status_t st = authsvc_password_hash_limited(req->pool, password, strlen(password),
                                                        authsvc_config_password_params(c),
                                                        c->password_limiter, encoded);

    req->password_time += apr_time_now() - started;
    return st;
}

authsvc_status_t authsvc_flow_password_check(authsvc_request_t *req, const char *stored,
                                             const char *password, int *needs_rehash)
{
    const authsvc_server_config_t *c = req->server_config;
    const char *burn = NULL;
    apr_time_t started;
    authsvc_status_t st;

    if (needs_rehash)
        *needs_rehash = 0;
    if (!stored) {
        /* no hash to check: spend the time one check costs, then refuse */
        st = authsvc_flow_password_hash(req, password, &burn);
        return st == AUTHSVC_UNAVAILABLE ? st : AUTHSVC_INVALID;
    }
    started = apr_time_now();
    st = authsvc_password_check(stored, password, strlen(password),
                                authsvc_config_password_params(c), c->password_limiter,
                                needs_rehash);
    req->password_time += apr_time_now() - started;
    return st;
}

authsvc_status_t authsvc_flow_password_store(authsvc_request_t *req, authsvc_db_t *db,
                                             const char *user_id, const char *password)
{
    const char *hash = NULL;
    authsvc_status_t st = authsvc_flow_password_hash(req, password, &hash);

    if (st != AUTHSVC_OK)
        return st;
    return authsvc_db_credential_password_set(db, req->pool, user_id, hash,
                                              authsvc_db_now_ms());
}
