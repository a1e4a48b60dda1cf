/* The sign-in pages' texts in English and German, chosen by the request's
 * Accept-Language (RFC 9110 12.5.4: the supported language with the highest q; English
 * when none is acceptable). Texts are looked up by their English wording, so a text
 * without a translation (a password policy's reason) stays English. */
#ifndef AUTHSVC_PAGE_TEXT_H
#define AUTHSVC_PAGE_TEXT_H

#include <httpd.h>

/* "en" or "de": the language of r's pages (worked out once per request). */
const char *authsvc_page_lang(request_rec *r);

/* The text en in r's language (en itself when it has no translation; NULL stays NULL). */
const char *authsvc_page_tr(request_rec *r, const char *en);

#endif
