/* bench/hash-time: how long one password check takes with the service's own code
 * (authsvc_password_check, the function /auth/login-token calls), so that the benchmark
 * can subtract it from a login's latency and show the service's overhead alone.
 *
 *   bench/hash-time [ROUNDS [M_KIB T P]]
 *
 * Prints one line: "hash-time m=M t=T p=P rounds=N median_ms=X min_ms=Y max_ms=Z".
 * Without M T P it uses the defaults of AuthsvcPasswordHashCost (m=19456 t=2 p=1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_time.h>

#include "authsvc_password.h"

#define HASH_TIME_ROUNDS_DEFAULT 30
#define HASH_TIME_ROUNDS_MAX 1000

static int compare_times(const void *a, const void *b)
{
    apr_interval_time_t x = *(const apr_interval_time_t *)a, y = *(const apr_interval_time_t *)b;

    return (x > y) - (x < y);
}

static int read_number(const char *text, long min, long max, long *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);

    if (!text[0] || *end || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

static int read_arguments(int argc, const char *const *argv, long *rounds,
                          authsvc_password_params_t *params)
{
    long m, t, p;

    *params = *authsvc_password_params_default();
    *rounds = HASH_TIME_ROUNDS_DEFAULT;
    if (argc > 1 && !read_number(argv[1], 1, HASH_TIME_ROUNDS_MAX, rounds))
        return 0;
    if (argc == 5 && read_number(argv[2], 8, 4L * 1024 * 1024, &m)
        && read_number(argv[3], 1, 64, &t) && read_number(argv[4], 1, 16, &p)) {
        params->m_cost = (uint32_t)m;
        params->t_cost = (uint32_t)t;
        params->parallelism = (uint32_t)p;
        return 1;
    }
    return argc <= 2;
}

/* Times rounds checks of password against one stored hash; times[] gets each. */
static int time_checks(apr_pool_t *pool, const authsvc_password_params_t *params, long rounds,
                       apr_interval_time_t *times)
{
    static const char password[] = "bench-Password-1234";
    const char *encoded = NULL;
    long i;

    if (authsvc_password_hash(pool, password, strlen(password), params, &encoded)
        != AUTHSVC_OK)
        return 0;
    for (i = 0; i < rounds; i++) {
        apr_time_t start = apr_time_now();
        if (authsvc_password_check(encoded, password, strlen(password), params, NULL, NULL)
            != AUTHSVC_OK)
            return 0;
        times[i] = apr_time_now() - start;
    }
    return 1;
}

int main(int argc, const char *const *argv)
{
    authsvc_password_params_t params;
    apr_interval_time_t *times;
    apr_pool_t *pool = NULL;
    long rounds;

    if (!read_arguments(argc, argv, &rounds, &params)) {
        fputs("usage: hash-time [ROUNDS [M_KIB T P]]\n", stderr);
        return 2;
    }
    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS
        || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        fputs("hash-time: cannot initialise APR\n", stderr);
        return 1;
    }
    times = apr_pcalloc(pool, (apr_size_t)rounds * sizeof(*times));
    if (!time_checks(pool, &params, rounds, times)) {
        fputs("hash-time: the password check failed\n", stderr);
        return 1;
    }
    qsort(times, (size_t)rounds, sizeof(*times), compare_times);
    printf("hash-time m=%u t=%u p=%u rounds=%ld median_ms=%.3f min_ms=%.3f max_ms=%.3f\n",
           (unsigned)params.m_cost, (unsigned)params.t_cost, (unsigned)params.parallelism,
           rounds, (double)times[rounds / 2] / 1000.0, (double)times[0] / 1000.0,
           (double)times[rounds - 1] / 1000.0);
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}
