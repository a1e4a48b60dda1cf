/* What every libFuzzer harness under t/fuzz/ shares: APR set up once, a pool that lives
 * as long as the process for what a harness builds once, and a pool per input. A
 * harness defines authsvc_fuzz_init and authsvc_fuzz_one over one pure layer of the
 * convenience library; scripts/fuzz builds and runs them. */
#ifndef AUTHSVC_FUZZ_H
#define AUTHSVC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <apr_pools.h>

/* Called once, before any input, with the process's pool. */
void authsvc_fuzz_init(apr_pool_t *root);

/* One input; p is cleared when it returns. Any other outcome than returning (abort(),
 * a sanitizer report) is a finding. */
void authsvc_fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size);

/* data[0..size) with a terminating NUL, for layers that take C strings: malloc()ed, not
 * carved from a pool block, so that AddressSanitizer sees a read past the end; freed
 * when p is cleared. */
const char *authsvc_fuzz_text(apr_pool_t *p, const uint8_t *data, size_t size);

#endif
