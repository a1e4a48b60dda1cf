/* The mail configuration record: creation, merging and effective values. Pure (no
 * httpd symbols), so flows and unit tests can use it; the directives are in
 * config_mail.c. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_config_mail.h"

authsvc_mail_config_t *authsvc_config_mail_create(apr_pool_t *p)
{
    authsvc_mail_config_t *c = apr_pcalloc(p, sizeof(*c));

    c->transport.starttls = AUTHSVC_MAIL_STARTTLS_REQUIRED;
    c->transport.connect_timeout_ms = AUTHSVC_MAIL_CONNECT_TIMEOUT_DEFAULT * 1000L;
    c->transport.timeout_ms = AUTHSVC_MAIL_TIMEOUT_DEFAULT * 1000L;
    return c;
}

#define MERGE(field) \
    do { \
        c->field = add->field##_set ? add->field : base->field; \
        c->field##_set = add->field##_set || base->field##_set; \
    } while (0)
authsvc_mail_config_t *authsvc_config_mail_merge(apr_pool_t *p, const authsvc_mail_config_t *base,
                                                 const authsvc_mail_config_t *add)
{
    authsvc_mail_config_t *c = apr_pcalloc(p, sizeof(*c));
    const authsvc_mail_config_t *t;

    t = add->server_set ? add : base;
    c->transport.url = t->transport.url;
    c->server_set = t->server_set;
    t = add->auth_set ? add : base;
    c->transport.user = t->transport.user;
    c->transport.password = t->transport.password;
    c->auth_set = t->auth_set;
    t = add->starttls_set ? add : base;
    c->transport.starttls = t->transport.starttls;
    c->starttls_set = t->starttls_set;
    t = add->timeouts_set ? add : base;
    c->transport.connect_timeout_ms = t->transport.connect_timeout_ms;
    c->transport.timeout_ms = t->transport.timeout_ms;
    c->timeouts_set = t->timeouts_set;
    t = add->ca_file_set ? add : base;
    c->transport.ca_file = t->transport.ca_file;
    c->ca_file_set = t->ca_file_set;
    t = add->from_set ? add : base;
    c->from = t->from;
    c->from_name = t->from_name;
    c->from_set = t->from_set;
    MERGE(webhook);
    MERGE(templates_dir);
    MERGE(product);
    MERGE(reset_link);
    MERGE(invite_link);
    MERGE(reset_ttl);
    MERGE(invite_ttl);
    t = add->limit_set ? add : base;
    c->per_address = t->per_address;
    c->per_ip = t->per_ip;
    c->window = t->window;
    c->limit_set = t->limit_set;
    t = add->signup_set ? add : base;
    c->signup = t->signup;
    c->signup_tenant = t->signup_tenant;
    c->signup_role = t->signup_role;
    c->signup_clients = t->signup_clients;
    c->signup_set = t->signup_set;
    return c;
}

int authsvc_config_mail_enabled(const authsvc_mail_config_t *c)
{
    return c->server_set || c->webhook_set;
}

const char *authsvc_config_mail_product(const authsvc_mail_config_t *c)
{
    return c->product_set ? c->product : AUTHSVC_MAIL_PRODUCT_DEFAULT;
}

const char *authsvc_config_mail_link(apr_pool_t *p, const authsvc_mail_config_t *c,
                                     const char *issuer, int invite, const char *token)
{
    const char *base = invite ? (c->invite_link_set ? c->invite_link
                                                    : apr_pstrcat(p, issuer, "/sign-up", NULL))
                              : (c->reset_link_set ? c->reset_link
                                                   : apr_pstrcat(p, issuer, "/reset-password",
                                                                 NULL));

    return apr_pstrcat(p, base, strchr(base, '?') ? "&" : "?", "token=", token, NULL);
}

int authsvc_config_mail_token_ttl(const authsvc_mail_config_t *c, int invite)
{
    if (invite)
        return c->invite_ttl_set ? c->invite_ttl : AUTHSVC_INVITE_TTL_DEFAULT;
    return c->reset_ttl_set ? c->reset_ttl : AUTHSVC_RESET_TTL_DEFAULT;
}

void authsvc_config_mail_limits(const authsvc_mail_config_t *c, int *per_address, int *per_ip,
                                int *window)
{
    *per_address = c->limit_set ? c->per_address : AUTHSVC_MAIL_PER_ADDRESS_DEFAULT;
    *per_ip = c->limit_set ? c->per_ip : AUTHSVC_MAIL_PER_IP_DEFAULT;
    *window = c->limit_set ? c->window : AUTHSVC_MAIL_WINDOW_DEFAULT;
}
