/* The gateway's shared state on one node: an socache (shmcb by default) holding
 * verified tokens (key: SHA-256 of the whole compact token + a key-ring tag; value: the
 * verified claims; expiry: the token's exp), and the revocation set (revocation_set.c:
 * revoked jtis until their token's exp plus the leeway, in shared memory of its own, so
 * that no flood of tokens can push a revocation out). The API adds a revocation there
 * the moment it revokes, so every process of this node sees it at once; revocations
 * made on other nodes arrive by polling the revocations table at most once per interval
 * per process. When more revocations are live than the set holds, the jtis it does not
 * hold are looked up in the database. Without a cache the gateway asks the database on
 * every request, and without a database it sees revocation only through exp.
 *
 * In front of the socache each process keeps its own verified tokens
 * (gateway_local.c). The set's generation goes up with every revocation it adds; a
 * process's entry is used only while the generation still has the value it had when
 * that entry's revocation check was made, so steady traffic takes no lock shared
 * between processes. */
#include <stdatomic.h>
#include <string.h>

#include <httpd.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <util_mutex.h>

#include "authsvc_db.h"
#include "authsvc_db_revocations.h"
#include "authsvc_gateway.h"
#include "authsvc_gateway_local.h"
#include "authsvc_gateway_me_stamp.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_revocation_set.h"

APLOG_USE_MODULE(authsvc);

#define CACHE_MUTEX_TYPE "authsvc-gateway"
#define CACHE_SIZE_DEFAULT 4194304

struct authsvc_gateway_shared {
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex; /* NULL when the provider is safe across processes */
    const char *mutex_file;
    server_rec *server;                /* the main server, for the provider's destroy */
    authsvc_revocation_set_t *revoked; /* in shared memory of its own */
    /* Per process (each child has its own copy after fork; set up in child_init). */
    authsvc_gateway_local_t *local;
    authsvc_gateway_local_t *api_local; /* the API's signed-in gate (gateway_me.c) */
    authsvc_gateway_stamp_t *stamp;     /* writes to a SQLite file (gateway_me_stamp.c) */
    atomic_int overflow_logged;
    apr_thread_mutex_t *poll_lock;
    long long last_poll_ms;
    long long watermark_ms;
};

static const authsvc_gateway_server_t *cache_server_config(const server_rec *s)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    return c->gateway;
}

int authsvc_gateway_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    return ap_mutex_register(pconf, CACHE_MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0) == APR_SUCCESS
               ? OK
               : HTTP_INTERNAL_SERVER_ERROR;
}

/* The provider and its argument from AuthsvcGatewayCache (default: shmcb in the
 * runtime directory). NULL provider: no cache. */
static const char *cache_spec(apr_pool_t *p, const server_rec *s, const char **name,
                              const char **arg)
{
    const authsvc_gateway_server_t *g = cache_server_config(s);
    const char *spec = g->cache_spec_set ? g->cache_spec : AUTHSVC_GATEWAY_CACHE_DEFAULT;
    const char *colon = strchr(spec, ':');

    *name = colon ? apr_pstrndup(p, spec, (apr_size_t)(colon - spec)) : spec;
    *arg = colon ? colon + 1 : NULL;
    if (!colon && strcmp(*name, "shmcb") == 0)
        *arg = apr_psprintf(p, "%s(%d)", ap_runtime_dir_relative(p, "authsvc-gateway.shmcb"),
                            CACHE_SIZE_DEFAULT);
    return g->cache_spec_set ? spec : NULL;
}

/* The revocation set: anonymous shared memory, inherited by the children. */
static apr_status_t cache_revocations_create(apr_pool_t *pconf, server_rec *s,
                                             authsvc_gateway_shared_t *sh)
{
    const authsvc_gateway_server_t *g = cache_server_config(s);
    apr_size_t slots = g->revocation_slots_set ? (apr_size_t)g->revocation_slots
                                               : AUTHSVC_REVOCATION_SLOTS_DEFAULT;
    apr_shm_t *shm = NULL;
    apr_status_t rv = apr_shm_create(&shm, authsvc_revocation_set_bytes(slots), NULL, pconf);

    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     AUTHSVC_LOGNO(1116) "cannot create the "
                                         "gateway's shared revocation set (%" APR_SIZE_T_FMT
                                         " slots)",
                     slots);
        return rv;
    }
    sh->revoked = authsvc_revocation_set_init(apr_shm_baseaddr_get(shm), slots);
    return APR_SUCCESS;
}

