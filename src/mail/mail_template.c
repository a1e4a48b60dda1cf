/* Mail templates: loading and placeholder rendering (see authsvc_mail_template.h). */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_json.h"
#include "authsvc_mail_template.h"

/* The file's text, or NULL (missing, too large, not UTF-8). */
static char *template_read(apr_pool_t *p, const char *path, const char **why)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t len;
    char *data;

    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS) {
        *why = apr_psprintf(p, "cannot open %s", path);
        return NULL;
    }
    if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS
        || fi.size > AUTHSVC_MAIL_TEMPLATE_MAX) {
        apr_file_close(f);
        *why = apr_psprintf(p, "%s is larger than %d bytes", path, AUTHSVC_MAIL_TEMPLATE_MAX);
        return NULL;
    }
    len = (apr_size_t)fi.size;
    data = apr_palloc(p, len + 1);
    if (len && apr_file_read_full(f, data, len, &len) != APR_SUCCESS)
        len = 0;
    apr_file_close(f);
    data[len] = '\0';
    if (!authsvc_utf8_valid(data, len)) {
        *why = apr_psprintf(p, "%s is not UTF-8 text", path);
        return NULL;
    }
    return data;
}

/* "Subject: ...\n\n<body>" split in two; LF line ends become CRLF in the message. */
static authsvc_status_t template_split(apr_pool_t *p, char *data, authsvc_mail_template_t *t)
{
    char *eol;

    if (strncmp(data, "Subject: ", 9) != 0 || !(eol = strchr(data, '\n')))
        return AUTHSVC_INVALID;
    *eol = '\0';
    if (eol > data && eol[-1] == '\r')
        eol[-1] = '\0';
    t->subject = apr_pstrdup(p, data + 9);
    t->text = eol[1] == '\r' ? eol + 3 : eol[1] == '\n' ? eol + 2 : eol + 1;
    return *t->subject ? AUTHSVC_OK : AUTHSVC_INVALID;
}

/* LF line ends as CRLF (SMTP wants CRLF; lone CRs are dropped). */
static const char *template_crlf(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 2 * strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (*s == '\r')
            continue;
        if (*s == '\n')
            *o++ = '\r';
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

authsvc_status_t authsvc_mail_template_load(apr_pool_t *p, const char *dir, const char *kind,
                                            authsvc_mail_template_t **out, const char **why)
{
    authsvc_mail_template_t *t = apr_pcalloc(p, sizeof(*t));
    const char *html_path = apr_pstrcat(p, dir, "/", kind, ".html", NULL);
    const char *ignored = NULL;
    char *text = template_read(p, apr_pstrcat(p, dir, "/", kind, ".txt", NULL), why), *html;

    *out = NULL;
    if (!text)
        return AUTHSVC_NOT_FOUND;
    if (template_split(p, text, t) != AUTHSVC_OK) {
        *why = apr_psprintf(p, "%s/%s.txt must start with a 'Subject: ...' line", dir, kind);
        return AUTHSVC_INVALID;
    }
    t->text = template_crlf(p, t->text);
    html = template_read(p, html_path, &ignored);
    t->html = html ? template_crlf(p, html) : NULL;
    *out = t;
    return AUTHSVC_OK;
}

const char *authsvc_html_escape(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 6 * strlen(s) + 1), *o = out;

    for (; *s; s++) {
        const char *rep = *s == '&'    ? "&amp;"
                          : *s == '<'  ? "&lt;"
                          : *s == '>'  ? "&gt;"
                          : *s == '"'  ? "&quot;"
                          : *s == '\'' ? "&#39;"
                                       : NULL;
        if (rep) {
            memcpy(o, rep, strlen(rep));
            o += strlen(rep);
        } else
            *o++ = *s;
    }
    *o = '\0';
    return out;
}

static const authsvc_mail_var_t *template_var(const authsvc_mail_var_t *vars, const char *name,
                                              apr_size_t len)
{
    for (; vars->name; vars++)
        if (strlen(vars->name) == len && strncmp(vars->name, name, len) == 0)
            return vars;
    return NULL;
}

const char *authsvc_mail_template_render(apr_pool_t *p, const char *text,
                                         const authsvc_mail_var_t *vars, int html)
{
    const char *out = "", *open, *close;
    const authsvc_mail_var_t *v;

    while ((open = strstr(text, "{{")) && (close = strstr(open + 2, "}}"))) {
        v = template_var(vars, open + 2, (apr_size_t)(close - open - 2));
        out = apr_pstrcat(p, out, apr_pstrmemdup(p, text, (apr_size_t)(open - text)),
                          v ? (html ? authsvc_html_escape(p, v->value) : v->value)
                            : apr_pstrmemdup(p, open, (apr_size_t)(close + 2 - open)),
                          NULL);
        text = close + 2;
    }
    return apr_pstrcat(p, out, text, NULL);
}
