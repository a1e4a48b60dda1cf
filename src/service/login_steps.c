/* The sign-in pages' own steps (see authsvc_login_steps.h). */
#include <string.h>

#include "authsvc_login_steps.h"
#include "authsvc_tokens.h"

authsvc_session_status_t authsvc_login_steps_finish(authsvc_context_t *ctx, authsvc_db_t *db,
                                                    const authsvc_auth_code_t *code,
                                                    authsvc_session_tokens_t *out)
{
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr = NULL;
    authsvc_status_t st;

    memset(out, 0, sizeof(*out));
    if (authsvc_client_load(ctx, db, code->client_id, &client) != AUTHSVC_OK)
        return AUTHSVC_SESSION_UNAVAILABLE;
    st = authsvc_principal_load(ctx, db, code->user_id, code->tenant_id, &pr);
    if (st == AUTHSVC_NOT_FOUND || (st == AUTHSVC_OK && !authsvc_principal_may_login(pr))) {
        /* the user may no longer sign in: the pending code is spent all the same */
        authsvc_auth_code_consume(ctx, db, code->hash);
        return AUTHSVC_SESSION_USER_INACTIVE;
    }
    if (st != AUTHSVC_OK)
        return AUTHSVC_SESSION_UNAVAILABLE;
    /* the pending code is redeemed in the transaction that issues the pair: one winner */
    return authsvc_session_issue(ctx, client, pr, code->hash, out);
}
