/* The account page as HTML (account_view.c): profile, password, authenticator and
 * sessions sections, with the result of the last form announced. */
#ifndef AUTHSVC_ACCOUNT_VIEW_H
#define AUTHSVC_ACCOUNT_VIEW_H

#include <httpd.h>
#include <cjson/cJSON.h>

#include "authsvc_context.h"
#include "authsvc_db.h"
#include "authsvc_gateway.h"

/* One request to the page: who is signed in, in which session. */
typedef struct {
    request_rec *r;
    authsvc_context_t *ctx;
    authsvc_db_t *db;
    authsvc_gateway_session_info_t info;
    cJSON *claims;        /* of the session's access token */
    const char *user_id;  /* the session's user */
    const char *username; /* the token's username claim */
    const char *current;  /* this session's id hash */
    const char *csrf;
} authsvc_account_t;

/* What the page announces after a form: a result (role=status), or an error
 * (role=alert) describing the field it concerns, which gets the focus. */
typedef struct {
    int status;
    const char *notice;
    const char *error;
    const char *field; /* the id of the input in error, or NULL */
} authsvc_account_say_t;

/* Sends the page (no-store, as every portal page) with say's status. */
int authsvc_account_view(const authsvc_account_t *a, const authsvc_account_say_t *say);

#endif
