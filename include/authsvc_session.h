/* Sessions as a service over authsvc_context_t: password login to a token pair, token
 * refresh (rotation with reuse detection) and logout. The API's flows (flow_login.c,
 * flow_session.c) and the gateway's browser session and login page (gateway_session.c,
 * login_page.c) call it alike; only src/api maps its status to an answer
 * (answer_session.c). docs/design.md section 5. */
#ifndef AUTHSVC_SESSION_H
#define AUTHSVC_SESSION_H

#include <apr_time.h>

#include "authsvc_context.h"
#include "authsvc_tokens.h"

typedef enum {
    AUTHSVC_SESSION_OK = 0,
    AUTHSVC_SESSION_UNAVAILABLE,       /* the database cannot be used now (503, Retry-After) */
    AUTHSVC_SESSION_FAILED,            /* a membership could not be read (503 alone) */
    AUTHSVC_SESSION_TOO_MANY_ATTEMPTS, /* the client address is limited (retry_after) */
    AUTHSVC_SESSION_BAD_CLIENT,        /* unknown client or wrong client secret */
    AUTHSVC_SESSION_BAD_CREDENTIALS,   /* unknown user, wrong password, locked username */
    AUTHSVC_SESSION_CLIENT_INVALID,    /* the user is not a member of the client */
    AUTHSVC_SESSION_USER_INACTIVE,     /* not active in the tenant */
    AUTHSVC_SESSION_SECOND_FACTOR,     /* a second factor is owed: no tokens here */
    AUTHSVC_SESSION_CODE_EXPIRED,      /* the auth code was redeemed meanwhile */
    AUTHSVC_SESSION_BEARER_INVALID,    /* the access token presented is not ours */
    AUTHSVC_SESSION_TOKEN_INVALID,     /* refresh token and access token do not belong */
    AUTHSVC_SESSION_TOKEN_EXPIRED,     /* refresh token unknown, expired, used or revoked */
    AUTHSVC_SESSION_UNKNOWN_USER       /* the user may not be in the tenant asked for */
} authsvc_session_status_t;

/* A password login through a client. */
typedef struct {
    const char *client_id;
    const char *client_secret; /* NULL for public clients */
    const char *username;
    const char *password;
    /* The browser's verified device cookie (login page), else NULL: a known source
     * (README, "Passwords and brute force"). */
    const char *device_user_id;
    const char *device_id;
} authsvc_session_login_t;

/* What a login or refresh gives. */
typedef struct {
    authsvc_token_pair_t pair;
    const char *user_id;
    const authsvc_client_t *client; /* login: the client it went through */
    const authsvc_principal_t *principal;
    long retry_after;                  /* AUTHSVC_SESSION_TOO_MANY_ATTEMPTS: seconds */
    apr_interval_time_t password_time; /* spent hashing and checking passwords */
} authsvc_session_tokens_t;

/* The first factor alone: regulation, client, user, lockout, password, membership, with
 * their activity rows and log lines. out->client and out->principal on success. */
authsvc_session_status_t authsvc_session_authenticate(authsvc_context_t *ctx,
                                                      const authsvc_session_login_t *in,
                                                      authsvc_session_tokens_t *out);

/* authsvc_session_authenticate, then a token pair unless a second factor is owed. */
authsvc_session_status_t authsvc_session_login(authsvc_context_t *ctx,
                                               const authsvc_session_login_t *in,
                                               authsvc_session_tokens_t *out);

/* Issues a new family's pair for pr through client and records the login (last login,
 * ACCESS row) in one transaction, redeeming the auth code code_hash when not NULL
 * (AUTHSVC_SESSION_CODE_EXPIRED when it was redeemed meanwhile). */
authsvc_session_status_t authsvc_session_issue(authsvc_context_t *ctx,
                                               const authsvc_client_t *client,
                                               const authsvc_principal_t *pr,
                                               const char *code_hash,
                                               authsvc_session_tokens_t *out);

/* A refresh: the refresh token, and the access token it was issued with, either as a
 * token to verify (expired ones pass) or as the jti of one verified already. */
typedef struct {
    const char *access_token;
    const char *access_jti;
    const char *refresh_token;
    const char *tenant_id; /* NULL or "": the session's own tenant */
} authsvc_session_refresh_t;

/* Consumes the refresh token and issues its successor in the same family; a token used
 * twice ends its family (RFC 9700 4.14.2). */
authsvc_session_status_t authsvc_session_refresh(authsvc_context_t *ctx,
                                                 const authsvc_session_refresh_t *in,
                                                 authsvc_session_tokens_t *out);

/* Revokes the refresh token and the access token (access_jti) it was issued with.
 * *user_id: whose session it was. */
authsvc_session_status_t authsvc_session_logout(authsvc_context_t *ctx, const char *access_jti,
                                                const char *refresh_token,
                                                const char **user_id);

/* The status's name for a log line ("token-expired"). */
const char *authsvc_session_status_name(authsvc_session_status_t st);

/* The refresh family of refresh_token when it was issued with access_jti, else NULL. */
const char *authsvc_session_family(authsvc_context_t *ctx, const char *access_jti,
                                   const char *refresh_token);

#endif
