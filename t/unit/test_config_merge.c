/* Every field of every configuration record has a merge rule (authsvc_config_merge.h).
 * Each record is described here field by field (offset, size, kind); the description must
 * cover the whole record, so a field added without being listed fails the tiling check
 * (except one small enough to hide in alignment padding), and a listed field the merge
 * function forgets fails the merge checks: with only the base set, the result has the
 * base's bytes; with both set, the more specific record's. */
#include <stddef.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <apr_strings.h>

#include "authsvc_config.h"
#include "authsvc_config_mail.h"
#include "authsvc_gateway.h"
#include "authsvc_httpd.h"
#include "authsvc_saml_config.h"
#include "unit.h"

typedef enum {
    FIELD_VALUE,  /* merged: taken from the record that set it */
    FIELD_FLAG,   /* an int "_set" flag: the OR of both */
    FIELD_NESTED, /* a pointer to a record with its own merge (checked there) */
    FIELD_LATER   /* filled after merging (post_config, child_init): not merged */
} field_kind_t;

typedef struct {
    const char *name;
    size_t offset, size;
    field_kind_t kind;
} field_t;

/* clang-format off */
#define F(type, member, kind) {#member, offsetof(type, member), sizeof(((type *)0)->member), kind}
/* clang-format on */

typedef void *(*merge_fn)(apr_pool_t *p, void *base, void *add);

typedef struct {
    const char *name;
    size_t size;
    const field_t *fields;
    size_t count;
    merge_fn merge;
    void (*nest)(apr_pool_t *p, void *record); /* valid nested records, or NULL */
    int flags_decide;                          /* values are taken by their flags */
} record_t;

#define BASE_BYTE 0xa5
#define ADD_BYTE 0x5a

/* ---- the records ------------------------------------------------------------------ */

static const field_t server_fields[] = {
    F(authsvc_server_config_t, issuer, FIELD_VALUE),
    F(authsvc_server_config_t, issuer_set, FIELD_FLAG),
    F(authsvc_server_config_t, access_ttl, FIELD_VALUE),
    F(authsvc_server_config_t, access_ttl_set, FIELD_FLAG),
    F(authsvc_server_config_t, refresh_ttl, FIELD_VALUE),
    F(authsvc_server_config_t, refresh_ttl_set, FIELD_FLAG),
    F(authsvc_server_config_t, auth_code_ttl, FIELD_VALUE),
    F(authsvc_server_config_t, auth_code_ttl_set, FIELD_FLAG),
    F(authsvc_server_config_t, keyring, FIELD_VALUE),
    F(authsvc_server_config_t, keyring_set, FIELD_FLAG),
    F(authsvc_server_config_t, leeway, FIELD_VALUE),
    F(authsvc_server_config_t, leeway_set, FIELD_FLAG),
    F(authsvc_server_config_t, family_ttl, FIELD_VALUE),
    F(authsvc_server_config_t, family_ttl_set, FIELD_FLAG),
    F(authsvc_server_config_t, password_params, FIELD_VALUE),
    F(authsvc_server_config_t, password_params_set, FIELD_FLAG),
    F(authsvc_server_config_t, hash_concurrency, FIELD_VALUE),
    F(authsvc_server_config_t, hash_concurrency_set, FIELD_FLAG),
    F(authsvc_server_config_t, password_min_length, FIELD_VALUE),
    F(authsvc_server_config_t, password_min_length_set, FIELD_FLAG),
    F(authsvc_server_config_t, password_blocklist, FIELD_VALUE),
    F(authsvc_server_config_t, password_blocklist_set, FIELD_FLAG),
    F(authsvc_server_config_t, lockout_failures, FIELD_VALUE),
    F(authsvc_server_config_t, lockout_wait, FIELD_VALUE),
    F(authsvc_server_config_t, lockout_max_wait, FIELD_VALUE),
    F(authsvc_server_config_t, lockout_set, FIELD_FLAG),
    F(authsvc_server_config_t, ip_failures, FIELD_VALUE),
    F(authsvc_server_config_t, ip_window, FIELD_VALUE),
    F(authsvc_server_config_t, ip_limit_set, FIELD_FLAG),
    F(authsvc_server_config_t, password_limiter, FIELD_LATER),
    F(authsvc_server_config_t, mfa_clients, FIELD_VALUE),
    F(authsvc_server_config_t, mfa_clients_set, FIELD_FLAG),
    F(authsvc_server_config_t, mfa_tenants, FIELD_VALUE),
    F(authsvc_server_config_t, mfa_tenants_set, FIELD_FLAG),
    F(authsvc_server_config_t, totp_issuer, FIELD_VALUE),
    F(authsvc_server_config_t, totp_issuer_set, FIELD_FLAG),
    F(authsvc_server_config_t, otp_ttl, FIELD_VALUE),
    F(authsvc_server_config_t, otp_ttl_set, FIELD_FLAG),
    F(authsvc_server_config_t, social_providers, FIELD_VALUE),
    F(authsvc_server_config_t, social_providers_set, FIELD_FLAG),
    F(authsvc_server_config_t, link_protected_roles, FIELD_VALUE),
    F(authsvc_server_config_t, link_protected_roles_set, FIELD_FLAG),
    F(authsvc_server_config_t, use_database, FIELD_VALUE),
    F(authsvc_server_config_t, use_database_set, FIELD_FLAG),
    F(authsvc_server_config_t, activity_record, FIELD_VALUE),
    F(authsvc_server_config_t, activity_record_set, FIELD_FLAG),
    F(authsvc_server_config_t, activity_retention, FIELD_VALUE),
    F(authsvc_server_config_t, activity_retention_set, FIELD_FLAG),
    F(authsvc_server_config_t, activity_key, FIELD_VALUE),
    F(authsvc_server_config_t, activity_key_set, FIELD_FLAG),
    F(authsvc_server_config_t, mail, FIELD_NESTED),
    F(authsvc_server_config_t, saml, FIELD_NESTED),
    F(authsvc_server_config_t, dbd_glue, FIELD_LATER),
    F(authsvc_server_config_t, metrics, FIELD_LATER),
    F(authsvc_server_config_t, gateway, FIELD_NESTED),
    F(authsvc_server_config_t, pages, FIELD_VALUE),
    F(authsvc_server_config_t, pages_set, FIELD_FLAG),
};

