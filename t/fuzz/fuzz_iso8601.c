/* authsvc_iso8601_parse (iso8601.c), the times of activity filters and SAML
 * conditions: an accepted time is in range, formats back to a text that parses to the
 * same instant, and has a label in every report bucket. */
#include <stdlib.h>

#include "authsvc_iso8601.h"
#include "fuzz.h"

void authsvc_fuzz_init(apr_pool_t *root)
{
    (void)root;
}

void authsvc_fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    long long ms = -1, again = -1;
    const char *text;

    if (authsvc_iso8601_parse(authsvc_fuzz_text(p, data, size), &ms) != AUTHSVC_OK)
        return;
    if (ms < 0 || ms > AUTHSVC_ISO8601_MS_MAX)
        abort();
    text = authsvc_iso8601_format(p, ms);
    if (!text || authsvc_iso8601_parse(text, &again) != AUTHSVC_OK || again != ms)
        abort();
    if (!authsvc_iso8601_bucket(p, ms, AUTHSVC_BUCKET_DAY)
        || !authsvc_iso8601_bucket(p, ms, AUTHSVC_BUCKET_WEEK)
        || !authsvc_iso8601_bucket(p, ms, AUTHSVC_BUCKET_MONTH))
        abort();
}
