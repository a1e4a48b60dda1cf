/* mod_dbd glue: our statement catalogue is registered for every server that uses the
 * service (before mod_dbd's post_config reads the registrations), and requests borrow
 * a pooled connection through ap_dbd_acquire. mod_dbd is optional: a gateway-only
 * httpd without it still loads the module. */
#include <httpd.h>
#include <apr_optional.h>
#include <apr_strings.h>
#include <http_config.h>
#include <util_cfgtree.h>
#include <http_log.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include "authsvc_dbd_health.h"
#include "authsvc_dbd_session.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_metrics.h"

APLOG_USE_MODULE(authsvc);

typedef struct {
    ap_dbd_t *(*acquire)(request_rec *r);
    ap_dbd_t *(*open)(apr_pool_t *p, server_rec *s);  /* work outside requests */
    void (*close)(server_rec *s, ap_dbd_t *conn);
    authsvc_dbd_health_t *health;   /* this server's database, as this process sees it */
} authsvc_dbd_glue_t;

static void dbd_register_catalogue(server_rec *s,
                                   void (*prepare)(server_rec *, const char *, const char *),
                                   authsvc_dialect_t dialect)
{
    apr_size_t i, count;
    const authsvc_db_statement_t *st = authsvc_db_statements(&count);

    for (i = 0; i < count; i++)
        prepare(s, authsvc_db_statement_sql(&st[i], dialect), st[i].label);
}

/* The server's own <VirtualHost> section (found by file and line), or NULL. */
static const ap_directive_t *dbd_vhost_section(const server_rec *s)
{
    const ap_directive_t *d;

    for (d = ap_conftree; d && s->is_virtual; d = d->next)
        if (strcasecmp(d->directive, "<VirtualHost") == 0 && (unsigned)d->line_num == s->defn_line_number
            && d->filename && s->defn_name && strcmp(d->filename, s->defn_name) == 0)
            return d;
    return NULL;
}

/* The arguments of the last `name` directive in a list whose arguments contain
 * `needle` (any, when NULL); the last wins, as in httpd. */
static const char *dbd_directive_in(const ap_directive_t *first, const char *name,
                                    const char *needle)
{
    const char *found = NULL;
    const ap_directive_t *d;

    for (d = first; d; d = d->next)
        if (strcasecmp(d->directive, name) == 0 && (!needle || ap_strcasestr(d->args, needle)))
            found = d->args;
    return found;
}

/* mod_dbd keeps its configuration private, so what a server's connections will be is
 * read from the configuration tree: the server's own section, else the main server. */
static const char *dbd_server_directive(const server_rec *s, const char *name,
                                        const char *needle)
{
    const ap_directive_t *vhost = dbd_vhost_section(s);
    const char *found = vhost ? dbd_directive_in(vhost->first_child, name, needle) : NULL;

    return found ? found : dbd_directive_in(ap_conftree, name, needle);
}

static authsvc_dialect_t dbd_server_dialect(const server_rec *s)
{
    const char *driver = dbd_server_directive(s, "DBDriver", NULL);
    authsvc_dialect_t dialect = AUTHSVC_DIALECT_SQLITE;

    if (driver) {
        apr_size_t len = strspn(driver, "\"'");
        authsvc_db_dialect_from_driver(apr_pstrndup(s->process->pool, driver + len,
                                                    strcspn(driver + len, "\"'")),
                                       &dialect);
    }
    return dialect;
}

/* A directive's single argument without the quotes around it, in p. */
static const char *dbd_unquote(apr_pool_t *p, const char *arg)
{
    apr_size_t len = strlen(arg);

    if (len >= 2 && (arg[0] == '"' || arg[0] == '\'') && arg[len - 1] == arg[0])
        return apr_pstrndup(p, arg + 1, len - 2);
    return apr_pstrdup(p, arg);
}

const char *authsvc_dbd_pgsql_params(apr_pool_t *p, const server_rec *s)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    const char *params;

    if (!c->use_database || dbd_server_dialect(s) != AUTHSVC_DIALECT_PGSQL)
        return NULL;
    params = dbd_server_directive(s, "DBDParams", NULL);
    return params ? dbd_unquote(p, params) : NULL;
}

/* Registered on every connection of a server that uses the service: the post_connect
 * hook below knows its own connections by it. */
#define DBD_MARKER_LABEL "authsvc_connection"

#define DBD_SETUP_TRIES 25                        /* "database is locked" at start */
#define DBD_SETUP_PAUSE apr_time_from_msec(40)