static void server_nest(apr_pool_t *p, void *record)
{
    authsvc_server_config_t *c = record;

    c->mail = authsvc_config_mail_create(p);
    c->gateway = authsvc_gateway_server_create(p);
    c->saml = NULL;
    c->password_limiter = NULL;
    c->dbd_glue = NULL;
    c->metrics = NULL;
}

static const field_t dir_fields[] = {
    F(authsvc_dir_config_t, body_limit, FIELD_VALUE),
    F(authsvc_dir_config_t, body_limit_set, FIELD_FLAG),
    F(authsvc_dir_config_t, base_path, FIELD_VALUE),
    F(authsvc_dir_config_t, base_path_set, FIELD_FLAG),
    F(authsvc_dir_config_t, gateway, FIELD_NESTED),
};

static void dir_nest(apr_pool_t *p, void *record)
{
    ((authsvc_dir_config_t *)record)->gateway = authsvc_gateway_dir_create(p);
}

static const field_t gateway_server_fields[] = {
    F(authsvc_gateway_server_t, header_prefix, FIELD_VALUE),
    F(authsvc_gateway_server_t, header_prefix_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, cache_spec, FIELD_VALUE),
    F(authsvc_gateway_server_t, cache_spec_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, poll_interval, FIELD_VALUE),
    F(authsvc_gateway_server_t, poll_interval_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, revocation_slots, FIELD_VALUE),
    F(authsvc_gateway_server_t, revocation_slots_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, jwks, FIELD_VALUE),
    F(authsvc_gateway_server_t, jwks_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, client_id, FIELD_VALUE),
    F(authsvc_gateway_server_t, client_secret, FIELD_VALUE),
    F(authsvc_gateway_server_t, client_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, portal_path, FIELD_VALUE),
    F(authsvc_gateway_server_t, portal_path_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, return_origins, FIELD_VALUE),
    F(authsvc_gateway_server_t, return_origins_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, session_idle, FIELD_VALUE),
    F(authsvc_gateway_server_t, session_idle_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, session_lifetime, FIELD_VALUE),
    F(authsvc_gateway_server_t, session_lifetime_set, FIELD_FLAG),
    F(authsvc_gateway_server_t, shared, FIELD_LATER),
    F(authsvc_gateway_server_t, identity_headers, FIELD_LATER),
};

static void gateway_server_nest(apr_pool_t *p, void *record)
{
    authsvc_gateway_server_t *c = record;

    (void)p;
    c->shared = NULL;
    c->identity_headers = NULL;
}

static const field_t gateway_dir_fields[] = {
    F(authsvc_gateway_dir_t, mode, FIELD_VALUE),
    F(authsvc_gateway_dir_t, mode_set, FIELD_FLAG),
    F(authsvc_gateway_dir_t, audiences, FIELD_VALUE),
    F(authsvc_gateway_dir_t, audiences_set, FIELD_FLAG),
    F(authsvc_gateway_dir_t, issuer, FIELD_VALUE),
    F(authsvc_gateway_dir_t, issuer_set, FIELD_FLAG),
    F(authsvc_gateway_dir_t, user_claim, FIELD_VALUE),
    F(authsvc_gateway_dir_t, user_claim_set, FIELD_FLAG),
};