static authsvc_gateway_shared_t *cache_create(apr_pool_t *pconf, apr_pool_t *ptemp,
                                              server_rec *s)
{
    static const struct ap_socache_hints hints = {40, 1024, 60};
    authsvc_gateway_shared_t *sh = apr_pcalloc(pconf, sizeof(*sh));
    const char *name, *arg, *explicit = cache_spec(ptemp, s, &name, &arg), *err;

    if (strcasecmp(name, "none") == 0)
        return NULL;
    sh->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                      AP_SOCACHE_PROVIDER_VERSION);
    if (!sh->provider) {
        ap_log_error(
            APLOG_MARK, explicit ? APLOG_ERR : APLOG_NOTICE, 0, s,
            AUTHSVC_LOGNO(
                1111) "socache provider '%s' not loaded (LoadModule "
                      "socache_%s_module): the gateway checks revocations in the database "
                      "on every request",
            name, name);
        return explicit ? (authsvc_gateway_shared_t *)-1 : NULL;
    }
    err = sh->provider->create(&sh->instance, arg, ptemp, pconf);
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, AUTHSVC_LOGNO(1112) "AuthsvcGatewayCache: %s",
                     err);
        return (authsvc_gateway_shared_t *)-1;
    }
    if ((sh->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE)
        && ap_global_mutex_create(&sh->mutex, &sh->mutex_file, CACHE_MUTEX_TYPE, NULL, s, pconf,
                                  0)
               != APR_SUCCESS)
        return (authsvc_gateway_shared_t *)-1;
    if (cache_revocations_create(pconf, s, sh) != APR_SUCCESS)
        return (authsvc_gateway_shared_t *)-1;
    if (sh->provider->init(sh->instance, "authsvc-gateway", &hints, s, pconf) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     AUTHSVC_LOGNO(1113) "cannot initialise the gateway cache (%s)", name);
        return (authsvc_gateway_shared_t *)-1;
    }
    return sh;
}

static apr_status_t cache_destroy(void *data)
{
    authsvc_gateway_shared_t *sh = data;

    sh->provider->destroy(sh->instance, sh->server);
    return APR_SUCCESS;
}

/* An AuthsvcGatewayCache whose provider is not loaded or refuses its arguments fails
 * configtest too (the cache itself is made in post_config, which configtest skips). */
int authsvc_gateway_cache_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                       server_rec *s)
{
    const char *name, *arg, *explicit = cache_spec(ptemp, s, &name, &arg), *err;
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance = NULL;

    (void)plog;
    if (!explicit || strcasecmp(name, "none") == 0)
        return OK;
    provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (!provider) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     AUTHSVC_LOGNO(
                         2721) "AuthsvcGatewayCache %s: "
                               "the socache provider '%s' is not loaded: add LoadModule "
                               "socache_%s_module, or set AuthsvcGatewayCache none",
                     explicit, name, name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((err = provider->create(&instance, arg, ptemp, pconf))) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     AUTHSVC_LOGNO(2722) "AuthsvcGatewayCache %s: "
                                         "%s",
                     explicit, err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

int authsvc_gateway_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                      server_rec *s)
{
    authsvc_gateway_shared_t *sh;

    (void)plog;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;
    sh = cache_create(pconf, ptemp, s);
    if (sh == (authsvc_gateway_shared_t *)-1)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (sh) {
        sh->server = s;
        apr_pool_cleanup_register(pconf, sh, cache_destroy, apr_pool_cleanup_null);
    }
    for (; s; s = s->next)
        ((authsvc_gateway_server_t *)cache_server_config(s))->shared = sh;
    return OK;
}

void authsvc_gateway_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    authsvc_gateway_shared_t *sh = cache_server_config(s)->shared;

    if (!sh)
        return;
    if (sh->mutex)
        apr_global_mutex_child_init(&sh->mutex, apr_global_mutex_lockfile(sh->mutex), pchild);
    apr_thread_mutex_create(&sh->poll_lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (authsvc_gateway_local_create(pchild, AUTHSVC_GATEWAY_LOCAL_SLOTS, &sh->local)
        != AUTHSVC_OK)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     AUTHSVC_LOGNO(1117) "no per-process "
                                         "token cache: every request asks the node's socache");
    sh->stamp = authsvc_gateway_stamp_create(pchild);
    if (!sh->stamp
        || authsvc_gateway_local_create(pchild, AUTHSVC_GATEWAY_LOCAL_SLOTS, &sh->api_local)
               != AUTHSVC_OK)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     AUTHSVC_LOGNO(3002) "no per-process token cache for the API: "
                                         "every signed-in request asks the database");
}

