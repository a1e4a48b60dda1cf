/* The second factor: POST /auth/send-otp (a code by mail), POST /auth/create-qr-code
 * (authenticator enrolment), GET /auth/check-qr-code, and POST /auth/verify-otp, which
 * trades an MFA-pending auth code and a one-time code (the mailed one, else TOTP: RFC
 * 6238, each step used once) for a new, normal auth code (docs/design.md section 7). The key of
 * send-otp and verify-otp is that MFA-pending code, never a username, so a one-time code
 * alone never logs anyone in. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "authsvc_answer_mail_limit.h"
#include "authsvc_auth_code.h"
#include "authsvc_config_mail.h"
#include "authsvc_db_second_factor.h"
#include "authsvc_db_user_reads.h"
#include "authsvc_flows.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_log.h"
#include "authsvc_mail_message.h"
#include "authsvc_mail_tokens.h"
#include "authsvc_password.h"
#include "authsvc_qr_png.h"
#include "authsvc_regulation.h"
#include "authsvc_totp.h"

#define OTP_FAILURES_MAX 5   /* wrong codes an MFA-pending code survives */

static const char *otp_body(const authsvc_request_t *req, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req->body, name);

    return cJSON_IsString(item) && *item->valuestring ? item->valuestring : NULL;
}

/* The client, then the live code issued through it (the old service's errors: no or
 * unknown client: ClientInvalid; no code: TokenInvalid; a bad code: InvalidCredentials).
 * Returns 0 with *code filled, or the status already answered. */
static int otp_client_code(authsvc_request_t *req, authsvc_db_t *db, const char *client_id,
                           const char *secret, authsvc_client_t **client,
                           authsvc_auth_code_t *code)
{
    authsvc_status_t st = client_id ? authsvc_client_load(req, db, client_id, client)
                                    : AUTHSVC_NOT_FOUND;

    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID)
                                       : authsvc_respond_unavailable(req);
    if (!secret)
        return authsvc_respond_error(req, AUTHSVC_E_TOKEN_INVALID);
    st = authsvc_auth_code_find(req, db, secret, code);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (st == AUTHSVC_NOT_FOUND || !authsvc_auth_code_live(code)
        || strcmp(code->client_id, (*client)->client_id) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_INVALID_CREDENTIALS);
    return 0;
}

/* The user's TOTP secret (base32) and last step used; AUTHSVC_NOT_FOUND when none. */
static authsvc_status_t otp_totp_load(authsvc_request_t *req, authsvc_db_t *db,
                                      const char *user_id, const char **secret)
{
    return authsvc_db_totp_secret(db, req->pool, user_id, secret);
}

/* RFC 3986 percent-encoding of everything but unreserved characters. */
static const char *otp_escape(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, strlen(s) * 3 + 1), *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || c == '~') {
            *o++ = (char)c;
        }
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* otpauth://totp/ISSUER:USER?secret=...&issuer=ISSUER (Google Authenticator's format). */
static const char *otp_uri(authsvc_request_t *req, const char *issuer, const char *user,
                           const char *secret)
{
    return apr_psprintf(req->pool, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1"
                        "&digits=%d&period=%d", otp_escape(req->pool, issuer),
                        otp_escape(req->pool, user), secret, otp_escape(req->pool, issuer),
                        AUTHSVC_TOTP_DIGITS, AUTHSVC_TOTP_STEP);
}

/* Stores a fresh secret for the user; AUTHSVC_CONFLICT when one exists (also when a
 * parallel enrolment won). */
static authsvc_status_t otp_totp_create(authsvc_request_t *req, authsvc_db_t *db,
                                        const char *user_id, const char **secret)
{
    unsigned char raw[AUTHSVC_TOTP_SECRET_BYTES];
    const char *id = authsvc_uuid_v4(req->pool);

    if (!id || RAND_bytes(raw, sizeof(raw)) != 1)
        return AUTHSVC_CRYPTO_ERROR;
    *secret = authsvc_base32_encode(req->pool, raw, sizeof(raw));
    return authsvc_db_totp_create(db, req->pool, id, user_id, *secret, authsvc_db_now_ms());
}

