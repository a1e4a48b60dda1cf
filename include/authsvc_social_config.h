/* AuthsvcSocialProvider directives and the social engine's hooks
 * (social_provider_config.c); config.c puts AUTHSVC_SOCIAL_DIRECTIVES in the module's
 * table and mod_authsvc.c registers the hooks. */
#ifndef AUTHSVC_SOCIAL_CONFIG_H
#define AUTHSVC_SOCIAL_CONFIG_H

#include <httpd.h>
#include <http_config.h>

const char *authsvc_cfg_social_provider(cmd_parms *cmd, void *dconf, int argc,
                                        char *const argv[]);

/* Checks every configured provider (httpd refuses to start on an incomplete one) and
 * sets libcurl up once. */
int authsvc_social_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s);
int authsvc_social_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                               server_rec *s);

/* Each child gets its own JWKS cache per provider. */
void authsvc_social_child_init(apr_pool_t *p, server_rec *s);

/* clang-format off */
#define AUTHSVC_SOCIAL_DIRECTIVES \
    AP_INIT_TAKE_ARGV("AuthsvcSocialProvider", authsvc_cfg_social_provider, NULL, RSRC_CONF, \
                      "NAME KEY VALUE...: one property of a social login provider " \
                      "(google, azure, cognito, keycloak, apple, facebook, instagram)")
/* clang-format on */

#endif