static const field_t mail_fields[] = {
    F(authsvc_mail_config_t, transport.url, FIELD_VALUE),
    F(authsvc_mail_config_t, transport.user, FIELD_VALUE),
    F(authsvc_mail_config_t, transport.password, FIELD_VALUE),
    F(authsvc_mail_config_t, transport.starttls, FIELD_VALUE),
    F(authsvc_mail_config_t, transport.connect_timeout_ms, FIELD_VALUE),
    F(authsvc_mail_config_t, transport.timeout_ms, FIELD_VALUE),
    F(authsvc_mail_config_t, transport.ca_file, FIELD_VALUE),
    F(authsvc_mail_config_t, server_set, FIELD_FLAG),
    F(authsvc_mail_config_t, auth_set, FIELD_FLAG),
    F(authsvc_mail_config_t, starttls_set, FIELD_FLAG),
    F(authsvc_mail_config_t, timeouts_set, FIELD_FLAG),
    F(authsvc_mail_config_t, ca_file_set, FIELD_FLAG),
    F(authsvc_mail_config_t, from, FIELD_VALUE),
    F(authsvc_mail_config_t, from_name, FIELD_VALUE),
    F(authsvc_mail_config_t, from_set, FIELD_FLAG),
    F(authsvc_mail_config_t, webhook, FIELD_VALUE),
    F(authsvc_mail_config_t, webhook_set, FIELD_FLAG),
    F(authsvc_mail_config_t, templates_dir, FIELD_VALUE),
    F(authsvc_mail_config_t, templates_dir_set, FIELD_FLAG),
    F(authsvc_mail_config_t, product, FIELD_VALUE),
    F(authsvc_mail_config_t, product_set, FIELD_FLAG),
    F(authsvc_mail_config_t, reset_link, FIELD_VALUE),
    F(authsvc_mail_config_t, invite_link, FIELD_VALUE),
    F(authsvc_mail_config_t, reset_link_set, FIELD_FLAG),
    F(authsvc_mail_config_t, invite_link_set, FIELD_FLAG),
    F(authsvc_mail_config_t, reset_ttl, FIELD_VALUE),
    F(authsvc_mail_config_t, invite_ttl, FIELD_VALUE),
    F(authsvc_mail_config_t, reset_ttl_set, FIELD_FLAG),
    F(authsvc_mail_config_t, invite_ttl_set, FIELD_FLAG),
    F(authsvc_mail_config_t, per_address, FIELD_VALUE),
    F(authsvc_mail_config_t, per_ip, FIELD_VALUE),
    F(authsvc_mail_config_t, window, FIELD_VALUE),
    F(authsvc_mail_config_t, limit_set, FIELD_FLAG),
    F(authsvc_mail_config_t, signup, FIELD_VALUE),
    F(authsvc_mail_config_t, signup_tenant, FIELD_VALUE),
    F(authsvc_mail_config_t, signup_role, FIELD_VALUE),
    F(authsvc_mail_config_t, signup_clients, FIELD_VALUE),
    F(authsvc_mail_config_t, signup_set, FIELD_FLAG),
    F(authsvc_mail_config_t, reset_template, FIELD_LATER),
    F(authsvc_mail_config_t, invite_template, FIELD_LATER),
    F(authsvc_mail_config_t, otp_template, FIELD_LATER),
    F(authsvc_mail_config_t, queue, FIELD_LATER),
};

static void *gateway_server_merge(apr_pool_t *p, void *base, void *add)
{
    return authsvc_gateway_server_merge(p, base, add);
}

static void *gateway_dir_merge(apr_pool_t *p, void *base, void *add)
{
    return authsvc_gateway_dir_merge(p, base, add);
}

