/* The gateway: `AuthType authsvc` on any location or vhost, the `Require authsvc-*`
 * providers, identity passed to the backend, and the verified-token cache with its
 * revocation set. httpd-facing glue (gateway_*.c); the decisions over claims are in
 * the pure claims.c. */
#ifndef AUTHSVC_GATEWAY_H
#define AUTHSVC_GATEWAY_H

#include <httpd.h>
#include <http_config.h>
#include <apr_tables.h>
#include <cjson/cJSON.h>

#include "authsvc_bearer.h"
#include "authsvc_gateway_local.h"
#include "authsvc_gateway_me_stamp.h"
#include "authsvc_keys.h"

/* Defaults and bounds. */
#define AUTHSVC_GATEWAY_HEADER_PREFIX_DEFAULT "X-Authsvc-"
#define AUTHSVC_GATEWAY_USER_CLAIM_DEFAULT "username"
#define AUTHSVC_GATEWAY_POLL_DEFAULT 5 /* seconds between revocation polls */
#define AUTHSVC_GATEWAY_POLL_MAX 300
#define AUTHSVC_GATEWAY_POLL_OVERLAP_MS 10000 /* commit delay and clock skew tolerated */
#define AUTHSVC_GATEWAY_CACHE_DEFAULT "shmcb"
#define AUTHSVC_GATEWAY_CACHE_CLAIMS_MAX 8192     /* larger claim sets are not cached */
#define AUTHSVC_GATEWAY_PORTAL_DEFAULT "/authsvc" /* login page: /authsvc/login */
#define AUTHSVC_GATEWAY_SESSION_IDLE_DEFAULT 1800
#define AUTHSVC_GATEWAY_SESSION_LIFETIME_DEFAULT 28800
#define AUTHSVC_GATEWAY_REMEMBER_LIFETIME (30 * 86400) /* "remember me" sessions */
#define AUTHSVC_GATEWAY_REMEMBER_IDLE (7 * 86400)

typedef enum {
    AUTHSVC_GATEWAY_BEARER = 0, /* Authorization header only */
    AUTHSVC_GATEWAY_BROWSER,    /* session cookie; 303 to the login page */
    AUTHSVC_GATEWAY_BOTH
} authsvc_gateway_mode_t;

typedef struct authsvc_gateway_shared authsvc_gateway_shared_t;

/* Per virtual host (server config field `gateway`). */
typedef struct {
    const char *header_prefix; /* AuthsvcGatewayHeaderPrefix */
    int header_prefix_set;
    const char *cache_spec; /* AuthsvcGatewayCache: provider[:args] or none (main server) */
    int cache_spec_set;
    int poll_interval; /* AuthsvcGatewayRevocationPoll, seconds */
    int poll_interval_set;
    int revocation_slots; /* AuthsvcGatewayRevocationSlots (main server) */
    int revocation_slots_set;
    authsvc_keyring_t *jwks; /* AuthsvcGatewayJWKSFile/-URL: keys of another issuer */
    int jwks_set;
    /* browser mode: the login page of this vhost */
    const char *client_id;     /* AuthsvcGatewayClient: the client the page logs in through */
    const char *client_secret; /* its secret (from a file), NULL for a public client */
    int client_set;
    const char *portal_path; /* AuthsvcGatewayPortalPath: /authsvc -> /authsvc/login */
    int portal_path_set;
    apr_array_header_t *return_origins; /* AuthsvcGatewayReturnOrigin: NULL-terminated */
    int return_origins_set;
    int session_idle; /* AuthsvcGatewaySessionIdle, seconds */
    int session_idle_set;
    int session_lifetime; /* AuthsvcGatewaySessionLifetime, seconds */
    int session_lifetime_set;
    authsvc_gateway_shared_t *shared; /* set in post_config: cache, mutex, poll state */
    const char **identity_headers;    /* set in post_config: the prefix and each field's name */
} authsvc_gateway_server_t;

/* Per directory / location (dir config field `gateway`). */
typedef struct {
    authsvc_gateway_mode_t mode; /* AuthsvcGatewayMode */
    int mode_set;
    apr_array_header_t *audiences; /* AuthsvcGatewayAudience: NULL-terminated const char* */
    int audiences_set;
    const char *issuer; /* AuthsvcGatewayIssuer; default the vhost's AuthsvcIssuer */
    int issuer_set;
    const char *user_claim; /* AuthsvcGatewayUserClaim */
    int user_claim_set;
} authsvc_gateway_dir_t;

/* gateway_config.c: records, merging and directives (in the module's command table). */
authsvc_gateway_server_t *authsvc_gateway_server_create(apr_pool_t *p);
authsvc_gateway_server_t *authsvc_gateway_server_merge(apr_pool_t *p,
                                                       const authsvc_gateway_server_t *base,
                                                       const authsvc_gateway_server_t *add);
authsvc_gateway_dir_t *authsvc_gateway_dir_create(apr_pool_t *p);
authsvc_gateway_dir_t *authsvc_gateway_dir_merge(apr_pool_t *p,
                                                 const authsvc_gateway_dir_t *base,
                                                 const authsvc_gateway_dir_t *add);
