/* AuthsvcPagesTemplates DIR: files of DIR replace the sign-in pages' built-in ones, read
 * once at configuration time. page.html is the frame of every page, with the named
 * placeholders {{lang}}, {{title}}, {{stylesheet}} (the stylesheet's URL), all escaped on
 * substitution, and {{body}}, the page's own HTML (its texts escaped already); it must
 * hold {{body}} and may have no inline script or style the CSP would refuse.
 * authsvc.css replaces the stylesheet. Either file may be absent (the built-in one then
 * stays). config_pages.c sets it, page_render.c uses it. */
#ifndef AUTHSVC_PAGE_TEMPLATES_H
#define AUTHSVC_PAGE_TEMPLATES_H

#include <httpd.h>
#include <http_config.h>

/* Largest template file accepted. */
#define AUTHSVC_PAGE_TEMPLATE_MAX (64 * 1024)

/* The server config's `pages` field. */
typedef struct {
    const char *frame; /* page.html, or NULL */
    const char *style; /* authsvc.css, or NULL */
} authsvc_page_templates_t;

const char *authsvc_page_templates_set(cmd_parms *cmd, void *dconf, const char *dir);

/* clang-format off */
#define AUTHSVC_PAGE_DIRECTIVES \
    AP_INIT_TAKE1("AuthsvcPagesTemplates", authsvc_page_templates_set, NULL, RSRC_CONF, \
                  "Directory whose page.html and authsvc.css replace the sign-in pages' own")
/* clang-format on */

#endif
