/* authsvc-admin: initialises APR, then hands the command line to admin.c. */
#include <stdio.h>
#include <stdlib.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "authsvc_admin.h"

int main(int argc, const char *const *argv)
{
    apr_pool_t *pool = NULL;
    int rc;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS
        || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        fputs("authsvc-admin: cannot initialise APR\n", stderr);
        return AUTHSVC_ADMIN_FAILURE;
    }
    rc = authsvc_admin_main(pool, argc, argv, stdin, stdout, stderr);
    fflush(stdout);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
