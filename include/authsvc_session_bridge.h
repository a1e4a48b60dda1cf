/* Transitional: regulation.c and activity.c still take an authsvc_request_t (their move
 * to authsvc_context_t is the other half of issue 15). The session service reaches them
 * through these wrappers, which make that record from its context; once those files take
 * the context, session.c calls them directly and this file goes. */
#ifndef AUTHSVC_SESSION_BRIDGE_H
#define AUTHSVC_SESSION_BRIDGE_H

#include <cjson/cJSON.h>

#include "authsvc_context.h"
#include "authsvc_db.h"
#include "authsvc_regulation.h"

authsvc_regulation_t authsvc_session_bridge_reserve_address(
    authsvc_context_t *ctx, authsvc_db_t *db, authsvc_regulation_attempt_t *attempt,
    long *retry_after);
authsvc_regulation_t authsvc_session_bridge_reserve_account(
    authsvc_context_t *ctx, authsvc_db_t *db, authsvc_regulation_attempt_t *attempt,
    const char *account_key, const char *user_id, const char *device_user_id,
    const char *device_id);
void authsvc_session_bridge_succeeded(authsvc_context_t *ctx, authsvc_db_t *db,
                                      const authsvc_regulation_attempt_t *attempt);
void authsvc_session_bridge_released(authsvc_context_t *ctx, authsvc_db_t *db,
                                     const authsvc_regulation_attempt_t *attempt);
void authsvc_session_bridge_refused(authsvc_context_t *ctx, authsvc_db_t *db,
                                    const authsvc_regulation_attempt_t *attempt,
                                    authsvc_regulation_reason_t reason);
void authsvc_session_bridge_activity_record(authsvc_context_t *ctx, authsvc_db_t *db,
                                            const char *type, const char *actor,
                                            const char *tenant_id, const char *client_id,
                                            const cJSON *payload);
authsvc_status_t authsvc_session_bridge_activity_store(authsvc_context_t *ctx,
                                                       authsvc_db_t *db, const char *type,
                                                       const char *actor,
                                                       const char *tenant_id,
                                                       const char *client_id,
                                                       const cJSON *payload);
void authsvc_session_bridge_activity_purge_maybe(authsvc_context_t *ctx, authsvc_db_t *db);

#endif
