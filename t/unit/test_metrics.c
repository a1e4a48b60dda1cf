/* The metrics block (metrics.c): families from the route table, counts by family and
 * code, latency buckets, the single counters, a block kept across a re-init (graceful
 * restart), counts from several processes, and the exposition text. */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_strings.h>

#include "authsvc_metrics.h"
#include "authsvc_route.h"
#include "unit.h"

/* The block laid out for the service's route table, as the module does. */
static authsvc_metrics_t *metrics_init(void *mem, int fresh)
{
    apr_size_t count;
    const char *const *tags = authsvc_routes_tags(authsvc_test_pool(), &count);

    return authsvc_metrics_init(mem, fresh, tags, count);
}

static authsvc_metrics_t *metrics_new(void)
{
    void *mem = apr_pcalloc(authsvc_test_pool(), authsvc_metrics_bytes());
    return metrics_init(mem, 1);
}

static const char *text_of(const authsvc_metrics_t *m)
{
    authsvc_metrics_gauges_t g = {-1, 0, -1};
    return authsvc_metrics_text(authsvc_test_pool(), m, &g);
}

static void test_metrics_count_requests_by_family_and_code(void)
{
    authsvc_metrics_t *m = metrics_new();
    const char *t;

    authsvc_metrics_request(m, "LoginController", 200, 800);
    authsvc_metrics_request(m, "LoginController", 200, 3000);
    authsvc_metrics_request(m, "LoginController", 401, 7000000);
    authsvc_metrics_request(m, NULL, 404, 10);
    authsvc_metrics_request(m, "NoSuchTag", 404, 10);
    authsvc_metrics_request(m, "LoginController", 99, 10); /* outside 100..599: no code */
    t = text_of(m);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_requests_total{family=\"LoginController\","
                                     "code=\"200\"} 2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_requests_total{family=\"LoginController\","
                                     "code=\"401\"} 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_requests_total{family=\"unrouted\","
                                     "code=\"404\"} 2\n"));
    CU_ASSERT_PTR_NULL(strstr(t, "code=\"99\""));
    /* buckets are cumulative: 0.8 ms <= 0.001; 3 ms <= 0.005; 7 s only in +Inf */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_request_duration_seconds_bucket{family="
                                     "\"LoginController\",le=\"0.001\"} 2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_request_duration_seconds_bucket{family="
                                     "\"LoginController\",le=\"0.005\"} 3\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_request_duration_seconds_bucket{family="
                                     "\"LoginController\",le=\"5\"} 3\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_request_duration_seconds_bucket{family="
                                     "\"LoginController\",le=\"+Inf\"} 4\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_request_duration_seconds_count{family="
                                     "\"LoginController\"} 4\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_http_request_duration_seconds_sum{family="
                                     "\"LoginController\"} 7.003810\n"));
}

static void test_metrics_single_counters_and_gauges(void)
{
    authsvc_metrics_t *m = metrics_new();
    authsvc_metrics_gauges_t g = {3, 64, 0};
    const char *t;

    authsvc_metrics_count(m, AUTHSVC_METRIC_TOKENS_ISSUED);
    authsvc_metrics_count(m, AUTHSVC_METRIC_TOKENS_ISSUED);
    authsvc_metrics_count(m, AUTHSVC_METRIC_LOGIN_LOCKED);
    authsvc_metrics_count(m, AUTHSVC_METRIC_COUNT); /* out of range: ignored */
    authsvc_metrics_count(NULL, AUTHSVC_METRIC_TOKENS_ISSUED);
    t = authsvc_metrics_text(authsvc_test_pool(), m, &g);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_tokens_total{event=\"issued\"} 2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_tokens_total{event=\"refreshed\"} 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_logins_total{outcome=\"locked\"} 1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_database_unavailable_total 0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_revocation_set_entries 3\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_revocation_set_slots 64\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "authsvc_database_up 0\n"));
    /* one HELP and TYPE per metric name */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "# TYPE authsvc_tokens_total counter\n"));
    CU_ASSERT_PTR_NULL(
        strstr(strstr(t, "# TYPE authsvc_tokens_total") + 1, "# TYPE authsvc_tokens_total"));
    /* without a revocation set or database, their gauges are left out */
    CU_ASSERT_PTR_NULL(strstr(text_of(m), "authsvc_revocation_set_entries"));
    CU_ASSERT_PTR_NULL(strstr(text_of(m), "authsvc_database_up"));
}

static void test_metrics_are_kept_across_a_reinit(void)
{
    void *mem = apr_pcalloc(authsvc_test_pool(), authsvc_metrics_bytes());
    authsvc_metrics_t *m = metrics_init(mem, 1);

    authsvc_metrics_count(m, AUTHSVC_METRIC_TOKENS_REVOKED);
    authsvc_metrics_request(m, "DiscoveryController", 200, 5);
    m = metrics_init(mem, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text_of(m), "authsvc_tokens_total{event=\"revoked\"} 1\n"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text_of(m), "{family=\"DiscoveryController\",code=\"200\"} 1"));
    m = metrics_init(mem, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(text_of(m), "authsvc_tokens_total{event=\"revoked\"} 0\n"));
}

#define CHILDREN 3
#define EACH 5000

static void test_metrics_are_summed_over_processes(void)
{
    apr_size_t bytes = authsvc_metrics_bytes();
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    authsvc_metrics_t *m;
    pid_t pids[CHILDREN];
    int c, i, status, ok = 1;

    CU_ASSERT_FATAL(mem != MAP_FAILED);
    m = metrics_init(mem, 1);
    for (c = 0; c < CHILDREN; c++) {
        pids[c] = fork();
        if (pids[c] == 0) {
            for (i = 0; i < EACH; i++) {
                authsvc_metrics_count(m, AUTHSVC_METRIC_GATEWAY_ALLOWED);
                authsvc_metrics_request(m, "LogoutController", 200, 100);
            }
            _exit(0);
        }
    }
    for (c = 0; c < CHILDREN; c++)
        ok &= waitpid(pids[c], &status, 0) == pids[c] && WIFEXITED(status);
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text_of(m),
               apr_psprintf(authsvc_test_pool(),
                            "authsvc_gateway_decisions_total{decision=\"allowed\"} %d\n",
                            CHILDREN * EACH)));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text_of(m), apr_psprintf(authsvc_test_pool(),
                                        "{family=\"LogoutController\",code=\"200\"} %d\n",
                                        CHILDREN * EACH)));
    munmap(mem, bytes);
}

void authsvc_test_register_metrics(void)
{
    CU_pSuite s = CU_add_suite("metrics", NULL, NULL);

    CU_add_test(s, "requests by family and code",
                test_metrics_count_requests_by_family_and_code);
    CU_add_test(s, "single counters and gauges", test_metrics_single_counters_and_gauges);
    CU_add_test(s, "kept across a re-init", test_metrics_are_kept_across_a_reinit);
    CU_add_test(s, "summed over processes", test_metrics_are_summed_over_processes);
}