static apr_status_t cache_store(authsvc_gateway_shared_t *sh, server_rec *s, apr_pool_t *p,
                                const unsigned char *key, apr_size_t key_len, apr_time_t expiry,
                                const char *value, apr_size_t len)
{
    apr_status_t rv;

    if (sh->mutex && apr_global_mutex_lock(sh->mutex) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = sh->provider->store(sh->instance, s, key, (unsigned int)key_len, expiry,
                             (unsigned char *)value, (unsigned int)len, p);
    if (sh->mutex)
        apr_global_mutex_unlock(sh->mutex);
    return rv;
}

/* The value of key (in p, NUL-terminated) or NULL when there is none. */
static const char *cache_retrieve(authsvc_gateway_shared_t *sh, server_rec *s, apr_pool_t *p,
                                  const unsigned char *key, apr_size_t key_len, apr_size_t max)
{
    unsigned char *buf = apr_palloc(p, max + 1);
    unsigned int len = (unsigned int)max;
    apr_status_t rv;

    if (sh->mutex && apr_global_mutex_lock(sh->mutex) != APR_SUCCESS)
        return NULL;
    rv = sh->provider->retrieve(sh->instance, s, key, (unsigned int)key_len, buf, &len, p);
    if (sh->mutex)
        apr_global_mutex_unlock(sh->mutex);
    if (rv != APR_SUCCESS)
        return NULL;
    buf[len] = '\0';
    return (const char *)buf;
}

int authsvc_gateway_cache_get(request_rec *r, const unsigned char *key, apr_size_t key_len,
                              const char **claims_json)
{
    authsvc_gateway_shared_t *sh = cache_server_config(r->server)->shared;

    *claims_json = sh ? cache_retrieve(sh, r->server, r->pool, key, key_len,
                                       AUTHSVC_GATEWAY_CACHE_CLAIMS_MAX)
                      : NULL;
    return *claims_json != NULL;
}

/* Kept until exp, never longer (the shmcb expiry is absolute, in apr_time_t). */
void authsvc_gateway_cache_put(request_rec *r, const unsigned char *key, apr_size_t key_len,
                               const char *claims_json, long long exp_s)
{
    authsvc_gateway_shared_t *sh = cache_server_config(r->server)->shared;
    apr_size_t len = strlen(claims_json);

    if (sh && len <= AUTHSVC_GATEWAY_CACHE_CLAIMS_MAX && exp_s * 1000 > authsvc_db_now_ms())
        cache_store(sh, r->server, r->pool, key, key_len, apr_time_from_sec(exp_s), claims_json,
                    len);
}

static int cache_leeway_s(const server_rec *s)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    return authsvc_config_leeway(c);
}

static void cache_revoked_store(authsvc_gateway_shared_t *sh, server_rec *s, const char *jti,
                                long long expires_ms)
{
    long long now = authsvc_db_now_ms();
    long long until_ms = expires_ms + (long long)cache_leeway_s(s) * 1000;

    if (until_ms <= now
        || authsvc_revocation_set_add(sh->revoked, jti, until_ms, now)
               != AUTHSVC_REVOCATION_FULL
        || atomic_exchange(&sh->overflow_logged, 1))
        return;
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                 AUTHSVC_LOGNO(
                     1118) "gateway: more "
                           "revocations live than the revocation set holds (%" APR_SIZE_T_FMT
                           " slots): "
                           "tokens are checked in the database until the oldest expire; raise "
                           "AuthsvcGatewayRevocationSlots",
                 authsvc_revocation_set_slots(sh->revoked));
}

int authsvc_gateway_revocation_fill(const server_rec *s, long long *live, long long *slots)
{
    const authsvc_gateway_shared_t *sh = cache_server_config(s)->shared;

    if (!sh)
        return 0;
    *live = (long long)authsvc_revocation_set_live(sh->revoked, authsvc_db_now_ms());
    *slots = (long long)authsvc_revocation_set_slots(sh->revoked);
    return 1;
}

int authsvc_gateway_has_revocation_set(const server_rec *s)
{
    return cache_server_config(s)->shared != NULL;
}

void authsvc_gateway_revocation_note(server_rec *s, const char *jti, long long expires_ms)
{
    authsvc_gateway_shared_t *sh = cache_server_config(s)->shared;

    if (sh && jti)
        cache_revoked_store(sh, s, jti, expires_ms);
}

