/* Status codes of the lower layers. Only the router and the flows map them to HTTP. */
#ifndef AUTHSVC_STATUS_H
#define AUTHSVC_STATUS_H

typedef enum {
    AUTHSVC_OK = 0,
    AUTHSVC_NOT_FOUND,    /* the thing asked for does not exist */
    AUTHSVC_INVALID,      /* the input is malformed or breaks a rule */
    AUTHSVC_CONFLICT,     /* it exists already (unique constraint) */
    AUTHSVC_TOO_LARGE,    /* the input is over a limit */
    AUTHSVC_UNAVAILABLE,  /* the database (or a peer) cannot be reached */
    AUTHSVC_DB_ERROR,     /* the database refused a statement */
    AUTHSVC_CRYPTO_ERROR, /* OpenSSL failed */
    AUTHSVC_NO_MEMORY
} authsvc_status_t;

const char *authsvc_status_name(authsvc_status_t status);

#endif
