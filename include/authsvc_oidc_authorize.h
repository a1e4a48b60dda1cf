/* The OpenID Connect authorization endpoint's decisions: the request checked against the
 * client's registration, then "sign in first", an error for the redirect URI, or a code
 * for the browser session's user. Also the end-session endpoint's check of its
 * id_token_hint. No HTTP here: the flows (flow_oidc_authorize.c, flow_oidc_logout.c)
 * read the parameters and answer. */
#ifndef AUTHSVC_OIDC_AUTHORIZE_H
#define AUTHSVC_OIDC_AUTHORIZE_H

#include "authsvc_context.h"
#include "authsvc_db.h"
#include "authsvc_db_oidc.h"
#include "authsvc_tokens.h"

#define AUTHSVC_OIDC_STATE_MAX 2048 /* longer state or nonce: invalid_request */
#define AUTHSVC_OIDC_NONCE_MAX 512

/* The parameters as sent (NULL when absent). duplicate names one sent twice. */
typedef struct {
    const char *client_id;
    const char *redirect_uri;
    const char *response_type;
    const char *response_mode;
    const char *scope;
    const char *state;
    const char *nonce;
    const char *code_challenge;
    const char *code_challenge_method;
    const char *prompt;
    const char *max_age;
    const char *request;     /* request objects are not supported */
    const char *request_uri; /* nor request_uri */
    const char *duplicate;
} authsvc_oidc_authorize_params_t;

typedef enum {
    AUTHSVC_OIDC_AUTHZ_OK,           /* valid: see the request */
    AUTHSVC_OIDC_AUTHZ_BAD_CLIENT,   /* client_id missing, unknown or not registered */
    AUTHSVC_OIDC_AUTHZ_BAD_REDIRECT, /* redirect_uri missing or not registered exactly */
    AUTHSVC_OIDC_AUTHZ_ERROR,        /* error (and description) for the redirect URI */
    AUTHSVC_OIDC_AUTHZ_UNAVAILABLE   /* the database failed */
} authsvc_oidc_authz_status_t;

/* A checked request. */
typedef struct {
    authsvc_client_t *client;
    const char *redirect_uri; /* registered exactly: safe to redirect to */
    const char *state;
    const char *scope; /* the kept scopes: openid, profile, email, offline_access */
    int prompt_login;  /* prompt=login */
    int prompt_none;   /* prompt=none */
    long long max_age; /* seconds, -1 when absent */
    const char *error; /* RFC 6749 4.1.2.1 code, with AUTHSVC_OIDC_AUTHZ_ERROR */
    const char *error_description;
} authsvc_oidc_authorize_t;

/* The checks that need no database, on a client that is public or not: fills out's
 * scope, prompt, max_age and state; AUTHSVC_OIDC_AUTHZ_OK or _ERROR (out->error). */
authsvc_oidc_authz_status_t authsvc_oidc_authorize_check_params(
    apr_pool_t *p, const authsvc_oidc_authorize_params_t *in, int is_public,
    authsvc_oidc_authorize_t *out);

/* Every check: the client and its registration (redirect URI exactly), then the
 * parameters. On AUTHSVC_OIDC_AUTHZ_ERROR out->redirect_uri and out->state are set. */
authsvc_oidc_authz_status_t authsvc_oidc_authorize_check(
    authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_oidc_authorize_params_t *in,
    authsvc_oidc_authorize_t *out);

/* The browser session the request comes with (user_id NULL: none). */
typedef struct {
    const char *user_id;
    const char *tenant_id; /* of the session's access token, or NULL */
    long long auth_time_ms;
    const char *amr; /* space-separated RFC 8176 values */
} authsvc_oidc_session_t;

typedef enum {
    AUTHSVC_OIDC_ISSUE_CODE, /* a code for the session's user */
    AUTHSVC_OIDC_SIGN_IN,    /* to the login page (after ending the session: end_session) */
    AUTHSVC_OIDC_REFUSE      /* req->error for the redirect URI */
} authsvc_oidc_next_t;

/* What to do with a checked request and the session at now_ms. *end_session: end the
 * current session before the login page (prompt=login, max_age passed). */
authsvc_oidc_next_t authsvc_oidc_authorize_next(authsvc_oidc_authorize_t *req,
                                                const authsvc_oidc_session_t *session,
                                                long long now_ms, int *end_session);

/* Mints and stores a code for the session's user through req->client. *code is the
 * secret for the redirect. AUTHSVC_OK, AUTHSVC_INVALID (req->error set: access_denied,
 * the user is not a member of the client or may not sign in) or AUTHSVC_UNAVAILABLE. */
authsvc_status_t authsvc_oidc_authorize_issue(authsvc_context_t *ctx, authsvc_db_t *db,
                                              authsvc_oidc_authorize_t *req,
                                              const authsvc_oidc_authorize_params_t *in,
                                              const authsvc_oidc_session_t *session,
                                              const char **code);

/* The end-session endpoint: hint verified (signature and issuer; expired is fine), its
 * client in *client_id. post_logout_redirect_uri (may be NULL) is copied to *target only
 * when registered exactly for that client. AUTHSVC_OK, AUTHSVC_INVALID (no valid hint),
 * AUTHSVC_UNAVAILABLE. */
authsvc_status_t authsvc_oidc_logout_target(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *hint,
                                            const char *post_logout_redirect_uri,
                                            const char **client_id, const char **target);

#endif
