/* Passwords as configured, as a service: the policy, hashing and checking with the
 * configured argon2id cost under the child's cap on concurrent hashes, and storing a new
 * hash as a user's internal credential. Each call that hashes or checks adds the time it
 * spent to *spent (may be NULL) so that a caller can report it (the TRACE1 timing line). */
#ifndef AUTHSVC_PASSWORDS_H
#define AUTHSVC_PASSWORDS_H

#include <apr_time.h>

#include "authsvc_context.h"
#include "authsvc_db.h"
#include "authsvc_status.h"

/* AUTHSVC_OK, or AUTHSVC_INVALID with *why, a reason for the client. */
authsvc_status_t authsvc_passwords_acceptable(authsvc_context_t *ctx, const char *username,
                                              const char *password, const char **why);
/* The encoded hash of password; AUTHSVC_UNAVAILABLE when no turn to hash came in time. */
authsvc_status_t authsvc_passwords_hash(authsvc_context_t *ctx, const char *password,
                                        const char **encoded, apr_interval_time_t *spent);
/* AUTHSVC_OK on a match (*needs_rehash, may be NULL: store a fresh hash), AUTHSVC_INVALID,
 * AUTHSVC_UNAVAILABLE; stored NULL costs one hash and refuses. */
authsvc_status_t authsvc_passwords_check(authsvc_context_t *ctx, const char *stored,
                                         const char *password, int *needs_rehash,
                                         apr_interval_time_t *spent);
/* Hashes password and stores it as user_id's internal credential (in the caller's
 * transaction, if any). */
authsvc_status_t authsvc_passwords_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                         const char *user_id, const char *password,
                                         apr_interval_time_t *spent);

#endif
