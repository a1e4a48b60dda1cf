/* Typed helpers for a user's internal credential (its password hash). Catalogue
 * statements only; they never begin, commit or roll back. */
#ifndef AUTHSVC_DB_CREDENTIALS_H
#define AUTHSVC_DB_CREDENTIALS_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_status.h"

/* The password hash of user_id's internal credential: AUTHSVC_NOT_FOUND when the user
 * has no internal credential; *hash NULL when it holds no hash. */
authsvc_status_t authsvc_db_credential_password(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, const char **hash);

/* Sets the hash of user_id's internal credential (none is made when it has none). */
authsvc_status_t authsvc_db_credential_password_set(authsvc_db_t *db, apr_pool_t *p,
                                                    const char *user_id, const char *hash,
                                                    long long now_ms);

#endif
