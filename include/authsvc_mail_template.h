/* Mail templates: per kind of mail ("reset-password", "sign-up") a file KIND.txt whose
 * first line is "Subject: ..." followed by an empty line and the plain text, and an
 * optional KIND.html. Placeholders {{link}}, {{name}}, {{expiry}}, {{product}} are
 * replaced when rendering; in HTML the values are escaped. Read once, at configuration
 * time. Pure: no httpd. */
#ifndef AUTHSVC_MAIL_TEMPLATE_H
#define AUTHSVC_MAIL_TEMPLATE_H

#include <apr_pools.h>

#include "authsvc_status.h"

/* Largest template file accepted. */
#define AUTHSVC_MAIL_TEMPLATE_MAX (64 * 1024)

typedef struct {
    const char *subject;
    const char *text;
    const char *html; /* NULL: the mail is plain text only */
} authsvc_mail_template_t;

typedef struct {
    const char *name; /* "link" for {{link}} */
    const char *value;
} authsvc_mail_var_t;

/* Loads DIR/KIND.txt (required) and DIR/KIND.html (optional). On failure *why says why. */
authsvc_status_t authsvc_mail_template_load(apr_pool_t *p, const char *dir, const char *kind,
                                            authsvc_mail_template_t **out, const char **why);

/* text with each {{name}} of vars (ending with a NULL name) replaced by its value,
 * HTML-escaped when html is set. Unknown placeholders stay as they are. */
const char *authsvc_mail_template_render(apr_pool_t *p, const char *text,
                                         const authsvc_mail_var_t *vars, int html);

/* & < > " ' escaped for HTML text and attribute values. */
const char *authsvc_html_escape(apr_pool_t *p, const char *s);

#endif
