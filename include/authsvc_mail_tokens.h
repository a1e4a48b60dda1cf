/* What the reset and sign-up flows share: emailed tokens (opaque, from the CSPRNG,
 * stored as SHA-256, single use, with a lifetime), the mail limits per address and per
 * client IP, and the delivery of a link by mail and webhook (run in the background
 * worker). A service over the context: the 429 of a route over the IP limit is the
 * API's (authsvc_answer_mail_limit.h). */
#ifndef AUTHSVC_MAIL_TOKENS_H
#define AUTHSVC_MAIL_TOKENS_H

#include "authsvc_db.h"
#include "authsvc_context.h"

typedef enum {
    AUTHSVC_MAIL_RESET, /* purpose 'reset': names a user and a client */
    AUTHSVC_MAIL_INVITE /* purpose 'invite': names an address */
} authsvc_mail_kind_t;

typedef struct {
    const char *hash;
    const char *user_id;   /* reset only */
    const char *client_id; /* reset only */
    const char *email;
    long long expires_ms;
    int used;
} authsvc_mail_token_t;

/* A new token of kind for user_id/client_id (reset) or email; *token is what the link
 * carries (64 hex characters). */
authsvc_status_t authsvc_mail_token_issue(authsvc_context_t *ctx, authsvc_db_t *db,
                                          authsvc_mail_kind_t kind, const char *user_id,
                                          const char *client_id, const char *email,
                                          const char **token);

/* The row of a presented token of kind: AUTHSVC_NOT_FOUND when there is none (a token
 * of the other kind included). */
authsvc_status_t authsvc_mail_token_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                         authsvc_mail_kind_t kind, const char *token,
                                         authsvc_mail_token_t *out);

/* 1 when the token is neither used nor expired. */
int authsvc_mail_token_usable(const authsvc_mail_token_t *t);

/* Uses the token up: AUTHSVC_OK for the one caller that wins, AUTHSVC_INVALID for every
 * other (used meanwhile, expired). */
authsvc_status_t authsvc_mail_token_consume(authsvc_context_t *ctx, authsvc_db_t *db,
                                            authsvc_mail_kind_t kind,
                                            const authsvc_mail_token_t *t);

/* Marks every unused reset token of the user used (a new link or a reset retires them). */
authsvc_status_t authsvc_mail_token_retire_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const char *user_id);

/* Counts one request against (scope, subject) in a fixed window of window_s seconds, in
 * one statement, so that requests at once in several processes each get their own
 * count: *count includes this request, *window_start is when the window began. Scopes:
 * "address", "ip", "otp-user". */
authsvc_status_t authsvc_mail_limit_hit(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *scope, const char *subject, int window_s,
                                        long long *count, long long *window_start);

/* Counts one request against (scope "address" or "ip", subject) in the configured window;
 * 1 when it is over limit (then *retry_after: seconds left in the window). A limit of 0
 * is off. A database failure allows. */
int authsvc_mail_limit_over(authsvc_context_t *ctx, authsvc_db_t *db, const char *scope,
                            const char *subject, long *retry_after);

/* ASCII lower case (usernames and addresses compare so). */
const char *authsvc_mail_lower(apr_pool_t *p, const char *s);

/* Mails the link of token to `to` (template of kind, name for {{name}}; the link is built
 * on ctx->issuer) and posts the webhook event, as configured; failures are logged, never
 * answered. Called from deferred jobs with the job's context (authsvc_request_context
 * of the job), so a mail outage never delays an answer. */
void authsvc_mail_deliver(authsvc_context_t *ctx, authsvc_mail_kind_t kind, const char *to,
                          const char *name, const char *token);

/* The same for an e-mailed one-time code of the second factor (template "otp", webhook
 * event "otp" with the code), valid ttl seconds. */
void authsvc_mail_deliver_otp(authsvc_context_t *ctx, const char *to, const char *name,
                              const char *code, int ttl);

#endif
