/* Linking an external identity to a local account by e-mail, under the rule of
 * authsvc_identity_link.h; and what a provider writes onto an account. */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "authsvc_activity.h"
#include "authsvc_db_identities.h"
#include "authsvc_db_user_links.h"
#include "authsvc_identity_link.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_tokens.h"

#define SUBJECT_TAG_HEX 16     /* hex digits of SHA-256 naming a subject */
#define EMAIL_CANDIDATES_MAX 8 /* accounts with one e-mail that get a refusal row */

/* What the rule reads of an account. */
typedef struct {
    const char *tenant_id; /* its default tenant: where its activity rows go */
    int has_password;
    int identities;             /* links to providers */
    const char *protected_role; /* a protected role it holds, or NULL */
    int direct_grants;          /* permissions granted to it directly */
} link_account_t;

/* A hash prefix naming a subject in logs and activity rows (a subject may be an
 * e-mail address: it is never written out). */
static const char *link_subject_tag(apr_pool_t *p, const char *subject)
{
    const char *hash = authsvc_token_hash(p, subject);

    return hash ? apr_pstrndup(p, hash, SUBJECT_TAG_HEX) : "?";
}

/* AuthsvcLinkProtectedRoles names the protected roles; unset, every role that grants
 * a permission is one. */
static int link_role_protected(const authsvc_server_config_t *c, const char *name,
                               long long grants)
{
    if (c->link_protected_roles_set)
        return name && apr_hash_get(c->link_protected_roles, name, APR_HASH_KEY_STRING) != NULL;
    return grants > 0;
}

static authsvc_status_t link_account_read(authsvc_context_t *ctx, authsvc_db_t *db,
                                          const char *user_id, link_account_t *a)
{
    authsvc_db_link_account_t facts;
    authsvc_status_t st = authsvc_db_identity_account(db, ctx->pool, user_id, &facts);
    int i;

    memset(a, 0, sizeof(*a));
    a->tenant_id = facts.tenant_id;
    a->has_password = facts.has_password;
    a->identities = facts.identities;
    if (st != AUTHSVC_OK)
        return st;
    for (i = 0; i < facts.roles->nelts; i++) {
        const authsvc_db_account_role_t *r = &APR_ARRAY_IDX(facts.roles, i,
                                                            authsvc_db_account_role_t);
        if (!a->protected_role && link_role_protected(ctx->config, r->name, r->grants))
            a->protected_role = r->name ? r->name : "?";
        a->direct_grants += (int)r->direct_grants;
    }
    return AUTHSVC_OK;
}

static const char *add_reason(apr_pool_t *p, const char *reasons, const char *reason)
{
    return reasons ? apr_pstrcat(p, reasons, "; ", reason, NULL) : reason;
}

/* NULL when the rule allows the link, else every reason it does not. */
static const char *link_refusal(apr_pool_t *p, const authsvc_identity_t *id,
                                const link_account_t *a)
{
    const char *why = NULL;

    if (!id->email_vouched)
        why = add_reason(p, why, "the provider does not vouch for the e-mail");
    if (a->has_password)
        why = add_reason(p, why, "the account has a password");
    if (a->identities > 0)
        why = add_reason(p, why, "the account is linked to another identity");
    if (a->protected_role)
        why = add_reason(p, why,
                         apr_psprintf(p, "the account holds the protected role '%s'",
                                      a->protected_role));
    if (a->direct_grants > 0)
        why = add_reason(p, why, "the account holds permissions granted to it directly");
    return why;
}

/* The log line and the activity row of a link (why NULL) or of a refusal. */
static void link_record(authsvc_context_t *ctx, authsvc_db_t *db, const authsvc_identity_t *id,
                        const char *user_id, const char *tenant_id, const char *why)
{
    const char *tag = link_subject_tag(ctx->pool, id->subject);
    cJSON *payload = authsvc_json_own(ctx->pool, cJSON_CreateObject());

    cJSON_AddStringToObject(payload, "provider", id->provider);
    cJSON_AddStringToObject(payload, "subject", tag);
    if (why) {
        cJSON_AddStringToObject(payload, "reason", why);
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(2101) "%s identity %s: link by e-mail "
                                     "to user %s refused: %s",
                 id->provider, tag, user_id, why);
    } else
        ctx->log(ctx, AUTHSVC_LOG_NOTICE,
                 AUTHSVC_LOGNO(2102) "%s identity %s linked by e-mail "
                                     "to user %s%s",
                 id->provider, tag, user_id, id->store ? "" : " (not stored)");
    authsvc_activity_record(ctx, db, why ? "LINK_REFUSED" : "LINK", user_id, tenant_id,
                            id->client_id, payload);
}

