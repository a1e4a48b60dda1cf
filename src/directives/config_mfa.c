/* Directives of the second factor. */
#include <string.h>

#include <httpd.h>
#include <http_config.h>
#include <apr_strings.h>

#include "authsvc_config_mfa.h"
#include "authsvc_httpd.h"
#include "authsvc_limits.h"

static authsvc_server_config_t *mfa_server(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &authsvc_module);
}

/* A printable identifier without spaces, as clients are named. */
static int mfa_plain_word(const char *s)
{
    if (!*s || strlen(s) > 255)
        return 0;
    for (; *s; s++)
        if (*s <= ' ' || *s == 0x7f)
            return 0;
    return 1;
}

/* Adds arg to a set of names made on first use (a vhost's own set replaces the main's). */
static const char *mfa_add(cmd_parms *cmd, const char *arg, apr_hash_t **set, int *set_flag)
{
    if (!mfa_plain_word(arg))
        return apr_psprintf(cmd->pool, "%s: '%s' is not a plain identifier", cmd->cmd->name,
                            arg);
    if (!*set_flag) {
        *set = apr_hash_make(cmd->pool);
        *set_flag = 1;
    }
    apr_hash_set(*set, apr_pstrdup(cmd->pool, arg), APR_HASH_KEY_STRING, "");
    return NULL;
}

const char *authsvc_cfg_mfa_client(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = mfa_server(cmd);

    (void)dconf;
    return mfa_add(cmd, arg, &c->mfa_clients, &c->mfa_clients_set);
}

const char *authsvc_cfg_mfa_tenant(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = mfa_server(cmd);

    (void)dconf;
    return mfa_add(cmd, arg, &c->mfa_tenants, &c->mfa_tenants_set);
}

const char *authsvc_cfg_totp_issuer(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = mfa_server(cmd);

    (void)dconf;
    if (!*arg || strlen(arg) > 64 || strchr(arg, ':'))
        return apr_psprintf(cmd->pool, "%s: 1 to 64 characters without ':'", cmd->cmd->name);
    c->totp_issuer = apr_pstrdup(cmd->pool, arg);
    c->totp_issuer_set = 1;
    return NULL;
}

const char *authsvc_cfg_otp_ttl(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = mfa_server(cmd);
    long v = 0;
    const char *err = authsvc_config_number(cmd, arg, 1, AUTHSVC_OTP_TTL_MAX, &v);

    (void)dconf;
    if (err)
        return err;
    c->otp_ttl = (int)v;
    c->otp_ttl_set = 1;
    return NULL;
}
