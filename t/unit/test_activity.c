/* Login activity rows and the active-user report (activity.c). */
#include <string.h>

#include "authsvc_activity.h"
#include "authsvc_json.h"
#include "unit.h"

static void test_activity_model_is_the_spec_model(void)
{
    const authsvc_filter_model_t *m = authsvc_activity_model();
    static const char *const names[] = {"id",           "actor",     "tenantId",   "loginTime",
                                        "tokenPayload", "loginType", "deviceInfo", "ipAddress"};
    int i;

    CU_ASSERT_EQUAL_FATAL(m->nfields, 8);
    for (i = 0; i < m->nfields; i++)
        CU_ASSERT_STRING_EQUAL(m->fields[i].name, names[i]);
    CU_ASSERT_NOT_EQUAL(strstr(AUTHSVC_ACTIVITY_COLUMNS, m->fields[7].column), NULL);
}

static void test_activity_report_keeps_one_row_per_actor_bucket_and_type(void)
{
    apr_pool_t *p = authsvc_test_pool();
    authsvc_activity_report_t *r = authsvc_activity_report_make(p, AUTHSVC_BUCKET_WEEK);
    const char *text;

    authsvc_activity_report_add(r, "u1", "alice", "t1", "ACCESS", 1735516800000LL); /* 12-30 */
    authsvc_activity_report_add(r, "u1", "alice", "t1", "ACCESS", 1735603200000LL); /* 12-31 */
    authsvc_activity_report_add(r, "u1", "alice", "t1", "LOGOUT", 1735603200000LL);
    authsvc_activity_report_add(r, "u2", NULL, "t1", "ACCESS", 1735430400000LL); /* 12-29 */
    text = authsvc_json_print(p, authsvc_activity_report_json(r));
    CU_ASSERT_STRING_EQUAL(
        text,
        "{\"2025-W01\":{\"ACCESS\":[{\"actor\":\"u1\",\"userName\":\"alice\",\"tenantId\":\"t1\","
        "\"loginTime\":\"2024-12-30T00:00:00.000Z\"}],\"LOGOUT\":[{\"actor\":\"u1\","
        "\"userName\":\"alice\",\"tenantId\":\"t1\",\"loginTime\":\"2024-12-31T00:00:00.000Z\"}]},"
        "\"2024-W52\":{\"ACCESS\":[{\"actor\":\"u2\",\"userName\":null,\"tenantId\":\"t1\","
        "\"loginTime\":\"2024-12-29T00:00:00.000Z\"}]}}");
}

void authsvc_test_register_activity(void)
{
    CU_pSuite s = CU_add_suite("activity", NULL, NULL);

    CU_add_test(s, "the model is the old service's LoginActivity",
                test_activity_model_is_the_spec_model);
    CU_add_test(s, "report: one row per actor, bucket and type",
                test_activity_report_keeps_one_row_per_actor_bucket_and_type);
}
