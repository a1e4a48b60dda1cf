/* authsvc-admin: the administration commands, callable from tests. cli/authsvc_admin.c
 * only initialises APR and calls authsvc_admin_main. */
#ifndef AUTHSVC_ADMIN_H
#define AUTHSVC_ADMIN_H

#include <stdio.h>
#include <apr_pools.h>

/* Exit codes. */
#define AUTHSVC_ADMIN_OK 0
#define AUTHSVC_ADMIN_FAILURE 1 /* nothing was written */
#define AUTHSVC_ADMIN_USAGE 2   /* bad command line */

typedef struct {
    apr_pool_t *pool;
    FILE *in;           /* --password-stdin reads the password here */
    FILE *out;          /* results, usage on --help */
    FILE *err;          /* errors: one line each, "authsvc-admin: ..." */
    const char *driver; /* --driver given before the command, or NULL */
    const char *params; /* --params given before the command, or NULL */
} authsvc_admin_t;

/* The whole command line, argv[0] included. Returns the exit code. */
int authsvc_admin_main(apr_pool_t *p, int argc, const char *const *argv, FILE *in, FILE *out,
                       FILE *err);

/* One command each; argv holds only the options after the command words.
 * --driver/--params may also appear here; otherwise ctx's, then the environment
 * (AUTHSVC_DB_DRIVER, AUTHSVC_DB_PARAMS) are used. */
int authsvc_admin_migrate(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_tenant_add(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_role_add(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_client_add(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_add(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_tenant_list(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_tenant_show(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_role_list(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_role_show(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_client_list(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_client_show(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_client_delete(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_client_rotate_secret(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_client_oidc(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_show(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_disable(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_enable(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_delete(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_reset_password(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_list(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_link(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_unlink(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_links(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_unlock(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_user_mfa(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_purge(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_activity(authsvc_admin_t *ctx, int argc, const char *const *argv);
int authsvc_admin_key_generate(authsvc_admin_t *ctx, int argc, const char *const *argv);

#endif
