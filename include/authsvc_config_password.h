/* Directives of password hashing, the password policy and brute-force regulation
 * (config_password.c); config.c puts AUTHSVC_PASSWORD_DIRECTIVES in the module's table. */
#ifndef AUTHSVC_CONFIG_PASSWORD_H
#define AUTHSVC_CONFIG_PASSWORD_H

#include <httpd.h>
#include <http_config.h>

const char *authsvc_cfg_hash_cost(cmd_parms *cmd, void *dconf, const char *m, const char *t,
                                  const char *par);
const char *authsvc_cfg_hash_concurrency(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_min_length(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_blocklist(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_account_lockout(cmd_parms *cmd, void *dconf, const char *n,
                                        const char *wait, const char *max);
const char *authsvc_cfg_ip_limit(cmd_parms *cmd, void *dconf, const char *n,
                                 const char *window);

/* clang-format off */
#define AUTHSVC_PASSWORD_DIRECTIVES \
    AP_INIT_TAKE3("AuthsvcPasswordHashCost", authsvc_cfg_hash_cost, NULL, RSRC_CONF, \
                  "argon2id memory (KiB), iterations, parallelism for new hashes (19456 2 1)"), \
    AP_INIT_TAKE1("AuthsvcPasswordHashConcurrency", authsvc_cfg_hash_concurrency, NULL, \
                  RSRC_CONF, "Password hashes running at once per httpd child (4)"), \
    AP_INIT_TAKE1("AuthsvcPasswordMinLength", authsvc_cfg_min_length, NULL, RSRC_CONF, \
                  "Shortest password accepted, in characters (8)"), \
    AP_INIT_TAKE1("AuthsvcPasswordBlocklist", authsvc_cfg_blocklist, NULL, RSRC_CONF, \
                  "File of refused common passwords, one per line"), \
    AP_INIT_TAKE3("AuthsvcAccountLockout", authsvc_cfg_account_lockout, NULL, RSRC_CONF, \
                  "Failures that lock a username, first and longest wait in seconds " \
                  "(5 60 900; 0 failures: off)"), \
    AP_INIT_TAKE2("AuthsvcIpLoginLimit", authsvc_cfg_ip_limit, NULL, RSRC_CONF, \
                  "Failed logins per client IP, and the window in seconds, before 429 (50 300)")
/* clang-format on */

#endif