/* 1 when the connection is one of a server that uses the service and is SQLite. */
static int dbd_is_our_sqlite(const ap_dbd_t *conn)
{
    authsvc_dialect_t dialect;

    return apr_hash_get(conn->prepared, DBD_MARKER_LABEL, APR_HASH_KEY_STRING)
           && authsvc_db_dialect_from_driver(apr_dbd_name(conn->driver), &dialect) == AUTHSVC_OK
           && dialect == AUTHSVC_DIALECT_SQLITE;
}

/* 1 when the whole catalogue is prepared on the connection (prepare_all goes in order
 * and stops at the first failure, so the last label tells). */
static int dbd_catalogue_ready(const ap_dbd_t *conn)
{
    apr_size_t count;
    const authsvc_db_statement_t *st = authsvc_db_statements(&count);

    return count == 0
           || apr_hash_get(conn->prepared, st[count - 1].label, APR_HASH_KEY_STRING) != NULL;
}

/* SQLite enforces foreign keys only on connections that ask for it, and the PRAGMA
 * expires every statement already prepared on the connection (mod_dbd prepares before
 * it runs DBDInitSQL, and apr_dbd's legacy sqlite3_prepare never re-prepares). So on
 * SQLite mod_dbd prepares only the marker, and this sets the connection up and then
 * prepares the catalogue into it (statements live in pool, the connection's). Another
 * process opening the file at the same moment can make a prepare fail with "database is
 * locked": that is tried again a few times. */
static authsvc_status_t dbd_sqlite_setup(ap_dbd_t *conn, apr_pool_t *pool, const char **failed,
                                         const char **error)
{
    authsvc_db_t db = {0};
    authsvc_status_t st = AUTHSVC_UNAVAILABLE;
    apr_size_t i, count;
    const authsvc_db_statement_t *all = authsvc_db_statements(&count);
    int try;

    db.driver = conn->driver;
    db.handle = conn->handle;
    db.prepared = conn->prepared;
    db.pool = pool;
    db.dialect = AUTHSVC_DIALECT_SQLITE;
    /* what an earlier attempt prepared goes: the PRAGMA below expires it */
    for (i = 0; i < count; i++)
        apr_hash_set(conn->prepared, all[i].label, APR_HASH_KEY_STRING, NULL);
    /* no busy timeout here: apr_dbd retries BUSY itself (see db_statements.c) */
    for (try = 0; try < DBD_SETUP_TRIES && st != AUTHSVC_OK; try++) {
        if (try > 0)
            apr_sleep(DBD_SETUP_PAUSE);
        st = authsvc_db_session_init(&db, pool);
    }
    *failed = NULL;
    for (try = 0; st == AUTHSVC_OK && try < DBD_SETUP_TRIES; try++) {
        if (try > 0)
            apr_sleep(DBD_SETUP_PAUSE);
        if (authsvc_db_prepare_all(&db, failed) == AUTHSVC_OK)
            break;
        if (try == DBD_SETUP_TRIES - 1)
            st = AUTHSVC_UNAVAILABLE;
    }
    *error = db.error;
    return st;
}

/* mod_dbd's post_connect hook, run after its own (see dbd_sqlite_setup). mod_dbd ignores
 * the result, so a connection that fails here is set up again when a request gets it. */
static apr_status_t dbd_post_connect(apr_pool_t *pool, dbd_cfg_t *cfg, ap_dbd_t *conn)
{
    const char *failed = NULL, *error = NULL;

    /* mod_dbd prepares in this same new session (before or after this hook) */
    if (authsvc_dbd_session_is_pgsql(conn))
        authsvc_dbd_session_connected(conn);
    if (!dbd_is_our_sqlite(conn))
        return APR_SUCCESS;
    if (dbd_sqlite_setup(conn, pool, &failed, &error) != AUTHSVC_OK) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cfg->server,
                     AUTHSVC_LOGNO(0204) "SQLite connection setup failed%s%s: %s; tried again "
                     "at its first use", failed ? " preparing " : "", failed ? failed : "",
                     error ? error : "unknown error");
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

void authsvc_dbd_register_hooks(void)
{
    APR_OPTIONAL_HOOK(dbd, post_connect, dbd_post_connect, NULL, NULL, APR_HOOK_LAST);
}

int authsvc_dbd_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    authsvc_dbd_glue_t *glue;
    authsvc_dialect_t dialect;

    (void)plog;
    (void)ptemp;
    if (!prepare || !acquire)
        return OK; /* no mod_dbd: gateway only */
    for (; s; s = s->next) {
        authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
        if (!c->use_database)
            continue;
        glue = apr_pcalloc(pconf, sizeof(*glue));
        glue->acquire = acquire;
        glue->open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
        glue->close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
        glue->health = authsvc_dbd_health_make(pconf);
        dialect = dbd_server_dialect(s);
        c->dbd_glue = glue;
        prepare(s, "SELECT 1", DBD_MARKER_LABEL);
        if (dialect != AUTHSVC_DIALECT_SQLITE)
            dbd_register_catalogue(s, prepare, dialect);
    }
    return OK;
}

