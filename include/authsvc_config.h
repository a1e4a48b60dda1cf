/* Configuration records. Directive handlers (config.c) fill them at configuration
 * time; afterwards they are read-only (many threads read them at once). */
#ifndef AUTHSVC_CONFIG_H
#define AUTHSVC_CONFIG_H

#include <apr_hash.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_password.h"

/* Per virtual host. Each field has a "set" flag so merging keeps what a vhost set. */
typedef struct {
    const char *issuer; /* AuthsvcIssuer: the service's external base URL */
    int issuer_set;
    int access_ttl; /* AuthsvcAccessTokenLifetime, seconds */
    int access_ttl_set;
    int refresh_ttl; /* AuthsvcRefreshTokenLifetime, seconds */
    int refresh_ttl_set;
    int auth_code_ttl; /* AuthsvcAuthCodeLifetime, seconds, at most 600 */
    int auth_code_ttl_set;
    void *keyring; /* authsvc_keyring_t*: AuthsvcSigningKey/-SecretFile; [0] signs */
    int keyring_set;
    int leeway; /* AuthsvcTokenLeeway, seconds of clock skew accepted */
    int leeway_set;
    int family_ttl; /* AuthsvcRefreshFamilyLifetime: absolute session age, seconds */
    int family_ttl_set;
    authsvc_password_params_t password_params; /* AuthsvcPasswordHashCost M T P */
    int password_params_set;
    int hash_concurrency; /* AuthsvcPasswordHashConcurrency: hashes at once per child */
    int hash_concurrency_set;
    int password_min_length; /* AuthsvcPasswordMinLength, code points */
    int password_min_length_set;
    apr_hash_t *password_blocklist; /* AuthsvcPasswordBlocklist FILE, loaded at config time */
    int password_blocklist_set;
    int lockout_failures; /* AuthsvcAccountLockout FAILURES WAIT MAXWAIT */
    int lockout_wait;
    int lockout_max_wait;
    int lockout_set;
    int ip_failures; /* AuthsvcIpLoginLimit FAILURES WINDOW */
    int ip_window;
    int ip_limit_set;
    authsvc_password_limiter_t *password_limiter; /* per child, made in child_init */
    apr_hash_t *mfa_clients; /* AuthsvcMfaRequiredClients: client ids (set: the key) */
    int mfa_clients_set;
    apr_hash_t *mfa_tenants; /* AuthsvcMfaRequiredTenants: tenant keys */
    int mfa_tenants_set;
    const char *totp_issuer; /* AuthsvcTotpIssuer: the name authenticator apps show */
    int totp_issuer_set;
    int otp_ttl; /* AuthsvcOtpLifetime: seconds an e-mailed code works */
    int otp_ttl_set;
    apr_hash_t *social_providers; /* AuthsvcSocialProvider: name -> provider record */
    int social_providers_set;
    apr_hash_t *link_protected_roles; /* AuthsvcLinkProtectedRoles: role names (the keys);
                                         unset: every role granting a permission */
    int link_protected_roles_set;
    int use_database; /* AuthsvcDatabase On|Off: prepare our statements here */
    int use_database_set;
    int activity_record; /* AuthsvcLoginActivity On|Off */
    int activity_record_set;
    int activity_retention; /* AuthsvcLoginActivityRetention: days kept, 0 = all */
    int activity_retention_set;
    const unsigned char *activity_key; /* AuthsvcLoginActivityKeyFile: 32 bytes, or NULL */
    int activity_key_set;
    struct authsvc_mail_config *mail; /* mail, reset and sign-up (authsvc_config_mail.h) */
    struct authsvc_saml_config *saml; /* AuthsvcSaml*: NULL when the vhost has none */
    const void *dbd_glue;             /* set in post_config by dbd.c: how to reach mod_dbd */
    struct authsvc_metrics *metrics;  /* set in post_config: the node's shared counters */
    void *gateway;                    /* authsvc_gateway_server_t* (authsvc_gateway.h) */
    const void *pages; /* AuthsvcPagesTemplates: authsvc_page_templates_t* or NULL */
    int pages_set;
} authsvc_server_config_t;

/* Per directory / location. */
typedef struct {
    apr_size_t body_limit; /* AuthsvcMaxBodySize, bytes */
    int body_limit_set;
    const char *base_path; /* AuthsvcBasePath: prefix stripped before routing */
    int base_path_set;
    void *gateway; /* authsvc_gateway_dir_t* (authsvc_gateway.h) */
} authsvc_dir_config_t;

/* Effective values (defaults applied). */
int authsvc_config_access_ttl(const authsvc_server_config_t *c);
int authsvc_config_refresh_ttl(const authsvc_server_config_t *c);
int authsvc_config_auth_code_ttl(const authsvc_server_config_t *c);
int authsvc_config_leeway(const authsvc_server_config_t *c);
int authsvc_config_family_ttl(const authsvc_server_config_t *c);
int authsvc_config_activity_record(const authsvc_server_config_t *c);
int authsvc_config_activity_retention_days(const authsvc_server_config_t *c);
apr_size_t authsvc_config_body_limit(const authsvc_dir_config_t *c);
const char *authsvc_config_base_path(const authsvc_dir_config_t *c);

/* Password hashing, policy and brute-force regulation (AuthsvcPassword*, AuthsvcAccount*,
 * AuthsvcIpLoginLimit). A limit of 0 failures switches that regulation off. */
const authsvc_password_params_t *authsvc_config_password_params(
    const authsvc_server_config_t *c);
int authsvc_config_hash_concurrency(const authsvc_server_config_t *c);
unsigned authsvc_config_password_min_length(const authsvc_server_config_t *c);
typedef struct {
    int failures; /* failures that lock (account) or refuse (ip); 0: off */
    int wait;     /* account: first lock, seconds; ip: the counting window */
    int max_wait; /* account: the longest lock, seconds */
} authsvc_limit_t;
authsvc_limit_t authsvc_config_account_lockout(const authsvc_server_config_t *c);
authsvc_limit_t authsvc_config_ip_limit(const authsvc_server_config_t *c);

/* Second factor: 1 when every user of client_id must pass one; the issuer label of TOTP
 * enrolments (default: the host of AuthsvcIssuer). */
int authsvc_config_mfa_client(const authsvc_server_config_t *c, const char *client_id);
int authsvc_config_mfa_tenant(const authsvc_server_config_t *c, const char *tenant_key);
const char *authsvc_config_totp_issuer(const authsvc_server_config_t *c, apr_pool_t *p);
int authsvc_config_otp_ttl(const authsvc_server_config_t *c);

#endif
