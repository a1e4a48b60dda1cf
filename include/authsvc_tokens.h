/* What the token flows share: clients, principals (a user in a tenant), issuing
 * token pairs, auth codes and revocation (login activity: authsvc_activity.h). No
 * request_rec here. */
#ifndef AUTHSVC_TOKENS_H
#define AUTHSVC_TOKENS_H

#include <cjson/cJSON.h>

#include "authsvc_activity.h"
#include "authsvc_db.h"
#include "authsvc_db_tokens.h"
#include "authsvc_db_users.h"
#include "authsvc_context.h"

/* user_tenants.status */
enum {
    AUTHSVC_USER_REGISTERED = 0,
    AUTHSVC_USER_ACTIVE = 1,
    AUTHSVC_USER_INACTIVE = 2,
    AUTHSVC_USER_PASSWORD_CHANGE_NEEDED = 3,
    AUTHSVC_USER_REJECTED = 4
};

typedef struct {
    const char *client_id;
    const char *secret_hash; /* NULL for public clients */
    int is_public;
    const char *redirect_url;
    int access_ttl, refresh_ttl, auth_code_ttl; /* seconds, capped by configuration */
} authsvc_client_t;

typedef struct {
    const char *user_id;
    const char *username;
    const char *tenant_id;
    const char *user_tenant_id;
    const char *role_name;
    int status; /* of the user_tenant */
    int mfa_required;
    cJSON *claims; /* the user claims tokens carry (no iss/aud/exp/...) */
} authsvc_principal_t;

typedef struct {
    const char *access_token;
    const char *refresh_token;
    const char *jti;
    long long expires_ms; /* access-token expiry, epoch milliseconds */
    const char *family_id;
} authsvc_token_pair_t;

/* Loads a client; AUTHSVC_NOT_FOUND when unknown. */
authsvc_status_t authsvc_client_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const char *client_id, authsvc_client_t **out);

/* 1 when the client is confidential and secret matches, or public (secret ignored). */
int authsvc_client_secret_ok(const authsvc_client_t *client, const char *secret);

/* Loads a user in a tenant (tenant_id NULL: the user's default tenant). NOT_FOUND when
 * the user or the membership does not exist. */
authsvc_status_t authsvc_principal_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *user_id, const char *tenant_id,
                                        authsvc_principal_t **out);

/* authsvc_principal_load from the user's row the caller has read already. */
authsvc_status_t authsvc_principal_from_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const authsvc_db_user_t *user,
                                             const char *tenant_id, authsvc_principal_t **out);

/* The principal a finished first factor logs in as: AUTHSVC_NOT_FOUND when the user is
 * not a member of the client (ClientInvalid), AUTHSVC_INVALID when not active in their
 * default tenant (UserInactive), AUTHSVC_UNAVAILABLE when the database failed. */
authsvc_status_t authsvc_login_principal(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const char *user_id, const authsvc_client_t *client,
                                         authsvc_principal_t **out);

/* authsvc_login_principal from the user's row, read by the caller. */
authsvc_status_t authsvc_login_principal_from_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                                   const authsvc_db_user_t *user,
                                                   const authsvc_client_t *client,
                                                   authsvc_principal_t **out);

/* 1 when the membership may log in (ACTIVE or PASSWORD_CHANGE_NEEDED). */
int authsvc_principal_may_login(const authsvc_principal_t *pr);

/* Issuing a pair in two steps, so that a transaction holds no signature: prepare signs
 * the access token and draws the refresh token (no database; in family_id, or a new
 * family when NULL, whose absolute end is family_expires_ms or now + the configured
 * maximum), store writes the refresh row (inside the caller's transaction). */
typedef struct {
    authsvc_db_refresh_t row;
    long long now_ms;
    int rotated;
} authsvc_tokens_prepared_t;

authsvc_status_t authsvc_tokens_prepare(authsvc_context_t *ctx, const authsvc_client_t *client,
                                        const authsvc_principal_t *pr, const char *family_id,
                                        long long family_expires_ms, authsvc_token_pair_t *out,
                                        authsvc_tokens_prepared_t *prep);

authsvc_status_t authsvc_tokens_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const authsvc_tokens_prepared_t *prep);

/* What a rotation adds inside its transaction (the service's RELOGIN activity row, the
 * OAuth refresh token's scope); arg is the caller's. */
typedef authsvc_status_t (*authsvc_tokens_rotation_step_t)(
    authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_client_t *client,
    const authsvc_principal_t *pr, const authsvc_token_pair_t *pair, const void *arg);

/* Consumes rt, revokes the access token it came with, stores its successor in rt's
 * family (signed before the transaction begins) and runs step, in one transaction: a
 * child killed in between, or a write that fails, leaves rt valid, never a family whose
 * token is consumed without a successor. The revocation is announced after the commit
 * only. AUTHSVC_NOT_FOUND: rt was consumed meanwhile (a concurrent refresh won). */
authsvc_status_t authsvc_tokens_rotate(authsvc_context_t *ctx, authsvc_db_t *db,
                                       const authsvc_db_refresh_t *rt,
                                       const authsvc_client_t *client,
                                       const authsvc_principal_t *pr,
                                       authsvc_tokens_rotation_step_t step, const void *arg,
                                       authsvc_token_pair_t *pair);

/* SHA-256 hex of a presented secret (auth code, refresh token): what the database keeps. */
const char *authsvc_token_hash(apr_pool_t *p, const char *secret);

/* Revokes an access token by jti until its expiry (epoch ms), and tells this node. */
authsvc_status_t authsvc_tokens_revoke_jti(authsvc_context_t *ctx, authsvc_db_t *db,
                                           const char *jti, long long expires_ms);

/* Only stores the revocation: inside a transaction, the caller tells the node
 * (ctx->revoked) once it has committed, so a rollback is never announced. */
authsvc_status_t authsvc_tokens_revocation_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                                 const char *jti, long long expires_ms);

/* Revokes a refresh family and every access token issued in it. */
authsvc_status_t authsvc_tokens_revoke_family(authsvc_context_t *ctx, authsvc_db_t *db,
                                              const char *family_id);

/* Ends every session of a user (refresh families and their access tokens) but the family
 * keep_family (NULL: all of them). */
authsvc_status_t authsvc_tokens_revoke_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *user_id, const char *keep_family);

#endif
