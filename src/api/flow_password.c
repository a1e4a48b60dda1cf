/* Passwords for the flows: the passwords service (authsvc_passwords.h) over the request's
 * context, the time it spent added to the request's (the TRACE1 timing line). */
#include "authsvc_flows.h"
#include "authsvc_passwords.h"

authsvc_status_t authsvc_flow_password_acceptable(authsvc_request_t *req, const char *username,
                                                  const char *password, const char **why)
{
    return authsvc_passwords_acceptable(authsvc_request_context(req), username, password, why);
}

authsvc_status_t authsvc_flow_password_hash(authsvc_request_t *req, const char *password,
                                            const char **encoded)
{
    return authsvc_passwords_hash(authsvc_request_context(req), password, encoded,
                                  &req->password_time);
}

authsvc_status_t authsvc_flow_password_check(authsvc_request_t *req, const char *stored,
                                             const char *password, int *needs_rehash)
{
    return authsvc_passwords_check(authsvc_request_context(req), stored, password, needs_rehash,
                                   &req->password_time);
}

authsvc_status_t authsvc_flow_password_store(authsvc_request_t *req, authsvc_db_t *db,
                                             const char *user_id, const char *password)
{
    return authsvc_passwords_store(authsvc_request_context(req), db, user_id, password,
                                   &req->password_time);
}