int authsvc_flow_create_qr_code(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_auth_code_t code;
    authsvc_principal_t *pr = NULL;
    const char *secret = NULL, *url = NULL;
    authsvc_status_t st;
    cJSON *body;
    int rc;

    if ((rc = otp_client_code(req, db, otp_body(req, "clientId"), otp_body(req, "code"), &client,
                              &code)))
        return rc;
    st = otp_totp_load(req, db, code.user_id, &secret);
    if (st == AUTHSVC_OK)
        return authsvc_respond_error(req, AUTHSVC_E_TOTP_EXISTS);
    if (st != AUTHSVC_NOT_FOUND || authsvc_principal_load(req, db, code.user_id, code.tenant_id,
                                                         &pr) != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    st = otp_totp_create(req, db, code.user_id, &secret);
    if (st == AUTHSVC_CONFLICT)
        return authsvc_respond_error(req, AUTHSVC_E_TOTP_EXISTS);
    if (st != AUTHSVC_OK
        || authsvc_qr_png_data_url(req->pool, otp_uri(req, authsvc_config_totp_issuer(
                                                               req->server_config, req->pool),
                                                      pr->username, secret),
                                   &url) != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    req->log(req, AUTHSVC_LOG_INFO, AUTHSVC_LOGNO(0701) "authenticator enrolled for user %s",
             code.user_id);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "qrCode", url);
    return authsvc_respond_json(req, 200, body);
}

int authsvc_flow_check_qr_code(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_auth_code_t code;
    const char *secret = NULL;
    authsvc_status_t st;
    cJSON *body;
    int rc;

    if ((rc = otp_client_code(req, db, apr_table_get(req->headers_in, "clientId"),
                              apr_table_get(req->headers_in, "code"), &client, &code)))
        return rc;
    st = otp_totp_load(req, db, code.user_id, &secret);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddBoolToObject(body, "isGenerated", st == AUTHSVC_OK);
    return authsvc_respond_json(req, 200, body);
}

/* A wrong code: counted on the pending code, which dies at OTP_FAILURES_MAX. */
static int otp_wrong(authsvc_request_t *req, authsvc_db_t *db, const authsvc_auth_code_t *code)
{
    authsvc_db_otp_pending_failure(db, req->pool, code->hash);
    if (code->otp_failures + 1 >= OTP_FAILURES_MAX)
        authsvc_auth_code_consume(req, db, code->hash);
    return authsvc_respond_error(req, AUTHSVC_E_OTP_INVALID);
}

/* Checks otp against the user's authenticator and uses its step: AUTHSVC_OK, AUTHSVC_INVALID
 * (wrong, or the step was used already), AUTHSVC_NOT_FOUND (no authenticator). */
static authsvc_status_t otp_totp_verify(authsvc_request_t *req, authsvc_db_t *db,
                                        const char *user_id, const char *otp)
{
    const char *secret = NULL;
    unsigned char *key;
    apr_size_t key_len = 0;
    uint64_t step = 0;
    authsvc_status_t st = otp_totp_load(req, db, user_id, &secret);

    if (st != AUTHSVC_OK)
        return st;
    key = authsvc_base32_decode(req->pool, secret, &key_len);
    if (!key || authsvc_totp_check(key, key_len, otp, apr_time_sec(apr_time_now()), &step)
                    != AUTHSVC_OK)
        return AUTHSVC_INVALID;
    st = authsvc_db_totp_use_step(db, req->pool, user_id, (long long)step, authsvc_db_now_ms());
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_UNAVAILABLE;
    if (st == AUTHSVC_NOT_FOUND) {
        req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0702) "TOTP code replayed for user %s",
                 user_id);
        return AUTHSVC_INVALID;
    }
    return AUTHSVC_OK;
}

/* ---- e-mailed codes ---- */

/* Six decimal digits, uniform (rejection sampling over 32-bit draws); NULL on failure. */
static const char *otp_six_digits(apr_pool_t *p)
{
    const uint32_t limit = 4294000000u; /* a multiple of 10^6 below 2^32 */
    uint32_t v;

    do {
        if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
            return NULL;
    } while (v >= limit);
    return apr_psprintf(p, "%06u", (unsigned)(v % 1000000u));
}

