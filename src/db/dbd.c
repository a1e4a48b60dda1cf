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
#include <http_core.h>
#include <apr_dbd.h>
#include <mod_dbd.h>
#include <unixd.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "authsvc_config_mail.h"
#include "authsvc_dbd_health.h"
#include "authsvc_dbd_session.h"
#include "authsvc_httpd.h"
#include "authsvc_log.h"
#include "authsvc_metrics.h"
#include "authsvc_migrate.h"
#include "authsvc_social_provider.h"

APLOG_USE_MODULE(authsvc);

typedef struct {
    ap_dbd_t *(*acquire)(request_rec *r);
    ap_dbd_t *(*open)(apr_pool_t *p, server_rec *s); /* work outside requests */
    void (*close)(server_rec *s, ap_dbd_t *conn);
    authsvc_dbd_health_t *health; /* this server's database, as this process sees it */
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
        if (strcasecmp(d->directive, "<VirtualHost") == 0
            && (unsigned)d->line_num == s->defn_line_number && d->filename && s->defn_name
            && strcmp(d->filename, s->defn_name) == 0)
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

const ap_directive_t *authsvc_dbd_vhost_section(const server_rec *s)
{
    return dbd_vhost_section(s);
}

const char *authsvc_dbd_server_directive(const server_rec *s, const char *name)
{
    return dbd_server_directive(s, name, NULL);
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

#define DBD_SETUP_TRIES 25 /* "database is locked" at start */
#define DBD_SETUP_PAUSE apr_time_from_msec(40)

/* 1 when the connection is one of a server that uses the service and is SQLite. */
static int dbd_is_our_sqlite(const ap_dbd_t *conn)
{
    authsvc_dialect_t dialect;

    return apr_hash_get(conn->prepared, DBD_MARKER_LABEL, APR_HASH_KEY_STRING)
           && authsvc_db_dialect_from_driver(apr_dbd_name(conn->driver), &dialect) == AUTHSVC_OK
           && dialect == AUTHSVC_DIALECT_SQLITE;
}

/* Marks a SQLite connection set up (dbd_sqlite_setup): the catalogue is prepared on it
 * statement by statement, the first time each is used. */
#define DBD_SQLITE_READY_LABEL "authsvc_sqlite_ready"

/* 1 when the DBDInitSQL of s sets what needle names (then it is left as it says). */
static int dbd_init_sql_sets(const server_rec *s, const char *needle)
{
    return s != NULL && dbd_server_directive(s, "DBDInitSQL", needle) != NULL;
}

/* The PRAGMAs of an httpd connection (README "SQLite"): synchronous = NORMAL in WAL
 * mode and a smaller page cache, unless DBDInitSQL sets them. */
static authsvc_status_t dbd_sqlite_pragmas(authsvc_db_t *db, apr_pool_t *pool,
                                           const server_rec *s)
{
    const char *mode = NULL;
    authsvc_status_t st = AUTHSVC_OK;

    if (!dbd_init_sql_sets(s, "synchronous")) {
        st = authsvc_db_direct(db, pool, AUTHSVC_DB_DIRECT_JOURNAL_MODE, &mode);
        if (st == AUTHSVC_OK && mode && strcasecmp(mode, "wal") == 0)
            st = authsvc_db_direct(db, pool, AUTHSVC_DB_DIRECT_SYNC_NORMAL, NULL);
    }
    if (st == AUTHSVC_OK && !dbd_init_sql_sets(s, "cache_size"))
        st = authsvc_db_direct(db, pool, AUTHSVC_DB_DIRECT_CACHE_SIZE, NULL);
    return st;
}

/* SQLite enforces foreign keys only on connections that ask for it, and the PRAGMA
 * expires every statement already prepared on the connection (mod_dbd prepares before
 * it runs DBDInitSQL, and apr_dbd's legacy sqlite3_prepare never re-prepares). So on
 * SQLite mod_dbd prepares only the marker, and this sets the connection up: our busy
 * handler, then the PRAGMAs. The catalogue is prepared later, each statement at its
 * first use (a connection holds only what it runs: the whole catalogue is 104
 * statements, some 370 KiB). Another process opening the file at the same moment can
 * make a PRAGMA fail with "database is locked": that is tried again a few times. */
static authsvc_status_t dbd_sqlite_setup(ap_dbd_t *conn, apr_pool_t *pool, const server_rec *s,
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
    db.conn_pool = conn->pool;
    db.dialect = AUTHSVC_DIALECT_SQLITE;
    /* what was prepared before goes: the PRAGMA below expires it */
    for (i = 0; i < count; i++)
        apr_hash_set(conn->prepared, all[i].label, APR_HASH_KEY_STRING, NULL);
    authsvc_db_sqlite_wait_for_locks(&db);
    for (try = 0; try < DBD_SETUP_TRIES && st != AUTHSVC_OK; try++) {
        if (try > 0)
            apr_sleep(DBD_SETUP_PAUSE);
        st = authsvc_db_session_init(&db, pool);
        if (st == AUTHSVC_OK)
            st = dbd_sqlite_pragmas(&db, pool, s);
    }
    if (st == AUTHSVC_OK)
        apr_hash_set(conn->prepared, DBD_SQLITE_READY_LABEL, APR_HASH_KEY_STRING, conn);
    *error = db.error;
    return st;
}

/* mod_dbd's post_connect hook, run after its own (see dbd_sqlite_setup). mod_dbd ignores
 * the result, so a connection that fails here is set up again when a request gets it. */
apr_status_t authsvc_dbd_post_connect(apr_pool_t *pool, dbd_cfg_t *cfg, ap_dbd_t *conn)
{
    const char *error = NULL;

    /* mod_dbd prepares in this same new session (before or after this hook) */
    if (authsvc_dbd_session_is_pgsql(conn))
        authsvc_dbd_session_connected(conn);
    if (!dbd_is_our_sqlite(conn))
        return APR_SUCCESS;
    if (dbd_sqlite_setup(conn, pool, cfg->server, &error) != AUTHSVC_OK) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cfg->server,
                     AUTHSVC_LOGNO(0204) "SQLite connection setup failed: %s; tried again "
                                         "at its first use",
                     error ? error : "unknown error");
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

/* 1 when s shares a mod_dbd configuration whose statements are registered already (and
 * marks it registered otherwise). httpd merges no server configuration for a vhost
 * without DBD* directives: it shares the main server's record, statement table
 * included, so the main server's registration serves it too; registering the same labels
 * again into that table is what made mod_dbd warn "conflicting SQL statements" (AH02653)
 * once per vhost. mod_dbd keeps the record private: only its address is compared. */
static int dbd_config_registered(apr_hash_t *registered, const server_rec *s)
{
    module *dbd = ap_find_linked_module("mod_dbd.c");
    const void *record = dbd ? ap_get_module_config(s->module_config, dbd) : NULL;

    if (!record)
        return 0;
    if (apr_hash_get(registered, &record, sizeof(record)))
        return 1;
    apr_hash_set(registered,
                 apr_pmemdup(apr_hash_pool_get(registered), &record, sizeof(record)),
                 sizeof(record), s);
    return 0;
}

int authsvc_dbd_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    authsvc_dbd_glue_t *glue;
    authsvc_dialect_t dialect;
    apr_hash_t *registered;

    (void)plog;
    if (!prepare || !acquire)
        return OK; /* no mod_dbd: gateway only */
    registered = apr_hash_make(ptemp);
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
        if (dbd_config_registered(registered, s))
            continue;
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
    db->conn_pool = conn->pool;
    if (authsvc_db_dialect_from_driver(apr_dbd_name(conn->driver), &db->dialect)
        != AUTHSVC_OK) {
        *why = apr_psprintf(p, "unsupported DBDriver %s", apr_dbd_name(conn->driver));
        return NULL;
    }
    if (db->dialect == AUTHSVC_DIALECT_PGSQL
        && authsvc_dbd_session_check(conn, p, s, why) != AUTHSVC_OK)
        return NULL;
    if (db->dialect == AUTHSVC_DIALECT_SQLITE
        && !apr_hash_get(conn->prepared, DBD_SQLITE_READY_LABEL, APR_HASH_KEY_STRING)) {
        const char *error = NULL;

        if (dbd_sqlite_setup(conn, p, s, &error) != AUTHSVC_OK) {
            *why = apr_psprintf(p, "SQLite connection setup failed: %s",
                                error ? error : "unknown error");
            return NULL;
        }
    }
    /* SQLite: the catalogue is prepared into the connection's pool as it is used */
    db->prepare_on_demand = db->dialect == AUTHSVC_DIALECT_SQLITE;
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
    authsvc_metrics_count(((authsvc_server_config_t *)ap_get_module_config(s->module_config,
                                                                           &authsvc_module))
                              ->metrics,
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
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
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
    const authsvc_server_config_t *c = ap_get_module_config(r->server->module_config,
                                                            &authsvc_module);
    const authsvc_dbd_glue_t *glue = c->dbd_glue;

    if (!glue)
        return NULL;
    return dbd_lend(glue, r->pool, r->server, dbd_get_acquired, r);
}

/* ---- the database as configtest and every start see it (check_config) ---- */

/* 1 when uid/gid may write the file stat'ed as st. Root writes anything; supplementary
 * groups are not looked at. */
static int dbd_writable_by(const struct stat *st, uid_t uid, gid_t gid)
{
    if (uid == 0)
        return 1;
    if (st->st_uid == uid)
        return (st->st_mode & S_IWUSR) != 0;
    if (st->st_gid == gid)
        return (st->st_mode & S_IWGRP) != 0;
    return (st->st_mode & S_IWOTH) != 0;
}

/* The command that lets the User write path (stat'ed as st): chown, or chmod when the
 * User owns it already. */
static const char *dbd_write_fix(apr_pool_t *p, const struct stat *st, const char *path)
{
    if (st->st_uid == ap_unixd_config.user_id)
        return apr_psprintf(p, "chmod u+w %s", path);
    return apr_psprintf(p, "chown %s %s", ap_unixd_config.user_name, path);
}

/* SQLite writes its file, its journal and (WAL) its -wal and -shm files next to it, as
 * httpd's User: the directory and every one of them that exists must be writable by it.
 * A missing file is a wrong path (opening it would create an empty database). */
static const char *dbd_sqlite_files_check(apr_pool_t *p, const char *path)
{
    static const char *const sidecars[] = {"", "-wal", "-shm", "-journal"};
    const char *dir = ap_make_dirstr_parent(p, path), *user = ap_unixd_config.user_name;
    uid_t uid = ap_unixd_config.user_id;
    gid_t gid = ap_unixd_config.group_id;
    struct stat st;
    apr_size_t i;

    if (stat(path, &st) != 0)
        return apr_psprintf(p,
                            "the SQLite database %s does not exist (%s): check the path "
                            "in DBDParams, or create it with `authsvc-admin migrate`",
                            path, strerror(errno));
    if (geteuid() != 0)
        return NULL; /* httpd cannot change user: it writes as whoever runs it */
    if (stat(*dir ? dir : ".", &st) == 0 && !dbd_writable_by(&st, uid, gid))
        return apr_psprintf(p,
                            "the directory %s of the SQLite database is not writable by "
                            "the User %s (SQLite creates its journal there): run `%s`",
                            dir, user, dbd_write_fix(p, &st, dir));
    for (i = 0; i < sizeof(sidecars) / sizeof(sidecars[0]); i++) {
        const char *file = apr_pstrcat(p, path, sidecars[i], NULL);
        if (stat(file, &st) == 0 && !dbd_writable_by(&st, uid, gid))
            return apr_psprintf(p,
                                "the SQLite file %s is not writable by the User %s: run "
                                "`%s`",
                                file, user, dbd_write_fix(p, &st, file));
    }
    return NULL;
}

/* One database, as the configuration tree names it, and what the servers using it ask
 * of its rows: sign-up placements, three const char * each (the directive that names
 * it, the tenant key, the role name). */
typedef struct {
    server_rec *server; /* the first server that uses it (for the log) */
    const char *driver, *params;
    apr_array_header_t *signups;
} dbd_database_t;

/* What a look at the database found: its schema version (-1: not reached, why says
 * why) and, when it is current, the first AuthsvcSignUp placement it lacks. */
typedef struct {
    int version;
    char why[512];
    char missing[512];
} dbd_check_report_t;

/* "" when every sign-up tenant and role of d exists in db, else which does not. */
static const char *dbd_signups_missing(apr_pool_t *p, authsvc_db_t *db, const dbd_database_t *d)
{
    int i;

    db->prepare_on_demand = 1;
    db->prepared = apr_hash_make(p);
    for (i = 0; i + 2 < d->signups->nelts; i += 3) {
        const char *directive = APR_ARRAY_IDX(d->signups, i, const char *);
        const char *tenant = APR_ARRAY_IDX(d->signups, i + 1, const char *);
        const char *args[2] = {tenant, APR_ARRAY_IDX(d->signups, i + 2, const char *)};
        apr_dbd_row_t *row = NULL;

        if (authsvc_db_select_one(db, p, "authsvc_tenant_by_key", &row, 1, args) != AUTHSVC_OK)
            return apr_psprintf(p,
                                "%s %s %s: there is no tenant %s (create it with "
                                "authsvc-admin, or name one that exists)",
                                directive, args[0], args[1], args[0]);
        args[0] = authsvc_db_column(db, row, 0);
        row = NULL;
        if (authsvc_db_select_one(db, p, "authsvc_role_by_name", &row, 2, args) != AUTHSVC_OK)
            return apr_psprintf(p,
                                "%s %s %s: tenant %s has no role %s (create it with "
                                "authsvc-admin, or name one that exists)",
                                directive, tenant, args[1], tenant, args[1]);
    }
    return "";
}

/* Looks at database d: *out says what it found. */
static void dbd_inspect(apr_pool_t *p, const dbd_database_t *d, authsvc_dialect_t dialect,
                        dbd_check_report_t *out)
{
    const apr_dbd_driver_t *driver = NULL;
    apr_dbd_t *handle = NULL;
    const char *error = NULL, *missing = "";
    authsvc_db_t db = {0};
    int version = -1;

    memset(out, 0, sizeof(*out));
    out->version = -1;
    if (apr_dbd_get_driver(p, d->driver, &driver) != APR_SUCCESS) {
        apr_snprintf(out->why, sizeof(out->why), "no apr_dbd driver %s", d->driver);
        return;
    }
    if (apr_dbd_open_ex(driver, p, d->params, &handle, &error) != APR_SUCCESS || !handle) {
        apr_cpystrn(out->why, error ? error : "cannot connect", sizeof(out->why));
        return;
    }
    db.driver = driver;
    db.handle = handle;
    db.pool = p;
    db.dialect = dialect;
    if (authsvc_db_schema_version(&db, p, &version) != AUTHSVC_OK) {
        apr_cpystrn(out->why, db.error ? db.error : "cannot read the schema version",
                    sizeof(out->why));
        version = -1;
    } else if (version
               >= authsvc_migrate_latest(authsvc_migrations, authsvc_migrations_count, dialect))
        missing = dbd_signups_missing(p, &db, d);
    out->version = version;
    apr_cpystrn(out->missing, missing, sizeof(out->missing));
    apr_dbd_close(driver, handle);
}

/* dbd_inspect in a child process running as httpd's User, so that nothing SQLite
 * creates next to the file (its -wal and -shm files) belongs to root. */
static void dbd_inspect_as_user(apr_pool_t *p, const dbd_database_t *d,
                                authsvc_dialect_t dialect, dbd_check_report_t *out)
{
    int fds[2], status;
    pid_t pid;

    memset(out, 0, sizeof(*out));
    out->version = -1;
    apr_cpystrn(out->why, "cannot start a process to check the database", sizeof(out->why));
    if (pipe(fds) != 0)
        return;
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (setgid(ap_unixd_config.group_id) == 0 && setuid(ap_unixd_config.user_id) == 0)
            dbd_inspect(p, d, dialect, out);
        else
            apr_cpystrn(out->why, "cannot switch to the User", sizeof(out->why));
        _exit(write(fds[1], out, sizeof(*out)) == (ssize_t)sizeof(*out) ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0 || read(fds[0], out, sizeof(*out)) != (ssize_t)sizeof(*out))
        out->version = -1;
    close(fds[0]);
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
}

/* One database, checked once. */
static int dbd_check_database(apr_pool_t *ptemp, const dbd_database_t *d)
{
    authsvc_dialect_t dialect;
    dbd_check_report_t report;
    const char *why;
    int latest;

    if (authsvc_db_dialect_from_driver(d->driver, &dialect) != AUTHSVC_OK) {
        ap_log_error(
            APLOG_MARK, APLOG_CRIT, 0, d->server,
            AUTHSVC_LOGNO(
                2701) "DBDriver %s: "
                      "the service supports sqlite3 and pgsql (or set AuthsvcDatabase Off)",
            d->driver);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (dialect == AUTHSVC_DIALECT_SQLITE && (why = dbd_sqlite_files_check(ptemp, d->params))) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, d->server, AUTHSVC_LOGNO(2702) "DBDParams: %s",
                     why);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (dialect == AUTHSVC_DIALECT_SQLITE && geteuid() == 0)
        dbd_inspect_as_user(ptemp, d, dialect, &report);
    else
        dbd_inspect(ptemp, d, dialect, &report);
    latest = authsvc_migrate_latest(authsvc_migrations, authsvc_migrations_count, dialect);
    if (report.version < 0) {
        /* it may come back: the service answers 503 until it does (README "When the
         * database goes away"), so this is no reason to stay down */
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, d->server,
            AUTHSVC_LOGNO(
                2703) "the "
                      "database (DBDriver %s) cannot be reached now: %s; starting anyway, "
                      "requests that need it answer 503 until it can",
            d->driver, authsvc_dbd_one_line(ptemp, report.why, "no answer"));
        return OK;
    }
    if (report.version < latest) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, d->server,
                     AUTHSVC_LOGNO(
                         2704) "the database "
                               "(DBDriver %s) has schema version %d, this module needs %d: run "
                               "`authsvc-admin migrate` with the same DBDriver and DBDParams",
                     d->driver, report.version, latest);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (report.missing[0]) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, d->server, AUTHSVC_LOGNO(2706) "%s",
                     report.missing);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* The sign-up placements of c's social providers ("signup TENANT ROLE"), onto pairs
 * (see dbd_database_t). */
