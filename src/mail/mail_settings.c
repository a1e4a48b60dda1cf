/* The mail configuration record: creation, merging and effective values. Pure (no
 * httpd symbols), so flows and unit tests can use it; the directives are in
 * config_mail.c. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_config_mail.h"
#include "authsvc_config_merge.h"

authsvc_mail_config_t *authsvc_config_mail_create(apr_pool_t *p)
{
    authsvc_mail_config_t *c = apr_pcalloc(p, sizeof(*c));

    c->transport.starttls = AUTHSVC_MAIL_STARTTLS_REQUIRED;
    c->transport.connect_timeout_ms = AUTHSVC_MAIL_CONNECT_TIMEOUT_DEFAULT * 1000L;
    c->transport.timeout_ms = AUTHSVC_MAIL_TIMEOUT_DEFAULT * 1000L;
    return c;
}

authsvc_mail_config_t *authsvc_config_mail_merge(apr_pool_t *p,
                                                 const authsvc_mail_config_t *base,
                                                 const authsvc_mail_config_t *add)
{
    authsvc_mail_config_t *c = apr_pcalloc(p, sizeof(*c));

    AUTHSVC_MERGE_WITH(transport.url, server_set);
    AUTHSVC_MERGE_FLAG(server_set);
    AUTHSVC_MERGE_WITH(transport.user, auth_set);
    AUTHSVC_MERGE_WITH(transport.password, auth_set);
    AUTHSVC_MERGE_FLAG(auth_set);
    AUTHSVC_MERGE_WITH(transport.starttls, starttls_set);
    AUTHSVC_MERGE_FLAG(starttls_set);
    AUTHSVC_MERGE_WITH(transport.connect_timeout_ms, timeouts_set);
    AUTHSVC_MERGE_WITH(transport.timeout_ms, timeouts_set);
    AUTHSVC_MERGE_FLAG(timeouts_set);
    AUTHSVC_MERGE_WITH(transport.ca_file, ca_file_set);
    AUTHSVC_MERGE_FLAG(ca_file_set);
    AUTHSVC_MERGE_WITH(from, from_set);
    AUTHSVC_MERGE_WITH(from_name, from_set);
    AUTHSVC_MERGE_FLAG(from_set);
    AUTHSVC_MERGE(webhook);
    AUTHSVC_MERGE(templates_dir);
    AUTHSVC_MERGE(product);
    AUTHSVC_MERGE(reset_link);
    AUTHSVC_MERGE(invite_link);
    AUTHSVC_MERGE(reset_ttl);
    AUTHSVC_MERGE(invite_ttl);
    AUTHSVC_MERGE_WITH(per_address, limit_set);
    AUTHSVC_MERGE_WITH(per_ip, limit_set);
    AUTHSVC_MERGE_WITH(window, limit_set);
    AUTHSVC_MERGE_FLAG(limit_set);
    AUTHSVC_MERGE_WITH(signup, signup_set);
    AUTHSVC_MERGE_WITH(signup_tenant, signup_set);
    AUTHSVC_MERGE_WITH(signup_role, signup_set);
    AUTHSVC_MERGE_WITH(signup_clients, signup_set);
    AUTHSVC_MERGE_FLAG(signup_set);
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
                              : (c->reset_link_set
                                     ? c->reset_link
                                     : apr_pstrcat(p, issuer, "/reset-password", NULL));

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
