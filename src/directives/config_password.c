/* Directives of password hashing, the password policy and brute-force regulation, and
 * the per-child hash limiter made in child_init. */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <apr_strings.h>

#include "authsvc_config_password.h"
#include "authsvc_httpd.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_password_policy.h"

APLOG_USE_MODULE(authsvc);

static authsvc_server_config_t *password_server(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &authsvc_module);
}

/* A whole number in [min, max] into an int field, or why not. */
static const char *password_number(cmd_parms *cmd, const char *arg, long min, long max,
                                   int *out)
{
    long v = 0;
    const char *err = authsvc_config_number(cmd, arg, min, max, &v);

    if (!err)
        *out = (int)v;
    return err;
}

/* AuthsvcPasswordHashCost MEMORY_KIB ITERATIONS PARALLELISM: argon2id for new hashes;
 * never under OWASP's minimum (m=19456, t=2). */
const char *authsvc_cfg_hash_cost(cmd_parms *cmd, void *dconf, const char *m, const char *t,
                                  const char *par)
{
    authsvc_server_config_t *c = password_server(cmd);
    int mv = 0, tv = 0, pv = 0;
    const char *err = password_number(cmd, m, AUTHSVC_ARGON2_M_COST_MIN,
                                      AUTHSVC_ARGON2_M_COST_MAX, &mv);

    (void)dconf;
    if (!err)
        err = password_number(cmd, t, AUTHSVC_ARGON2_T_COST_MIN, AUTHSVC_ARGON2_T_COST_MAX,
                              &tv);
    if (!err)
        err = password_number(cmd, par, 1, AUTHSVC_ARGON2_PARALLELISM_MAX, &pv);
    if (err)
        return err;
    c->password_params.m_cost = (uint32_t)mv;
    c->password_params.t_cost = (uint32_t)tv;
    c->password_params.parallelism = (uint32_t)pv;
    if (authsvc_password_params_check(&c->password_params) != AUTHSVC_OK)
        return apr_psprintf(cmd->pool, "%s: unusable argon2id cost", cmd->cmd->name);
    c->password_params_set = 1;
    return NULL;
}

const char *authsvc_cfg_hash_concurrency(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = password_server(cmd);
    const char *err = password_number(cmd, arg, 1, AUTHSVC_PASSWORD_LIMITER_MAX,
                                      &c->hash_concurrency);

    (void)dconf;
    c->hash_concurrency_set = !err;
    return err;
}

const char *authsvc_cfg_min_length(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = password_server(cmd);
    const char *err = password_number(cmd, arg, AUTHSVC_PASSWORD_POLICY_MIN_LENGTH,
                                      AUTHSVC_PASSWORD_POLICY_MAX_LENGTH,
                                      &c->password_min_length);

    (void)dconf;
    c->password_min_length_set = !err;
    return err;
}

/* AuthsvcPasswordBlocklist FILE: one common password per line, read once here. */
const char *authsvc_cfg_blocklist(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_server_config_t *c = password_server(cmd);
    const char *path = ap_server_root_relative(cmd->pool, arg), *why = NULL;

    (void)dconf;
    if (!path
        || authsvc_password_blocklist_load(cmd->pool, path, &c->password_blocklist, &why)
               != AUTHSVC_OK)
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, why ? why : arg);
    c->password_blocklist_set = 1;
    return NULL;
}

/* AuthsvcAccountLockout FAILURES WAIT MAXWAIT (FAILURES 0: off). */
const char *authsvc_cfg_account_lockout(cmd_parms *cmd, void *dconf, const char *n,
                                        const char *wait, const char *max)
{
    authsvc_server_config_t *c = password_server(cmd);
    const char *err = password_number(cmd, n, 0, AUTHSVC_LIMIT_FAILURES_MAX,
                                      &c->lockout_failures);

    (void)dconf;
    if (!err)
        err = password_number(cmd, wait, 1, AUTHSVC_LIMIT_SECONDS_MAX, &c->lockout_wait);
    if (!err)
        err = password_number(cmd, max, c->lockout_wait, AUTHSVC_LIMIT_SECONDS_MAX,
                              &c->lockout_max_wait);
    c->lockout_set = !err;
    return err;
}

/* AuthsvcIpLoginLimit FAILURES WINDOW (FAILURES 0: off). */
const char *authsvc_cfg_ip_limit(cmd_parms *cmd, void *dconf, const char *n, const char *window)
{
    authsvc_server_config_t *c = password_server(cmd);
    const char *err = password_number(cmd, n, 0, AUTHSVC_LIMIT_FAILURES_MAX, &c->ip_failures);

    (void)dconf;
    if (!err)
        err = password_number(cmd, window, 1, AUTHSVC_LIMIT_SECONDS_MAX, &c->ip_window);
    c->ip_limit_set = !err;
    return err;
}

/* Each child gets its own hash limiter per server (config records are per process after
 * the fork, and nothing else writes them). */
void authsvc_config_child_init(apr_pool_t *p, server_rec *s)
{
    for (; s; s = s->next) {
        authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);

        if (authsvc_password_limiter_create(p, (unsigned)authsvc_config_hash_concurrency(c),
                                            AUTHSVC_PASSWORD_LIMITER_WAIT_DEFAULT,
                                            &c->password_limiter)
            != AUTHSVC_OK)
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                         AUTHSVC_LOGNO(0005) "cannot create the password hash limiter");
    }
}
