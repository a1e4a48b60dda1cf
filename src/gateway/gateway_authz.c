/* The Require providers of the gateway. Arguments are parsed once, at configuration
 * time; several values mean "any of them" (as httpd's own `Require user a b`), and
 * RequireAll / RequireAny compose them. Without a user the answer is
 * AUTHZ_DENIED_NO_USER, so httpd authenticates first (401), never 403.
 *   Require authsvc-permission P...   the token's "permissions" holds one of P
 *   Require authsvc-role R...         "role" is one of R
 *   Require authsvc-tenant T...       "tenantId" is one of T
 *   Require authsvc-claim NAME V...   claim NAME is (or, for arrays, holds) one of V */
#include <httpd.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_request.h>
#include <mod_auth.h>

#include "authsvc_claims.h"
#include "authsvc_gateway.h"

typedef struct {
    const char *claim;
    const char *const *values; /* NULL-terminated */
} authz_rule_t;

/* The words of a Require line (quoted words allowed), NULL-terminated. */
static const char *const *authz_words(apr_pool_t *p, const char *line, int *count)
{
    apr_array_header_t *words = apr_array_make(p, 4, sizeof(const char *));
    const char *word;

    while (*line && *(word = ap_getword_conf(p, &line)))
        APR_ARRAY_PUSH(words, const char *) = word;
    *count = words->nelts;
    APR_ARRAY_PUSH(words, const char *) = NULL;
    return (const char *const *)words->elts;
}

static const char *authz_parse(cmd_parms *cmd, const char *line, const void **parsed,
                               const char *claim)
{
    authz_rule_t *rule = apr_pcalloc(cmd->pool, sizeof(*rule));
    int count = 0;

    rule->values = authz_words(cmd->pool, line, &count);
    if (!claim) {
        if (count < 2)
            return "Require authsvc-claim takes a claim name and at least one value";
        claim = rule->values[0];
        rule->values++;
    } else if (count < 1)
        return apr_psprintf(cmd->pool,
                            "Require authsvc-* for claim '%s' needs at least one "
                            "value",
                            claim);
    rule->claim = claim;
    *parsed = rule;
    return NULL;
}

static const char *authz_parse_permission(cmd_parms *cmd, const char *line, const void **parsed)
{
    return authz_parse(cmd, line, parsed, "permissions");
}

static const char *authz_parse_role(cmd_parms *cmd, const char *line, const void **parsed)
{
    return authz_parse(cmd, line, parsed, "role");
}

static const char *authz_parse_tenant(cmd_parms *cmd, const char *line, const void **parsed)
{
    return authz_parse(cmd, line, parsed, "tenantId");
}

static const char *authz_parse_claim(cmd_parms *cmd, const char *line, const void **parsed)
{
    return authz_parse(cmd, line, parsed, NULL);
}

static authz_status authz_check(request_rec *r, const char *line, const void *parsed)
{
    const authz_rule_t *rule = parsed;
    const cJSON *claims;

    (void)line;
    if (!r->user)
        return AUTHZ_DENIED_NO_USER;
    claims = authsvc_gateway_claims(r);
    if (!claims || !rule)
        return AUTHZ_DENIED;
    return authsvc_claim_has_any(claims, rule->claim, rule->values) ? AUTHZ_GRANTED
                                                                    : AUTHZ_DENIED;
}

static const authz_provider authz_permission = {authz_check, authz_parse_permission};
static const authz_provider authz_role = {authz_check, authz_parse_role};
static const authz_provider authz_tenant = {authz_check, authz_parse_tenant};
static const authz_provider authz_claim = {authz_check, authz_parse_claim};

void authsvc_gateway_authz_register(apr_pool_t *p)
{
    static const struct {
        const char *name;
        const authz_provider *provider;
    } providers[] = {{"authsvc-permission", &authz_permission},
                     {"authsvc-role", &authz_role},
                     {"authsvc-tenant", &authz_tenant},
                     {"authsvc-claim", &authz_claim}};
    apr_size_t i;

    for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
        ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, providers[i].name,
                                  AUTHZ_PROVIDER_VERSION, providers[i].provider,
                                  AP_AUTH_INTERNAL_PER_CONF);
}
