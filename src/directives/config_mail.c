/* Directives of mail delivery, reset and sign-up, and the loading of the templates in
 * post_config (so configtest reports a missing or broken template). */
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_uri.h>

#include "authsvc_config_mail.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_mail_message.h"

APLOG_USE_MODULE(authsvc);

#ifndef AUTHSVC_TEMPLATE_DIR
#define AUTHSVC_TEMPLATE_DIR "/usr/share/mod_authsvc/templates"
#endif

static authsvc_mail_config_t *mail_config(cmd_parms *cmd)
{
    authsvc_server_config_t *c = ap_get_module_config(cmd->server->module_config,
                                                      &authsvc_module);
    return c->mail;
}

static const char *mail_number(cmd_parms *cmd, const char *arg, long min, long max, int *out)
{
    char *end;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || v < min || v > max)
        return apr_psprintf(cmd->pool, "%s: '%s' must be a whole number from %ld to %ld",
                            cmd->cmd->name, arg, min, max);
    *out = (int)v;
    return NULL;
}

/* An absolute URL of one of the schemes (comma separated), without fragment or
 * credentials. */
static const char *mail_url_check(cmd_parms *cmd, const char *arg, const char *schemes,
                                  int query_ok)
{
    apr_uri_t uri;

    if (apr_uri_parse(cmd->pool, arg, &uri) != APR_SUCCESS || !uri.scheme || !uri.hostname
        || !ap_strcasestr(schemes, apr_pstrcat(cmd->pool, ",", uri.scheme, ",", NULL))
        || uri.fragment || uri.user || uri.password || (uri.query && !query_ok))
        return apr_psprintf(cmd->pool, "%s: '%s' is not a usable %s URL", cmd->cmd->name, arg,
                            schemes);
    return NULL;
}

const char *authsvc_cfg_mail_server(cmd_parms *cmd, void *dconf, const char *url)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    const char *err = mail_url_check(cmd, url, ",smtp,smtps,", 0);

    (void)dconf;
    c->transport.url = url;
    c->server_set = !err;
    return err;
}

const char *authsvc_cfg_mail_from(cmd_parms *cmd, void *dconf, const char *addr,
                                  const char *name)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    authsvc_mail_message_t probe = {addr, name, addr, "x", "x", NULL};
    const char *ignored;

    (void)dconf;
    if (authsvc_mail_message_build(cmd->temp_pool, &probe, 0, &ignored) != AUTHSVC_OK)
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not a plain address, or the name is not "
                            "printable ASCII without quotes",
                            cmd->cmd->name, addr);
    c->from = addr;
    c->from_name = name;
    c->from_set = 1;
    return NULL;
}

/* The first line of a small file (secrets stay out of the configuration text). */
static const char *mail_read_secret(cmd_parms *cmd, const char *file, const char **out)
{
    const char *path = ap_server_root_relative(cmd->pool, file);
    apr_file_t *f;
    char line[1024];

    if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS
        || apr_file_gets(line, sizeof(line), f) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: cannot read %s", cmd->cmd->name, file);
    apr_file_close(f);
    line[strcspn(line, "\r\n")] = '\0';
    *out = apr_pstrdup(cmd->pool, line);
    return NULL;
}

const char *authsvc_cfg_mail_auth(cmd_parms *cmd, void *dconf, const char *user,
                                  const char *file)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    const char *err = mail_read_secret(cmd, file, &c->transport.password);

    (void)dconf;
    c->transport.user = user;
    c->auth_set = !err;
    return err;
}

const char *authsvc_cfg_mail_starttls(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_mail_config_t *c = mail_config(cmd);

    (void)dconf;
    if (strcasecmp(arg, "Required") == 0)
        c->transport.starttls = AUTHSVC_MAIL_STARTTLS_REQUIRED;
    else if (strcasecmp(arg, "Try") == 0)
        c->transport.starttls = AUTHSVC_MAIL_STARTTLS_TRY;
    else if (strcasecmp(arg, "Off") == 0)
        c->transport.starttls = AUTHSVC_MAIL_STARTTLS_OFF;
    else
        return apr_psprintf(cmd->pool, "%s: Required, Try or Off", cmd->cmd->name);
    c->starttls_set = 1;
    return NULL;
}

const char *authsvc_cfg_mail_timeout(cmd_parms *cmd, void *dconf, const char *connect,
                                     const char *total)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    int cv = 0, tv = 0;
    const char *err = mail_number(cmd, connect, 1, AUTHSVC_MAIL_TIMEOUT_MAX, &cv);

    (void)dconf;
    if (!err)
        err = mail_number(cmd, total, cv, AUTHSVC_MAIL_TIMEOUT_MAX, &tv);
    if (err)
        return err;
    c->transport.connect_timeout_ms = cv * 1000L;
    c->transport.timeout_ms = tv * 1000L;
    c->timeouts_set = 1;
    return NULL;
}

