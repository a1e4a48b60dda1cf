/* Our own auth codes (docs/design.md section 4): random, stored as a SHA-256 hash, single use,
 * short-lived, bound to a client, a user in a tenant, and whether a second factor is
 * still owed. Every login (password, second factor, social, SAML) ends by minting one. */
#ifndef AUTHSVC_AUTH_CODE_H
#define AUTHSVC_AUTH_CODE_H

#include "authsvc_db.h"
#include "authsvc_context.h"
#include "authsvc_tokens.h"

/* A stored code, as authsvc_auth_code_find reads it. */
typedef struct {
    const char *hash;
    const char *client_id;
    const char *user_id;
    const char *tenant_id;
    const char *user_tenant_id;
    int mfa_pending;
    long long expires_at; /* epoch ms */
    int used;
    int otp_failures;      /* wrong second-factor codes tried with it */
    const char *family_id; /* of the tokens it was exchanged for, or NULL */
} authsvc_auth_code_t;

/* Mints a code for pr through client (lifetime: the client's) and stores it. *code is the
 * secret for the caller. */
authsvc_status_t authsvc_auth_code_issue(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const authsvc_client_t *client, const char *user_id,
                                         const char *tenant_id, const char *user_tenant_id,
                                         int mfa_pending, const char **code);

/* 1 when pr must still pass a second factor to log in through client: the user is
 * marked so, AuthsvcMfaRequiredClients names the client, or AuthsvcMfaRequiredTenants
 * the tenant being logged into. */
int authsvc_auth_code_mfa_owed(authsvc_context_t *ctx, const authsvc_principal_t *pr,
                               const authsvc_client_t *client);

/* The code a finished first factor (password, social, SAML) gets: MFA-pending when a
 * second factor is owed. */
authsvc_status_t authsvc_auth_code_issue_for(authsvc_context_t *ctx, authsvc_db_t *db,
                                             const authsvc_client_t *client,
                                             const authsvc_principal_t *pr, const char **code);

/* Reads the code whose secret is code: AUTHSVC_OK, AUTHSVC_NOT_FOUND, or a db failure. */
authsvc_status_t authsvc_auth_code_find(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *code, authsvc_auth_code_t *out);

/* 1 when the code is unused and unexpired now. */
int authsvc_auth_code_live(const authsvc_auth_code_t *c);

/* Marks it used if it still is live: AUTHSVC_OK for the one caller that wins,
 * AUTHSVC_NOT_FOUND for every other. */
authsvc_status_t authsvc_auth_code_consume(authsvc_context_t *ctx, authsvc_db_t *db,
                                           const char *hash);

#endif
