/* Mail, reset and sign-up configuration: the record (one per server, merged per vhost),
 * its effective values, and the directives (config_mail.c), which config.c puts in the
 * module's table through AUTHSVC_MAIL_DIRECTIVES. */
#ifndef AUTHSVC_CONFIG_MAIL_H
#define AUTHSVC_CONFIG_MAIL_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_mail.h"
#include "authsvc_mail_template.h"
#include <httpd.h>
#include <http_config.h>

/* Defaults and ceilings, seconds. */
#define AUTHSVC_RESET_TTL_DEFAULT (30 * 60)
#define AUTHSVC_RESET_TTL_MAX 86400
#define AUTHSVC_INVITE_TTL_DEFAULT 86400
#define AUTHSVC_INVITE_TTL_MAX (7 * 86400)
#define AUTHSVC_MAIL_CONNECT_TIMEOUT_DEFAULT 5
#define AUTHSVC_MAIL_TIMEOUT_DEFAULT 15
#define AUTHSVC_MAIL_TIMEOUT_MAX 120
/* Mails per address and mail requests per client address in a window (seconds). */
#define AUTHSVC_MAIL_PER_ADDRESS_DEFAULT 3
#define AUTHSVC_MAIL_PER_IP_DEFAULT 30
#define AUTHSVC_MAIL_WINDOW_DEFAULT 900
/* Jobs waiting per httpd child before further mails are dropped (and logged). */
#define AUTHSVC_MAIL_QUEUE_MAX 256
/* Reset and invite tokens: random bytes (sent as 64 hex characters). */
#define AUTHSVC_MAIL_TOKEN_BYTES 32
#define AUTHSVC_MAIL_PRODUCT_DEFAULT "Authentication Service"

typedef struct authsvc_mail_config {
    authsvc_mail_transport_t transport; /* AuthsvcMailServer/-Auth/-StartTLS/-Timeout/-CAFile */
    int server_set, auth_set, starttls_set, timeouts_set, ca_file_set;
    const char *from, *from_name; /* AuthsvcMailFrom ADDRESS [NAME] */
    int from_set;
    const char *webhook; /* AuthsvcMailWebhook URL */
    int webhook_set;
    const char *templates_dir; /* AuthsvcMailTemplates DIR */
    int templates_dir_set;
    const char *product; /* AuthsvcMailProductName */
    int product_set;
    const char *reset_link, *invite_link; /* AuthsvcResetPasswordLink, AuthsvcSignUpLink */
    int reset_link_set, invite_link_set;
    int reset_ttl, invite_ttl; /* AuthsvcResetTokenLifetime, AuthsvcSignUpTokenLifetime */
    int reset_ttl_set, invite_ttl_set;
    int per_address, per_ip, window; /* AuthsvcMailLimit */
    int limit_set;
    int signup; /* AuthsvcSignUp Off | TENANT ROLE CLIENT... */
    const char *signup_tenant, *signup_role;
    apr_array_header_t *signup_clients; /* const char * */
    int signup_set;
    /* filled after the configuration is read */
    authsvc_mail_template_t *reset_template, *invite_template; /* post_config */
    authsvc_mail_template_t *otp_template;                     /* post_config */
    void *queue; /* authsvc_job_queue_t of this child (child_init) */
} authsvc_mail_config_t;

authsvc_mail_config_t *authsvc_config_mail_create(apr_pool_t *p);
authsvc_mail_config_t *authsvc_config_mail_merge(apr_pool_t *p,
                                                 const authsvc_mail_config_t *base,
                                                 const authsvc_mail_config_t *add);

/* Effective values (defaults applied; links default to the issuer's URL). */
int authsvc_config_mail_enabled(const authsvc_mail_config_t *c); /* a server or a webhook */
const char *authsvc_config_mail_product(const authsvc_mail_config_t *c);
const char *authsvc_config_mail_link(apr_pool_t *p, const authsvc_mail_config_t *c,
                                     const char *issuer, int invite, const char *token);
int authsvc_config_mail_token_ttl(const authsvc_mail_config_t *c, int invite);
void authsvc_config_mail_limits(const authsvc_mail_config_t *c, int *per_address, int *per_ip,
                                int *window);

/* config_mail.c: the directives (httpd) */

