/* Typed look-ups of a user's row by id and by e-mail address (the row of
 * authsvc_db_users.h), and of the clients it may use. Catalogue statements only; they
 * never begin, commit or roll back. */
#ifndef AUTHSVC_DB_USER_READS_H
#define AUTHSVC_DB_USER_READS_H

#include <apr_pools.h>

#include "authsvc_db.h"
#include "authsvc_db_users.h"
#include "authsvc_status.h"

/* The user user_id: AUTHSVC_NOT_FOUND when there is none (*user is then zeroed). */
authsvc_status_t authsvc_db_user_by_id(authsvc_db_t *db, apr_pool_t *p, const char *user_id,
                                       authsvc_db_user_t *user);

/* A user whose e-mail address (any case) or username key is address_key, an address
 * lowercased (ASCII): AUTHSVC_NOT_FOUND when there is none (*user is then zeroed). */
authsvc_status_t authsvc_db_user_by_email(authsvc_db_t *db, apr_pool_t *p,
                                          const char *address_key, authsvc_db_user_t *user);

/* AUTHSVC_OK when user_id may use client_id (user_auth_clients), AUTHSVC_NOT_FOUND when
 * not. */
authsvc_status_t authsvc_db_user_client_allowed(authsvc_db_t *db, apr_pool_t *p,
                                                const char *user_id, const char *client_id);

#endif
