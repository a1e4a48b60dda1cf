/* Operational metrics (see authsvc_metrics.h). Pure layer: no httpd; the block is
 * plain memory updated with atomic adds, so any process may count into it. */
#include <stdint.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "authsvc_metrics.h"

#define METRICS_MAGIC 0x61757468737663aULL /* layout version 1 */
#define FAMILIES_MAX 48
#define FAMILY_NAME_MAX 48
#define STATUS_MIN 100
#define STATUS_SLOTS 500
#define BUCKETS 13
#define UNROUTED 0

/* Upper bounds of the latency buckets, microseconds (the last one is +Inf). */
static const long long bucket_us[BUCKETS - 1] = {1000,   2500,    5000,    10000,
                                                 25000,  50000,   100000,  250000,
                                                 500000, 1000000, 2500000, 5000000};
static const char *const bucket_le[BUCKETS] = {"0.001", "0.0025", "0.005", "0.01", "0.025",
                                               "0.05",  "0.1",    "0.25",  "0.5",  "1",
                                               "2.5",   "5",      "+Inf"};

struct authsvc_metrics {
    uint64_t magic;
    uint32_t families;
    char family[FAMILIES_MAX][FAMILY_NAME_MAX];
    uint64_t requests[FAMILIES_MAX][STATUS_SLOTS];
    uint64_t latency_bucket[FAMILIES_MAX][BUCKETS]; /* not cumulative */
    uint64_t latency_sum_us[FAMILIES_MAX];
    uint64_t counters[AUTHSVC_METRIC_COUNT];
};

/* Name and labels of each single counter. */
static const struct {
    const char *name;
    const char *label;
    const char *help;
} counter_info[AUTHSVC_METRIC_COUNT] = {
    {"authsvc_logins_total", "outcome=\"success\"", "Password logins by outcome."},
    {"authsvc_logins_total", "outcome=\"bad_password\"", NULL},
    {"authsvc_logins_total", "outcome=\"unknown_user\"", NULL},
    {"authsvc_logins_total", "outcome=\"locked\"", NULL},
    {"authsvc_logins_total", "outcome=\"ip_limited\"", NULL},
    {"authsvc_logins_total", "outcome=\"other_failure\"", NULL},
    {"authsvc_tokens_total", "event=\"issued\"",
     "Token pairs issued (logins), refreshed (rotations) and access tokens revoked."},
    {"authsvc_tokens_total", "event=\"refreshed\"", NULL},
    {"authsvc_tokens_total", "event=\"revoked\"", NULL},
    {"authsvc_gateway_cache_total", "result=\"local_hit\"",
     "Gateway token look-ups: this process's cache, the node's socache, or a full check."},
    {"authsvc_gateway_cache_total", "result=\"shared_hit\"", NULL},
    {"authsvc_gateway_cache_total", "result=\"miss\"", NULL},
    {"authsvc_gateway_decisions_total", "decision=\"allowed\"",
     "Gateway requests with a bearer token or session, let through or refused."},
    {"authsvc_gateway_decisions_total", "decision=\"refused\"", NULL},
    {"authsvc_database_unavailable_total", NULL,
     "Database connections that could not be had (each outage also logs once per child)."},
    {"authsvc_database_errors_total", NULL, "API answers of 5xx after a database error."},
    {"authsvc_mail_total", "event=\"queued\"",
     "Mails handed to the background worker, sent, and given up."},
    {"authsvc_mail_total", "event=\"sent\"", NULL},
    {"authsvc_mail_total", "event=\"failed\"", NULL},
};

apr_size_t authsvc_metrics_bytes(void)
{
    return sizeof(struct authsvc_metrics);
}

static int metrics_family_find(const authsvc_metrics_t *m, const char *name)
{
    uint32_t i, n = __atomic_load_n(&m->families, __ATOMIC_ACQUIRE);

    for (i = 0; i < n; i++)
        if (strcmp(m->family[i], name) == 0)
            return (int)i;
    return -1;
}

static void metrics_family_add(authsvc_metrics_t *m, const char *name)
{
    uint32_t n = m->families;

    if (metrics_family_find(m, name) >= 0 || n >= FAMILIES_MAX)
        return;
    apr_cpystrn(m->family[n], name, FAMILY_NAME_MAX);
    __atomic_store_n(&m->families, n + 1, __ATOMIC_RELEASE);
}

authsvc_metrics_t *authsvc_metrics_init(void *mem, int fresh, const char *const *tags,
                                        apr_size_t count)
{
    authsvc_metrics_t *m = mem;
    apr_size_t i;

    if (fresh || m->magic != METRICS_MAGIC) {
        memset(m, 0, sizeof(*m));
        m->magic = METRICS_MAGIC;
        metrics_family_add(m, "unrouted");
    }
    for (i = 0; i < count; i++)
        if (tags[i])
            metrics_family_add(m, tags[i]);
    return m;
}

static void metrics_add(uint64_t *cell, uint64_t v)
{
    __atomic_fetch_add(cell, v, __ATOMIC_RELAXED);
}

void authsvc_metrics_count(authsvc_metrics_t *m, authsvc_metric_t metric)
{
    if (m && metric < AUTHSVC_METRIC_COUNT)
        metrics_add(&m->counters[metric], 1);
}