static void *mail_merge(apr_pool_t *p, void *base, void *add)
{
    return authsvc_config_mail_merge(p, base, add);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const record_t records[] = {
    {"server", sizeof(authsvc_server_config_t), server_fields, COUNT(server_fields),
     authsvc_config_server_merge, server_nest, 1},
    {"dir", sizeof(authsvc_dir_config_t), dir_fields, COUNT(dir_fields),
     authsvc_config_dir_merge, dir_nest, 1},
    {"gateway server", sizeof(authsvc_gateway_server_t), gateway_server_fields,
     COUNT(gateway_server_fields), gateway_server_merge, gateway_server_nest, 1},
    {"gateway dir", sizeof(authsvc_gateway_dir_t), gateway_dir_fields,
     COUNT(gateway_dir_fields), gateway_dir_merge, NULL, 1},
    {"mail", sizeof(authsvc_mail_config_t), mail_fields, COUNT(mail_fields), mail_merge, NULL,
     1},
};

/* ---- the checks ------------------------------------------------------------------- */

static void report(const record_t *r, const field_t *f, const char *what)
{
    fprintf(stderr, "\n    %s.%s: %s", r->name, f ? f->name : "-", what);
}

/* The fields, in the order of their offsets, cover the record but for padding. */
static int record_tiled(const record_t *r)
{
    size_t end = 0, i, j;
    int ok = 1;

    for (i = 0; i < r->count; i++) {
        const field_t *next = NULL;

        for (j = 0; j < r->count; j++) /* the field at the lowest offset not before end */
            if (r->fields[j].offset >= end && (!next || r->fields[j].offset < next->offset))
                next = &r->fields[j];
        if (!next || next->offset - end >= sizeof(void *)) {
            report(r, next, "a gap before this field: a field is not listed here");
            ok = 0;
        }
        if (!next)
            break;
        end = next->offset + next->size;
    }
    if (r->size - end >= sizeof(void *)) {
        report(r, NULL, "the record goes on after its last listed field");
        ok = 0;
    }
    return ok;
}

/* A record with every value field's bytes = value and every flag = flag. */
static void *record_filled(apr_pool_t *p, const record_t *r, int value, int flag)
{
    unsigned char *rec = apr_pcalloc(p, r->size);
    size_t i;

    for (i = 0; i < r->count; i++) {
        const field_t *f = &r->fields[i];
        if (f->kind == FIELD_VALUE)
            memset(rec + f->offset, value, f->size);
        else if (f->kind == FIELD_FLAG)
            *(int *)(void *)(rec + f->offset) = flag;
    }
    if (r->nest)
        r->nest(p, rec);
    return rec;
}

/* Every value field of got has the bytes of want's; every flag is flag. */
static int record_took(const record_t *r, const unsigned char *got, int want, int flag,
                       const char *when)
{
    size_t i, k;
    int ok = 1;

    for (i = 0; i < r->count; i++) {
        const field_t *f = &r->fields[i];

        if (f->kind == FIELD_FLAG && *(const int *)(const void *)(got + f->offset) != flag) {
            report(r, f, apr_psprintf(authsvc_test_pool(), "flag not merged (%s)", when));
            ok = 0;
        }
        if (f->kind != FIELD_VALUE)
            continue;
        for (k = 0; k < f->size && got[f->offset + k] == want; k++)
            ;
        if (k < f->size) {
            report(r, f, apr_psprintf(authsvc_test_pool(), "value not merged (%s)", when));
            ok = 0;
        }
    }
    return ok;
}

static void test_every_field_is_listed(void)
{
    size_t i;

    for (i = 0; i < COUNT(records); i++)
        CU_ASSERT(record_tiled(&records[i]));
}

static void test_every_field_is_merged(void)
{
    apr_pool_t *p = authsvc_test_pool();
    size_t i;

    for (i = 0; i < COUNT(records); i++) {
        const record_t *r = &records[i];
        void *base_only = r->merge(p, record_filled(p, r, BASE_BYTE, 1),
                                   record_filled(p, r, 0, 0));
        void *both = r->merge(p, record_filled(p, r, BASE_BYTE, 1),
                              record_filled(p, r, ADD_BYTE, 1));
        void *add_only = r->merge(p, record_filled(p, r, 0, 0),
                                  record_filled(p, r, ADD_BYTE, 1));

        CU_ASSERT(record_took(r, base_only, BASE_BYTE, 1, "only the base set"));
        CU_ASSERT(record_took(r, both, ADD_BYTE, 1, "both set"));
        CU_ASSERT(record_took(r, add_only, ADD_BYTE, 1, "only the section set"));
    }
}

/* The nested records are merged too, not shared with either side. */
static void test_nested_records_are_merged(void)
{
    apr_pool_t *p = authsvc_test_pool();
    const record_t *server = &records[0];
    authsvc_server_config_t *base = record_filled(p, server, BASE_BYTE, 1);
    authsvc_server_config_t *add = record_filled(p, server, 0, 0);
    authsvc_server_config_t *c = authsvc_config_server_merge(p, base, add);

    CU_ASSERT_PTR_NOT_NULL(c->mail);
    CU_ASSERT_PTR_NOT_NULL(c->gateway);
    CU_ASSERT(c->mail != base->mail && c->mail != add->mail);
    CU_ASSERT(c->gateway != base->gateway && c->gateway != add->gateway);
    CU_ASSERT_PTR_NULL(c->saml);
}

void authsvc_test_register_config_merge(void)
{
    CU_pSuite s = CU_add_suite("config_merge", NULL, NULL);

    CU_add_test(s, "every field of every record is listed", test_every_field_is_listed);
    CU_add_test(s, "every listed field is merged", test_every_field_is_merged);
    CU_add_test(s, "nested records are merged", test_nested_records_are_merged);
}