/* The stored form of a mailed code: bound to the pending code it was sent for. */
static const char *otp_mail_hash(apr_pool_t *p, const char *code_hash, const char *otp)
{
    return authsvc_token_hash(p, apr_pstrcat(p, code_hash, ":", otp ? otp : "", NULL));
}

/* 1 when this send is over AUTHSVC_OTP_SENDS_MAX in the window (counted at once: two
 * sends in two processes never both see room for one), or cannot be counted. */
static int otp_sends_over(authsvc_request_t *job, authsvc_db_t *db, const char *user_id)
{
    long long count = 0, start = 0;

    if (authsvc_mail_limit_hit(authsvc_request_context(job), db, "otp-user", user_id, AUTHSVC_OTP_SENDS_WINDOW, &count,
                               &start) != AUTHSVC_OK)
        return 1;
    return count > AUTHSVC_OTP_SENDS_MAX;
}

/* Deferred: makes, stores and mails a code (body: codeHash, userId). */
static void otp_deliver(authsvc_request_t *job)
{
    authsvc_db_t *db = job->db(job);
    const char *code_hash = otp_body(job, "codeHash"), *user_id = otp_body(job, "userId");
    const char *otp = otp_six_digits(job->pool);
    int ttl = authsvc_config_otp_ttl(job->server_config);
    long long now = authsvc_db_now_ms();
    authsvc_db_otp_t row = {NULL, code_hash, user_id, NULL, now + ttl * 1000LL, now};
    authsvc_db_user_t user;

    if (!db || !otp || authsvc_db_user_by_id(db, job->pool, user_id, &user) != AUTHSVC_OK)
        return;
    if (!authsvc_mail_address_valid(user.email))
        return;
    if (otp_sends_over(job, db, user_id)) {
        job->log(job, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0703) "one-time codes for user %s "
                 "over the limit: none sent", user_id);
        return;
    }
    authsvc_db_otp_retire(db, job->pool, code_hash, now);
    row.id = authsvc_uuid_v4(job->pool);
    row.otp_hash = otp_mail_hash(job->pool, code_hash, otp);
    if (!row.id || authsvc_db_otp_insert(db, job->pool, &row) != AUTHSVC_OK) {
        job->log(job, AUTHSVC_LOG_ERROR, AUTHSVC_LOGNO(0704) "one-time code not stored: %s",
                 db->error ? db->error : "database error");
        return;
    }
    authsvc_mail_deliver_otp(authsvc_request_context(job), user.email, user.first_name, otp, ttl);
}

int authsvc_flow_send_otp(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_auth_code_t code;
    authsvc_status_t st;
    cJSON *args;

    if (authsvc_answer_mail_ip_limited(req, db))
        return req->status;
    st = authsvc_client_load(req, db, otp_body(req, "client_id"), &client);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (st == AUTHSVC_NOT_FOUND
        || !authsvc_client_secret_ok(client, otp_body(req, "client_secret"))) {
        authsvc_regulation_address_failed(authsvc_request_context(req), db);
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_VERIFICATION_FAILED);
    }
    /* whatever the key, the same answer: nothing tells a pending code from another */
    st = authsvc_auth_code_find(req, db, otp_body(req, "key"), &code);
    if (st != AUTHSVC_OK || !authsvc_auth_code_live(&code) || !code.mfa_pending
        || strcmp(code.client_id, client->client_id) != 0)
        return authsvc_respond_no_content(req);
    if (!authsvc_config_mail_enabled(req->server_config->mail)) {
        req->log(req, AUTHSVC_LOG_WARNING, AUTHSVC_LOGNO(0705) "send-otp: no AuthsvcMailServer "
                 "or AuthsvcMailWebhook, nothing sent");
        return authsvc_respond_no_content(req);
    }
    args = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(args, "codeHash", code.hash);
    cJSON_AddStringToObject(args, "userId", code.user_id);
    req->defer(req, otp_deliver, args);
    return authsvc_respond_no_content(req);
}

