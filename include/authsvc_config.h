/* Configuration records. Directive handlers (config.c) fill them at configuration
 * time; afterwards they are read-only (many threads read them at once). */
#ifndef AUTHSVC_CONFIG_H
#define AUTHSVC_CONFIG_H

#include <apr_pools.h>
#include <apr_tables.h>

/* Per virtual host. Each field has a "set" flag so merging keeps what a vhost set. */
typedef struct {
    const char *issuer;         /* AuthsvcIssuer: the service's external base URL */
    int issuer_set;
    int access_ttl;             /* AuthsvcAccessTokenLifetime, seconds */
    int access_ttl_set;
    int refresh_ttl;            /* AuthsvcRefreshTokenLifetime, seconds */
    int refresh_ttl_set;
    int auth_code_ttl;          /* AuthsvcAuthCodeLifetime, seconds, at most 600 */
    int auth_code_ttl_set;
    void *keyring;              /* authsvc_keyring_t*: AuthsvcSigningKey/-SecretFile; [0] signs */
    int keyring_set;
    int leeway;                 /* AuthsvcTokenLeeway, seconds of clock skew accepted */
    int leeway_set;
    int family_ttl;             /* AuthsvcRefreshFamilyLifetime: absolute session age, seconds */
    int family_ttl_set;
    int use_database;           /* AuthsvcDatabase On|Off: prepare our statements here */
    int use_database_set;
    const void *dbd_glue;       /* set in post_config by dbd.c: how to reach mod_dbd */
    void *gateway;              /* authsvc_gateway_server_t* (authsvc_gateway.h) */
} authsvc_server_config_t;

/* Per directory / location. */
typedef struct {
    apr_size_t body_limit;      /* AuthsvcMaxBodySize, bytes */
    int body_limit_set;
    const char *base_path;      /* AuthsvcBasePath: prefix stripped before routing */
    int base_path_set;
    void *gateway;              /* authsvc_gateway_dir_t* (authsvc_gateway.h) */
} authsvc_dir_config_t;

/* Effective values (defaults applied). */
int authsvc_config_access_ttl(const authsvc_server_config_t *c);
int authsvc_config_refresh_ttl(const authsvc_server_config_t *c);
int authsvc_config_auth_code_ttl(const authsvc_server_config_t *c);
int authsvc_config_leeway(const authsvc_server_config_t *c);
int authsvc_config_family_ttl(const authsvc_server_config_t *c);
apr_size_t authsvc_config_body_limit(const authsvc_dir_config_t *c);
const char *authsvc_config_base_path(const authsvc_dir_config_t *c);

#endif
