/* Bearer access tokens (RFC 6750) presented to the service's own routes. */
#ifndef AUTHSVC_BEARER_H
#define AUTHSVC_BEARER_H

#include <apr_tables.h>
#include <cjson/cJSON.h>

#include "authsvc_context.h"
#include "authsvc_error.h"

typedef enum {
    AUTHSVC_BEARER_OK = 0,
    AUTHSVC_BEARER_MISSING, /* no Authorization header */
    AUTHSVC_BEARER_INVALID, /* malformed header, bad token, wrong issuer, unknown key */
    AUTHSVC_BEARER_EXPIRED,
    AUTHSVC_BEARER_REVOKED,
    AUTHSVC_BEARER_UNAVAILABLE /* the revocation list cannot be read */
} authsvc_bearer_result_t;

/* The token of "Authorization: Bearer <token68>": scheme case-insensitive, one space,
 * nothing else (two headers merged by httpd, tabs, extra words are refused). */
authsvc_bearer_result_t authsvc_bearer_token(const apr_table_t *headers, const char **token);

/* The first half of authsvc_bearer_token: the scheme only, the token's characters not
 * checked (the gateway compares it with tokens it verified before, and checks it with
 * authsvc_bearer_token_ok only when it must verify it). */
authsvc_bearer_result_t authsvc_bearer_candidate(const apr_table_t *headers,
                                                 const char **token);

/* 1 when every character of token is token68 and it is at most AUTHSVC_JWT_LENGTH_MAX. */
int authsvc_bearer_token_ok(const char *token);

/* Verifies token against the configured keys and issuer, then its revocation. With
 * allow_expired an expired but genuine token passes (token refresh). */
authsvc_bearer_result_t authsvc_bearer_verify(authsvc_context_t *ctx, const char *token,
                                              int allow_expired, cJSON **claims);

/* authsvc_bearer_verify for token refresh: expired tokens pass, and the revocation is
 * not looked up (refresh takes a revoked access token along with its refresh token), so
 * never AUTHSVC_BEARER_REVOKED. */
authsvc_bearer_result_t authsvc_bearer_verify_refresh(authsvc_context_t *ctx, const char *token,
                                                      cJSON **claims);

/* The database's part of authsvc_bearer_verify (the audience still a client of the
 * subject, the jti not revoked) for claims whose signature and times the caller checked:
 * AUTHSVC_BEARER_OK, _INVALID, _REVOKED or _UNAVAILABLE. */
authsvc_bearer_result_t authsvc_bearer_check_state(authsvc_context_t *ctx, const cJSON *claims);

/* Logs at warn, for fail2ban, that a revoked token was refused (claims: as
 * authsvc_bearer_verify left them with AUTHSVC_BEARER_REVOKED). Called where that refusal
 * is answered; token refresh, which takes a revoked access token along with its refresh
 * token, does not call it. */
void authsvc_bearer_revoked_log(authsvc_context_t *ctx, const cJSON *claims);

/* The catalogue error a refused token is answered with, by the API (authsvc_bearer_respond)
 * and by the gateway alike: expired, revoked, else invalid (a missing token included);
 * UNAVAILABLE is ServiceUnavailable. */
authsvc_error_id_t authsvc_bearer_error(authsvc_bearer_result_t result);

#endif