/* Reads the account and, when the rule allows, stores the link. With id->store this
 * runs in one transaction that first locks the account's row, so two first logins
 * through different providers cannot both link it. *why gets the refusal. */
static authsvc_status_t link_try(authsvc_context_t *ctx, authsvc_db_t *db,
                                 const authsvc_identity_t *id, const char *user_id,
                                 link_account_t *a, const char **why)
{
    authsvc_status_t st;

    if (!id->store) {
        st = link_account_read(ctx, db, user_id, a);
        if (st == AUTHSVC_OK)
            *why = link_refusal(ctx->pool, id, a);
        return st;
    }
    st = authsvc_db_begin(db, ctx->pool);
    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_db_identity_account_lock(db, ctx->pool, user_id);
    if (st == AUTHSVC_OK)
        st = link_account_read(ctx, db, user_id, a);
    if (st == AUTHSVC_OK && !(*why = link_refusal(ctx->pool, id, a)))
        st = authsvc_db_user_link_add(db, ctx->pool, user_id, id->provider, id->subject);
    if (st != AUTHSVC_OK || *why) {
        authsvc_db_rollback(db);
        if (st == AUTHSVC_CONFLICT)
            *why = "the identity was linked meanwhile";
        return st == AUTHSVC_CONFLICT ? AUTHSVC_OK : st;
    }
    return authsvc_db_commit(db);
}

static authsvc_status_t link_one(authsvc_context_t *ctx, authsvc_db_t *db,
                                 const authsvc_identity_t *id, const char *candidate,
                                 const char **user_id)
{
    link_account_t a;
    const char *why = NULL;
    authsvc_status_t st = link_try(ctx, db, id, candidate, &a, &why);

    if (st != AUTHSVC_OK)
        return st;
    link_record(ctx, db, id, candidate, a.tenant_id, why);
    if (why)
        return AUTHSVC_INVALID;
    *user_id = candidate;
    return AUTHSVC_OK;
}

/* Several accounts have the e-mail: none is linked, each gets a refusal row. */
static authsvc_status_t link_ambiguous(authsvc_context_t *ctx, authsvc_db_t *db,
                                       const authsvc_identity_t *id,
                                       const apr_array_header_t *candidates)
{
    link_account_t a;
    int i;

    for (i = 0; i < candidates->nelts; i++) {
        const char *user_id = APR_ARRAY_IDX(candidates, i, const char *);
        if (link_account_read(ctx, db, user_id, &a) == AUTHSVC_OK)
            link_record(ctx, db, id, user_id, a.tenant_id,
                        "several local accounts have the e-mail");
    }
    return AUTHSVC_INVALID;
}

authsvc_status_t authsvc_identity_link_by_email(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const authsvc_identity_t *id,
                                                const char **user_id)
{
    apr_array_header_t *candidates = NULL;
    authsvc_status_t st;

    if (!id->email || !*id->email)
        return AUTHSVC_NOT_FOUND;
    st = authsvc_db_identity_accounts_by_email(db, ctx->pool, id->email, EMAIL_CANDIDATES_MAX,
                                               &candidates);
    if (st != AUTHSVC_OK)
        return st;
    if (candidates->nelts == 0)
        return AUTHSVC_NOT_FOUND;
    if (candidates->nelts > 1)
        return link_ambiguous(ctx, db, id, candidates);
    return link_one(ctx, db, id, APR_ARRAY_IDX(candidates, 0, const char *), user_id);
}

void authsvc_identity_profile_store(authsvc_context_t *ctx, authsvc_db_t *db,
                                    const char *user_id, const char *email,
                                    const char *first_name, const char *last_name,
                                    const char *groups)
{
    authsvc_db_external_profile_t profile = {email, first_name, last_name, groups};

    if (!email && !first_name && !last_name && !groups)
        return;
    if (authsvc_db_identity_profile_set(db, ctx->pool, user_id, &profile) != AUTHSVC_OK)
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(2103) "profile of user %s not "
                                     "updated from its provider",
                 user_id);
}