const char *authsvc_gateway_set_mode(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_audience(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_issuer(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_user_claim(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_header_prefix(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_cache(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_poll(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_revocation_slots(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_jwks_file(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_jwks_url(cmd_parms *cmd, void *dconf, const char *url,
                                         const char *ca_file);
const char *authsvc_gateway_set_client(cmd_parms *cmd, void *dconf, const char *id,
                                       const char *secret_file);
const char *authsvc_gateway_set_portal_path(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_return_origin(cmd_parms *cmd, void *dconf, const char *arg);
const char *authsvc_gateway_set_session_time(cmd_parms *cmd, void *dconf, const char *arg);

/* clang-format off */
#define AUTHSVC_GATEWAY_DIRECTIVES \
    AP_INIT_TAKE1("AuthsvcGatewayMode", authsvc_gateway_set_mode, NULL, OR_AUTHCFG, \
                  "bearer (Authorization header), browser (session cookie) or both"), \
    AP_INIT_ITERATE("AuthsvcGatewayAudience", authsvc_gateway_set_audience, NULL, OR_AUTHCFG, \
                    "Client ids (token 'aud') accepted here; default: any of the issuer"), \
    AP_INIT_TAKE1("AuthsvcGatewayIssuer", authsvc_gateway_set_issuer, NULL, \
                  RSRC_CONF | OR_AUTHCFG, "Token 'iss' accepted; default: AuthsvcIssuer"), \
    AP_INIT_TAKE1("AuthsvcGatewayUserClaim", authsvc_gateway_set_user_claim, NULL, OR_AUTHCFG, \
                  "Claim that becomes REMOTE_USER (username)"), \
    AP_INIT_TAKE1("AuthsvcGatewayHeaderPrefix", authsvc_gateway_set_header_prefix, NULL, \
                  RSRC_CONF, "Prefix of the identity headers (X-Authsvc-)"), \
    AP_INIT_TAKE1("AuthsvcGatewayCache", authsvc_gateway_set_cache, NULL, RSRC_CONF, \
                  "socache for verified tokens: provider[:args] or none"), \
    AP_INIT_TAKE1("AuthsvcGatewayRevocationPoll", authsvc_gateway_set_poll, NULL, RSRC_CONF, \
                  "Seconds between polls of the revocation table (5)"), \
    AP_INIT_TAKE1("AuthsvcGatewayRevocationSlots", authsvc_gateway_set_revocation_slots, \
                  NULL, RSRC_CONF, "Live revocations the node's shared set holds (65536)"), \
    AP_INIT_TAKE1("AuthsvcGatewayJWKSFile", authsvc_gateway_set_jwks_file, NULL, RSRC_CONF, \
                  "JWK Set of the issuer whose tokens this server accepts"), \
    AP_INIT_TAKE12("AuthsvcGatewayJWKSURL", authsvc_gateway_set_jwks_url, NULL, RSRC_CONF, \
                   "URL (and CA file) of the issuer's JWK Set, fetched at configuration"), \
    AP_INIT_TAKE12("AuthsvcGatewayClient", authsvc_gateway_set_client, NULL, RSRC_CONF, \
                   "Client id (and secret file) the login page signs users in through"), \
    AP_INIT_TAKE1("AuthsvcGatewayPortalPath", authsvc_gateway_set_portal_path, NULL, \
                  RSRC_CONF, "Path of the login and logout pages (/authsvc)"), \
    AP_INIT_ITERATE("AuthsvcGatewayReturnOrigin", authsvc_gateway_set_return_origin, NULL, \
                    RSRC_CONF, "Origins a login may return to besides this vhost's paths"), \
    AP_INIT_TAKE1("AuthsvcGatewaySessionIdle", authsvc_gateway_set_session_time, (void *)0, \
                  RSRC_CONF, "Browser session idle timeout, seconds (1800)"), \
    AP_INIT_TAKE1("AuthsvcGatewaySessionLifetime", authsvc_gateway_set_session_time, \
                  (void *)1, RSRC_CONF, "Browser session absolute lifetime, seconds (28800)")
/* clang-format on */

/* gateway_cache.c: socache of verified tokens, the revocation set and its poll. */
int authsvc_gateway_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
int authsvc_gateway_cache_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                       server_rec *s);
int authsvc_gateway_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                      server_rec *s);
void authsvc_gateway_cache_child_init(apr_pool_t *pchild, server_rec *s);
/* 1 when the cache answers verified claims (JSON text in r->pool) for the token under
 * the key ring tag. */
int authsvc_gateway_cache_get(request_rec *r, const unsigned char *key, apr_size_t key_len,
                              const char **claims_json);
void authsvc_gateway_cache_put(request_rec *r, const unsigned char *key, apr_size_t key_len,
                               const char *claims_json, long long exp_s);
/* 1 and the live entries and slots of the node's revocation set, or 0 without one. */
int authsvc_gateway_revocation_fill(const server_rec *s, long long *live, long long *slots);
/* 1 when this node has a revocation set (the gateway's socache is in use). */
int authsvc_gateway_has_revocation_set(const server_rec *s);
/* The revocation set. A revoked jti is kept until expires_ms plus the leeway. */
void authsvc_gateway_revocation_note(server_rec *s, const char *jti, long long expires_ms);
/* This process's verified-token cache (NULL without the node's socache) and, in
 * *generation, the node's revocation generation now (after a due revocation poll): read
 * it before the revocation check that an entry put with it stands for. */
authsvc_gateway_local_t *authsvc_gateway_local(request_rec *r, unsigned long long *generation);
/* authsvc_gateway_local for the API's signed-in gate (gateway_me.c): a cache of its own
 * (its entries hold what the API checked), and in *stamp the process's watch on writes
 * to a SQLite database. NULL without the node's socache. */
authsvc_gateway_local_t *authsvc_gateway_api_local(request_rec *r,
                                                   unsigned long long *generation,
                                                   authsvc_gateway_stamp_t **stamp);
/* 1 revoked, 0 not, -1 unknown (no cache and no database). Polls the revocation
 * table at most once per interval per process. */
int authsvc_gateway_revoked(request_rec *r, const char *jti);

/* gateway_headers.c */
/* The identity passed to the backend: [0] the user (by the default user claim), then
 * the id, email, tenantId, role and permissions claims as header text; NULL where the
 * claim is absent or cannot be told as text. */
#define AUTHSVC_GATEWAY_IDENTITY_FIELDS 6
typedef struct {
    const cJSON *claims;
    const char *values[AUTHSVC_GATEWAY_IDENTITY_FIELDS];
} authsvc_gateway_identity_t;

int authsvc_gateway_headers_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                        server_rec *s);
int authsvc_gateway_headers_post_read_request(request_rec *r);
void authsvc_gateway_headers_strip(request_rec *r);
/* id->values of id->claims, in p. */
void authsvc_gateway_identity_values(apr_pool_t *p, authsvc_gateway_identity_t *id);
/* The headers and variables of id, with user as the user's. */
void authsvc_gateway_headers_export(request_rec *r, const authsvc_gateway_identity_t *id,
                                    const char *user);

/* gateway_authn.c */
int authsvc_gateway_check_authn(request_rec *r);
int authsvc_gateway_note_auth_failure(request_rec *r, const char *auth_type);
/* Why check_authn refused the request (AUTHSVC_BEARER_INVALID when it did not say). */
authsvc_bearer_result_t authsvc_gateway_refusal(request_rec *r);
/* The verified claims of this request (or of the request it came from), or NULL. */
const cJSON *authsvc_gateway_claims(request_rec *r);
/* 1 when the request asks for JSON (API / XHR / fetch), not a page. */
int authsvc_gateway_wants_json(request_rec *r);

/* gateway_authz.c: registers the authsvc-* Require providers. */
void authsvc_gateway_authz_register(apr_pool_t *p);

/* gateway_session.c: browser sessions (server-side, in the database). */
const char *authsvc_gateway_origin(request_rec *r);
/* The access token of the request's session cookie, refreshed silently when it has
 * expired; MISSING when there is no live session. */
int authsvc_gateway_session_token(request_rec *r, const char **token);
/* The request's live session, as authsvc_gateway_session_token sees it: who signed in,
 * when and how. */
typedef struct {
    const char *user_id;
    const char *access_token;
    long long auth_time_ms; /* when the user signed in (epoch ms) */
    const char *amr;        /* RFC 8176 values, space-separated: "pwd", "pwd otp mfa" */
} authsvc_gateway_session_info_t;
/* 1 and *out filled when the request has a live session, else 0 (*out zeroed). */
int authsvc_gateway_session_info(request_rec *r, authsvc_gateway_session_info_t *out);
/* A new session for a token pair, signed in now by the RFC 8176 methods amr (NULL:
 * "pwd"); sets the cookie. */
int authsvc_gateway_session_create(request_rec *r, const char *access_token,
                                   const char *refresh_token, long long access_expires_ms,
                                   const char *user_id, int remember, const char *amr);
/* Ends the request's session and its tokens; clears the cookie. */
void authsvc_gateway_session_end(request_rec *r);
const char *authsvc_gateway_cookie_name(request_rec *r, const char *base);
void authsvc_gateway_cookie_set(request_rec *r, const char *name, const char *value,
                                long max_age, const char *same_site);
const char *authsvc_gateway_cookie_get(request_rec *r, const char *name);
/* The login page's address for this request ("return" = where it came from). */
int authsvc_gateway_login_redirect(request_rec *r);

/* login_page.c: the login and logout pages (a quick_handler). */
int authsvc_gateway_portal_handler(request_rec *r, int lookup_uri);
const char *authsvc_gateway_portal_path(const server_rec *s);

/* gateway_errors.c: JSON (or small HTML) bodies for 401/403 of gateway locations: the
 * output filter (registered once), and the insert_error_filter hook that adds it. */
void authsvc_gateway_errors_register(void);
void authsvc_gateway_errors_insert(request_rec *r);

#endif
