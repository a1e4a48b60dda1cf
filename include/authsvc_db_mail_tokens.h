/* Typed helpers for the e-mailed tokens (mail_tokens: reset and invite links) and the
 * mail counters (mail_limits). Catalogue statements only; they never begin, commit or
 * roll back: the caller's transaction wraps them. */
#ifndef AUTHSVC_DB_MAIL_TOKENS_H
#define AUTHSVC_DB_MAIL_TOKENS_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* A mail_tokens row; text NULL for SQL NULL. */
typedef struct {
    const char *hash;      /* SHA-256 of the token, hex */
    const char *purpose;   /* "reset" or "invite" */
    const char *user_id;   /* reset only */
    const char *client_id; /* reset only */
    const char *email;
    long long expires_ms;
    long long created_ms; /* written only */
    int used;             /* read only: used_at is set */
} authsvc_db_mail_token_t;

/* Stores t (its used flag is ignored: a new token is unused). */
authsvc_status_t authsvc_db_mail_token_insert(authsvc_db_t *db, apr_pool_t *p,
                                              const authsvc_db_mail_token_t *t);

/* The row of hash with purpose: AUTHSVC_NOT_FOUND when there is none (*t zeroed). */
authsvc_status_t authsvc_db_mail_token_by_hash(authsvc_db_t *db, apr_pool_t *p,
                                               const char *hash, const char *purpose,
                                               authsvc_db_mail_token_t *t);

/* Marks the token used at now_ms if it is unused and unexpired then: AUTHSVC_OK for the
 * one caller that wins, AUTHSVC_NOT_FOUND when no row changed. */
authsvc_status_t authsvc_db_mail_token_consume(authsvc_db_t *db, apr_pool_t *p,
                                               const char *hash, const char *purpose,
                                               long long now_ms);

/* Marks every unused reset token of user_id used at now_ms. */
authsvc_status_t authsvc_db_mail_token_retire_user(authsvc_db_t *db, apr_pool_t *p,
                                                   const char *user_id, long long now_ms);

/* Counts one request against (scope, subject) at now_ms in a fixed window of window_ms,
 * in one statement: *count includes this request, *window_start is when its window
 * began (now_ms when the row says nothing). */
authsvc_status_t authsvc_db_mail_limit_hit(authsvc_db_t *db, apr_pool_t *p, const char *scope,
                                           const char *subject, long long now_ms,
                                           long long window_ms, long long *count,
                                           long long *window_start);

#endif
