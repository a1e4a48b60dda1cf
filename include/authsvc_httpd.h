/* The httpd-facing glue: configuration directives, hooks, the API handler and the
 * mod_dbd connection. Only these files include httpd headers. */
#ifndef AUTHSVC_HTTPD_H
#define AUTHSVC_HTTPD_H

#include <httpd.h>
#include <http_config.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include "authsvc_config.h"
#include "authsvc_db.h"

extern module AP_MODULE_DECLARE_DATA authsvc_module;

/* config.c */
void *authsvc_config_server_create(apr_pool_t *p, server_rec *s);
void *authsvc_config_server_merge(apr_pool_t *p, void *base, void *add);
void *authsvc_config_dir_create(apr_pool_t *p, char *dir);
void *authsvc_config_dir_merge(apr_pool_t *p, void *base, void *add);
extern const command_rec authsvc_directives[];
/* For directive handlers: parses a whole number in [min, max] or says why not. */
const char *authsvc_config_number(cmd_parms *cmd, const char *arg, long min, long max,
                                  long *out);
/* post_config: logs the release once per start or restart. */
int authsvc_config_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                               server_rec *s);
/* check_config: the default AuthsvcIssuer of every record that has none. */
int authsvc_config_complete(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s);
/* config_password.c: per-child state (the password hash limiter). */
void authsvc_config_child_init(apr_pool_t *p, server_rec *s);

/* handler.c: SetHandler authsvc */
int authsvc_handler(request_rec *r);
struct authsvc_request;
/* The flow-facing record of r. */
struct authsvc_request *authsvc_handler_request(request_rec *r);

/* dbd.c: registers the statement catalogue with mod_dbd for every server that uses it
 * (must run before mod_dbd's own post_config), and lends connections per request. */
int authsvc_dbd_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s);
authsvc_db_t *authsvc_dbd_acquire(request_rec *r);
/* A connection for work outside a request (deferred jobs), returned when p is cleared. */
authsvc_db_t *authsvc_dbd_open(apr_pool_t *p, server_rec *s);
/* The DBDParams of s when it uses the service's database on PostgreSQL (in p), else NULL. */
const char *authsvc_dbd_pgsql_params(apr_pool_t *p, const server_rec *s);
/* The server's own <VirtualHost> section in the configuration tree (NULL for the main
 * server), and the arguments of the mod_dbd directive `name` that applies to it (its
 * section's, else the main server's; NULL when none). */
struct ap_directive_t;
const struct ap_directive_t *authsvc_dbd_vhost_section(const server_rec *s);
const char *authsvc_dbd_server_directive(const server_rec *s, const char *name);
/* config_check.c, check_config: a server whose gateway locations have no keys to verify
 * with, or (browser mode) no database; an API server without a signing key (warning). */
int authsvc_config_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s);
/* check_config (configtest and every start): each database the servers use is reached
 * once: a missing SQLite file, one its directory or files not writable by User, or a
 * schema older than the module fail; a database that cannot be reached is a warning. */
int authsvc_dbd_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s);
/* -1 when s uses no database, else 1 while this process reaches it and 0 in an outage. */
int authsvc_dbd_up(const server_rec *s);
/* mod_dbd's post_connect hook (SQLite connections are set up there, PostgreSQL sessions
 * recorded); registered after mod_dbd's own. */
apr_status_t authsvc_dbd_post_connect(apr_pool_t *pool, dbd_cfg_t *cfg, ap_dbd_t *conn);

#endif