/* Copies revocations newer than the watermark from the database into the cache. */
static void cache_poll_database(request_rec *r, authsvc_gateway_shared_t *sh, authsvc_db_t *db)
{
    long long now = authsvc_db_now_ms(), newest = sh->watermark_ms;
    apr_array_header_t *rows = NULL;
    int i;

    if (authsvc_db_revocations_since(db, r->pool,
                                     sh->watermark_ms - AUTHSVC_GATEWAY_POLL_OVERLAP_MS, now,
                                     &rows)
        != AUTHSVC_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      AUTHSVC_LOGNO(1114) "revocation poll "
                                          "failed: %s",
                      db->error ? db->error : "database error");
        return;
    }
    for (i = 0; i < rows->nelts; i++) {
        const authsvc_db_revocation_t *rv = &APR_ARRAY_IDX(rows, i, authsvc_db_revocation_t);
        if (rv->jti)
            cache_revoked_store(sh, r->server, rv->jti, rv->expires_at);
        if (rv->revoked_at > newest)
            newest = rv->revoked_at;
    }
    sh->watermark_ms = newest;
    if (rows->nelts)
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      AUTHSVC_LOGNO(1115) "revocation poll: %d "
                                          "row(s)",
                      rows->nelts);
}

/* At most once per interval per process; a thread that finds another one polling goes
 * on with what the cache holds. */
static void cache_poll(request_rec *r, authsvc_gateway_shared_t *sh)
{
    const authsvc_gateway_server_t *g = cache_server_config(r->server);
    long long interval = (long long)(g->poll_interval_set ? g->poll_interval
                                                          : AUTHSVC_GATEWAY_POLL_DEFAULT)
                         * 1000;
    long long now = authsvc_db_now_ms();
    authsvc_db_t *db;

    if (!sh->poll_lock || now - sh->last_poll_ms < interval
        || apr_thread_mutex_trylock(sh->poll_lock) != APR_SUCCESS)
        return;
    if (now - sh->last_poll_ms >= interval) {
        sh->last_poll_ms = now;
        db = authsvc_dbd_acquire(r);
        if (db)
            cache_poll_database(r, sh, db);
    }
    apr_thread_mutex_unlock(sh->poll_lock);
}

/* Without a cache: the revocation table itself, on every request. */
static int cache_revoked_in_database(request_rec *r, const char *jti)
{
    authsvc_db_t *db = authsvc_dbd_acquire(r);
    authsvc_status_t st;

    if (!db)
        return -1;
    st = authsvc_db_revocation_check(db, r->pool, jti);
    return st == AUTHSVC_OK ? 1 : st == AUTHSVC_NOT_FOUND ? 0 : -1;
}

static int cache_has_database(request_rec *r)
{
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
    return c->dbd_glue != NULL;
}

authsvc_gateway_local_t *authsvc_gateway_local(request_rec *r, unsigned long long *generation)
{
    authsvc_gateway_shared_t *sh = cache_server_config(r->server)->shared;

    *generation = 0;
    if (!sh || !sh->local)
        return NULL;
    if (cache_has_database(r))
        cache_poll(r, sh);
    *generation = authsvc_revocation_set_generation(sh->revoked);
    return sh->local;
}

/* 1 revoked, 0 not, -1 cannot tell (the set overflowed and the database is away). */
int authsvc_gateway_revoked(request_rec *r, const char *jti)
{
    authsvc_gateway_shared_t *sh = cache_server_config(r->server)->shared;
    int known;

    if (!sh)
        return cache_has_database(r) ? cache_revoked_in_database(r, jti) : 0;
    if (cache_has_database(r))
        cache_poll(r, sh);
    known = authsvc_revocation_set_lookup(sh->revoked, jti, authsvc_db_now_ms());
    if (known >= 0)
        return known;
    return cache_has_database(r) ? cache_revoked_in_database(r, jti) : -1;
}

authsvc_gateway_local_t *authsvc_gateway_api_local(request_rec *r,
                                                   unsigned long long *generation,
                                                   authsvc_gateway_stamp_t **stamp)
{
    authsvc_gateway_shared_t *sh = cache_server_config(r->server)->shared;

    *generation = 0;
    *stamp = NULL;
    if (!sh || !sh->api_local || !sh->stamp)
        return NULL;
    if (cache_has_database(r))
        cache_poll(r, sh);
    *generation = authsvc_revocation_set_generation(sh->revoked);
    *stamp = sh->stamp;
    return sh->api_local;
}
