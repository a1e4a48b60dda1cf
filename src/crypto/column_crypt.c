/* AES-256-GCM column values (see authsvc_column_crypt.h). */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "authsvc_base64url.h"
#include "authsvc_column_crypt.h"

#define NONCE_BYTES 12
#define TAG_BYTES 16
#define KEY_FILE_MAX 256

/* One AES-256-GCM pass: encrypt (enc 1) or decrypt and check the tag (enc 0). tag is
 * written when encrypting and read when decrypting. Returns the output length or -1. */
static int column_gcm(int enc, const unsigned char *key, const unsigned char *nonce,
                      const char *aad, const unsigned char *in, int len, unsigned char *out,
                      unsigned char *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, ok;

    ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_BYTES, NULL) == 1
         && EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) == 1
         && EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) == 1
         && EVP_CipherUpdate(ctx, out, &n, in, len) == 1
         && (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag) == 1)
         && EVP_CipherFinal_ex(ctx, out + n, &fin) == 1
         && (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, tag) == 1);
    EVP_CIPHER_CTX_free(ctx);
    return ok ? n + fin : -1;
}

authsvc_status_t authsvc_column_encrypt(apr_pool_t *p, const unsigned char *key,
                                        const char *column, const char *plaintext,
                                        const char **out)
{
    int len = (int)strlen(plaintext);
    unsigned char *buf = apr_palloc(p, (apr_size_t)len + NONCE_BYTES + TAG_BYTES);

    *out = NULL;
    if (RAND_bytes(buf, NONCE_BYTES) != 1
        || column_gcm(1, key, buf, column, (const unsigned char *)plaintext, len,
                      buf + NONCE_BYTES, buf + NONCE_BYTES + len)
               != len)
        return AUTHSVC_CRYPTO_ERROR;
    *out = apr_pstrcat(p, AUTHSVC_COLUMN_PREFIX,
                       authsvc_b64url_encode(p, buf, (apr_size_t)len + NONCE_BYTES + TAG_BYTES),
                       NULL);
    return AUTHSVC_OK;
}

authsvc_status_t authsvc_column_decrypt(apr_pool_t *p, const unsigned char *key,
                                        const char *column, const char *stored,
                                        const char **out)
{
    apr_size_t plen = sizeof(AUTHSVC_COLUMN_PREFIX) - 1, n = 0;
    unsigned char *raw = NULL, *plain;
    int len;

    *out = stored;
    if (!stored || strncmp(stored, AUTHSVC_COLUMN_PREFIX, plen) != 0)
        return AUTHSVC_OK;
    *out = NULL;
    if (authsvc_b64url_decode(p, stored + plen, strlen(stored + plen), &raw, &n) != AUTHSVC_OK
        || n < NONCE_BYTES + TAG_BYTES)
        return AUTHSVC_INVALID;
    len = (int)(n - NONCE_BYTES - TAG_BYTES);
    plain = apr_palloc(p, (apr_size_t)len + 1);
    if (column_gcm(0, key, raw, column, raw + NONCE_BYTES, len, plain, raw + NONCE_BYTES + len)
        != len)
        return AUTHSVC_INVALID;
    plain[len] = '\0';
    *out = (const char *)plain;
    return AUTHSVC_OK;
}

static int column_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

authsvc_status_t authsvc_column_key_load(apr_pool_t *p, const char *path,
                                         const unsigned char **key, const char **why)
{
    char buf[KEY_FILE_MAX];
    unsigned char *k = apr_palloc(p, AUTHSVC_COLUMN_KEY_BYTES);
    apr_size_t n = 0, i;
    apr_file_t *f;

    *key = NULL;
    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS) {
        *why = "cannot open the key file";
        return AUTHSVC_NOT_FOUND;
    }
    apr_file_read_full(f, buf, sizeof(buf), &n);
    apr_file_close(f);
    if (n == AUTHSVC_COLUMN_KEY_BYTES) {
        memcpy(k, buf, n);
        *key = k;
        return AUTHSVC_OK;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    for (i = 0; n == 2 * AUTHSVC_COLUMN_KEY_BYTES && i < AUTHSVC_COLUMN_KEY_BYTES; i++) {
        int hi = column_hex(buf[2 * i]), lo = column_hex(buf[2 * i + 1]);
        if (hi < 0 || lo < 0)
            break;
        k[i] = (unsigned char)(hi * 16 + lo);
    }
    if (n != 2 * AUTHSVC_COLUMN_KEY_BYTES || i != AUTHSVC_COLUMN_KEY_BYTES) {
        *why = "the key file must hold 32 bytes, or 64 hex digits";
        return AUTHSVC_INVALID;
    }
    *key = k;
    return AUTHSVC_OK;
}
