/* Directives of the second factor (config_mfa.c); config.c puts AUTHSVC_MFA_DIRECTIVES in
 * the module's table. */
#ifndef AUTHSVC_CONFIG_MFA_H
#define AUTHSVC_CONFIG_MFA_H

#include <httpd.h>
#include <http_config.h>

const char *authsvc_cfg_mfa_client(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_mfa_tenant(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_totp_issuer(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_otp_ttl(cmd_parms *cmd, void *dconf, const char *arg);

/* clang-format off */
#define AUTHSVC_MFA_DIRECTIVES \
    AP_INIT_ITERATE("AuthsvcMfaRequiredClients", authsvc_cfg_mfa_client, NULL, RSRC_CONF, \
                    "Client ids whose every user must pass a second factor"), \
    AP_INIT_ITERATE("AuthsvcMfaRequiredTenants", authsvc_cfg_mfa_tenant, NULL, RSRC_CONF, \
                    "Tenant keys whose every user must pass a second factor"), \
    AP_INIT_TAKE1("AuthsvcTotpIssuer", authsvc_cfg_totp_issuer, NULL, RSRC_CONF, \
                  "Name authenticator apps show for TOTP enrolments (the issuer's host)"), \
    AP_INIT_TAKE1("AuthsvcOtpLifetime", authsvc_cfg_otp_ttl, NULL, RSRC_CONF, \
                  "Seconds an e-mailed one-time code works (600, at most 3600)")
/* clang-format on */

#endif
