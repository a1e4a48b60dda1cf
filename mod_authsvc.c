/* mod_authsvc: the module record and every hook it registers. Everything else lives in
 * src/. */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include "authsvc_config_mail.h"
#include "authsvc_deferred.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_listen.h"
#include "authsvc_httpd.h"
#include "authsvc_metrics_httpd.h"
#include "authsvc_social_config.h"
#include "authsvc_saml_config.h"

static void authsvc_register_hooks(apr_pool_t *p)
{
    /* Statements must be registered before mod_dbd's post_config reads them. */
    static const char *const before_dbd[] = {"mod_dbd.c", NULL};

    ap_hook_post_config(authsvc_dbd_post_config, NULL, before_dbd, APR_HOOK_MIDDLE);
    ap_hook_post_config(authsvc_config_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    /* check_config runs for configtest as well as at every start: what it refuses,
     * configtest refuses (post_config does not run for configtest) */
    ap_hook_check_config(authsvc_config_complete, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_check_config(authsvc_saml_check_config, NULL, NULL,
                         APR_HOOK_LAST); /* after AuthsvcIssuer */
    ap_hook_check_config(authsvc_config_mail_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(authsvc_social_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(authsvc_dbd_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(authsvc_gateway_cache_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(authsvc_config_check_config, NULL, NULL, APR_HOOK_LAST);
    ap_hook_child_init(authsvc_config_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(authsvc_social_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(authsvc_social_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(authsvc_deferred_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(authsvc_gateway_listen_child_init, NULL, NULL, APR_HOOK_LAST);
    ap_hook_post_config(authsvc_metrics_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(authsvc_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(authsvc_metrics_handler, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(dbd, post_connect, authsvc_dbd_post_connect, NULL, NULL, APR_HOOK_LAST);

    /* the gateway (AuthType authsvc) */
    ap_hook_pre_config(authsvc_gateway_cache_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(authsvc_gateway_cache_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(authsvc_gateway_headers_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(authsvc_gateway_cache_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_read_request(authsvc_gateway_headers_post_read_request, NULL, NULL,
                              APR_HOOK_REALLY_FIRST);
    ap_hook_check_authn(authsvc_gateway_check_authn, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_note_auth_failure(authsvc_gateway_note_auth_failure, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_quick_handler(authsvc_gateway_portal_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(authsvc_gateway_errors_insert, NULL, NULL, APR_HOOK_MIDDLE);
    /* not hooks: the Require providers and the error body filter */
    authsvc_gateway_authz_register(p);
    authsvc_gateway_errors_register();
}

AP_DECLARE_MODULE(authsvc) = {STANDARD20_MODULE_STUFF,     authsvc_config_dir_create,
                              authsvc_config_dir_merge,    authsvc_config_server_create,
                              authsvc_config_server_merge, authsvc_directives,
                              authsvc_register_hooks,      AP_MODULE_FLAG_NONE};
