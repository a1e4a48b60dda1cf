/* The 429 of a mail-sending route over the client IP's limit (see
 * authsvc_answer_mail_limit.h). */
#include <apr_strings.h>

#include "authsvc_answer_mail_limit.h"
#include "authsvc_mail_tokens.h"

int authsvc_answer_mail_ip_limited(authsvc_request_t *req, authsvc_db_t *db)
{
    authsvc_context_t *ctx = authsvc_request_context(req);
    long retry_after = 0;

    if (!authsvc_mail_limit_over(ctx, db, "ip", ctx->client_ip, &retry_after))
        return 0;
    apr_table_setn(req->headers_out, "Retry-After", apr_ltoa(req->pool, retry_after));
    return authsvc_respond_error(req, AUTHSVC_E_TOO_MANY_ATTEMPTS);
}
