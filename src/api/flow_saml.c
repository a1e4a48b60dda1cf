/* SAML 2.0 single sign-on, this service as the service provider:
 *   POST /auth/saml            client check, signed AuthnRequest, request kept server-side
 *   POST /auth/saml-redirect   the ACS: Response checked, user linked, our auth code, 303
 *   GET  /auth/saml/metadata   the SP metadata
 * The request lives in the database (every node sees it); the browser carries only the
 * binding cookie that ties the Response to the browser that started the login. Lasso
 * checks the signatures; this file checks what Lasso does not: the stored request
 * (InResponseTo, single use, same browser), replay, and which client and user. */
#include <string.h>

#include <apr_base64.h>
#include <apr_escape.h>
#include <apr_strings.h>

#include "authsvc_auth_code.h"
#include "authsvc_binding_cookie.h"
#include "authsvc_db_saml.h"
#include "authsvc_db_users.h"
#include "authsvc_federation.h"
#include "authsvc_flows.h"
#include "authsvc_identity_link.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_purge.h"
#include "authsvc_regulation.h"
#include "authsvc_saml_config.h"
#include "authsvc_saml_response.h"
#include "authsvc_saml_sp.h"
#include "authsvc_password.h"
#include "authsvc_tokens.h"

#define SAML_BINDING_COOKIE "authsvc_saml" /* docs/design.md section 8 */
#define SAML_BINDING_BYTES 16

#define SAML_PROVIDER_PREFIX "saml:"
#define FORMAT_TRANSIENT "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
#define FORMAT_EMAIL "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

/* What the ACS has learnt so far. */
typedef struct {
    const authsvc_saml_config_t *config;
    authsvc_db_t *db;
    authsvc_saml_response_t *response;
    const char *client_id;
    const char *relay_state; /* the client's RelayState, from the stored request */
} acs_t;

static const char *body_string(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req->body, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static const authsvc_saml_config_t *saml_config(const authsvc_request_t *req)
{
    const authsvc_saml_config_t *c = req->server_config->saml;

    return authsvc_saml_configured(c) ? c : NULL;
}

/* The binding cookie (docs/design.md section 8): authsvc_binding_cookie.h. */
static void saml_cookie_set(authsvc_request_t *req, const char *value, int max_age)
{
    apr_table_add(req->headers_out, "Set-Cookie",
                  authsvc_binding_cookie_header(req->pool, req->base_url, SAML_BINDING_COOKIE,
                                                value, max_age));
}

/* Every refusal of the ACS: one log line with the reason (never assertion content),
 * one answer. */
static int acs_refuse(authsvc_request_t *req, const char *why)
{
    req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(1911) "SAML Response refused: %s", why);
    return authsvc_respond_error(req, AUTHSVC_E_SAML_RESPONSE_INVALID);
}

int authsvc_flow_saml_metadata(authsvc_request_t *req)
{
    const authsvc_saml_config_t *c = saml_config(req);

    if (!c)
        return authsvc_respond_error(req, AUTHSVC_E_SAML_NOT_CONFIGURED);
    return authsvc_respond_text(req, 200, "application/samlmetadata+xml", c->metadata_xml,
                                strlen(c->metadata_xml));
}

/* The POST binding: a page that submits the signed AuthnRequest to the IdP. */
static int start_post_form(authsvc_request_t *req, const authsvc_saml_authn_t *authn)
{
    const char *page = apr_pstrcat(
        req->pool,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>SAML</title>"
        "</head><body onload=\"document.forms[0].submit()\">"
        "<form method=\"post\" action=\"",
        apr_pescape_entity(req->pool, authn->url, 0),
        "\"><input type=\"hidden\" name=\"SAMLRequest\" value=\"",
        apr_pescape_entity(req->pool, authn->saml_request, 0),
        "\"/><noscript><button type=\"submit\">Continue</button></noscript></form>"
        "</body></html>\n",
        NULL);

    apr_table_setn(req->headers_out, "Content-Security-Policy",
                   "default-src 'none'; script-src 'unsafe-inline'; form-action *");
    return authsvc_respond_text(req, 200, "text/html; charset=utf-8", page, strlen(page));
}

