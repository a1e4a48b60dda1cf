/* The account page's list of the user's browser sessions (account_sessions.c): each
 * with its device (the User-Agent shortened to browser and system), address and last
 * use, this browser's marked; ending one of them, or all but this browser's, revokes
 * its tokens as signing out does. A session is named in the forms by a handle (the
 * SHA-256 of its id's hash), looked up among the user's own sessions only. */
#ifndef AUTHSVC_ACCOUNT_SESSIONS_H
#define AUTHSVC_ACCOUNT_SESSIONS_H

#include <httpd.h>

#include "authsvc_db.h"
#include "authsvc_db_account.h"

/* "Firefox on Linux" for a User-Agent; NULL when it is NULL or empty. Pure. */
const char *authsvc_account_device(apr_pool_t *p, const char *user_agent);

/* The id hash of this browser's session cookie, or NULL. */
const char *authsvc_account_sessions_current(request_rec *r);

/* user_id's live sessions (authsvc_db_account_session_t), NULL when unreadable. */
apr_array_header_t *authsvc_account_sessions_list(request_rec *r, authsvc_db_t *db,
                                                  const char *user_id);

/* The session id_hash among rows, or NULL. */
const authsvc_db_account_session_t *authsvc_account_sessions_find(
    const apr_array_header_t *rows, const char *id_hash);

/* Ends user_id's session named by handle (NULL: every session but current's), its tokens
 * revoked. The number ended, or -1 when the sessions cannot be read. */
int authsvc_account_sessions_end(request_rec *r, authsvc_db_t *db, const char *user_id,
                                 const char *current, const char *handle);

/* The sessions section of the page: hidden is the forms' hidden fields (CSRF). */
const char *authsvc_account_sessions_html(request_rec *r, const apr_array_header_t *rows,
                                          const char *current, const char *hidden);

#endif
