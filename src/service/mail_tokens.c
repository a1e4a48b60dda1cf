/* Emailed tokens, mail limits and link delivery (see authsvc_mail_tokens.h). */
#include <string.h>

#include <apr_strings.h>

#include "authsvc_metrics.h"
#include "authsvc_config_mail.h"
#include "authsvc_db_mail_tokens.h"
#include "authsvc_json.h"
#include "authsvc_log.h"
#include "authsvc_mail.h"
#include "authsvc_mail_message.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password.h"
#include "authsvc_tokens.h"

static const char *mail_purpose(authsvc_mail_kind_t kind)
{
    return kind == AUTHSVC_MAIL_INVITE ? "invite" : "reset";
}

authsvc_status_t authsvc_mail_token_issue(authsvc_context_t *ctx, authsvc_db_t *db,
                                          authsvc_mail_kind_t kind, const char *user_id,
                                          const char *client_id, const char *email,
                                          const char **token)
{
    const authsvc_mail_config_t *mc = ctx->config->mail;
    long long now = authsvc_db_now_ms();
    long long ttl = authsvc_config_mail_token_ttl(mc, kind == AUTHSVC_MAIL_INVITE);
    authsvc_db_mail_token_t row = {NULL,  mail_purpose(kind), user_id, client_id,
                                   email, now + ttl * 1000,   now,     0};

    *token = authsvc_random_token(ctx->pool, AUTHSVC_MAIL_TOKEN_BYTES);
    if (!*token)
        return AUTHSVC_CRYPTO_ERROR;
    row.hash = authsvc_token_hash(ctx->pool, *token);
    return authsvc_db_mail_token_insert(db, ctx->pool, &row);
}

authsvc_status_t authsvc_mail_token_load(authsvc_context_t *ctx, authsvc_db_t *db,
                                         authsvc_mail_kind_t kind, const char *token,
                                         authsvc_mail_token_t *out)
{
    const char *hash = authsvc_token_hash(ctx->pool, token ? token : "");
    authsvc_db_mail_token_t row;
    authsvc_status_t st = authsvc_db_mail_token_by_hash(db, ctx->pool, hash, mail_purpose(kind),
                                                        &row);

    memset(out, 0, sizeof(*out));
    if (st != AUTHSVC_OK)
        return st;
    out->hash = hash;
    out->user_id = row.user_id;
    out->client_id = row.client_id;
    out->email = row.email;
    out->expires_ms = row.expires_ms;
    out->used = row.used;
    return AUTHSVC_OK;
}

int authsvc_mail_token_usable(const authsvc_mail_token_t *t)
{
    return !t->used && t->expires_ms > authsvc_db_now_ms();
}

authsvc_status_t authsvc_mail_token_consume(authsvc_context_t *ctx, authsvc_db_t *db,
                                            authsvc_mail_kind_t kind,
                                            const authsvc_mail_token_t *t)
{
    authsvc_status_t st = authsvc_db_mail_token_consume(db, ctx->pool, t->hash,
                                                        mail_purpose(kind),
                                                        authsvc_db_now_ms());

    return st == AUTHSVC_NOT_FOUND ? AUTHSVC_INVALID : st;
}

authsvc_status_t authsvc_mail_token_retire_user(authsvc_context_t *ctx, authsvc_db_t *db,
                                                const char *user_id)
{
    return authsvc_db_mail_token_retire_user(db, ctx->pool, user_id, authsvc_db_now_ms());
}

const char *authsvc_mail_lower(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s ? s : ""), *c;

    for (c = out; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return out;
}

authsvc_status_t authsvc_mail_limit_hit(authsvc_context_t *ctx, authsvc_db_t *db,
                                        const char *scope, const char *subject, int window_s,
                                        long long *count, long long *window_start)
{
    /* counts this request and answers the count it made, whatever other children count */
    return authsvc_db_mail_limit_hit(db, ctx->pool, scope, subject, authsvc_db_now_ms(),
                                     window_s * 1000LL, count, window_start);
}

int authsvc_mail_limit_over(authsvc_context_t *ctx, authsvc_db_t *db, const char *scope,
                            const char *subject, long *retry_after)
{
    int per_address, per_ip, window, limit;
    long long count = 0, start = 0;

    authsvc_config_mail_limits(ctx->config->mail, &per_address, &per_ip, &window);
    limit = strcmp(scope, "ip") == 0 ? per_ip : per_address;
    *retry_after = 0;
    if (limit <= 0 || !subject)
        return 0;
    if (authsvc_mail_limit_hit(ctx, db, scope, subject, window, &count, &start) != AUTHSVC_OK) {
        ctx->log(ctx, AUTHSVC_LOG_WARNING,
                 AUTHSVC_LOGNO(1624) "mail limit (%s) not counted: "
                                     "%s; not applied to this request",
                 scope, db->error ? db->error : "database error");
        return 0;
    }
    *retry_after = (long)((start + window * 1000LL - authsvc_db_now_ms() + 999) / 1000);
    return count > limit;
}