/* The live mailed code of a pending code (a newer one ends the older): AUTHSVC_OK
 * (checked: *matched set), AUTHSVC_NOT_FOUND (none), AUTHSVC_INVALID (exhausted or
 * expired). An attempt is counted before the comparison, atomically. */
static authsvc_status_t otp_mail_verify(authsvc_request_t *req, authsvc_db_t *db,
                                        const authsvc_auth_code_t *code, const char *otp,
                                        int *matched)
{
    authsvc_db_otp_t sent;
    const char *got;
    authsvc_status_t st = authsvc_db_otp_latest(db, req->pool, code->hash, &sent);

    *matched = 0;
    if (st != AUTHSVC_OK)
        return st;
    st = authsvc_db_otp_attempt(db, req->pool, sent.id, AUTHSVC_OTP_ATTEMPTS_MAX,
                                authsvc_db_now_ms());
    if (st != AUTHSVC_OK)
        return st == AUTHSVC_NOT_FOUND ? AUTHSVC_INVALID : AUTHSVC_UNAVAILABLE;
    got = otp_mail_hash(req->pool, code->hash, otp);
    if (strlen(sent.otp_hash) != strlen(got)
        || CRYPTO_memcmp(sent.otp_hash, got, strlen(got)) != 0)
        return AUTHSVC_OK;
    st = authsvc_db_otp_use(db, req->pool, sent.id, authsvc_db_now_ms());
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return AUTHSVC_UNAVAILABLE;
    *matched = st == AUTHSVC_OK;
    return st == AUTHSVC_OK ? AUTHSVC_OK : AUTHSVC_INVALID;
}

int authsvc_flow_verify_otp(authsvc_request_t *req)
{
    authsvc_db_t *db = req->db(req);
    authsvc_client_t *client = NULL;
    authsvc_auth_code_t code;
    const char *client_id = otp_body(req, "clientId"), *fresh = NULL;
    authsvc_status_t st;
    int matched = 0;
    cJSON *body;

    st = authsvc_auth_code_find(req, db, otp_body(req, "key"), &code);
    if (st != AUTHSVC_OK && st != AUTHSVC_NOT_FOUND)
        return authsvc_respond_unavailable(req);
    if (st == AUTHSVC_NOT_FOUND || !authsvc_auth_code_live(&code))
        return authsvc_respond_error(req, AUTHSVC_E_OTP_EXPIRED);
    if (client_id && strcmp(client_id, code.client_id) != 0)
        return authsvc_respond_error(req, AUTHSVC_E_CLIENT_INVALID);
    st = otp_mail_verify(req, db, &code, otp_body(req, "otp"), &matched);
    if (st == AUTHSVC_INVALID)
        return authsvc_respond_error(req, AUTHSVC_E_OTP_EXPIRED);
    if (st == AUTHSVC_OK && !matched)
        return authsvc_respond_error(req, AUTHSVC_E_OTP_INVALID);
    if (st == AUTHSVC_NOT_FOUND) {
        st = otp_totp_verify(req, db, code.user_id, otp_body(req, "otp"));
        if (st == AUTHSVC_NOT_FOUND)
            return authsvc_respond_error(req, AUTHSVC_E_OTP_EXPIRED);
        if (st == AUTHSVC_INVALID)
            return otp_wrong(req, db, &code);
    }
    if (st != AUTHSVC_OK || authsvc_client_load(req, db, code.client_id, &client) != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    /* the pending code is spent (one winner), and a normal one replaces it */
    st = authsvc_auth_code_consume(req, db, code.hash);
    if (st == AUTHSVC_NOT_FOUND)
        return authsvc_respond_error(req, AUTHSVC_E_OTP_EXPIRED);
    if (st != AUTHSVC_OK || authsvc_auth_code_issue(req, db, client, code.user_id, code.tenant_id,
                                                    code.user_tenant_id, 0, &fresh) != AUTHSVC_OK)
        return authsvc_respond_unavailable(req);
    body = authsvc_json_own(req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(body, "code", fresh);
    return authsvc_respond_json(req, 200, body);
}