static void dbd_social_signups(apr_pool_t *ptemp, const authsvc_server_config_t *c,
                               apr_array_header_t *pairs)
{
    apr_hash_index_t *hi;

    for (hi = c->social_providers ? apr_hash_first(ptemp, c->social_providers) : NULL; hi;
         hi = apr_hash_next(hi)) {
        const authsvc_social_provider_t *p = apr_hash_this_val(hi);
        if (p->signup_tenant && p->signup_role) {
            APR_ARRAY_PUSH(pairs,
                           const char *) = apr_psprintf(ptemp,
                                                        "AuthsvcSocialProvider %s signup",
                                                        p->name);
            APR_ARRAY_PUSH(pairs, const char *) = p->signup_tenant;
            APR_ARRAY_PUSH(pairs, const char *) = p->signup_role;
        }
    }
}

/* The databases the servers use, each once, with the sign-ups that name their rows. */
static apr_array_header_t *dbd_databases(apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *by_key = apr_hash_make(ptemp);
    apr_array_header_t *all = apr_array_make(ptemp, 2, sizeof(dbd_database_t *));

    for (; s; s = s->next) {
        const authsvc_server_config_t *c = ap_get_module_config(s->module_config,
                                                                &authsvc_module);
        const char *driver = dbd_server_directive(s, "DBDriver", NULL);
        const char *params = dbd_server_directive(s, "DBDParams", NULL);
        dbd_database_t *d;
        const char *key;

        if (!c->use_database || !driver)
            continue;
        driver = dbd_unquote(ptemp, driver);
        params = params ? dbd_unquote(ptemp, params) : "";
        key = apr_pstrcat(ptemp, driver, "\n", params, NULL);
        if (!(d = apr_hash_get(by_key, key, APR_HASH_KEY_STRING))) {
            d = apr_pcalloc(ptemp, sizeof(*d));
            d->server = s;
            d->driver = driver;
            d->params = params;
            d->signups = apr_array_make(ptemp, 6, sizeof(const char *));
            apr_hash_set(by_key, key, APR_HASH_KEY_STRING, d);
            APR_ARRAY_PUSH(all, dbd_database_t *) = d;
        }
        if (c->mail && c->mail->signup) {
            APR_ARRAY_PUSH(d->signups, const char *) = "AuthsvcSignUp";
            APR_ARRAY_PUSH(d->signups, const char *) = c->mail->signup_tenant;
            APR_ARRAY_PUSH(d->signups, const char *) = c->mail->signup_role;
        }
        dbd_social_signups(ptemp, c, d->signups);
    }
    return all;
}

int authsvc_dbd_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s)
{
    apr_array_header_t *all;
    int i, rc;

    (void)pconf;
    (void)plog;
    if (!ap_find_linked_module("mod_dbd.c"))
        return OK;
    apr_dbd_init(ptemp);
    all = dbd_databases(ptemp, s);
    for (i = 0; i < all->nelts; i++) {
        const dbd_database_t *d = APR_ARRAY_IDX(all, i, const dbd_database_t *);

        rc = dbd_check_database(ptemp, d);
        if (rc != OK && ap_state_query(AP_SQ_CONFIG_GEN) > 1) {
            /* a restart of a running server: refusing now would take the whole server
             * down for a state of the database, not a mistake of the configuration;
             * requests that need it answer 503 until it is fixed */
            ap_log_error(
                APLOG_MARK, APLOG_ERR, 0, d->server,
                AUTHSVC_LOGNO(
                    2705) "the "
                          "restart goes on with the problem above: the requests it concerns "
                          "answer 503 until it is fixed");
            continue;
        }
        if (rc != OK)
            return rc;
    }
    return OK;
}