const char *authsvc_cfg_mail_server(cmd_parms *cmd, void *dconf, const char *url);
const char *authsvc_cfg_mail_from(cmd_parms *cmd, void *dconf, const char *addr,
                                  const char *name);
const char *authsvc_cfg_mail_auth(cmd_parms *cmd, void *dconf, const char *user,
                                  const char *file);
const char *authsvc_cfg_mail_starttls(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_mail_timeout(cmd_parms *cmd, void *dconf, const char *connect,
                                     const char *total);
const char *authsvc_cfg_mail_path(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_mail_url(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_mail_product(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_mail_token_ttl(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_cfg_mail_limit(cmd_parms *cmd, void *dconf, const char *per_address,
                                   const char *per_ip, const char *window);
const char *authsvc_cfg_signup(cmd_parms *cmd, void *dconf, const char *args);

/* Loads the templates of every server that sends mail (apachectl configtest runs it). */
int authsvc_config_mail_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                     server_rec *s);

/* clang-format off */
#define AUTHSVC_MAIL_DIRECTIVES \
    AP_INIT_TAKE1("AuthsvcMailServer", authsvc_cfg_mail_server, NULL, RSRC_CONF, \
                  "SMTP server: smtp://host[:port] (STARTTLS) or smtps://host[:port]"), \
    AP_INIT_TAKE12("AuthsvcMailFrom", authsvc_cfg_mail_from, NULL, RSRC_CONF, \
                   "Sender address of mails, and an optional display name"), \
    AP_INIT_TAKE2("AuthsvcMailAuth", authsvc_cfg_mail_auth, NULL, RSRC_CONF, \
                  "SMTP AUTH user, and a file holding the password"), \
    AP_INIT_TAKE1("AuthsvcMailStartTLS", authsvc_cfg_mail_starttls, NULL, RSRC_CONF, \
                  "smtp:// servers: Required (default), Try or Off"), \
    AP_INIT_TAKE2("AuthsvcMailTimeout", authsvc_cfg_mail_timeout, NULL, RSRC_CONF, \
                  "Seconds to connect and for a whole delivery (5 15)"), \
    AP_INIT_TAKE1("AuthsvcMailCAFile", authsvc_cfg_mail_path, (void *)0, RSRC_CONF, \
                  "CA certificates that verify the SMTP server and the webhook"), \
    AP_INIT_TAKE1("AuthsvcMailTemplates", authsvc_cfg_mail_path, (void *)1, RSRC_CONF, \
                  "Directory of the mail templates (reset-password.txt/.html, sign-up.txt/.html)"), \
    AP_INIT_TAKE1("AuthsvcMailWebhook", authsvc_cfg_mail_url, (void *)0, RSRC_CONF, \
                  "URL that gets each mail event as a JSON POST"), \
    AP_INIT_TAKE1("AuthsvcResetPasswordLink", authsvc_cfg_mail_url, (void *)1, RSRC_CONF, \
                  "Page that reset mails link to, with ?token=... (issuer/reset-password)"), \
    AP_INIT_TAKE1("AuthsvcSignUpLink", authsvc_cfg_mail_url, (void *)2, RSRC_CONF, \
                  "Page that invite mails link to, with ?token=... (issuer/sign-up)"), \
    AP_INIT_TAKE1("AuthsvcMailProductName", authsvc_cfg_mail_product, NULL, RSRC_CONF, \
                  "Product name in mails"), \
    AP_INIT_TAKE1("AuthsvcResetTokenLifetime", authsvc_cfg_mail_token_ttl, (void *)0, \
                  RSRC_CONF, "Reset link lifetime, seconds (1800)"), \
    AP_INIT_TAKE1("AuthsvcSignUpTokenLifetime", authsvc_cfg_mail_token_ttl, (void *)1, \
                  RSRC_CONF, "Invite link lifetime, seconds (86400)"), \
    AP_INIT_TAKE3("AuthsvcMailLimit", authsvc_cfg_mail_limit, NULL, RSRC_CONF, \
                  "Mails per address, requests per client IP, window seconds (3 30 900)"), \
    AP_INIT_RAW_ARGS("AuthsvcSignUp", authsvc_cfg_signup, NULL, RSRC_CONF, \
                     "Off, or the TENANT key, ROLE name and CLIENT ids of self sign-up")
/* clang-format on */

#endif
