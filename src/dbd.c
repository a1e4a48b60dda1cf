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

#include "authsvc_httpd.h"
#include "authsvc_log.h"

APLOG_USE_MODULE(authsvc);

typedef struct {
    ap_dbd_t *(*acquire)(request_rec *r);
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

/* The DBDriver named in a list of directives (the last one wins, as in httpd). */
static const char *dbd_driver_in(const ap_directive_t *first)
{
    const char *driver = NULL;
    const ap_directive_t *d;

    for (d = first; d; d = d->next)
        if (strcasecmp(d->directive, "DBDriver") == 0)
            driver = d->args;
    return driver;
}

/* mod_dbd keeps its configuration private, so the dialect a server's statements need
 * is read from the configuration tree: the server's own <VirtualHost> section (found
 * by file and line), else the main server's DBDriver. */
static authsvc_dialect_t dbd_server_dialect(const server_rec *s)
{
    const char *driver = NULL;
    const ap_directive_t *d;
    authsvc_dialect_t dialect = AUTHSVC_DIALECT_SQLITE;

    for (d = ap_conftree; d && s->is_virtual && !driver; d = d->next)
        if (strcasecmp(d->directive, "<VirtualHost") == 0 && (unsigned)d->line_num == s->defn_line_number
            && d->filename && s->defn_name && strcmp(d->filename, s->defn_name) == 0)
            driver = dbd_driver_in(d->first_child);
    if (!driver)
        driver = dbd_driver_in(ap_conftree);
    if (driver) {
        apr_size_t len = strspn(driver, "\"'");
        authsvc_db_dialect_from_driver(apr_pstrndup(s->process->pool, driver + len,
                                                    strcspn(driver + len, "\"'")),
                                       &dialect);
    }
    return dialect;
}

int authsvc_dbd_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    authsvc_dbd_glue_t *glue;

    (void)plog;
    (void)ptemp;
    if (!prepare || !acquire)
        return OK; /* no mod_dbd: gateway only */
    glue = apr_pcalloc(pconf, sizeof(*glue));
    glue->acquire = acquire;
    for (; s; s = s->next) {
        authsvc_server_config_t *c = ap_get_module_config(s->module_config, &authsvc_module);
        if (!c->use_database)
            continue;
        c->dbd_glue = glue;
        dbd_register_catalogue(s, prepare, dbd_server_dialect(s));
    }
    return OK;
}

authsvc_db_t *authsvc_dbd_acquire(request_rec *r)
{
    const authsvc_server_config_t *c =
        ap_get_module_config(r->server->module_config, &authsvc_module);
    const authsvc_dbd_glue_t *glue = c->dbd_glue;
    authsvc_db_t *db;
    ap_dbd_t *conn;

    if (!glue)
        return NULL;
    conn = glue->acquire(r);
    if (!conn) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      AUTHSVC_LOGNO(0201) "no database connection from mod_dbd");
        return NULL;
    }
    db = apr_pcalloc(r->pool, sizeof(*db));
    db->driver = conn->driver;
    db->handle = conn->handle;
    db->prepared = conn->prepared;
    db->pool = r->pool;
    if (authsvc_db_dialect_from_driver(apr_dbd_name(conn->driver), &db->dialect)
        != AUTHSVC_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      AUTHSVC_LOGNO(0202) "unsupported DBDriver %s", apr_dbd_name(conn->driver));
        return NULL;
    }
    /* SQLite enforces foreign keys only when each connection asks for it. */
    if (db->dialect == AUTHSVC_DIALECT_SQLITE && authsvc_db_session_init(db, r->pool) != AUTHSVC_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      AUTHSVC_LOGNO(0203) "database session setup failed");
        return NULL;
    }
    return db;
}
