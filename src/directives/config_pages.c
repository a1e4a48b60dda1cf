/* AuthsvcPagesTemplates (see authsvc_page_templates.h). */
#include <string.h>

#include <httpd.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <http_config.h>

#include "authsvc_config.h"
#include "authsvc_httpd.h"
#include "authsvc_page_templates.h"

/* DIR/name read whole into *text (NULL when the file does not exist); an error message
 * when it cannot be read or is too large. */
static const char *pages_read(cmd_parms *cmd, const char *dir, const char *name,
                              const char **text)
{
    const char *path = apr_pstrcat(cmd->temp_pool, dir, "/", name, NULL);
    apr_finfo_t info;
    apr_file_t *f = NULL;
    apr_size_t len;
    char *buf;

    *text = NULL;
    if (apr_stat(&info, path, APR_FINFO_SIZE | APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS)
        return NULL;
    if (info.filetype != APR_REG || info.size > AUTHSVC_PAGE_TEMPLATE_MAX)
        return apr_psprintf(cmd->pool, "%s: %s is not a file of at most %d bytes",
                            cmd->cmd->name, path, AUTHSVC_PAGE_TEMPLATE_MAX);
    len = (apr_size_t)info.size;
    buf = apr_palloc(cmd->pool, len + 1);
    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS
        || apr_file_read_full(f, buf, len, &len) != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: cannot read %s", cmd->cmd->name, path);
    apr_file_close(f);
    buf[len] = '\0';
    if (strlen(buf) != len)
        return apr_psprintf(cmd->pool, "%s: %s holds a NUL byte", cmd->cmd->name, path);
    *text = buf;
    return NULL;
}

const char *authsvc_page_templates_set(cmd_parms *cmd, void *dconf, const char *dir)
{
    authsvc_server_config_t *c = ap_get_module_config(cmd->server->module_config,
                                                      &authsvc_module);
    authsvc_page_templates_t *t = apr_pcalloc(cmd->pool, sizeof(*t));
    const char *why, *path = ap_server_root_relative(cmd->pool, dir);

    (void)dconf;
    if (!path)
        return apr_psprintf(cmd->pool, "%s: bad path %s", cmd->cmd->name, dir);
    if ((why = pages_read(cmd, path, "page.html", &t->frame))
        || (why = pages_read(cmd, path, "authsvc.css", &t->style)))
        return why;
    if (!t->frame && !t->style)
        return apr_psprintf(cmd->pool, "%s: %s has neither page.html nor authsvc.css",
                            cmd->cmd->name, path);
    if (t->frame && !strstr(t->frame, "{{body}}"))
        return apr_psprintf(cmd->pool, "%s: %s/page.html has no {{body}}", cmd->cmd->name,
                            path);
    c->pages = t;
    c->pages_set = 1;
    return NULL;
}
