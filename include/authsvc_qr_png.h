/* A text as a QR code (libqrencode) in a PNG image (libpng), as a data: URL. Pure. */
#ifndef AUTHSVC_QR_PNG_H
#define AUTHSVC_QR_PNG_H

#include <apr_pools.h>

#include "authsvc_status.h"

#define AUTHSVC_QR_MODULE_PIXELS 6 /* pixels per QR module */
#define AUTHSVC_QR_QUIET_ZONE 4    /* modules of white border (ISO 18004) */
#define AUTHSVC_QR_TEXT_MAX 1024

/* "data:image/png;base64,..." of text; AUTHSVC_INVALID for an empty or too long text,
 * AUTHSVC_NO_MEMORY when encoding fails. */
authsvc_status_t authsvc_qr_png_data_url(apr_pool_t *p, const char *text, const char **url);

#endif