/* "30 minutes", "24 hours": the lifetime as the mail states it. */
static const char *mail_expiry_text(apr_pool_t *p, int seconds)
{
    if (seconds >= 7200 && seconds % 3600 == 0)
        return apr_psprintf(p, "%d hours", seconds / 3600);
    return apr_psprintf(p, "%d minutes", (seconds + 59) / 60);
}

/* A recipient as logs name it: a hash prefix, never the address. */
static const char *mail_recipient_id(apr_pool_t *p, const char *to)
{
    return apr_pstrndup(p, authsvc_token_hash(p, authsvc_mail_lower(p, to)), 12);
}

static void mail_send_templated(authsvc_context_t *job, const authsvc_mail_template_t *t,
                                const char *to, const authsvc_mail_var_t *vars)
{
    const authsvc_mail_config_t *mc = job->config->mail;
    authsvc_mail_message_t m = {mc->from, mc->from_name, to, NULL, NULL, NULL};
    const char *text = NULL, *error = NULL;
    authsvc_status_t st;

    m.subject = authsvc_mail_template_render(job->pool, t->subject, vars, 0);
    m.text = authsvc_mail_template_render(job->pool, t->text, vars, 0);
    m.html = t->html ? authsvc_mail_template_render(job->pool, t->html, vars, 1) : NULL;
    st = authsvc_mail_message_build(job->pool, &m, authsvc_db_now_ms() / 1000, &text);
    if (st == AUTHSVC_OK)
        st = authsvc_mail_send(job->pool, &mc->transport, mc->from, to, text, &error);
    authsvc_metrics_count(job->config->metrics, st == AUTHSVC_OK ? AUTHSVC_METRIC_MAIL_SENT
                                                                 : AUTHSVC_METRIC_MAIL_FAILED);
    if (st != AUTHSVC_OK)
        job->log(job, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(1621) "mail to recipient %s not "
                                     "delivered: %s",
                 mail_recipient_id(job->pool, to), error ? error : authsvc_status_name(st));
    else
        job->log(job, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(1622) "mail to recipient %s delivered",
                 mail_recipient_id(job->pool, to));
}

static void mail_post_event(authsvc_context_t *job, const char *event, const char *to,
                            const char *name, const char *secret_name, const char *secret,
                            int ttl)
{
    const authsvc_mail_config_t *mc = job->config->mail;
    cJSON *body = authsvc_json_own(job->pool, cJSON_CreateObject());
    const char *error = NULL;

    cJSON_AddStringToObject(body, "event", event);
    cJSON_AddStringToObject(body, "email", to);
    if (name)
        cJSON_AddStringToObject(body, "name", name);
    cJSON_AddStringToObject(body, secret_name, secret);
    cJSON_AddNumberToObject(body, "expiresAt", (double)(authsvc_db_now_ms() + ttl * 1000LL));
    cJSON_AddStringToObject(body, "product", authsvc_config_mail_product(mc));
    if (authsvc_mail_webhook_post(job->pool, &mc->transport, mc->webhook,
                                  authsvc_json_print(job->pool, body), &error)
        != AUTHSVC_OK)
        job->log(job, AUTHSVC_LOG_ERROR,
                 AUTHSVC_LOGNO(1623) "webhook event %s for recipient "
                                     "%s not delivered: %s",
                 event, mail_recipient_id(job->pool, to), error ? error : "error");
}

void authsvc_mail_deliver(authsvc_context_t *job, authsvc_mail_kind_t kind, const char *to,
                          const char *name, const char *token)
{
    const authsvc_mail_config_t *mc = job->config->mail;
    int invite = kind == AUTHSVC_MAIL_INVITE, ttl = authsvc_config_mail_token_ttl(mc, invite);
    const char *link = authsvc_config_mail_link(job->pool, mc, job->issuer, invite, token);
    authsvc_mail_var_t vars[] = {{"link", link},
                                 {"name", name ? name : to},
                                 {"expiry", mail_expiry_text(job->pool, ttl)},
                                 {"product", authsvc_config_mail_product(mc)},
                                 {NULL, NULL}};

    if (mc->server_set)
        mail_send_templated(job, invite ? mc->invite_template : mc->reset_template, to, vars);
    if (mc->webhook_set)
        mail_post_event(job, invite ? "sign-up" : "reset-password", to, name, "link", link,
                        ttl);
}

void authsvc_mail_deliver_otp(authsvc_context_t *job, const char *to, const char *name,
                              const char *code, int ttl)
{
    const authsvc_mail_config_t *mc = job->config->mail;
    authsvc_mail_var_t vars[] = {{"code", code},
                                 {"name", name ? name : to},
                                 {"expiry", mail_expiry_text(job->pool, ttl)},
                                 {"product", authsvc_config_mail_product(mc)},
                                 {NULL, NULL}};

    if (mc->server_set)
        mail_send_templated(job, mc->otp_template, to, vars);
    if (mc->webhook_set)
        mail_post_event(job, "otp", to, name, "code", code, ttl);
}
