/* ISO 8601 UTC parsing, formatting and calendar buckets (iso8601.c). */
#include "authsvc_iso8601.h"
#include "unit.h"

static long long iso8601_ms(const char *text)
{
    long long ms = -1;

    CU_ASSERT_EQUAL(authsvc_iso8601_parse(text, &ms), AUTHSVC_OK);
    return ms;
}

static void test_iso8601_parses_dates_times_and_zones(void)
{
    long long ms;

    CU_ASSERT_EQUAL(iso8601_ms("1970-01-01"), 0);
    CU_ASSERT_EQUAL(iso8601_ms("2019-08-24T14:15:22Z"), 1566656122000LL);
    CU_ASSERT_EQUAL(iso8601_ms("2019-08-24T14:15:22.5Z"), 1566656122500LL);
    CU_ASSERT_EQUAL(iso8601_ms("2019-08-24T16:15:22+02:00"), 1566656122000LL);
    CU_ASSERT_EQUAL(iso8601_ms("2019-08-24T14:15"), 1566656100000LL);
    CU_ASSERT_EQUAL(iso8601_ms("2024-02-29"), 1709164800000LL);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse("2023-02-29", &ms), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse("2019-13-01", &ms), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse("2019-08-24T24:00Z", &ms), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse("2019-08-24 14:15Z", &ms), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse("1969-12-31", &ms), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse("yesterday", &ms), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse("2019-08-24Tx", &ms), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse("2019-08-24T14:15:22.Z", &ms), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_iso8601_parse(NULL, &ms), AUTHSVC_INVALID);
}

static void test_iso8601_formats_utc_with_milliseconds(void)
{
    apr_pool_t *p = authsvc_test_pool();

    CU_ASSERT_STRING_EQUAL(authsvc_iso8601_format(p, 0), "1970-01-01T00:00:00.000Z");
    CU_ASSERT_STRING_EQUAL(authsvc_iso8601_format(p, 1566656122500LL),
                           "2019-08-24T14:15:22.500Z");
    CU_ASSERT_STRING_EQUAL(authsvc_iso8601_format(p, AUTHSVC_ISO8601_MS_MAX),
                           "9999-12-31T23:59:59.999Z");
}

/* ISO weeks around year ends: the week belongs to the year of its Thursday. */
static void test_iso8601_buckets_days_iso_weeks_and_months(void)
{
    apr_pool_t *p = authsvc_test_pool();
    static const struct {
        const char *date, *week;
    } weeks[] = {
        {"2024-12-29", "2024-W52"}, {"2024-12-30", "2025-W01"}, {"2025-01-05", "2025-W01"},
        {"2025-01-06", "2025-W02"}, {"2021-01-03", "2020-W53"}, {"2020-12-31", "2020-W53"},
        {"2026-01-01", "2026-W01"}, {"2027-01-01", "2026-W53"}, {"1970-01-01", "1970-W01"},
    };
    apr_size_t i;

    for (i = 0; i < sizeof(weeks) / sizeof(weeks[0]); i++)
        CU_ASSERT_STRING_EQUAL(authsvc_iso8601_bucket(p, iso8601_ms(weeks[i].date),
                                                      AUTHSVC_BUCKET_WEEK),
                               weeks[i].week);
    CU_ASSERT_STRING_EQUAL(authsvc_iso8601_bucket(p, iso8601_ms("2024-12-31T23:59:59.999Z"),
                                                  AUTHSVC_BUCKET_DAY),
                           "2024-12-31");
    CU_ASSERT_STRING_EQUAL(authsvc_iso8601_bucket(p, iso8601_ms("2024-12-31T23:59:59.999Z"),
                                                  AUTHSVC_BUCKET_MONTH),
                           "2024-12");
}

void authsvc_test_register_iso8601(void)
{
    CU_pSuite s = CU_add_suite("iso8601", NULL, NULL);

    CU_add_test(s, "parses dates, times and zones", test_iso8601_parses_dates_times_and_zones);
    CU_add_test(s, "formats UTC with milliseconds", test_iso8601_formats_utc_with_milliseconds);
    CU_add_test(s, "buckets days, ISO weeks and months",
                test_iso8601_buckets_days_iso_weeks_and_months);
}
