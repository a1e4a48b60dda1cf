/* The OAuth 2.0 / OpenID Connect client layer (oidc.c) and JWKS parsing (social_jwks.c). */
#include "unit.h"
void authsvc_test_register_oidc(void)
{
}