/* A connection record over a mod_dbd connection, in pool p; NULL with *why set when
 * the connection cannot serve. */
static authsvc_db_t *dbd_wrap(apr_pool_t *p, server_rec *s, ap_dbd_t *conn, const char **why)
{
    authsvc_db_t *db = apr_pcalloc(p, sizeof(*db));

    db->driver = conn->driver;
    db->handle = conn->handle;
    db->prepared = conn->prepared;
    db->pool = p;
    if (authsvc_db_dialect_from_driver(apr_dbd_name(conn->driver), &db->dialect)
        != AUTHSVC_OK) {
        *why = apr_psprintf(p, "unsupported DBDriver %s", apr_dbd_name(conn->driver));
        return NULL;
    }
    if (db->dialect == AUTHSVC_DIALECT_PGSQL
        && authsvc_dbd_session_check(conn, p, s, why) != AUTHSVC_OK)
        return NULL;
    if (db->dialect == AUTHSVC_DIALECT_SQLITE && !dbd_catalogue_ready(conn)) {
        const char *failed = NULL, *error = NULL;

        /* the connection's own pool: the statements live as long as it */
        if (dbd_sqlite_setup(conn, conn->pool, &failed, &error) != AUTHSVC_OK) {
            *why = apr_psprintf(p, "SQLite connection setup failed%s%s: %s",
                                failed ? " preparing " : "", failed ? failed : "",
                                error ? error : "unknown error");
            return NULL;
        }
    }
    return db;
}

/* A connection from get (NULL: mod_dbd had none), checked and counted in the health of
 * the server's database; NULL at once while an outage is known and it is not time to
 * try again. */
static authsvc_db_t *dbd_lend(const authsvc_dbd_glue_t *glue, apr_pool_t *p, server_rec *s,
                              ap_dbd_t *(*get)(void *), void *arg)
{
    const char *why = "mod_dbd has no connection (its own log lines say why)";
    authsvc_db_t *db = NULL;
    ap_dbd_t *conn;

    if (authsvc_dbd_health_wait(glue->health))
        return NULL;
    conn = get(arg);
    if (conn)
        db = dbd_wrap(p, s, conn, &why);
    if (db) {
        authsvc_dbd_health_ok(glue->health, s);
        return db;
    }
    authsvc_dbd_health_failed(glue->health, s, why);
    authsvc_metrics_count(((authsvc_server_config_t *)ap_get_module_config(
                               s->module_config, &authsvc_module))->metrics,
                          AUTHSVC_METRIC_DB_UNAVAILABLE);
    return NULL;
}

typedef struct {
    const authsvc_dbd_glue_t *glue;
    server_rec *server;
    apr_pool_t *pool;
    ap_dbd_t *conn;
} dbd_opened_t;

static apr_status_t dbd_close(void *arg)
{
    dbd_opened_t *o = arg;

    o->glue->close(o->server, o->conn);
    return APR_SUCCESS;
}

static ap_dbd_t *dbd_get_opened(void *arg)
{
    dbd_opened_t *o = arg;

    o->conn = o->glue->open(o->pool, o->server);
    if (o->conn)
        apr_pool_cleanup_register(o->pool, o, dbd_close, apr_pool_cleanup_null);
    return o->conn;
}

authsvc_db_t *authsvc_dbd_open(apr_pool_t *p, server_rec *s)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    const authsvc_dbd_glue_t *glue = c->dbd_glue;
    dbd_opened_t *o;

    if (!glue || !glue->open || !glue->close)
        return NULL;
    o = apr_pcalloc(p, sizeof(*o));
    o->glue = glue;
    o->server = s;
    o->pool = p;
    return dbd_lend(glue, p, s, dbd_get_opened, o);
}

static ap_dbd_t *dbd_get_acquired(void *arg)
{
    request_rec *r = arg;
    const authsvc_server_config_t *c =
        ap_get_module_config(r->server->module_config, &authsvc_module);
    const authsvc_dbd_glue_t *glue = c->dbd_glue;

    return glue->acquire(r);
}

int authsvc_dbd_up(const server_rec *s)
{
    const authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
    const authsvc_dbd_glue_t *glue = c->dbd_glue;

    return glue ? !apr_atomic_read32(&glue->health->down) : -1;
}

authsvc_db_t *authsvc_dbd_acquire(request_rec *r)
{
    const authsvc_server_config_t *c =
        ap_get_module_config(r->server->module_config, &authsvc_module);
    const authsvc_dbd_glue_t *glue = c->dbd_glue;

    if (!glue)
        return NULL;
    return dbd_lend(glue, r->pool, r->server, dbd_get_acquired, r);
}