int authsvc_flow_saml_start(authsvc_request_t *req)
{
    const authsvc_saml_config_t *c = saml_config(req);
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_saml_sp_t *sp = NULL;
    authsvc_saml_authn_t authn;
    authsvc_saml_request_t stored;
    const char *why = NULL;
    const char *binding = authsvc_random_token(req->pool, SAML_BINDING_BYTES);
    authsvc_status_t st;

    if (!c)
        return authsvc_respond_error(req, AUTHSVC_E_SAML_NOT_CONFIGURED);
    if (!binding)
        return authsvc_respond_error(req, AUTHSVC_E_INTERNAL);
    if (!db)
        return authsvc_respond_unavailable(req);
    st = authsvc_client_load(authsvc_request_context(req), db, body_string(req, "client_id"),
                             &client);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (st == AUTHSVC_NOT_FOUND
        || !authsvc_client_secret_ok(client, body_string(req, "client_secret"))) {
        authsvc_regulation_address_failed(authsvc_request_context(req), db);
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_VERIFICATION_FAILED);
    }
    if (!client->redirect_url)
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
    if (authsvc_saml_sp_open(req->pool, c, &sp, &why) != AUTHSVC_OK
        || authsvc_saml_sp_authn_request(sp, req->pool, &authn, &why) != AUTHSVC_OK) {
        req->log(req, AUTHSVC_LOG_ERROR, AUTHSVC_LOGNO(1912) "SAML AuthnRequest: %s", why);
        return authsvc_respond_error(req, AUTHSVC_E_SERVICE_UNAVAILABLE);
    }
    stored.request_id = authn.request_id;
    stored.client_id = client->client_id;
    stored.idp_entity_id = c->idp_entity_id;
    stored.relay_state = body_string(req, "RelayState");
    stored.ttl = authsvc_saml_request_ttl(c);
    stored.binding = binding;
    if (authsvc_federation_saml_request_store(authsvc_request_context(req), db, &stored)
        != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    saml_cookie_set(req, binding, authsvc_saml_request_ttl(c));
    if (c->post_binding)
        return start_post_form(req, &authn);
    apr_table_setn(req->headers_out, "Location", authn.url);
    return authsvc_respond_text(req, 303, NULL, NULL, 0);
}

/* The XML of the SAMLResponse field (base64, possibly wrapped over lines). */
static const char *acs_decode(apr_pool_t *p, const char *b64, apr_size_t *len)
{
    char *clean = apr_palloc(p, strlen(b64) + 1), *o = clean, *xml;
    const char *i;

    for (i = b64; *i; i++)
        if (*i != '\r' && *i != '\n' && *i != ' ' && *i != '\t')
            *o++ = *i;
    *o = '\0';
    if (apr_base64_decode_len(clean) <= 0)
        return NULL;
    xml = apr_palloc(p, (apr_size_t)apr_base64_decode_len(clean) + 1);
    *len = (apr_size_t)apr_base64_decode_binary((unsigned char *)xml, clean);
    xml[*len] = '\0';
    return xml;
}

/* Shape, Lasso's signature checks, then issuer, audience, recipient, destination and
 * times. NULL when all pass, else why. */
static const char *acs_read(authsvc_request_t *req, acs_t *acs)
{
    const authsvc_saml_config_t *c = acs->config;
    const char *b64 = body_string(req, "SAMLResponse"), *xml, *why = NULL;
    const char *query_client = apr_table_get(req->query, "client");
    const char *acs_urls[3] = {c->acs_url, NULL, NULL};
    authsvc_saml_expect_t expect = {c->idp_entity_id, c->entity_id, acs_urls,
                                    authsvc_db_now_ms(),
                                    (long long)authsvc_saml_skew(c) * 1000};
    authsvc_saml_sp_t *sp = NULL;
    apr_size_t len = 0;

    xml = acs_decode(req->pool, b64, &len);
    if (!xml || len == 0)
        return "SAMLResponse is not base64";
    if (authsvc_saml_response_parse(req->pool, xml, len, &acs->response, &why) != AUTHSVC_OK)
        return why;
    if (authsvc_saml_sp_open(req->pool, c, &sp, &why) != AUTHSVC_OK
        || authsvc_saml_sp_verify(sp, req->pool, b64, acs->response->assertion_id, &why)
               != AUTHSVC_OK)
        return why;
    if (query_client)
        acs_urls[1] = apr_pstrcat(req->pool, c->acs_url,
                                  "?client=", apr_pescape_urlencoded(req->pool, query_client),
                                  NULL);
    return authsvc_saml_response_check(acs->response, &expect, &why) == AUTHSVC_OK ? NULL : why;
}

