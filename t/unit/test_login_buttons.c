/* The sign-in page's social buttons (login_buttons.c) name the API's callback route of
 * their provider, as the route table says, and every provider with a callback route has
 * a button. */
#include <string.h>

#include "authsvc_flows.h"
#include "authsvc_login_buttons.h"
#include "authsvc_route.h"
#include "unit.h"

static int is_callback(const authsvc_route_t *r)
{
    return r->handler == authsvc_flow_social_callback && r->provider
           && strcmp(r->method, "GET") == 0;
}

static void test_buttons_name_the_callback_routes(void)
{
    apr_size_t n = 0, nb = 0, i, j, callbacks = 0;
    const authsvc_route_t *routes = authsvc_routes(&n);
    const authsvc_login_button_t *buttons = authsvc_login_buttons_all(&nb);

    CU_ASSERT_TRUE(nb >= 7);
    for (i = 0; i < nb; i++) {
        int found = 0;

        for (j = 0; j < n; j++)
            if (is_callback(&routes[j]) && strcmp(routes[j].provider, buttons[i].name) == 0)
                found = strcmp(routes[j].path, buttons[i].callback) == 0;
        CU_ASSERT_TRUE(found);
        CU_ASSERT_TRUE(strncmp(buttons[i].label, "Sign in with ", 13) == 0);
    }
    for (j = 0; j < n; j++)
        callbacks += is_callback(&routes[j]);
    CU_ASSERT_EQUAL(callbacks, nb);
}

void authsvc_test_register_login_buttons(void)
{
    CU_pSuite s = CU_add_suite("login_buttons", NULL, NULL);

    CU_add_test(s, "buttons name the callback routes", test_buttons_name_the_callback_routes);
}