void authsvc_metrics_request(authsvc_metrics_t *m, const char *family, int status,
                             long long micros)
{
    int f, b;

    if (!m)
        return;
    f = family ? metrics_family_find(m, family) : UNROUTED;
    if (f < 0)
        f = UNROUTED;
    if (status >= STATUS_MIN && status < STATUS_MIN + STATUS_SLOTS)
        metrics_add(&m->requests[f][status - STATUS_MIN], 1);
    if (micros < 0)
        micros = 0;
    for (b = 0; b < BUCKETS - 1 && micros > bucket_us[b]; b++)
        ;
    metrics_add(&m->latency_bucket[f][b], 1);
    metrics_add(&m->latency_sum_us[f], (uint64_t)micros);
}

static uint64_t metrics_read(const uint64_t *cell)
{
    return __atomic_load_n(cell, __ATOMIC_RELAXED);
}

static void metrics_requests_text(apr_pool_t *p, const authsvc_metrics_t *m, uint32_t n,
                                  apr_array_header_t *out)
{
    uint32_t f;
    int s;

    APR_ARRAY_PUSH(out, const char *) =
        "# HELP authsvc_http_requests_total API answers by route family (the route table's "
        "tag) and status code.\n# TYPE authsvc_http_requests_total counter\n";
    for (f = 0; f < n; f++)
        for (s = 0; s < STATUS_SLOTS; s++) {
            uint64_t v = metrics_read(&m->requests[f][s]);
            if (v)
                APR_ARRAY_PUSH(out, const char *) = apr_psprintf(
                    p,
                    "authsvc_http_requests_total{family=\"%s\",code=\"%d\"} %" APR_UINT64_T_FMT
                    "\n",
                    m->family[f], s + STATUS_MIN, v);
        }
}

static void metrics_latency_text(apr_pool_t *p, const authsvc_metrics_t *m, uint32_t n,
                                 apr_array_header_t *out)
{
    uint32_t f;
    int b;

    APR_ARRAY_PUSH(out, const char *) =
        "# HELP authsvc_http_request_duration_seconds Time from a request's arrival to its "
        "answer, by route family.\n# TYPE authsvc_http_request_duration_seconds histogram\n";
    for (f = 0; f < n; f++) {
        uint64_t cumulative = 0;

        for (b = 0; b < BUCKETS; b++) {
            cumulative += metrics_read(&m->latency_bucket[f][b]);
            APR_ARRAY_PUSH(out, const char *) = apr_psprintf(
                p,
                "authsvc_http_request_duration_seconds_bucket{family=\"%s\",le=\"%s\"} %" APR_UINT64_T_FMT
                "\n",
                m->family[f], bucket_le[b], cumulative);
        }
        APR_ARRAY_PUSH(out, const char *) = apr_psprintf(
            p,
            "authsvc_http_request_duration_seconds_sum{family=\"%s\"} %.6f\n"
            "authsvc_http_request_duration_seconds_count{family=\"%s\"} %" APR_UINT64_T_FMT
            "\n",
            m->family[f], (double)metrics_read(&m->latency_sum_us[f]) / 1e6, m->family[f],
            cumulative);
    }
}

static void metrics_counters_text(apr_pool_t *p, const authsvc_metrics_t *m,
                                  apr_array_header_t *out)
{
    int i;

    for (i = 0; i < AUTHSVC_METRIC_COUNT; i++) {
        if (counter_info[i].help)
            APR_ARRAY_PUSH(out,
                           const char *) = apr_psprintf(p, "# HELP %s %s\n# TYPE %s counter\n",
                                                        counter_info[i].name,
                                                        counter_info[i].help,
                                                        counter_info[i].name);
        APR_ARRAY_PUSH(out, const char *) = apr_psprintf(
            p, "%s%s%s%s %" APR_UINT64_T_FMT "\n", counter_info[i].name,
            counter_info[i].label ? "{" : "",
            counter_info[i].label ? counter_info[i].label : "",
            counter_info[i].label ? "}" : "", metrics_read(&m->counters[i]));
    }
}

static void metrics_gauges_text(apr_pool_t *p, const authsvc_metrics_gauges_t *g,
                                apr_array_header_t *out)
{
    if (g->revocation_set_live >= 0)
        APR_ARRAY_PUSH(out, const char *) = apr_psprintf(
            p,
            "# HELP authsvc_revocation_set_entries Live revocations in the node's set.\n"
            "# TYPE authsvc_revocation_set_entries gauge\n"
            "authsvc_revocation_set_entries %" APR_INT64_T_FMT "\n"
            "# HELP authsvc_revocation_set_slots Slots of the node's revocation set.\n"
            "# TYPE authsvc_revocation_set_slots gauge\nauthsvc_revocation_set_slots %" APR_INT64_T_FMT
            "\n",
            (apr_int64_t)g->revocation_set_live, (apr_int64_t)g->revocation_set_slots);
    if (g->database_up >= 0)
        APR_ARRAY_PUSH(out, const char *) = apr_psprintf(
            p,
            "# HELP authsvc_database_up Whether the answering child reaches the database.\n"
            "# TYPE authsvc_database_up gauge\nauthsvc_database_up %d\n",
            g->database_up);
}

char *authsvc_metrics_text(apr_pool_t *p, const authsvc_metrics_t *m,
                           const authsvc_metrics_gauges_t *gauges)
{
    apr_array_header_t *out = apr_array_make(p, 256, sizeof(const char *));
    uint32_t n = __atomic_load_n(&m->families, __ATOMIC_ACQUIRE);

    metrics_requests_text(p, m, n, out);
    metrics_latency_text(p, m, n, out);
    metrics_counters_text(p, m, out);
    metrics_gauges_text(p, gauges, out);
    return apr_array_pstrcat(p, out, 0);
}
