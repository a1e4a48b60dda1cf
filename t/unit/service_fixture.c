/* The flows' and services' database and configuration (see service_fixture.h). */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/rand.h>

#include "authsvc_admin.h"
#include "authsvc_config_mail.h"
#include "authsvc_gateway.h"
#include "authsvc_keys.h"
#include "service_fixture.h"
#include "unit.h"

#define PASSWORD AUTHSVC_SERVICE_FIXTURE_PASSWORD

static int admin(authsvc_service_fixture_t *f, const char *input, const char *const *args,
                 char **out_text)
{
    const char *argv[32] = {"authsvc-admin", "--driver", "sqlite3", "--params", f->db_path};
    int argc = 5, rc;
    size_t len = 0;
    char *out = NULL;
    FILE *in = input ? fmemopen((void *)input, strlen(input), "r") : fopen("/dev/null", "r");
    FILE *o = open_memstream(&out, &len), *err = fopen("/dev/null", "w");

    while (*args && argc < 31)
        argv[argc++] = *args++;
    argv[argc] = NULL;
    rc = authsvc_admin_main(f->pool, argc, argv, in, o, err);
    fclose(in);
    fclose(o);
    fclose(err);
    if (out_text)
        *out_text = apr_pstrdup(f->pool, out);
    free(out);
    return rc;
}

#define ADMIN(input, out, ...) \
    admin(f, (input), (const char *const[]){__VA_ARGS__, NULL}, (out))

/* The "client_secret: ..." line of client add. */
static const char *secret_of(apr_pool_t *p, const char *out)
{
    const char *at = out ? strstr(out, "client_secret:") : NULL;
    char *secret;

    if (!at)
        return NULL;
    at += strlen("client_secret:");
    while (*at == ' ')
        at++;
    secret = apr_pstrdup(p, at);
    secret[strcspn(secret, " \n")] = '\0';
    return secret;
}

int authsvc_service_fixture_open(authsvc_service_fixture_t *f, const char *name)
{
    unsigned char secret[32];
    authsvc_key_t *key = NULL;
    const char *why = NULL;
    char *out = NULL;

    if (apr_pool_create(&f->pool, authsvc_test_pool()) != APR_SUCCESS)
        return 1;
    f->dir = apr_pstrcat(f->pool, "/tmp/authsvc-test-", name, "-XXXXXX", NULL);
    if (!mkdtemp(f->dir))
        return 1;
    f->db_path = apr_pstrcat(f->pool, f->dir, "/service.db", NULL);
    setenv("AUTHSVC_PASSWORD_BLOCKLIST", AUTHSVC_SOURCE_DIR "/conf/password-blocklist.txt", 1);
    if (ADMIN(NULL, NULL, "migrate") != 0
        || ADMIN(NULL, NULL, "tenant", "add", "--key", "t1", "--name", "T1") != 0
        || ADMIN(NULL, NULL, "role", "add", "--tenant", "t1", "--name", "member") != 0
        || ADMIN(NULL, &out, "client", "add", "--client-id", "web", "--redirect-url",
                 "http://127.0.0.1/")
               != 0
        || !(f->client_secret = secret_of(f->pool, out))
        || ADMIN(PASSWORD "\n", NULL, "user", "add", "--username", "alice", "--tenant", "t1",
                 "--role", "member", "--client", "web", "--password-stdin")
               != 0)
        return 1;
    if (authsvc_db_open(f->pool, "sqlite3", f->db_path, &f->db, &why) != AUTHSVC_OK
        || RAND_bytes(secret, sizeof(secret)) != 1
        || authsvc_key_from_secret(f->pool, secret, sizeof(secret), &key, &why) != AUTHSVC_OK)
        return 1;
    f->config = apr_pcalloc(f->pool, sizeof(*f->config));
    f->config->use_database = 1;
    f->config->issuer = "http://127.0.0.1";
    f->config->issuer_set = 1;
    f->config->mail = authsvc_config_mail_create(f->pool);
    f->config->gateway = authsvc_gateway_server_create(f->pool);
    f->config->keyring = authsvc_keyring_make(f->pool);
    authsvc_keyring_add(f->config->keyring, key);
    f->config->keyring_set = 1;
    return 0;
}

int authsvc_service_fixture_close(authsvc_service_fixture_t *f)
{
    char *cmd = apr_psprintf(f->pool, "rm -rf '%s'", f->dir);

    apr_pool_destroy(f->pool);
    return system(cmd) == 0 ? 0 : 1;
}
