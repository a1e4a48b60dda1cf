/* QR code PNG data URLs (see authsvc_qr_png.h). */
#include <string.h>

#include <apr_base64.h>
#include <apr_strings.h>
#include <png.h>
#include <qrencode.h>

#include "authsvc_qr_png.h"

typedef struct {
    apr_pool_t *pool;
    char *data;
    apr_size_t len, cap;
} png_buffer_t;

static void qr_png_write(png_structp png, png_bytep bytes, png_size_t n)
{
    png_buffer_t *b = png_get_io_ptr(png);

    if (b->len + n > b->cap) {
        apr_size_t cap = (b->cap ? b->cap : 4096);
        char *grown;

        while (cap < b->len + n)
            cap *= 2;
        grown = apr_palloc(b->pool, cap);
        if (b->len)
            memcpy(grown, b->data, b->len);
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
}

static void qr_png_flush(png_structp png)
{
    (void)png;
}

/* One grey row of the image: y in pixels. */
static void qr_png_row(const QRcode *qr, int y, png_bytep row, int width_px)
{
    int x, border = AUTHSVC_QR_QUIET_ZONE * AUTHSVC_QR_MODULE_PIXELS;
    int my = (y - border) / AUTHSVC_QR_MODULE_PIXELS;

    for (x = 0; x < width_px; x++) {
        int mx = (x - border) / AUTHSVC_QR_MODULE_PIXELS;
        int inside = x >= border && y >= border && mx < qr->width && my < qr->width;

        row[x] = inside && (qr->data[my * qr->width + mx] & 1) ? 0 : 255;
    }
}

/* Writes qr as an 8-bit greyscale PNG into b; 0 on success. */
static int qr_png_encode(const QRcode *qr, png_buffer_t *b)
{
    int width = (qr->width + 2 * AUTHSVC_QR_QUIET_ZONE) * AUTHSVC_QR_MODULE_PIXELS, y;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep row = apr_palloc(b->pool, (apr_size_t)width);

    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, b, qr_png_write, qr_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)width, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (y = 0; y < width; y++) {
        qr_png_row(qr, y, row, width);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

authsvc_status_t authsvc_qr_png_data_url(apr_pool_t *p, const char *text, const char **url)
{
    static const char prefix[] = "data:image/png;base64,";
    png_buffer_t b = {p, NULL, 0, 0};
    QRcode *qr;
    char *out;
    int rc;

    *url = NULL;
    if (!text || !*text || strlen(text) > AUTHSVC_QR_TEXT_MAX)
        return AUTHSVC_INVALID;
    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return AUTHSVC_NO_MEMORY;
    rc = qr_png_encode(qr, &b);
    QRcode_free(qr);
    if (rc != 0)
        return AUTHSVC_NO_MEMORY;
    out = apr_palloc(p, sizeof(prefix) - 1 + (apr_size_t)apr_base64_encode_len((int)b.len));
    memcpy(out, prefix, sizeof(prefix) - 1);
    apr_base64_encode(out + sizeof(prefix) - 1, b.data, (int)b.len);
    *url = out;
    return AUTHSVC_OK;
}