/* The request this Response answers, used once (authsvc_federation.h). */
static const char *acs_request(authsvc_request_t *req, acs_t *acs)
{
    const authsvc_saml_response_t *r = acs->response;
    authsvc_saml_answer_t answer = {
        acs->config->idp_entity_id,
        r->confirmation_in_response_to ? r->confirmation_in_response_to : r->in_response_to,
        acs->config->idp_initiated, apr_table_get(req->query, "client"),
        authsvc_binding_cookie_find(req->pool, req->base_url,
                                    apr_table_get(req->headers_in, "Cookie"),
                                    SAML_BINDING_COOKIE)};
    const char *why = NULL;

    authsvc_federation_saml_request_take(authsvc_request_context(req), acs->db, &answer,
                                         &acs->client_id, &acs->relay_state, &why);
    return why;
}

/* The replay cache: an Assertion ID is accepted once until its NotOnOrAfter. */
static const char *acs_replay(authsvc_request_t *req, acs_t *acs)
{
    const authsvc_saml_response_t *r = acs->response;
    long long skew = (long long)authsvc_saml_skew(acs->config) * 1000;
    const char *why = NULL;

    authsvc_federation_saml_replay(authsvc_request_context(req), acs->db,
                                   acs->config->idp_entity_id, r->assertion_id,
                                   authsvc_saml_response_replay_until(r, skew), &why);
    return why;
}

static const char *mapped(const acs_t *acs, authsvc_saml_attr_t which)
{
    return authsvc_saml_response_attribute(acs->response, acs->config->attributes[which]);
}

/* (IdP, NameID) in user_credentials; else, when configured, the account with the
 * mapped e-mail (or an e-mail NameID) where the link rule allows. Transient NameIDs are
 * never stored: they change at every login. The status of authsvc_federation_user. */
static authsvc_status_t acs_user(authsvc_request_t *req, acs_t *acs, const char **user_id)
{
    const authsvc_saml_response_t *r = acs->response;
    const char *provider = apr_pstrcat(req->pool, SAML_PROVIDER_PREFIX,
                                       acs->config->idp_entity_id, NULL);
    int transient = r->name_id_format && strcmp(r->name_id_format, FORMAT_TRANSIENT) == 0;
    authsvc_identity_t id = {provider,
                             r->name_id,
                             mapped(acs, AUTHSVC_SAML_ATTR_EMAIL),
                             acs->config->email_vouched,
                             !transient,
                             acs->client_id};
    const char *how = NULL;

    if (!id.email && r->name_id_format && strcmp(r->name_id_format, FORMAT_EMAIL) == 0)
        id.email = r->name_id;
    return authsvc_federation_user(authsvc_request_context(req), acs->db, &id, !transient,
                                   acs->config->link_by_email, user_id, &how);
}

/* The mapped groups, the IdP's own data, are kept at every login; the mapped names
 * (and the e-mail, when the IdP vouches for it) replace the account's only with
 * AuthsvcSamlUpdateProfile On. */
static void acs_profile(authsvc_request_t *req, acs_t *acs, const char *user_id)
{
    const char *groups_name = acs->config->attributes[AUTHSVC_SAML_ATTR_GROUPS];
    const char *groups = NULL;
    int update = acs->config->update_profile;
    cJSON *list;
    int i;

    if (groups_name) {
        const apr_array_header_t *arr = apr_table_elts(acs->response->attributes);
        const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
        list = authsvc_json_own(req->pool, cJSON_CreateArray());
        for (i = 0; i < arr->nelts; i++)
            if (strcmp(e[i].key, groups_name) == 0 && e[i].val)
                cJSON_AddItemToArray(list, cJSON_CreateString(e[i].val));
        groups = authsvc_json_print(req->pool, list);
    }
    authsvc_identity_profile_store(authsvc_request_context(req), acs->db, user_id,
                                   update && acs->config->email_vouched
                                       ? mapped(acs, AUTHSVC_SAML_ATTR_EMAIL)
                                       : NULL,
                                   update ? mapped(acs, AUTHSVC_SAML_ATTR_FIRST_NAME) : NULL,
                                   update ? mapped(acs, AUTHSVC_SAML_ATTR_LAST_NAME) : NULL,
                                   groups);
}

