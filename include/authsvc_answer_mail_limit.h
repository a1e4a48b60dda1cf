/* The answer of a mail-sending route whose client IP is over the mail limit: the limit
 * is counted by the mail service (authsvc_mail_tokens.h), the 429 is the API's. */
#ifndef AUTHSVC_ANSWER_MAIL_LIMIT_H
#define AUTHSVC_ANSWER_MAIL_LIMIT_H

#include "authsvc_db.h"
#include "authsvc_request.h"

/* Counts the request against the client IP's mail limit: answers 429 TooManyAttempts
 * with Retry-After and returns non-zero when over, else 0. */
int authsvc_answer_mail_ip_limited(authsvc_request_t *req, authsvc_db_t *db);

#endif