/* AuthsvcMailCAFile FILE (info 0), AuthsvcMailTemplates DIR (info 1) */
const char *authsvc_cfg_mail_path(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    const char *path = ap_server_root_relative(cmd->pool, arg);
    apr_finfo_t fi;
    int dir = cmd->info != NULL;

    (void)dconf;
    if (!path || apr_stat(&fi, path, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS
        || fi.filetype != (dir ? APR_DIR : APR_REG))
        return apr_psprintf(cmd->pool, "%s: %s is not a %s", cmd->cmd->name, arg,
                            dir ? "directory" : "file");
    if (dir) {
        c->templates_dir = path;
        c->templates_dir_set = 1;
    } else {
        c->transport.ca_file = path;
        c->ca_file_set = 1;
    }
    return NULL;
}

/* AuthsvcMailWebhook (info 0), AuthsvcResetPasswordLink (1), AuthsvcSignUpLink (2) */
const char *authsvc_cfg_mail_url(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    long which = (long)(apr_uintptr_t)cmd->info;
    const char *err = mail_url_check(cmd, arg, ",http,https,", which != 0);

    (void)dconf;
    if (err)
        return err;
    if (which == 0) {
        c->webhook = arg;
        c->webhook_set = 1;
    } else if (which == 1) {
        c->reset_link = arg;
        c->reset_link_set = 1;
    } else {
        c->invite_link = arg;
        c->invite_link_set = 1;
    }
    return NULL;
}

const char *authsvc_cfg_mail_product(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_mail_config_t *c = mail_config(cmd);

    (void)dconf;
    if (strpbrk(arg, "\r\n") || strlen(arg) > 255)
        return apr_psprintf(cmd->pool, "%s: one line of at most 255 bytes", cmd->cmd->name);
    c->product = arg;
    c->product_set = 1;
    return NULL;
}

const char *authsvc_cfg_mail_token_ttl(cmd_parms *cmd, void *dconf, const char *arg)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    int invite = cmd->info != NULL;
    const char *err = mail_number(cmd, arg, 60,
                                  invite ? AUTHSVC_INVITE_TTL_MAX : AUTHSVC_RESET_TTL_MAX,
                                  invite ? &c->invite_ttl : &c->reset_ttl);

    (void)dconf;
    if (invite)
        c->invite_ttl_set = !err;
    else
        c->reset_ttl_set = !err;
    return err;
}

const char *authsvc_cfg_mail_limit(cmd_parms *cmd, void *dconf, const char *per_address,
                                   const char *per_ip, const char *window)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    const char *err = mail_number(cmd, per_address, 0, 100000, &c->per_address);

    (void)dconf;
    if (!err)
        err = mail_number(cmd, per_ip, 0, 100000, &c->per_ip);
    if (!err)
        err = mail_number(cmd, window, 1, 86400, &c->window);
    c->limit_set = !err;
    return err;
}

/* AuthsvcSignUp Off | TENANT_KEY ROLE_NAME CLIENT_ID [CLIENT_ID...] */
const char *authsvc_cfg_signup(cmd_parms *cmd, void *dconf, const char *args)
{
    authsvc_mail_config_t *c = mail_config(cmd);
    const char *word;

    (void)dconf;
    c->signup_set = 1;
    c->signup = 0;
    word = ap_getword_conf(cmd->pool, &args);
    if (strcasecmp(word, "Off") == 0 && !*ap_getword_conf(cmd->temp_pool, &args))
        return NULL;
    c->signup_tenant = word;
    c->signup_role = ap_getword_conf(cmd->pool, &args);
    c->signup_clients = apr_array_make(cmd->pool, 2, sizeof(const char *));
    while (*(word = ap_getword_conf(cmd->pool, &args)))
        APR_ARRAY_PUSH(c->signup_clients, const char *) = word;
    if (!*c->signup_tenant || !*c->signup_role || c->signup_clients->nelts == 0)
        return apr_psprintf(cmd->pool, "%s: Off, or TENANT ROLE CLIENT [CLIENT...]",
                            cmd->cmd->name);
    c->signup = 1;
    return NULL;
}

static const char *mail_load_template(apr_pool_t *pconf, const char *dir, const char *kind,
                                      authsvc_mail_template_t **out)
{
    const char *why = NULL;

    if (authsvc_mail_template_load(pconf, dir, kind, out, &why) != AUTHSVC_OK)
        return why;
    return NULL;
}

int authsvc_config_mail_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                     server_rec *s)
{
    const char *why;

    (void)plog;
    (void)ptemp;
    for (; s; s = s->next) {
        authsvc_server_config_t *sc = ap_get_module_config(s->module_config, &authsvc_module);
        authsvc_mail_config_t *c = sc->mail;
        const char *dir = c->templates_dir_set ? c->templates_dir : AUTHSVC_TEMPLATE_DIR;

        if (!c->server_set)
            continue;
        if (!c->from_set) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         AUTHSVC_LOGNO(1601) "AuthsvcMailServer needs AuthsvcMailFrom");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        why = mail_load_template(pconf, dir, "reset-password", &c->reset_template);
        if (!why)
            why = mail_load_template(pconf, dir, "sign-up", &c->invite_template);
        if (!why)
            why = mail_load_template(pconf, dir, "otp", &c->otp_template);
        if (why) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         AUTHSVC_LOGNO(1602) "mail templates: %s (AuthsvcMailTemplates)", why);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}