/* 303 to the client's redirect_url with our code (and the client's RelayState as
 * state, for the client to bind the answer to its own session). */
static int acs_redirect(authsvc_request_t *req, const acs_t *acs,
                        const authsvc_client_t *client, const char *code)
{
    const char *url = apr_pstrcat(req->pool, client->redirect_url,
                                  strchr(client->redirect_url, '?') ? "&" : "?",
                                  "code=", apr_pescape_urlencoded(req->pool, code), NULL);

    if (acs->relay_state)
        url = apr_pstrcat(req->pool, url,
                          "&state=", apr_pescape_urlencoded(req->pool, acs->relay_state), NULL);
    apr_table_setn(req->headers_out, "Location", url);
    return authsvc_respond_text(req, 303, NULL, NULL, 0);
}

static void acs_purge(authsvc_request_t *req, authsvc_db_t *db)
{
    if (authsvc_purge_due())
        authsvc_db_saml_purge(db, req->pool, authsvc_db_now_ms());
}

/* The user behind a checked Response, through the client: linked, member of the client,
 * active. Then our auth code. */
static int acs_login(authsvc_request_t *req, acs_t *acs)
{
    authsvc_client_t *client = NULL;
    authsvc_principal_t *pr = NULL;
    const char *user_id = NULL, *code = NULL;
    authsvc_status_t st;

    if (authsvc_client_load(authsvc_request_context(req), acs->db, acs->client_id, &client)
            != AUTHSVC_OK
        || !client->redirect_url)
        return acs_refuse(req, "the client is unknown or has no redirect URL");
    st = acs_user(req, acs, &user_id);
    if (st == AUTHSVC_INVALID) /* identity_link.c logged why */
        return authsvc_respond_error(req, AUTHSVC_E_IDENTITY_LINK_REFUSED);
    if (st == AUTHSVC_NOT_FOUND)
        return acs_refuse(req, "no user is linked to this NameID (or e-mail)");
    if (st != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    if (authsvc_db_user_client_member(acs->db, req->pool, user_id, client->client_id)
        != AUTHSVC_OK)
        return acs_refuse(req,
                          apr_psprintf(req->pool, "user %s may not use this client", user_id));
    acs_profile(req, acs, user_id);
    if (authsvc_principal_load(authsvc_request_context(req), acs->db, user_id, NULL, &pr)
            != AUTHSVC_OK
        || !authsvc_principal_may_login(pr))
        return acs_refuse(req, apr_psprintf(req->pool, "user %s is not active", user_id));
    if (authsvc_auth_code_issue_for(authsvc_request_context(req), acs->db, client, pr, &code)
        != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    req->log(req, AUTHSVC_LOG_INFO,
             AUTHSVC_LOGNO(1915) "SAML login of user %s through client %s", user_id,
             client->client_id);
    acs_purge(req, acs->db);
    saml_cookie_set(req, "", 0);
    return acs_redirect(req, acs, client, code);
}

int authsvc_flow_saml_acs(authsvc_request_t *req)
{
    acs_t acs = {saml_config(req), req->db(req), NULL, NULL, NULL};
    const char *why;

    if (!acs.config)
        return authsvc_respond_error(req, AUTHSVC_E_SAML_NOT_CONFIGURED);
    if (!acs.db)
        return authsvc_respond_unavailable(req);
    why = acs_read(req, &acs);
    if (!why)
        why = acs_request(req, &acs);
    if (!why)
        why = acs_replay(req, &acs);
    return why ? acs_refuse(req, why) : acs_login(req, &acs);
}
