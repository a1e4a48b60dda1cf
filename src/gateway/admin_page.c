/* The admin console under <portal>/admin (README "Admin console"): server-rendered pages
 * for signed-in users holding ViewLoginActivity (reports) or ManageUsers (users,
 * lockouts, clients, actions); the shared frame and form checks are admin_console.c.
 * Not signed in: 303 to the login page; signed in without
 * the page's permission: 403. Every form that changes something is a POST with the
 * portal's CSRF token (double submit); pages are no-store and run no script. */
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>
#include <http_protocol.h>

#include "authsvc_admin_console.h"
#include "authsvc_admin_page.h"
#include "authsvc_admin_pages.h"
#include "authsvc_bearer.h"
#include "authsvc_form.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_context.h"
#include "authsvc_json.h"
#include "authsvc_page_render.h"
#include "authsvc_page_text.h"
#include "authsvc_portal.h"

static int admin_overview(const authsvc_admin_console_t *c)
{
    return authsvc_console_send(
        c, HTTP_OK, "Administration", "",
        apr_pstrcat(c->r->pool, "<p>",
                    authsvc_console_tr(c, "Choose a page of the administration console above."),
                    "</p>\n", NULL));
}

/* 1 when the claims' permissions hold name. */
static int admin_holds(const cJSON *claims, const char *name)
{
    const cJSON *perms = cJSON_GetObjectItemCaseSensitive(claims, "permissions"), *v;

    cJSON_ArrayForEach(v, perms) if (cJSON_IsString(v)
                                     && strcmp(v->valuestring, name) == 0) return 1;
    return 0;
}

/* Who is asking: 0 when the session's access token is live (c filled), else the answer
 * (303 to the login page). */
static int admin_who(request_rec *r, authsvc_admin_console_t *c)
{
    authsvc_gateway_session_info_t info;
    cJSON *claims = NULL;
    const cJSON *tenant;

    memset(c, 0, sizeof(*c));
    c->r = r;
    c->ctx = authsvc_gateway_context(r);
    if (!authsvc_gateway_session_info(r, &info)
        || authsvc_bearer_verify(c->ctx, info.access_token, 0, &claims) != AUTHSVC_BEARER_OK
        || !claims)
        return authsvc_gateway_login_redirect(r);
    tenant = cJSON_GetObjectItemCaseSensitive(claims, "tenantId");
    c->tenant_id = cJSON_IsString(tenant) ? apr_pstrdup(r->pool, tenant->valuestring) : NULL;
    c->user_id = info.user_id;
    c->reports = c->tenant_id && admin_holds(claims, AUTHSVC_ADMIN_PERM_REPORTS);
    c->users = c->tenant_id && admin_holds(claims, AUTHSVC_ADMIN_PERM_USERS);
    return 0;
}

static int admin_forbidden(request_rec *r)
{
    return authsvc_page_message(r, HTTP_FORBIDDEN, "Access denied",
                                "You do not have the permission to see this page.");
}

/* A form with a missing or wrong CSRF token changes nothing (403). */
static const authsvc_portal_refusal_t admin_refusal = {
    "Administration", HTTP_FORBIDDEN, "The form has expired. Open the page again."};

static int admin_post(authsvc_admin_console_t *c, const char *rest)
{
    apr_table_t *form = NULL;
    int rc;

    if (!authsvc_portal_form_checked(c->r, &admin_refusal, &form, &c->csrf, &rc))
        return rc;
    if (strcmp(rest, "/users") == 0)
        return authsvc_console_users_post(c, form);
    return authsvc_console_lockouts_post(c, form);
}

/* The page of rest for c, whose permission was checked. */
static int admin_get(authsvc_admin_console_t *c, const char *rest)
{
    if (authsvc_form_parse(c->r->pool, c->r->args ? c->r->args : "",
                           c->r->args ? strlen(c->r->args) : 0, &c->query)
        != AUTHSVC_FORM_VALID)
        return authsvc_page_message(c->r, HTTP_BAD_REQUEST, "Administration",
                                    "The form was not sent as expected.");
    c->csrf = authsvc_portal_csrf(c->r);
    if (strcmp(rest, "/active-users") == 0)
        return authsvc_console_chart_page(c);
    if (strcmp(rest, "/activity") == 0)
        return authsvc_console_activity_page(c);
    if (strcmp(rest, "/users") == 0)
        return authsvc_console_users_page(c, NULL);
    if (strcmp(rest, "/lockouts") == 0)
        return authsvc_console_lockouts_page(c, NULL);
    if (strcmp(rest, "/clients") == 0)
        return authsvc_console_clients_page(c);
    return admin_overview(c);
}

/* The permission page rest needs: 'r' reports, 'u' users; 0 when rest is no page. */
static char admin_needs(const char *rest, int *post_ok)
{
    *post_ok = strcmp(rest, "/users") == 0 || strcmp(rest, "/lockouts") == 0;
    if (!*rest || strcmp(rest, "/") == 0)
        return 'a';
    if (strcmp(rest, "/active-users") == 0 || strcmp(rest, "/activity") == 0)
        return 'r';
    if (*post_ok || strcmp(rest, "/clients") == 0)
        return 'u';
    return 0;
}

int authsvc_console_page(request_rec *r, const char *rest)
{
    authsvc_admin_console_t c;
    int post_ok, rc;
    char need = admin_needs(rest, &post_ok);

    if (strcmp(rest, "/static/admin.css") == 0 && r->method_number == M_GET)
        return authsvc_console_style_sheet(r);
    if (!need)
        return DECLINED;
    if (r->method_number != M_GET && !(post_ok && r->method_number == M_POST))
        return HTTP_METHOD_NOT_ALLOWED;
    if ((rc = admin_who(r, &c)))
        return rc;
    if ((need == 'a' && !c.reports && !c.users) || (need == 'r' && !c.reports)
        || (need == 'u' && !c.users))
        return admin_forbidden(r);
    return r->method_number == M_POST ? admin_post(&c, rest) : admin_get(&c, rest);
}
