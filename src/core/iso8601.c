/* ISO 8601 UTC times and calendar buckets, in C so both databases agree. Dates are
 * proleptic Gregorian; day numbers count from 1970-01-01. */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_iso8601.h"

#define MS_PER_DAY 86400000LL

/* Days since 1970-01-01 of a civil date (valid for years 0..9999). */
static long long days_from_civil(int y, int m, int d)
{
    long long era, yoe, doy, doe;

    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
    long long era, doe, yoe, doy, mp;

    z += 719468;
    era = z / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly n digits at *s. -1 when they are not there. */
static int digits(const char **s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if ((*s)[i] < '0' || (*s)[i] > '9')
            return -1;
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    return v;
}

/* "Z", "+HH:MM", "-HH:MM" or nothing; offset in minutes east of UTC. */
static int parse_zone(const char *s, int *offset_min)
{
    int sign, hh, mm;

    *offset_min = 0;
    if (*s == '\0' || (s[0] == 'Z' && s[1] == '\0'))
        return 0;
    if (*s != '+' && *s != '-')
        return -1;
    sign = *s++ == '-' ? -1 : 1;
    hh = digits(&s, 2);
    if (hh < 0 || hh > 23 || *s++ != ':')
        return -1;
    mm = digits(&s, 2);
    if (mm < 0 || mm > 59 || *s != '\0')
        return -1;
    *offset_min = sign * (hh * 60 + mm);
    return 0;
}

/* "THH:MM[:SS[.fff]]" into milliseconds of the day; s is left at the zone. */
static long long parse_clock(const char **s)
{
    int hh, mm, ss = 0, ms = 0, scale = 100;

    if (**s != 'T' && **s != 't')
        return -1;
    (*s)++;
    hh = digits(s, 2);
    if (hh < 0 || hh > 23 || *(*s)++ != ':')
        return -1;
    mm = digits(s, 2);
    if (mm < 0 || mm > 59)
        return -1;
    if (**s == ':') {
        (*s)++;
        ss = digits(s, 2);
        if (ss < 0 || ss > 59)
            return -1;
        if (**s == '.') {
            (*s)++;
            if (**s < '0' || **s > '9')
                return -1;
            for (; **s >= '0' && **s <= '9'; (*s)++, scale /= 10)
                ms += (**s - '0') * scale;
        }
    }
    return ((hh * 60LL + mm) * 60 + ss) * 1000 + ms;
}

authsvc_status_t authsvc_iso8601_parse(const char *text, long long *out)
{
    const char *s = text;
    int y, m, d, zone;
    long long clock = 0, ms;

    if (!text || strlen(text) > 40)
        return AUTHSVC_INVALID;
    y = digits(&s, 4);
    if (y < 0 || *s++ != '-' || (m = digits(&s, 2)) < 1 || m > 12 || *s++ != '-'
        || (d = digits(&s, 2)) < 1 || d > days_in_month(y, m))
        return AUTHSVC_INVALID;
    if (*s != '\0' && (clock = parse_clock(&s)) < 0)
        return AUTHSVC_INVALID;
    if (parse_zone(s, &zone) != 0)
        return AUTHSVC_INVALID;
    ms = days_from_civil(y, m, d) * MS_PER_DAY + clock - zone * 60000LL;
    if (ms < 0 || ms > AUTHSVC_ISO8601_MS_MAX)
        return AUTHSVC_INVALID;
    *out = ms;
    return AUTHSVC_OK;
}

const char *authsvc_iso8601_format(apr_pool_t *p, long long ms)
{
    long long days = ms >= 0 ? ms / MS_PER_DAY : (ms - MS_PER_DAY + 1) / MS_PER_DAY;
    long long rest = ms - days * MS_PER_DAY;
    int y, m, d;

    civil_from_days(days, &y, &m, &d);
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d,
                        (int)(rest / 3600000), (int)(rest / 60000 % 60),
                        (int)(rest / 1000 % 60), (int)(rest % 1000));
}

/* ISO 8601 week: the week belongs to the year of its Thursday. */
static const char *iso_week(apr_pool_t *p, long long days)
{
    int weekday = (int)(((days % 7) + 7 + 3) % 7) + 1; /* 1970-01-01 was a Thursday */
    long long thursday = days + 4 - weekday;
    int y, m, d;

    civil_from_days(thursday, &y, &m, &d);
    return apr_psprintf(p, "%04d-W%02d", y,
                        (int)((thursday - days_from_civil(y, 1, 1)) / 7 + 1));
}

const char *authsvc_iso8601_bucket(apr_pool_t *p, long long ms, authsvc_bucket_t bucket)
{
    long long days = ms >= 0 ? ms / MS_PER_DAY : (ms - MS_PER_DAY + 1) / MS_PER_DAY;
    int y, m, d;

    if (bucket == AUTHSVC_BUCKET_WEEK)
        return iso_week(p, days);
    civil_from_days(days, &y, &m, &d);
    if (bucket == AUTHSVC_BUCKET_MONTH)
        return apr_psprintf(p, "%04d-%02d", y, m);
    return apr_psprintf(p, "%04d-%02d-%02d", y, m, d);
}
