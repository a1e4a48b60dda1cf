/* libFuzzer's entry points for every harness (fuzz.h): APR, the pools, and the text
 * copy. */
#include <stdlib.h>
#include <string.h>

#include <apr_allocator.h>
#include <apr_general.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static apr_pool_t *root_pool;
static apr_pool_t *input_pool;

/* Pool memory is not scanned by LeakSanitizer (APR may take it from mmap): what the
 * pools hold must be released before its check at exit, or it is reported as leaked. */
static void release_pools(void)
{
    apr_terminate();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    apr_allocator_t *allocator = NULL;

    (void)argc;
    (void)argv;
    if (apr_initialize() != APR_SUCCESS || apr_allocator_create(&allocator) != APR_SUCCESS)
        abort();
    /* 1 (index units): freed blocks go back to the system at once, so memory of an
     * earlier input is not handed out again unnoticed. */
    apr_allocator_max_free_set(allocator, 1);
    if (apr_pool_create_ex(&root_pool, NULL, NULL, allocator) != APR_SUCCESS)
        abort();
    apr_allocator_owner_set(allocator, root_pool);
    if (apr_pool_create(&input_pool, root_pool) != APR_SUCCESS)
        abort();
    atexit(release_pools);
    authsvc_fuzz_init(root_pool);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    authsvc_fuzz_one(input_pool, data, size);
    apr_pool_clear(input_pool);
    return 0;
}

static apr_status_t free_text(void *text)
{
    free(text);
    return APR_SUCCESS;
}

const char *authsvc_fuzz_text(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);

    if (!text)
        abort();
    apr_pool_cleanup_register(p, text, free_text, apr_pool_cleanup_null);
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    return text;
}
