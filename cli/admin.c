/* authsvc-admin: command table, option parsing, validation and the commands.
 *
 * Every command validates its whole input first, then writes in one transaction, so a
 * failure leaves the database as it was. Errors are one line on err; usage errors exit
 * 2, other failures 1. Passwords, secrets and hashes are never printed, except the new
 * client secret, once, on out. */
#define _DEFAULT_SOURCE /* setgroups, termios, fileno, O_NOFOLLOW under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_uri.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "authsvc_activity.h"
#include "authsvc_admin.h"
#include "authsvc_admin_users.h"
#include "authsvc_config.h"
#include "authsvc_context.h"
#include "authsvc_db.h"
#include "authsvc_db_activity_report.h"
#include "authsvc_db_clients.h"
#include "authsvc_db_mail_tokens.h"
#include "authsvc_db_oidc.h"
#include "authsvc_db_roles.h"
#include "authsvc_db_tenants.h"
#include "authsvc_db_user_links.h"
#include "authsvc_db_users.h"
#include "authsvc_iso8601.h"
#include "authsvc_json.h"
#include "authsvc_limits.h"
#include "authsvc_migrate.h"
#include "authsvc_password.h"
#include "authsvc_password_policy.h"
#include "authsvc_purge.h"
#include "authsvc_social_provider.h"
#include "authsvc_tokens.h"
#include "authsvc_version.h"

#define PROGRAM "authsvc-admin"
#define PARSED (-1)   /* parse_command: go on with the command */
#define SHOWN_MAX 200 /* bytes of input or driver text echoed in an error */
#define STR(x) #x
#define XSTR(x) STR(x)
#ifndef AUTHSVC_PASSWORD_BLOCKLIST_DEFAULT /* Makefile.am: where the starter list is installed */
#define AUTHSVC_PASSWORD_BLOCKLIST_DEFAULT "/usr/share/mod_authsvc/password-blocklist.txt"
#endif
#define CLIENT_SECRET_BYTES 32
#define RSA_BITS_DEFAULT 2048
#define RSA_BITS_MIN 2048
#define RSA_BITS_MAX 16384

/* ---------------------------------------------------------------- command table */

/* The help texts spell this one out: (90 * 86400) does not read as a number. */
_Static_assert(AUTHSVC_REFRESH_TTL_MAX == 7776000, "client add's help names 7776000");

#define OPT_VALUE 0x1u  /* takes a value: --name VALUE or --name=VALUE */
#define OPT_REPEAT 0x2u /* may be given more than once */
#define OPT_REQUIRED 0x4u

typedef struct {
    const char *name;
    unsigned flags;
} option_spec_t;

typedef int (*command_fn)(authsvc_admin_t *ctx, int argc, const char *const *argv);

typedef struct {
    const char *group; /* "tenant"; NULL for a one-word command */
    const char *name;  /* "add", or "migrate" */
    command_fn run;
    const option_spec_t *options; /* ends with a NULL name */
    const char *synopsis;         /* for the overview */
    const char *usage;            /* for --help */
} admin_command_t;

/* Not formatted by clang-format: the option lists, help texts and the command table
 * are laid out as tables and as the help prints. */
/* clang-format off */
#define DB_OPTIONS {"driver", OPT_VALUE}, {"params", OPT_VALUE}
#define POLICY_OPTIONS {"blocklist", OPT_VALUE}, {"min-length", OPT_VALUE}
#define POLICY_HELP \
    "\nPassword policy, the server's: " XSTR(AUTHSVC_PASSWORD_POLICY_MIN_LENGTH) " to " \
    XSTR(AUTHSVC_PASSWORD_POLICY_MAX_LENGTH) " characters (Unicode code points), no\n" \
    "control characters, not the username, not on the blocklist (letters compared\n" \
    "without case). Stored as an argon2id hash.\n" \
    "  --blocklist FILE  the server's AuthsvcPasswordBlocklist (default: the\n" \
    "                    environment variable AUTHSVC_PASSWORD_BLOCKLIST, else\n" \
    "                    " AUTHSVC_PASSWORD_BLOCKLIST_DEFAULT ")\n" \
    "  --min-length N    the server's AuthsvcPasswordMinLength (default " \
    XSTR(AUTHSVC_PASSWORD_POLICY_MIN_LENGTH) ")\n"
#define JSON_HELP "  --json        print JSON for scripts instead of text\n"
#define DB_HELP \
    "\nDatabase: --driver sqlite3|pgsql --params PARAMS (as mod_dbd's DBDriver and\n" \
    "DBDParams), else the environment variables AUTHSVC_DB_DRIVER and AUTHSVC_DB_PARAMS.\n"

static const option_spec_t migrate_options[] = {DB_OPTIONS, {NULL, 0}};
static const option_spec_t tenant_add_options[] = {
    {"key", OPT_VALUE | OPT_REQUIRED}, {"name", OPT_VALUE | OPT_REQUIRED}, DB_OPTIONS,
    {NULL, 0}};
static const option_spec_t role_add_options[] = {
    {"tenant", OPT_VALUE | OPT_REQUIRED}, {"name", OPT_VALUE | OPT_REQUIRED},
    {"permission", OPT_VALUE | OPT_REPEAT}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t client_add_options[] = {
    {"client-id", OPT_VALUE | OPT_REQUIRED}, {"redirect-url", OPT_VALUE},
    {"access-ttl", OPT_VALUE}, {"refresh-ttl", OPT_VALUE}, {"code-ttl", OPT_VALUE},
    {"public", 0}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t user_add_options[] = {
    {"username", OPT_VALUE | OPT_REQUIRED}, {"email", OPT_VALUE},
    {"first-name", OPT_VALUE}, {"last-name", OPT_VALUE},
    {"tenant", OPT_VALUE | OPT_REQUIRED}, {"role", OPT_VALUE | OPT_REQUIRED},
    {"client", OPT_VALUE | OPT_REPEAT}, {"status", OPT_VALUE}, {"password-stdin", 0},
    {"no-password", 0}, POLICY_OPTIONS, DB_OPTIONS, {NULL, 0}};
static const option_spec_t user_list_options[] = {{"tenant", OPT_VALUE}, {"json", 0},
                                                  DB_OPTIONS, {NULL, 0}};
static const option_spec_t list_options[] = {{"json", 0}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t tenant_show_options[] = {
    {"key", OPT_VALUE | OPT_REQUIRED}, {"json", 0}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t role_list_options[] = {{"tenant", OPT_VALUE}, {"json", 0},
                                                  DB_OPTIONS, {NULL, 0}};
static const option_spec_t role_show_options[] = {
    {"tenant", OPT_VALUE | OPT_REQUIRED}, {"name", OPT_VALUE | OPT_REQUIRED}, {"json", 0},
    DB_OPTIONS, {NULL, 0}};
static const option_spec_t client_show_options[] = {
    {"client-id", OPT_VALUE | OPT_REQUIRED}, {"json", 0}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t client_options[] = {
    {"client-id", OPT_VALUE | OPT_REQUIRED}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t client_oidc_options[] = {
    {"client-id", OPT_VALUE | OPT_REQUIRED}, {"grant-types", OPT_VALUE},
    {"redirect-uri", OPT_VALUE | OPT_REPEAT}, {"post-logout-uri", OPT_VALUE | OPT_REPEAT},
    {"remove", 0}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t user_show_options[] = {
    {"username", OPT_VALUE | OPT_REQUIRED}, {"json", 0}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t user_reset_password_options[] = {
    {"username", OPT_VALUE | OPT_REQUIRED}, {"password-stdin", 0}, POLICY_OPTIONS, DB_OPTIONS,
    {NULL, 0}};
/* user unlock, disable, enable, delete */
static const option_spec_t user_unlock_options[] = {
    {"username", OPT_VALUE | OPT_REQUIRED}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t user_link_options[] = {
    {"username", OPT_VALUE | OPT_REQUIRED}, {"provider", OPT_VALUE | OPT_REQUIRED},
    {"subject", OPT_VALUE | OPT_REQUIRED}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t user_unlink_options[] = {
    {"provider", OPT_VALUE | OPT_REQUIRED}, {"subject", OPT_VALUE | OPT_REQUIRED}, DB_OPTIONS,
    {NULL, 0}};
static const option_spec_t user_links_options[] = {
    {"username", OPT_VALUE | OPT_REQUIRED}, {"json", 0}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t purge_options[] = {DB_OPTIONS, {NULL, 0}};
static const option_spec_t user_mfa_options[] = {
    {"username", OPT_VALUE | OPT_REQUIRED}, {"required", OPT_VALUE | OPT_REQUIRED},
    {"reset-authenticator", 0}, DB_OPTIONS, {NULL, 0}};
static const option_spec_t activity_options[] = {
    {"days", OPT_VALUE}, {"limit", OPT_VALUE}, {"purge", OPT_VALUE}, {"json", 0}, DB_OPTIONS,
    {NULL, 0}};
static const option_spec_t key_generate_options[] = {
    {"alg", OPT_VALUE | OPT_REQUIRED}, {"out", OPT_VALUE | OPT_REQUIRED},
    {"bits", OPT_VALUE}, {NULL, 0}};

static const admin_command_t commands[] = {
    {NULL, "migrate", authsvc_admin_migrate, migrate_options,
     "apply pending schema migrations",
     "usage: " PROGRAM " migrate [DATABASE]\n\n"
     "Applies the pending schema migrations in order, each in its own transaction, and\n"
     "records each in schema_migrations; running it again applies nothing. On SQLite it\n"
     "also switches the database file to WAL mode (the file keeps the setting).\n"
     "Restart httpd gracefully afterwards: its SQLite statements were prepared against\n"
     "the old schema.\n" DB_HELP},
    {"tenant", "add", authsvc_admin_tenant_add, tenant_add_options, "add a tenant",
     "usage: " PROGRAM " tenant add --key KEY --name NAME [DATABASE]\n\n"
     "  --key KEY     unique key: letters, digits, '.', '_', '-' (at most 255)\n"
     "  --name NAME   display name (at most 255 bytes)\n" DB_HELP},
    {"tenant", "list", authsvc_admin_tenant_list, list_options, "list tenants",
     "usage: " PROGRAM " tenant list [--json] [DATABASE]\n\n"
     "Prints a header and one tab-separated line per tenant: key, name, status, number\n"
     "of roles and of members, id, time created (UTC); '-' for none.\n" JSON_HELP DB_HELP},
    {"tenant", "show", authsvc_admin_tenant_show, tenant_show_options,
     "show a tenant and its roles",
     "usage: " PROGRAM " tenant show --key KEY [--json] [DATABASE]\n\n"
     "Prints the tenant's fields, one 'name: value' line each, and its role names.\n"
     JSON_HELP DB_HELP},
    {"role", "add", authsvc_admin_role_add, role_add_options, "add a role to a tenant",
     "usage: " PROGRAM " role add --tenant KEY --name NAME [--permission P]... [DATABASE]\n\n"
     "  --tenant KEY     the tenant the role belongs to\n"
     "  --name NAME      role name, unique within the tenant\n"
     "  --permission P   a permission the role grants (letters, digits, '.', '_', ':',\n"
     "                   '-'); repeat the option for more\n" DB_HELP},
    {"role", "list", authsvc_admin_role_list, role_list_options, "list roles",
     "usage: " PROGRAM " role list [--tenant KEY] [--json] [DATABASE]\n\n"
     "Prints a header and one tab-separated line per role: tenant, name, number of\n"
     "permissions and of members, id, time created (UTC).\n"
     "  --tenant KEY  only that tenant's roles\n" JSON_HELP DB_HELP},
    {"role", "show", authsvc_admin_role_show, role_show_options,
     "show a role and its permissions",
     "usage: " PROGRAM " role show --tenant KEY --name NAME [--json] [DATABASE]\n\n"
     "Prints the role's fields, one 'name: value' line each, and its permissions.\n"
     JSON_HELP DB_HELP},
    {"client", "add", authsvc_admin_client_add, client_add_options,
     "add a client (its secret is printed once)",
     "usage: " PROGRAM " client add --client-id ID [--redirect-url URL] [--access-ttl S]\n"
     "           [--refresh-ttl S] [--code-ttl S] [--public] [DATABASE]\n\n"
     "  --client-id ID      unique id: letters, digits, '.', '_', '-' (at most 255)\n"
     "  --redirect-url URL  absolute http or https URL the browser flows return to\n"
     "  --access-ttl S      access token lifetime, seconds (default "
     XSTR(AUTHSVC_ACCESS_TTL_DEFAULT) ", at most " XSTR(AUTHSVC_ACCESS_TTL_MAX) ")\n"
     "  --refresh-ttl S     refresh token lifetime, seconds (default "
     XSTR(AUTHSVC_REFRESH_TTL_DEFAULT) ", at most\n"
     "                      7776000)\n"
     "  --code-ttl S        auth code lifetime, seconds (default "
     XSTR(AUTHSVC_AUTH_CODE_TTL_DEFAULT) ", at most " XSTR(AUTHSVC_AUTH_CODE_TTL_MAX) ")\n"
     "  --public            a public client: it gets no secret\n\n"
     "A confidential client gets a random 256-bit secret, printed once on standard\n"
     "output; only its SHA-256 hash is stored, so it cannot be shown again.\n" DB_HELP},
    {"client", "list", authsvc_admin_client_list, list_options, "list clients",
     "usage: " PROGRAM " client list [--json] [DATABASE]\n\n"
     "Prints a header and one tab-separated line per client: id, type, redirect URL,\n"
     "access, refresh and code lifetimes (seconds), number of users, time created\n"
     "(UTC). Secrets are never shown: only their hashes are stored.\n" JSON_HELP DB_HELP},
    {"client", "show", authsvc_admin_client_show, client_show_options, "show a client",
     "usage: " PROGRAM " client show --client-id ID [--json] [DATABASE]\n\n"
     "Prints the client's fields, one 'name: value' line each.\n" JSON_HELP DB_HELP},
    {"client", "delete", authsvc_admin_client_delete, client_options,
     "delete a client and end its sessions",
     "usage: " PROGRAM " client delete --client-id ID [DATABASE]\n\n"
     "Revokes the access tokens of the client's sessions, then deletes the client with\n"
     "its refresh tokens, auth codes and users' links to it (the users stay).\n" DB_HELP},
    {"client", "rotate-secret", authsvc_admin_client_rotate_secret, client_options,
     "give a client a new secret (printed once)",
     "usage: " PROGRAM " client rotate-secret --client-id ID [DATABASE]\n\n"
     "Replaces the secret of a confidential client with a new random 256-bit one,\n"
     "printed once on standard output; the old secret stops working at once. Sessions\n"
     "already issued go on.\n" DB_HELP},
    {"client", "oidc", authsvc_admin_client_oidc, client_oidc_options,
     "register a client for OpenID Connect (grant types, URIs)",
     "usage: " PROGRAM " client oidc --client-id ID [--grant-types \"LIST\"]\n"
     "           [--redirect-uri URI]... [--post-logout-uri URI]... [--remove] [DATABASE]\n\n"
     "Sets (replaces) the client's registration at the OpenID Connect endpoints\n"
     "(/oauth2/authorize, /oauth2/token, /oauth2/logout).\n"
     "  --grant-types LIST     space- or comma-separated: authorization_code,\n"
     "                         refresh_token, client_credentials (default:\n"
     "                         \"authorization_code refresh_token\"); client_credentials\n"
     "                         needs a confidential client\n"
     "  --redirect-uri URI     a redirect URI, matched exactly; repeat for more (at least\n"
     "                         one with authorization_code)\n"
     "  --post-logout-uri URI  a post_logout_redirect_uri, matched exactly; repeat\n"
     "  --remove               remove the registration (no other option then)\n\n"
     "URIs are absolute http or https URLs without a fragment. A public client (client\n"
     "add --public) must use PKCE (S256).\n" DB_HELP},
    {"user", "add", authsvc_admin_user_add, user_add_options,
     "add a user, with a password or without one",
     "usage: " PROGRAM " user add --username U --tenant KEY --role NAME [--email E]\n"
     "           [--first-name N] [--last-name N] [--client ID]... [--status S]\n"
     "           [--password-stdin | --no-password] [DATABASE]\n\n"
     "  --username U      unique username (ASCII letters compare without case)\n"
     "  --tenant KEY      the user's tenant, also their default tenant\n"
     "  --role NAME       the user's role in that tenant\n"
     "  --email E, --first-name N, --last-name N\n"
     "  --client ID       a client the user may log in through; repeat for more\n"
     "  --status S        active (default), registered, inactive,\n"
     "                    password-change-needed or rejected\n"
     "  --password-stdin  read the password from the first line of standard input;\n"
     "                    otherwise it is asked twice on the terminal, without echo\n"
     "  --no-password     no password: the user logs in through an external identity\n"
     "                    only (SAML, social login; see 'user link')\n" POLICY_HELP DB_HELP},
    {"user", "list", authsvc_admin_user_list, user_list_options,
     "list users and their tenants",
     "usage: " PROGRAM " user list [--tenant KEY] [--json] [DATABASE]\n\n"
     "Prints a header and one tab-separated line per user and tenant: id, username,\n"
     "email, tenant, role, status, failed logins counted, locked until (UTC; '-' when\n"
     "not locked). Hashes and secrets are never shown.\n"
     "  --tenant KEY  only that tenant's members\n" JSON_HELP DB_HELP},
    {"user", "show", authsvc_admin_user_show, user_show_options,
     "show a user: tenants, clients, identities, lockout",
     "usage: " PROGRAM " user show --username U [--json] [DATABASE]\n\n"
     "Prints the user's fields, one 'name: value' line each: whether a second factor is\n"
     "required, the last login, whether a password is set; then the memberships (tenant,\n"
     "role, status), clients, linked identities and the lockout counters (source,\n"
     "failures, locked until; source '' is the account's own counter).\n"
     JSON_HELP DB_HELP},
    {"user", "disable", authsvc_admin_user_disable, user_unlock_options,
     "stop a user from logging in and end their sessions",
     "usage: " PROGRAM " user disable --username U [DATABASE]\n\n"
     "Sets the user's active and password-change-needed memberships to inactive, so no\n"
     "login succeeds, and ends every session: refresh tokens are revoked, access tokens\n"
     "refused by their id from then on.\n" DB_HELP},
    {"user", "enable", authsvc_admin_user_enable, user_unlock_options,
     "let a disabled user log in again",
     "usage: " PROGRAM " user enable --username U [DATABASE]\n\n"
     "Sets the user's inactive memberships to active.\n" DB_HELP},
    {"user", "delete", authsvc_admin_user_delete, user_unlock_options,
     "delete a user and end their sessions",
     "usage: " PROGRAM " user delete --username U [DATABASE]\n\n"
     "Ends every session of the user, clears their lockout, then deletes them with their\n"
     "password, identities, memberships and tokens. Login activity rows stay.\n" DB_HELP},
    {"user", "reset-password", authsvc_admin_user_reset_password, user_reset_password_options,
     "set a user's password under the server's policy",
     "usage: " PROGRAM " user reset-password --username U [--password-stdin]\n"
     "           [--blocklist FILE] [--min-length N] [DATABASE]\n\n"
     "  --password-stdin  read the password from the first line of standard input;\n"
     "                    otherwise it is asked twice on the terminal, without echo\n\n"
     "Sets the password (a user without one gets one), ends every session of the user,\n"
     "clears their lockout and retires their password reset links.\n"
     POLICY_HELP DB_HELP},
    {"user", "link", authsvc_admin_user_link, user_link_options,
     "link an external identity (SAML, social login) to a user",
     "usage: " PROGRAM " user link --username U --provider P --subject S [DATABASE]\n\n"
     "  --username U   the local user\n"
     "  --provider P   google, azure, cognito, keycloak, apple, facebook, instagram, or\n"
     "                 saml:ENTITYID for the SAML IdP with that entity id\n"
     "  --subject S    the provider's id of the user: the claim the provider's\n"
     "                 subject_claim names (sub by default; Azure: oid), or the IdP's\n"
     "                 persistent or e-mail NameID (at most 1024 bytes)\n\n"
     "From then on that identity logs in as the user, whatever its e-mail, and the\n"
     "provider's link by e-mail (AuthsvcSamlLinkByEmail, link_verified_email) may stay\n"
     "Off. A user has at most one identity per provider, an identity one user.\n" DB_HELP},
    {"user", "unlink", authsvc_admin_user_unlink, user_unlink_options,
     "remove the link of an external identity",
     "usage: " PROGRAM " user unlink --provider P --subject S [DATABASE]\n\n"
     "Removes the link of that identity (as 'user link' names it) from whichever user\n"
     "has it; its next login is like a first one.\n" DB_HELP},
    {"user", "links", authsvc_admin_user_links, user_links_options,
     "list the external identities linked to a user",
     "usage: " PROGRAM " user links --username U [--json] [DATABASE]\n\n"
     "Prints a header and one tab-separated line per linked identity: provider,\n"
     "subject, time linked (UTC).\n" JSON_HELP DB_HELP},
    {"user", "unlock", authsvc_admin_user_unlock, user_unlock_options,
     "clear a user's login lockout",
     "usage: " PROGRAM " user unlock --username U [DATABASE]\n\n"
     "Clears the account's failed-login counter and lockout. (Per-address limits expire\n"
     "by themselves.)\n" DB_HELP},
    {"user", "mfa", authsvc_admin_user_mfa, user_mfa_options,
     "require a second factor of a user, or not",
     "usage: " PROGRAM " user mfa --username U --required yes|no [--reset-authenticator]\n"
     "           [DATABASE]\n\n"
     "  --required yes|no      whether the user's logins need a second factor\n"
     "  --reset-authenticator  forget the user's authenticator-app secret, so that the\n"
     "                         next POST /auth/create-qr-code enrols a new one\n" DB_HELP},
    {NULL, "purge", authsvc_admin_purge, purge_options, "delete expired rows",
     "usage: " PROGRAM " purge [DATABASE]\n\n"
     "Deletes expired auth codes, refresh tokens past their own or their session's\n"
     "lifetime, revocations of tokens that have expired anyway, and brute-force counters\n"
     "unused for a day. The service also does this by itself on about one login in "
     "64;\nrun this from cron on quiet installations.\n" DB_HELP},
    {NULL, "activity", authsvc_admin_activity, activity_options,
     "print recent login activity and daily active users",
     "usage: " PROGRAM " activity [--days N] [--limit N] [--purge DAYS] [--json]\n"
     "           [DATABASE]\n\n"
     "  --days N      the period shown, in days up to now (default 7, at most 3660)\n"
     "  --limit N     the most recent rows listed (default 20, at most 10000)\n"
     "  --purge DAYS  first delete the rows older than DAYS days (at least 1)\n\n"
     "Prints the latest rows (time, type, username, tenant key, address, client),\n"
     "newest first (a user or tenant deleted since shows as its id), then one line per\n"
     "UTC day: the number of distinct users who were active. Token payloads are never\n"
     "shown. With --json: {\"activity\": [...], \"active_users\": [...]}.\n" DB_HELP},
    {"key", "generate", authsvc_admin_key_generate, key_generate_options,
     "write a new signing key",
     "usage: " PROGRAM " key generate --alg RS256|ES256|EdDSA --out FILE [--bits N]\n\n"
     "  --alg RS256|ES256|EdDSA\n"
     "                     an RSA key, an EC key on P-256, or an Ed25519 key\n"
     "  --out FILE         a new file for the PEM (PKCS#8) private key, mode 0600;\n"
     "                     an existing file is never overwritten\n"
     "  --bits N           RSA key size (default 2048, from 2048 to 16384)\n"},
};
/* clang-format on */

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static const char overview_tail[] =
    "\nRun '" PROGRAM " COMMAND --help' for a command's options.\n\n"
    "Database: --driver sqlite3|pgsql and --params PARAMS, in mod_dbd's syntax, before or\n"
    "after the command, else the environment variables AUTHSVC_DB_DRIVER and\n"
    "AUTHSVC_DB_PARAMS. Examples:\n"
    "  --driver sqlite3 --params /var/lib/authsvc/authsvc.db\n"
    "  --driver pgsql --params 'host=127.0.0.1 port=5432 dbname=authsvc user=authsvc'\n\n"
    "Run as root on SQLite: when the directory holding the database file belongs to\n"
    "another user, " PROGRAM " switches to that directory's owner and group before\n"
    "opening the database, so the database and its -wal and -shm files stay owned by\n"
    "the web server's user. Make the directory the web server user's.\n\n"
    "Exit status: 0 success, 1 failure (the database is left unchanged), 2 usage error.\n" PROGRAM
    " --version prints the release of mod_authsvc it belongs to.\n";

/* ---------------------------------------------------------------- output */

/* s made safe to echo on one line: line breaks and tabs become spaces, other control
 * bytes '?', trailing blanks go, long text is cut. */
static const char *shown(apr_pool_t *p, const char *s)
{
    apr_size_t len = strlen(s), n = len > SHOWN_MAX ? SHOWN_MAX : len, i;
    int cut = len > n;
    char *out = apr_palloc(p, n + 4);

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c == '\n' || c == '\r' || c == '\t') ? ' '
                 : (c < 0x20 || c == 0x7f)             ? '?'
                                                       : (char)c;
    }
    while (!cut && n > 0 && out[n - 1] == ' ') {
        n--;
    }
    strcpy(out + n, cut ? "..." : "");
    return out;
}

static int fail(authsvc_admin_t *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(authsvc_admin_t *ctx, int code, const char *fmt, ...)
{
    va_list ap;

    fputs(PROGRAM ": ", ctx->err);
    va_start(ap, fmt);
    vfprintf(ctx->err, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->err);
    fflush(ctx->err);
    return code;
}

static const char *command_title(apr_pool_t *p, const admin_command_t *cmd)
{
    return cmd->group != NULL ? apr_pstrcat(p, cmd->group, " ", cmd->name, NULL) : cmd->name;
}

static int usage_error(authsvc_admin_t *ctx, const admin_command_t *cmd, const char *what)
{
    const char *title = command_title(ctx->pool, cmd);

    return fail(ctx, AUTHSVC_ADMIN_USAGE, "%s: %s (see '" PROGRAM " %s --help')", title, what,
                title);
}

static const char *first_line(apr_pool_t *p, const char *msg)
{
    const char *nl;

    if (msg == NULL) {
        return "unknown error";
    }
    nl = strchr(msg, '\n');
    return nl != NULL ? apr_pstrmemdup(p, msg, (apr_size_t)(nl - msg)) : msg;
}

/* The failure of a database step, in one line; conflict names what already exists. */
static int db_failure(authsvc_admin_t *ctx, authsvc_db_t *db, authsvc_status_t st,
                      const char *conflict)
{
    const char *msg = db != NULL && db->error != NULL ? db->error : authsvc_status_name(st);

    if (st == AUTHSVC_CONFLICT && conflict != NULL) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "%s", conflict);
    }
    return fail(ctx, AUTHSVC_ADMIN_FAILURE, "%s: %s",
                st == AUTHSVC_UNAVAILABLE ? "database unavailable" : "database error",
                shown(ctx->pool, first_line(ctx->pool, msg)));
}

static void print_overview(authsvc_admin_t *ctx)
{
    apr_size_t i;

    fputs("usage: " PROGRAM " [--driver DRIVER --params PARAMS] COMMAND [OPTIONS]\n\n"
          "Administers mod_authsvc: its database schema, tenants, roles, clients, users\n"
          "and signing keys.\n\nCommands:\n",
          ctx->out);
    for (i = 0; i < COMMAND_COUNT; i++) {
        fprintf(ctx->out, "  %-22s %s\n", command_title(ctx->pool, &commands[i]),
                commands[i].synopsis);
    }
    fputs(overview_tail, ctx->out);
}

/* ---------------------------------------------------------------- option parsing */

static const admin_command_t *find_command(const char *group, const char *name)
{
    apr_size_t i;

    for (i = 0; i < COMMAND_COUNT; i++) {
        const admin_command_t *c = &commands[i];
        if (((c->group == NULL && group == NULL)
             || (c->group != NULL && group != NULL && strcmp(c->group, group) == 0))
            && strcmp(c->name, name) == 0) {
            return c;
        }
    }
    return NULL;
}

static const option_spec_t *find_option(const option_spec_t *specs, const char *name)
{
    for (; specs->name != NULL; specs++) {
        if (strcmp(specs->name, name) == 0) {
            return specs;
        }
    }
    return NULL;
}

static int is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* True when --help or -h appears as an option (not as the value of another option). */
static int wants_help(const admin_command_t *cmd, int argc, const char *const *argv)
{
    int i;

    for (i = 0; i < argc; i++) {
        const option_spec_t *spec;

        if (is_help(argv[i])) {
            return 1;
        }
        spec = strncmp(argv[i], "--", 2) == 0 ? find_option(cmd->options, argv[i] + 2) : NULL;
        if (spec != NULL && (spec->flags & OPT_VALUE)) {
            i++;
        }
    }
    return 0;
}

/* Reads one argument at *i into opts; an error message, or NULL. */
static const char *parse_one(apr_pool_t *p, const admin_command_t *cmd, int argc,
                             const char *const *argv, int *i, apr_table_t *opts)
{
    const char *arg = argv[*i], *eq = strchr(arg, '='), *value = "1";
    const option_spec_t *spec;
    const char *name;

    if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
        return apr_psprintf(p, "unexpected argument '%s'", shown(p, arg));
    }
    name = eq != NULL ? apr_pstrmemdup(p, arg + 2, (apr_size_t)(eq - arg - 2)) : arg + 2;
    spec = find_option(cmd->options, name);
    if (spec == NULL) {
        return apr_psprintf(p, "unknown option '--%s'", shown(p, name));
    }
    if ((spec->flags & OPT_VALUE) && eq != NULL) {
        value = eq + 1;
    } else if (spec->flags & OPT_VALUE) {
        if (*i + 1 >= argc) {
            return apr_psprintf(p, "option --%s needs a value", name);
        }
        value = argv[++*i];
    } else if (eq != NULL) {
        return apr_psprintf(p, "option --%s takes no value", name);
    }
    if (!(spec->flags & OPT_REPEAT) && apr_table_get(opts, spec->name) != NULL) {
        return apr_psprintf(p, "option --%s given twice", name);
    }
    apr_table_addn(opts, spec->name, value);
    return NULL;
}

/* PARSED with *opts filled, or the exit code: 0 after --help, 2 after a usage error. */
static int parse_command(authsvc_admin_t *ctx, const char *group, const char *name, int argc,
                         const char *const *argv, apr_table_t **opts)
{
    const admin_command_t *cmd = find_command(group, name);
    const option_spec_t *spec;
    const char *error;
    int i;

    *opts = apr_table_make(ctx->pool, 8);
    if (wants_help(cmd, argc, argv)) {
        fputs(cmd->usage, ctx->out);
        return AUTHSVC_ADMIN_OK;
    }
    for (i = 0; i < argc; i++) {
        error = parse_one(ctx->pool, cmd, argc, argv, &i, *opts);
        if (error != NULL) {
            return usage_error(ctx, cmd, error);
        }
    }
    for (spec = cmd->options; spec->name != NULL; spec++) {
        if ((spec->flags & OPT_REQUIRED) && apr_table_get(*opts, spec->name) == NULL) {
            return usage_error(ctx, cmd,
                               apr_psprintf(ctx->pool, "missing option --%s", spec->name));
        }
    }
    return PARSED;
}

static int collect_value(void *data, const char *key, const char *value)
{
    (void)key;
    APR_ARRAY_PUSH((apr_array_header_t *)data, const char *) = value;
    return 1;
}

/* Every value of a repeatable option, duplicates dropped, in the order given. */
static apr_array_header_t *option_values(apr_pool_t *p, apr_table_t *opts, const char *name)
{
    apr_array_header_t *all = apr_array_make(p, 4, sizeof(const char *));
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(const char *));
    apr_hash_t *seen = apr_hash_make(p);
    int i;

    apr_table_do(collect_value, all, opts, name, NULL);
    for (i = 0; i < all->nelts; i++) {
        const char *v = APR_ARRAY_IDX(all, i, const char *);
        if (apr_hash_get(seen, v, APR_HASH_KEY_STRING) == NULL) {
            apr_hash_set(seen, v, APR_HASH_KEY_STRING, v);
            APR_ARRAY_PUSH(out, const char *) = v;
        }
    }
    return out;
}

/* ---------------------------------------------------------------- validation */

/* 1..max bytes of letters, digits and the characters in extra. */
static int valid_token(const char *s, apr_size_t max, const char *extra)
{
    apr_size_t len = strlen(s), i;

    if (len == 0 || len > max) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isalnum(s[i]) && strchr(extra, s[i]) == NULL) {
            return 0;
        }
    }
    return 1;
}

/* 1..max bytes, no control bytes, no blanks at either end. */
static int valid_text(const char *s, apr_size_t max)
{
    apr_size_t len = strlen(s), i;

    if (len == 0 || len > max || apr_isspace(s[0]) || apr_isspace(s[len - 1])) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            return 0;
        }
    }
    return 1;
}

static int valid_email(const char *s)
{
    const char *at = strchr(s, '@');

    return valid_text(s, AUTHSVC_NAME_LENGTH_MAX) && strchr(s, ' ') == NULL && at != NULL
           && at != s && at[1] != '\0' && strchr(at + 1, '@') == NULL;
}

static int valid_url(apr_pool_t *p, const char *s)
{
    apr_uri_t uri;

    if (!valid_text(s, AUTHSVC_URL_LENGTH_MAX) || strchr(s, ' ') != NULL
        || apr_uri_parse(p, s, &uri) != APR_SUCCESS || uri.scheme == NULL
        || uri.hostname == NULL || *uri.hostname == '\0' || uri.fragment != NULL) {
        return 0;
    }
    return strcasecmp(uri.scheme, "https") == 0 || strcasecmp(uri.scheme, "http") == 0;
}

/* A decimal in [min, max]; -1 otherwise. */
static long long parse_number(const char *s, long long min, long long max)
{
    long long v = 0;
    const char *c;

    if (*s == '\0' || strlen(s) > 12) {
        return -1;
    }
    for (c = s; *c != '\0'; c++) {
        if (*c < '0' || *c > '9') {
            return -1;
        }
        v = v * 10 + (*c - '0');
    }
    return v >= min && v <= max ? v : -1;
}

static const char *const status_names[] = {"registered", "active", "inactive",
                                           "password-change-needed", "rejected"};

static int status_from_name(const char *name)
{
    int i;

    for (i = 0; i < (int)(sizeof(status_names) / sizeof(status_names[0])); i++) {
        if (strcmp(status_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

static const char *status_name(apr_pool_t *p, const char *value)
{
    long long n = value != NULL ? apr_atoi64(value) : -1;

    return n >= 0 && n < 5 ? status_names[n] : apr_pstrdup(p, value != NULL ? value : "-");
}

/* The lookup key of a username: ASCII letters lowercased. */
static const char *username_key(apr_pool_t *p, const char *username)
{
    char *key = apr_pstrdup(p, username), *c;

    for (c = key; *c != '\0'; c++) {
        *c = (char)apr_tolower(*c);
    }
    return key;
}

/* ---------------------------------------------------------------- database */

/* Root on SQLite: become the owner of the database's directory before opening, so no
 * root-owned database, -wal or -shm file appears where the web server writes. */
static const char *directory_of(apr_pool_t *p, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL) {
        return ".";
    }
    return slash == path ? "/" : apr_pstrmemdup(p, path, (apr_size_t)(slash - path));
}

static int drop_privileges_for(authsvc_admin_t *ctx, const char *path)
{
    const char *dir = directory_of(ctx->pool, path);
    struct stat st;

    if (geteuid() != 0 || strcmp(path, ":memory:") == 0 || stat(dir, &st) != 0
        || st.st_uid == 0) {
        return AUTHSVC_ADMIN_OK;
    }
    if (setgroups(1, &st.st_gid) != 0 || setgid(st.st_gid) != 0 || setuid(st.st_uid) != 0) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE,
                    "cannot switch to the owner (uid %ld, gid %ld) "
                    "of %s: %s",
                    (long)st.st_uid, (long)st.st_gid, shown(ctx->pool, dir), strerror(errno));
    }
    if (setuid(0) == 0) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "could not give up root privileges");
    }
    return AUTHSVC_ADMIN_OK;
}

static const char *db_setting(apr_table_t *opts, const char *name, const char *from_ctx,
                              const char *env)
{
    const char *value = apr_table_get(opts, name);

    if (value == NULL) {
        value = from_ctx;
    }
    return value != NULL ? value : getenv(env);
}

/* Opens the database named by the options, the context or the environment. With
 * need_schema, refuses a database whose schema is older than this program's. */
static int open_db(authsvc_admin_t *ctx, const admin_command_t *cmd, apr_table_t *opts,
                   int need_schema, authsvc_db_t **db)
{
    const char *driver = db_setting(opts, "driver", ctx->driver, "AUTHSVC_DB_DRIVER");
    const char *params = db_setting(opts, "params", ctx->params, "AUTHSVC_DB_PARAMS");
    authsvc_dialect_t dialect;
    const char *error = NULL;
    int version = 0, latest, rc;
    authsvc_status_t st;

    if (driver == NULL || *driver == '\0' || params == NULL || *params == '\0') {
        return usage_error(ctx, cmd,
                           "no database: give --driver and --params, or set "
                           "AUTHSVC_DB_DRIVER and AUTHSVC_DB_PARAMS");
    }
    if (authsvc_db_dialect_from_driver(driver, &dialect) != AUTHSVC_OK) {
        return usage_error(ctx, cmd,
                           apr_psprintf(ctx->pool,
                                        "unsupported driver '%s' (use "
                                        "sqlite3 or pgsql)",
                                        shown(ctx->pool, driver)));
    }
    rc = dialect == AUTHSVC_DIALECT_SQLITE ? drop_privileges_for(ctx, params) : 0;
    if (rc != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    if (authsvc_db_open(ctx->pool, driver, params, db, &error) != AUTHSVC_OK) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "cannot open the %s database: %s", driver,
                    shown(ctx->pool, error != NULL ? error : "unknown error"));
    }
    if (!need_schema) {
        return AUTHSVC_ADMIN_OK;
    }
    st = authsvc_db_schema_version(*db, ctx->pool, &version);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, *db, st, NULL);
    }
    latest = authsvc_migrate_latest(authsvc_migrations, authsvc_migrations_count, dialect);
    if (version < latest) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE,
                    "the database schema is at version %d, this "
                    "program needs %d: run '" PROGRAM " migrate'",
                    version, latest);
    }
    return AUTHSVC_ADMIN_OK;
}

/* The outcome of a look-up of key: 0 when it found it, 1 after reporting its absence
 * (missing, printf-style with one %s for the shown key) or a database failure. */
static int found(authsvc_admin_t *ctx, authsvc_db_t *db, authsvc_status_t st,
                 const char *missing, const char *key)
{
    if (st == AUTHSVC_NOT_FOUND) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, missing, shown(ctx->pool, key));
    }
    return st == AUTHSVC_OK ? AUTHSVC_ADMIN_OK : db_failure(ctx, db, st, NULL);
}

/* The outcome of a look-up of key that should find nothing: 0 when it found nothing, 1
 * after reporting that it exists (exists has one %s for the shown key) or a database
 * failure. */
static int absent(authsvc_admin_t *ctx, authsvc_db_t *db, authsvc_status_t st,
                  const char *exists, const char *key)
{
    if (st == AUTHSVC_OK) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, exists, shown(ctx->pool, key));
    }
    return st == AUTHSVC_NOT_FOUND ? AUTHSVC_ADMIN_OK : db_failure(ctx, db, st, NULL);
}

/* The user named username (any case) into *user; reports an unknown user or a database
 * failure. */
static int find_user(authsvc_admin_t *ctx, authsvc_db_t *db, const char *username,
                     authsvc_db_user_t *user)
{
    authsvc_status_t st = authsvc_db_user_by_username(db, ctx->pool, username, user);

    if (st == AUTHSVC_NOT_FOUND) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "unknown user '%s'",
                    shown(ctx->pool, username_key(ctx->pool, username)));
    }
    return st == AUTHSVC_OK ? AUTHSVC_ADMIN_OK : db_failure(ctx, db, st, NULL);
}

typedef authsvc_status_t (*write_fn)(authsvc_db_t *db, apr_pool_t *p, void *data);

/* Runs fn in one transaction: all of it is written, or none. */
static authsvc_status_t write_all(authsvc_db_t *db, apr_pool_t *p, write_fn fn, void *data)
{
    authsvc_status_t st = authsvc_db_begin(db, p);

    if (st != AUTHSVC_OK) {
        return st;
    }
    st = fn(db, p, data);
    if (st != AUTHSVC_OK) {
        authsvc_db_rollback(db);
        return st;
    }
    return authsvc_db_commit(db);
}

/* ---------------------------------------------------------------- migrate */

int authsvc_admin_migrate(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command(NULL, "migrate");
    authsvc_migrate_result_t result;
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = parse_command(ctx, NULL, "migrate", argc, argv, &opts);

    if (rc != PARSED || (rc = open_db(ctx, cmd, opts, 0, &db)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_migrate(db, ctx->pool, &result);
    if (st != AUTHSVC_OK && result.failed != NULL) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE,
                    "migration %s failed and was rolled back, the "
                    "schema stays at version %d: %s",
                    result.failed, result.to_version,
                    shown(ctx->pool, first_line(ctx->pool, db->error)));
    }
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    if (result.applied == 0) {
        fprintf(ctx->out, "schema is at version %d: nothing to do\n", result.to_version);
    } else {
        fprintf(ctx->out, "schema migrated from version %d to %d (%d migration%s applied)\n",
                result.from_version, result.to_version, result.applied,
                result.applied == 1 ? "" : "s");
    }
    if (result.journal_mode != NULL) {
        fprintf(ctx->out, "journal mode: %s\n", result.journal_mode);
    }
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- purge */

int authsvc_admin_purge(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command(NULL, "purge");
    authsvc_purge_counts_t n = {0};
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = parse_command(ctx, NULL, "purge", argc, argv, &opts);

    if (rc != PARSED || (rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_purge_expired(db, ctx->pool, authsvc_db_now_ms(), &n);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out,
            "purged %d auth codes, %d refresh tokens, %d revocations, "
            "%d login counters\n",
            n.auth_codes, n.refresh_tokens, n.revoked_tokens, n.login_attempts);
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- tenant add */

typedef struct {
    const char *id, *key, *name;
} tenant_input_t;

static authsvc_status_t tenant_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    tenant_input_t *in = data;
    authsvc_db_tenant_t tenant = {in->id, in->key, in->name, 1};

    return authsvc_db_tenant_create(db, p, &tenant);
}

int authsvc_admin_tenant_add(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("tenant", "add");
    authsvc_db_tenant_t existing;
    tenant_input_t in;
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = parse_command(ctx, "tenant", "add", argc, argv, &opts);

    if (rc != PARSED) {
        return rc;
    }
    in.key = apr_table_get(opts, "key");
    in.name = apr_table_get(opts, "name");
    if (!valid_token(in.key, AUTHSVC_NAME_LENGTH_MAX, "._-")) {
        return usage_error(ctx, cmd, "--key takes letters, digits, '.', '_', '-' (1 to 255)");
    }
    if (!valid_text(in.name, AUTHSVC_NAME_LENGTH_MAX)) {
        return usage_error(ctx, cmd,
                           "--name must be 1 to 255 bytes without control "
                           "characters or blanks at either end");
    }
    if ((rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK
        || (rc = absent(ctx, db, authsvc_db_tenant_by_key(db, ctx->pool, in.key, &existing),
                        "tenant '%s' exists", in.key))
               != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    if ((in.id = authsvc_uuid_v4(ctx->pool)) == NULL) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "the random generator failed");
    }
    st = write_all(db, ctx->pool, tenant_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st,
                          apr_psprintf(ctx->pool, "tenant '%s' exists",
                                       shown(ctx->pool, in.key)));
    }
    fprintf(ctx->out, "added tenant '%s' (id %s)\n", in.key, in.id);
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- role add */

typedef struct {
    const char *id, *tenant_id, *name;
    apr_array_header_t *permissions;
} role_input_t;

static authsvc_status_t role_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    role_input_t *in = data;
    authsvc_db_role_new_t role = {in->id, in->tenant_id, in->name, in->permissions};

    return authsvc_db_role_create(db, p, &role);
}

static int role_validate(authsvc_admin_t *ctx, const admin_command_t *cmd, role_input_t *in)
{
    int i;

    if (!valid_text(in->name, AUTHSVC_NAME_LENGTH_MAX)) {
        return usage_error(ctx, cmd,
                           "--name must be 1 to 255 bytes without control "
                           "characters or blanks at either end");
    }
    for (i = 0; i < in->permissions->nelts; i++) {
        const char *perm = APR_ARRAY_IDX(in->permissions, i, const char *);
        if (!valid_token(perm, AUTHSVC_NAME_LENGTH_MAX, "._:-")) {
            return usage_error(ctx, cmd,
                               apr_psprintf(ctx->pool, "invalid permission '%s'",
                                            shown(ctx->pool, perm)));
        }
    }
    return AUTHSVC_ADMIN_OK;
}

int authsvc_admin_role_add(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("role", "add");
    role_input_t in;
    authsvc_db_t *db = NULL;
    authsvc_db_tenant_t tenant;
    authsvc_db_role_t existing;
    apr_table_t *opts;
    authsvc_status_t st;
    const char *key;
    int rc = parse_command(ctx, "role", "add", argc, argv, &opts);

    if (rc != PARSED) {
        return rc;
    }
    key = apr_table_get(opts, "tenant");
    in.name = apr_table_get(opts, "name");
    in.permissions = option_values(ctx->pool, opts, "permission");
    if ((rc = role_validate(ctx, cmd, &in)) != AUTHSVC_ADMIN_OK
        || (rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK
        || (rc = found(ctx, db, authsvc_db_tenant_by_key(db, ctx->pool, key, &tenant),
                       "unknown tenant '%s'", key))
               != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    in.tenant_id = tenant.id;
    st = authsvc_db_role_by_name(db, ctx->pool, in.tenant_id, in.name, &existing);
    if ((rc = absent(ctx, db, st, "role '%s' exists in that tenant", in.name))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    if ((in.id = authsvc_uuid_v4(ctx->pool)) == NULL) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "the random generator failed");
    }
    st = write_all(db, ctx->pool, role_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, "the role exists already");
    }
    fprintf(ctx->out, "added role '%s' to tenant '%s' with %d permission%s (id %s)\n", in.name,
            key, in.permissions->nelts, in.permissions->nelts == 1 ? "" : "s", in.id);
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- client add */

typedef struct {
    const char *client_id, *redirect_url, *secret, *secret_hash;
    long long access_ttl, refresh_ttl, code_ttl;
    int is_public;
} client_input_t;

static authsvc_status_t client_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    client_input_t *in = data;
    authsvc_db_client_t client = {
        in->client_id,    in->secret_hash, in->is_public ? "public" : "confidential",
        in->redirect_url, in->access_ttl,  in->refresh_ttl,
        in->code_ttl};

    return authsvc_db_client_create(db, p, &client);
}

/* A lifetime option: its value in [1, max], the default when absent, -1 when bad. */
static long long ttl_option(apr_table_t *opts, const char *name, long long dflt, long long max)
{
    const char *value = apr_table_get(opts, name);

    return value == NULL ? dflt : parse_number(value, 1, max);
}

static int client_validate(authsvc_admin_t *ctx, const admin_command_t *cmd, apr_table_t *opts,
                           client_input_t *in)
{
    in->client_id = apr_table_get(opts, "client-id");
    in->redirect_url = apr_table_get(opts, "redirect-url");
    in->is_public = apr_table_get(opts, "public") != NULL;
    in->access_ttl = ttl_option(opts, "access-ttl", AUTHSVC_ACCESS_TTL_DEFAULT,
                                AUTHSVC_ACCESS_TTL_MAX);
    in->refresh_ttl = ttl_option(opts, "refresh-ttl", AUTHSVC_REFRESH_TTL_DEFAULT,
                                 AUTHSVC_REFRESH_TTL_MAX);
    in->code_ttl = ttl_option(opts, "code-ttl", AUTHSVC_AUTH_CODE_TTL_DEFAULT,
                              AUTHSVC_AUTH_CODE_TTL_MAX);
    if (!valid_token(in->client_id, AUTHSVC_NAME_LENGTH_MAX, "._-")) {
        return usage_error(ctx, cmd,
                           "--client-id takes letters, digits, '.', '_', '-' "
                           "(1 to 255)");
    }
    if (in->redirect_url != NULL && !valid_url(ctx->pool, in->redirect_url)) {
        return usage_error(ctx, cmd,
                           "--redirect-url must be an absolute http or https URL "
                           "without a fragment");
    }
    if (in->access_ttl < 0 || in->refresh_ttl < 0 || in->code_ttl < 0) {
        return usage_error(
            ctx, cmd,
            apr_psprintf(ctx->pool,
                         "lifetimes are whole seconds: "
                         "--access-ttl 1 to %d, --refresh-ttl 1 to %d, --code-ttl 1 to %d",
                         AUTHSVC_ACCESS_TTL_MAX, AUTHSVC_REFRESH_TTL_MAX,
                         AUTHSVC_AUTH_CODE_TTL_MAX));
    }
    return AUTHSVC_ADMIN_OK;
}

static int client_make_secret(authsvc_admin_t *ctx, client_input_t *in)
{
    in->secret = NULL;
    in->secret_hash = NULL;
    if (in->is_public) {
        return AUTHSVC_ADMIN_OK;
    }
    in->secret = authsvc_random_token(ctx->pool, CLIENT_SECRET_BYTES);
    if (in->secret == NULL
        || authsvc_secret_hash(ctx->pool, in->secret, strlen(in->secret), &in->secret_hash)
               != AUTHSVC_OK) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "cannot make a client secret");
    }
    return AUTHSVC_ADMIN_OK;
}

int authsvc_admin_client_add(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("client", "add");
    authsvc_db_client_t existing;
    client_input_t in;
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = parse_command(ctx, "client", "add", argc, argv, &opts);

    if (rc != PARSED || (rc = client_validate(ctx, cmd, opts, &in)) != AUTHSVC_ADMIN_OK
        || (rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK
        || (rc = absent(ctx, db,
                        authsvc_db_client_by_id(db, ctx->pool, in.client_id, &existing),
                        "client '%s' exists", in.client_id))
               != AUTHSVC_ADMIN_OK
        || (rc = client_make_secret(ctx, &in)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = write_all(db, ctx->pool, client_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st,
                          apr_psprintf(ctx->pool, "client '%s' exists", in.client_id));
    }
    fprintf(ctx->out, "added %s client '%s'\n", in.is_public ? "public" : "confidential",
            in.client_id);
    if (in.secret != NULL) {
        fprintf(ctx->out,
                "client_secret: %s\n"
                "Store the secret now: only its hash is kept, it cannot be shown again.\n",
                in.secret);
        OPENSSL_cleanse((char *)in.secret, strlen(in.secret));
    }
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- user add */

typedef struct {
    const char *id, *username, *email, *first_name, *last_name;
    const char *tenant_key, *tenant_id, *role_name, *role_id, *password_hash;
    apr_array_header_t *clients;
    int status;
} user_input_t;

static authsvc_status_t user_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    user_input_t *in = data;
    authsvc_user_new_t u = {in->id,     in->username,  in->email,         in->first_name,
                            NULL,       in->last_name, in->tenant_id,     in->role_id,
                            in->status, in->clients,   in->password_hash, NULL,
                            NULL};
    const char *id = NULL;

    return authsvc_db_user_create(db, p, &u, &id);
}

static int user_validate(authsvc_admin_t *ctx, const admin_command_t *cmd, apr_table_t *opts,
                         user_input_t *in)
{
    const char *status = apr_table_get(opts, "status");

    memset(in, 0, sizeof(*in));
    in->username = apr_table_get(opts, "username");
    in->email = apr_table_get(opts, "email");
    in->first_name = apr_table_get(opts, "first-name");
    in->last_name = apr_table_get(opts, "last-name");
    in->tenant_key = apr_table_get(opts, "tenant");
    in->role_name = apr_table_get(opts, "role");
    in->clients = option_values(ctx->pool, opts, "client");
    in->status = status_from_name(status != NULL ? status : "active");
    if (!valid_text(in->username, AUTHSVC_NAME_LENGTH_MAX)) {
        return usage_error(ctx, cmd,
                           "--username must be 1 to 255 bytes without control "
                           "characters or blanks at either end");
    }
    if (in->email != NULL && !valid_email(in->email)) {
        return usage_error(ctx, cmd, "--email is not an email address");
    }
    if ((in->first_name != NULL && !valid_text(in->first_name, AUTHSVC_NAME_LENGTH_MAX))
        || (in->last_name != NULL && !valid_text(in->last_name, AUTHSVC_NAME_LENGTH_MAX))) {
        return usage_error(ctx, cmd,
                           "names must be 1 to 255 bytes without control "
                           "characters or blanks at either end");
    }
    if (in->status < 0) {
        return usage_error(ctx, cmd,
                           "--status is one of active, registered, inactive, "
                           "password-change-needed, rejected");
    }
    if (apr_table_get(opts, "no-password") != NULL
        && apr_table_get(opts, "password-stdin") != NULL) {
        return usage_error(ctx, cmd, "--no-password and --password-stdin exclude each other");
    }
    return AUTHSVC_ADMIN_OK;
}

/* Checks that the tenant, role and clients exist and the username is free. */
static int user_resolve(authsvc_admin_t *ctx, authsvc_db_t *db, user_input_t *in)
{
    authsvc_db_tenant_t tenant;
    authsvc_db_role_t role;
    authsvc_db_client_t client;
    authsvc_db_user_t user;
    const char *key = username_key(ctx->pool, in->username), *client_id;
    int rc, i;

    if ((rc = found(ctx, db, authsvc_db_tenant_by_key(db, ctx->pool, in->tenant_key, &tenant),
                    "unknown tenant '%s'", in->tenant_key))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    in->tenant_id = tenant.id;
    if ((rc = found(ctx, db,
                    authsvc_db_role_by_name(db, ctx->pool, in->tenant_id, in->role_name, &role),
                    "unknown role '%s' in that tenant", in->role_name))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    in->role_id = role.id;
    for (i = 0; i < in->clients->nelts; i++) {
        client_id = APR_ARRAY_IDX(in->clients, i, const char *);
        if ((rc = found(ctx, db, authsvc_db_client_by_id(db, ctx->pool, client_id, &client),
                        "unknown client '%s'", client_id))
            != AUTHSVC_ADMIN_OK) {
            return rc;
        }
    }
    return absent(ctx, db, authsvc_db_user_by_username(db, ctx->pool, key, &user),
                  "a user named '%s' exists", key);
}

/* Reads one line (without its end) into buf[size]: 0, or -1 when longer than size - 1
 * bytes or holding a NUL byte. */
static int read_line(FILE *f, char *buf, apr_size_t size, apr_size_t *len)
{
    int c;

    *len = 0;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (c == '\0' || *len + 1 >= size) {
            return -1;
        }
        buf[(*len)++] = (char)c;
    }
    if (*len > 0 && buf[*len - 1] == '\r') {
        (*len)--;
    }
    buf[*len] = '\0';
    return 0;
}

/* Asks on the terminal with echo off. 0, or -1 when there is no terminal or the line is
 * too long. */
static int read_password_tty(const char *prompt, char *buf, apr_size_t size, apr_size_t *len)
{
    FILE *tty = fopen("/dev/tty", "r+");
    struct termios saved, quiet;
    int echo_off = 0, rc;

    if (tty == NULL) {
        return -1;
    }
    fputs(prompt, tty);
    fflush(tty);
    if (tcgetattr(fileno(tty), &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        echo_off = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
    }
    rc = read_line(tty, buf, size, len);
    if (echo_off) {
        tcsetattr(fileno(tty), TCSAFLUSH, &saved);
    }
    fputc('\n', tty);
    fclose(tty);
    return rc;
}

/* The longest password the policy can accept, its line end and a NUL. */
#define PASSWORD_BUFFER (AUTHSVC_PASSWORD_POLICY_MAX_BYTES + 2)

/* The server's password policy: --min-length, and the blocklist named by --blocklist, the
 * environment, or the path authsvc.conf names. A blocklist that cannot be read is an error,
 * never a silent pass: the CLI must refuse what the server refuses. */
static int password_policy_load(authsvc_admin_t *ctx, const admin_command_t *cmd,
                                apr_table_t *opts, authsvc_password_policy_t *policy)
{
    const char *path = apr_table_get(opts, "blocklist");
    const char *min_text = apr_table_get(opts, "min-length");
    const char *why = NULL;
    long long min = AUTHSVC_PASSWORD_POLICY_MIN_LENGTH;
    apr_hash_t *list = NULL;

    if (min_text != NULL
        && (min = parse_number(min_text, AUTHSVC_PASSWORD_POLICY_MIN_LENGTH,
                               AUTHSVC_PASSWORD_POLICY_MAX_LENGTH))
               < 0) {
        return usage_error(
            ctx, cmd,
            "--min-length is a number from " XSTR(AUTHSVC_PASSWORD_POLICY_MIN_LENGTH) " to " XSTR(
                AUTHSVC_PASSWORD_POLICY_MAX_LENGTH));
    }
    if (path == NULL || *path == '\0') {
        path = getenv("AUTHSVC_PASSWORD_BLOCKLIST");
    }
    if (path == NULL || *path == '\0') {
        path = AUTHSVC_PASSWORD_BLOCKLIST_DEFAULT;
    }
    if (authsvc_password_blocklist_load(ctx->pool, path, &list, &why) != AUTHSVC_OK) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE,
                    "%s (name the server's list with --blocklist "
                    "FILE)",
                    shown(ctx->pool, why != NULL ? why : path));
    }
    if (authsvc_password_policy_init(ctx->pool, policy, (unsigned)min, list) != AUTHSVC_OK) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "cannot set up the password policy");
    }
    return AUTHSVC_ADMIN_OK;
}

/* Reads a password (stdin or, asked twice, the terminal), checks it against the policy and
 * hashes it into *hash. */
static int password_read(authsvc_admin_t *ctx, const authsvc_password_policy_t *policy,
                         const char *username, int from_stdin, const char **hash)
{
    char first[PASSWORD_BUFFER], second[PASSWORD_BUFFER];
    apr_size_t len = 0, len2 = 0;
    const char *why = NULL;
    int rc = AUTHSVC_ADMIN_OK;

    if (from_stdin ? read_line(ctx->in, first, sizeof(first), &len) != 0
                   : read_password_tty("Password: ", first, sizeof(first), &len) != 0) {
        rc = fail(ctx, AUTHSVC_ADMIN_FAILURE,
                  from_stdin
                      ? "the password is longer than " XSTR(
                          AUTHSVC_PASSWORD_POLICY_MAX_LENGTH) " characters or holds a NUL byte"
                      : "cannot read the password from the terminal (use --password-stdin)");
    } else if (authsvc_password_policy_check(policy, username, first, len, &why)
               != AUTHSVC_OK) {
        rc = fail(ctx, AUTHSVC_ADMIN_FAILURE, "%s", why);
    } else if (!from_stdin
               && (read_password_tty("Repeat password: ", second, sizeof(second), &len2) != 0
                   || len2 != len || CRYPTO_memcmp(first, second, len) != 0)) {
        rc = fail(ctx, AUTHSVC_ADMIN_FAILURE, "the passwords do not match");
    } else if (authsvc_password_hash(ctx->pool, first, len, NULL, hash) != AUTHSVC_OK) {
        rc = fail(ctx, AUTHSVC_ADMIN_FAILURE, "cannot hash the password");
    }
    OPENSSL_cleanse(first, sizeof(first));
    OPENSSL_cleanse(second, sizeof(second));
    return rc;
}

static int user_make_ids(authsvc_admin_t *ctx, user_input_t *in)
{
    in->id = authsvc_uuid_v4(ctx->pool);
    if (in->id == NULL) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "the random generator failed");
    }
    return AUTHSVC_ADMIN_OK;
}

int authsvc_admin_user_add(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("user", "add");
    authsvc_password_policy_t policy;
    user_input_t in;
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = parse_command(ctx, "user", "add", argc, argv, &opts), with_password;

    if (rc != PARSED || (rc = user_validate(ctx, cmd, opts, &in)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    with_password = apr_table_get(opts, "no-password") == NULL;
    /* the blocklist is read before open_db may switch to the database's owner */
    if ((with_password
         && (rc = password_policy_load(ctx, cmd, opts, &policy)) != AUTHSVC_ADMIN_OK)
        || (rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK
        || (rc = user_resolve(ctx, db, &in)) != AUTHSVC_ADMIN_OK
        || (rc = user_make_ids(ctx, &in)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    if (with_password
        && (rc = password_read(ctx, &policy, in.username,
                               apr_table_get(opts, "password-stdin") != NULL,
                               &in.password_hash))
               != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = write_all(db, ctx->pool, user_write, &in);
    if (st == AUTHSVC_NO_MEMORY) { /* the ids of its credential and membership */
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "the random generator failed");
    }
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st,
                          apr_psprintf(ctx->pool, "a user named '%s' exists",
                                       shown(ctx->pool, in.username)));
    }
    fprintf(ctx->out, "added user '%s' (id %s) to tenant '%s' as '%s', status %s%s\n",
            in.username, in.id, in.tenant_key, in.role_name, status_names[in.status],
            in.password_hash != NULL ? "" : ", no password");
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- listing: text or JSON */

/* How a field of a listing's row (a struct from src/db/) reads: its C type, and how it
 * is shown. */
typedef enum {
    COL_TEXT,          /* const char *: text, or null */
    COL_NUMBER,        /* long long: an integer */
    COL_TIME,          /* long long, epoch ms: ISO 8601 UTC; 0 is null */
    COL_LOCK,          /* long long, epoch ms of a lock: ISO 8601 while in the future */
    COL_USER_STATUS,   /* int, user_tenants.status: its name; negative (none) is null */
    COL_TENANT_STATUS, /* int, tenants.status: active or disabled */
    COL_FLAG           /* int, 0 or 1: false or true */
} column_kind_t;

typedef struct {
    const char *name; /* the JSON key; upper case, the text header */
    size_t offset;    /* of the field in the row's struct */
    column_kind_t kind;
} column_t;

/* clang-format off */
#define COLUMN(name, type, field, kind) {name, offsetof(type, field), kind}
#define COLUMNS_END {NULL, 0, COL_TEXT}
/* clang-format on */

static cJSON *column_value(authsvc_admin_t *ctx, const void *row, const column_t *col)
{
    const void *field = (const char *)row + col->offset;
    const char *text = col->kind == COL_TEXT ? *(const char *const *)field : NULL;
    long long n = col->kind == COL_NUMBER || col->kind == COL_TIME || col->kind == COL_LOCK
                      ? *(const long long *)field
                      : 0;
    int i = col->kind >= COL_USER_STATUS ? *(const int *)field : 0;

    switch (col->kind) {
    case COL_TEXT: return text != NULL ? cJSON_CreateString(text) : cJSON_CreateNull();
    case COL_NUMBER: return cJSON_CreateNumber((double)n);
    case COL_TIME:
        return n > 0 ? cJSON_CreateString(authsvc_iso8601_format(ctx->pool, n))
                     : cJSON_CreateNull();
    case COL_LOCK:
        return n > authsvc_db_now_ms()
                   ? cJSON_CreateString(authsvc_iso8601_format(ctx->pool, n))
                   : cJSON_CreateNull();
    case COL_USER_STATUS:
        return i >= 0 ? cJSON_CreateString(status_name(ctx->pool, apr_itoa(ctx->pool, i)))
                      : cJSON_CreateNull();
    case COL_TENANT_STATUS: return cJSON_CreateString(i == 1 ? "active" : "disabled");
    default: return cJSON_CreateBool(i != 0);
    }
}

/* One row as an object of the columns' values. */
static cJSON *row_object(authsvc_admin_t *ctx, const void *row, const column_t *cols)
{
    cJSON *obj = cJSON_CreateObject();

    for (; obj != NULL && cols->name != NULL; cols++) {
        cJSON_AddItemToObject(obj, cols->name, column_value(ctx, row, cols));
    }
    return obj;
}

/* The element i of rows. */
static const void *row_at(const apr_array_header_t *rows, int i)
{
    return rows->elts + (apr_size_t)i * (apr_size_t)rows->elt_size;
}

/* Every row as an array of objects, owned by the pool. */
static cJSON *rows_array(authsvc_admin_t *ctx, const apr_array_header_t *rows,
                         const column_t *cols)
{
    cJSON *all = authsvc_json_own(ctx->pool, cJSON_CreateArray());
    int i;

    for (i = 0; all != NULL && i < rows->nelts; i++) {
        cJSON_AddItemToArray(all, row_object(ctx, row_at(rows, i), cols));
    }
    return all;
}

/* A value on one line of text: null is '-', true and false yes and no. */
static const char *value_text(apr_pool_t *p, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        return shown(p, v->valuestring);
    }
    if (cJSON_IsNumber(v)) {
        return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)v->valuedouble);
    }
    if (cJSON_IsBool(v)) {
        return cJSON_IsTrue(v) ? "yes" : "no";
    }
    return "-";
}

static void print_json(authsvc_admin_t *ctx, const cJSON *item)
{
    const char *text = item != NULL ? authsvc_json_print(ctx->pool, item) : NULL;

    fprintf(ctx->out, "%s\n", text != NULL ? text : "null");
}

/* A header of the column names in upper case, then one tab-separated line per object. */
static void print_table(authsvc_admin_t *ctx, const column_t *cols, const cJSON *rows)
{
    const column_t *c;
    const cJSON *obj;

    for (c = cols; c->name != NULL; c++) {
        char *upper = apr_pstrdup(ctx->pool, c->name), *s;
        for (s = upper; *s != '\0'; s++) {
            *s = (char)apr_toupper(*s);
        }
        fprintf(ctx->out, "%s%s", c == cols ? "" : "\t", upper);
    }
    fputc('\n', ctx->out);
    cJSON_ArrayForEach(obj, rows)
    {
        for (c = cols; c->name != NULL; c++) {
            fprintf(ctx->out, "%s%s", c == cols ? "" : "\t",
                    value_text(ctx->pool, cJSON_GetObjectItemCaseSensitive(obj, c->name)));
        }
        fputc('\n', ctx->out);
    }
}

/* A record as "name: value" lines; a list of values on one line, comma-separated; a list
 * of objects one indented line each. */
static void print_record(authsvc_admin_t *ctx, const cJSON *record)
{
    const cJSON *field, *item, *part;

    cJSON_ArrayForEach(field, record)
    {
        if (!cJSON_IsArray(field)) {
            fprintf(ctx->out, "%s: %s\n", field->string, value_text(ctx->pool, field));
            continue;
        }
        fprintf(ctx->out, "%s:%s", field->string, cJSON_GetArraySize(field) == 0 ? " -" : "");
        cJSON_ArrayForEach(item, field)
        {
            if (!cJSON_IsObject(item)) {
                fprintf(ctx->out, "%s%s", item == field->child ? " " : ", ",
                        value_text(ctx->pool, item));
                continue;
            }
            fputs("\n ", ctx->out);
            cJSON_ArrayForEach(part, item)
            {
                fprintf(ctx->out, " %s=%s", part->string, value_text(ctx->pool, part));
            }
        }
        fputc('\n', ctx->out);
    }
}

/* Prints the rows a listing helper answered (st) as a table, or as a JSON array. */
static int list_rows(authsvc_admin_t *ctx, authsvc_db_t *db, apr_table_t *opts,
                     authsvc_status_t st, const apr_array_header_t *rows, const column_t *cols)
{
    cJSON *all;

    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    all = rows_array(ctx, rows, cols);
    if (all == NULL) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "out of memory");
    }
    if (apr_table_get(opts, "json") != NULL) {
        print_json(ctx, all);
    } else {
        print_table(ctx, cols, all);
    }
    return AUTHSVC_ADMIN_OK;
}

/* The row as an object (1 after reporting a failure). */
static int record_of(authsvc_admin_t *ctx, const void *row, const column_t *cols,
                     cJSON **record)
{
    *record = authsvc_json_own(ctx->pool, row_object(ctx, row, cols));
    return *record != NULL ? AUTHSVC_ADMIN_OK
                           : fail(ctx, AUTHSVC_ADMIN_FAILURE, "out of memory");
}

/* Adds the rows a helper answered (st) to record as the array name: objects, or the
 * values of a single column; 1 after a database failure. */
static int record_add_rows(authsvc_admin_t *ctx, authsvc_db_t *db, cJSON *record,
                           const char *name, authsvc_status_t st,
                           const apr_array_header_t *rows, const column_t *cols)
{
    cJSON *list = cJSON_AddArrayToObject(record, name);
    int i;

    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    for (i = 0; i < rows->nelts; i++) {
        cJSON_AddItemToArray(list, cols[1].name != NULL
                                       ? row_object(ctx, row_at(rows, i), cols)
                                       : column_value(ctx, row_at(rows, i), cols));
    }
    return AUTHSVC_ADMIN_OK;
}

static int print_shown(authsvc_admin_t *ctx, apr_table_t *opts, const cJSON *record)
{
    if (apr_table_get(opts, "json") != NULL) {
        print_json(ctx, record);
    } else {
        print_record(ctx, record);
    }
    return AUTHSVC_ADMIN_OK;
}

/* Parses the command's options and opens the database: PARSED, or the exit code. */
static int command_start(authsvc_admin_t *ctx, const char *group, const char *name, int argc,
                         const char *const *argv, apr_table_t **opts, authsvc_db_t **db)
{
    int rc = parse_command(ctx, group, name, argc, argv, opts);

    if (rc != PARSED) {
        return rc;
    }
    rc = open_db(ctx, find_command(group, name), *opts, 1, db);
    return rc == AUTHSVC_ADMIN_OK ? PARSED : rc;
}

typedef authsvc_status_t (*list_fn)(authsvc_db_t *db, apr_pool_t *p, apr_array_header_t **rows);

/* A list command without filters: every row fn answers. */
static int list_all(authsvc_admin_t *ctx, const char *group, const char *name, int argc,
                    const char *const *argv, list_fn fn, const column_t *cols)
{
    authsvc_db_t *db = NULL;
    apr_array_header_t *rows = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = command_start(ctx, group, name, argc, argv, &opts, &db);

    if (rc != PARSED) {
        return rc;
    }
    st = fn(db, ctx->pool, &rows);
    return list_rows(ctx, db, opts, st, rows, cols);
}

/* Whether the tenant key exists (1 after reporting it does not). */
static int tenant_known(authsvc_admin_t *ctx, authsvc_db_t *db, const char *key)
{
    authsvc_db_tenant_t tenant;

    return found(ctx, db, authsvc_db_tenant_by_key(db, ctx->pool, key, &tenant),
                 "unknown tenant '%s'", key);
}

/* ---------------------------------------------------------------- tenant, role, client listings */

static const column_t tenant_columns[] = {
    COLUMN("key", authsvc_db_tenant_summary_t, key, COL_TEXT),
    COLUMN("name", authsvc_db_tenant_summary_t, name, COL_TEXT),
    COLUMN("status", authsvc_db_tenant_summary_t, status, COL_TENANT_STATUS),
    COLUMN("roles", authsvc_db_tenant_summary_t, roles, COL_NUMBER),
    COLUMN("members", authsvc_db_tenant_summary_t, members, COL_NUMBER),
    COLUMN("id", authsvc_db_tenant_summary_t, id, COL_TEXT),
    COLUMN("created", authsvc_db_tenant_summary_t, created_at, COL_TIME),
    COLUMNS_END};
static const column_t role_columns[] = {
    COLUMN("tenant", authsvc_db_role_summary_t, tenant_key, COL_TEXT),
    COLUMN("name", authsvc_db_role_summary_t, name, COL_TEXT),
    COLUMN("permissions", authsvc_db_role_summary_t, permissions, COL_NUMBER),
    COLUMN("members", authsvc_db_role_summary_t, members, COL_NUMBER),
    COLUMN("id", authsvc_db_role_summary_t, id, COL_TEXT),
    COLUMN("created", authsvc_db_role_summary_t, created_at, COL_TIME),
    COLUMNS_END};
static const column_t role_name_column[] = {COLUMN("name", authsvc_db_role_summary_t, name,
                                                   COL_TEXT),
                                            COLUMNS_END};
/* rows of const char *: the one field is at offset 0 */
static const column_t text_column[] = {{"value", 0, COL_TEXT}, COLUMNS_END};
static const column_t client_columns[] = {
    COLUMN("client_id", authsvc_db_client_summary_t, client_id, COL_TEXT),
    COLUMN("type", authsvc_db_client_summary_t, type, COL_TEXT),
    COLUMN("redirect_url", authsvc_db_client_summary_t, redirect_url, COL_TEXT),
    COLUMN("access_ttl", authsvc_db_client_summary_t, access_ttl, COL_NUMBER),
    COLUMN("refresh_ttl", authsvc_db_client_summary_t, refresh_ttl, COL_NUMBER),
    COLUMN("code_ttl", authsvc_db_client_summary_t, code_ttl, COL_NUMBER),
    COLUMN("users", authsvc_db_client_summary_t, users, COL_NUMBER),
    COLUMN("created", authsvc_db_client_summary_t, created_at, COL_TIME),
    COLUMNS_END};

int authsvc_admin_tenant_list(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    return list_all(ctx, "tenant", "list", argc, argv, authsvc_db_tenant_summaries,
                    tenant_columns);
}

int authsvc_admin_tenant_show(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    authsvc_db_tenant_summary_t tenant;
    apr_array_header_t *roles = NULL;
    apr_table_t *opts;
    cJSON *record = NULL;
    authsvc_status_t st;
    const char *key;
    int rc = command_start(ctx, "tenant", "show", argc, argv, &opts, &db);

    if (rc != PARSED) {
        return rc;
    }
    key = apr_table_get(opts, "key");
    if ((rc = found(ctx, db, authsvc_db_tenant_summary(db, ctx->pool, key, &tenant),
                    "unknown tenant '%s'", key))
            != AUTHSVC_ADMIN_OK
        || (rc = record_of(ctx, &tenant, tenant_columns, &record)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_role_summaries(db, ctx->pool, key, &roles);
    rc = record_add_rows(ctx, db, record, "role_names", st, roles, role_name_column);
    return rc != AUTHSVC_ADMIN_OK ? rc : print_shown(ctx, opts, record);
}

int authsvc_admin_role_list(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    apr_array_header_t *roles = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    const char *tenant;
    int rc = command_start(ctx, "role", "list", argc, argv, &opts, &db);

    if (rc != PARSED) {
        return rc;
    }
    tenant = apr_table_get(opts, "tenant");
    if (tenant != NULL && (rc = tenant_known(ctx, db, tenant)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_role_summaries(db, ctx->pool, tenant, &roles);
    return list_rows(ctx, db, opts, st, roles, role_columns);
}

int authsvc_admin_role_show(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    authsvc_db_role_summary_t role;
    apr_array_header_t *perms = NULL;
    apr_table_t *opts;
    cJSON *record = NULL;
    authsvc_status_t st;
    const char *tenant, *name;
    int rc = command_start(ctx, "role", "show", argc, argv, &opts, &db);

    if (rc != PARSED) {
        return rc;
    }
    tenant = apr_table_get(opts, "tenant");
    name = apr_table_get(opts, "name");
    if ((rc = tenant_known(ctx, db, tenant)) != AUTHSVC_ADMIN_OK
        || (rc = found(ctx, db, authsvc_db_role_summary(db, ctx->pool, tenant, name, &role),
                       "unknown role '%s' in that tenant", name))
               != AUTHSVC_ADMIN_OK
        || (rc = record_of(ctx, &role, role_columns, &record)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_role_permissions(db, ctx->pool, role.id, &perms);
    rc = record_add_rows(ctx, db, record, "permission_names", st, perms, text_column);
    return rc != AUTHSVC_ADMIN_OK ? rc : print_shown(ctx, opts, record);
}

int authsvc_admin_client_list(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    return list_all(ctx, "client", "list", argc, argv, authsvc_db_client_summaries,
                    client_columns);
}

static int oidc_record_add(authsvc_admin_t *ctx, authsvc_db_t *db, const char *client_id,
                           cJSON *record);

int authsvc_admin_client_show(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    authsvc_db_client_summary_t client;
    apr_table_t *opts;
    cJSON *record = NULL;
    const char *client_id;
    int rc = command_start(ctx, "client", "show", argc, argv, &opts, &db);

    if (rc != PARSED) {
        return rc;
    }
    client_id = apr_table_get(opts, "client-id");
    if ((rc = found(ctx, db, authsvc_db_client_summary(db, ctx->pool, client_id, &client),
                    "unknown client '%s'", client_id))
            != AUTHSVC_ADMIN_OK
        || (rc = record_of(ctx, &client, client_columns, &record)) != AUTHSVC_ADMIN_OK
        || (rc = oidc_record_add(ctx, db, client_id, record)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    return print_shown(ctx, opts, record);
}

/* ---------------------------------------------------------------- user list, show */

static const column_t user_list_columns[] = {
    COLUMN("id", authsvc_db_user_summary_t, id, COL_TEXT),
    COLUMN("username", authsvc_db_user_summary_t, username, COL_TEXT),
    COLUMN("email", authsvc_db_user_summary_t, email, COL_TEXT),
    COLUMN("tenant", authsvc_db_user_summary_t, tenant_key, COL_TEXT),
    COLUMN("role", authsvc_db_user_summary_t, role, COL_TEXT),
    COLUMN("status", authsvc_db_user_summary_t, status, COL_USER_STATUS),
    COLUMN("failures", authsvc_db_user_summary_t, failures, COL_NUMBER),
    COLUMN("locked_until", authsvc_db_user_summary_t, locked_until, COL_LOCK),
    COLUMNS_END};
static const column_t user_columns[] = {
    COLUMN("id", authsvc_db_user_t, id, COL_TEXT),
    COLUMN("username", authsvc_db_user_t, username, COL_TEXT),
    COLUMN("email", authsvc_db_user_t, email, COL_TEXT),
    COLUMN("first_name", authsvc_db_user_t, first_name, COL_TEXT),
    COLUMN("last_name", authsvc_db_user_t, last_name, COL_TEXT),
    COLUMN("mfa_required", authsvc_db_user_t, mfa_required, COL_FLAG),
    COLUMN("last_login", authsvc_db_user_t, last_login, COL_TIME),
    COLUMN("created", authsvc_db_user_t, created_at, COL_TIME),
    COLUMNS_END};
static const column_t membership_columns[] = {
    COLUMN("tenant", authsvc_db_user_membership_t, tenant_key, COL_TEXT),
    COLUMN("role", authsvc_db_user_membership_t, role, COL_TEXT),
    COLUMN("status", authsvc_db_user_membership_t, status, COL_USER_STATUS), COLUMNS_END};
static const column_t identity_columns[] = {
    COLUMN("provider", authsvc_db_user_link_t, provider, COL_TEXT),
    COLUMN("subject", authsvc_db_user_link_t, subject, COL_TEXT),
    COLUMN("linked", authsvc_db_user_link_t, linked_at, COL_TIME), COLUMNS_END};
static const column_t lockout_columns[] = {
    COLUMN("source", authsvc_db_user_lockout_t, source, COL_TEXT),
    COLUMN("failures", authsvc_db_user_lockout_t, failures, COL_NUMBER),
    COLUMN("locked_until", authsvc_db_user_lockout_t, locked_until, COL_LOCK), COLUMNS_END};

int authsvc_admin_user_list(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    apr_array_header_t *users = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    const char *tenant;
    int rc = command_start(ctx, "user", "list", argc, argv, &opts, &db);

    if (rc != PARSED) {
        return rc;
    }
    tenant = apr_table_get(opts, "tenant");
    if (tenant != NULL && (rc = tenant_known(ctx, db, tenant)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_user_summaries(db, ctx->pool, tenant, &users);
    return list_rows(ctx, db, opts, st, users, user_list_columns);
}

/* The lists of user show: memberships, clients, identities, the account's lockout. */
static int user_show_lists(authsvc_admin_t *ctx, authsvc_db_t *db, cJSON *record,
                           const authsvc_db_user_t *user)
{
    apr_array_header_t *rows = NULL;
    authsvc_status_t st = authsvc_db_user_memberships(db, ctx->pool, user->id, &rows);
    int rc = record_add_rows(ctx, db, record, "tenants", st, rows, membership_columns);

    if (rc != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_user_clients(db, ctx->pool, user->id, &rows);
    if ((rc = record_add_rows(ctx, db, record, "clients", st, rows, text_column))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_user_links(db, ctx->pool, user->id, &rows);
    if ((rc = record_add_rows(ctx, db, record, "identities", st, rows, identity_columns))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_user_lockouts(db, ctx->pool, username_key(ctx->pool, user->username),
                                  &rows);
    return record_add_rows(ctx, db, record, "lockout", st, rows, lockout_columns);
}

int authsvc_admin_user_show(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    authsvc_db_user_t user;
    apr_table_t *opts;
    cJSON *record = NULL;
    authsvc_status_t st;
    int rc = command_start(ctx, "user", "show", argc, argv, &opts, &db), has = 0;

    if (rc != PARSED) {
        return rc;
    }
    if ((rc = find_user(ctx, db, apr_table_get(opts, "username"), &user)) != AUTHSVC_ADMIN_OK
        || (rc = record_of(ctx, &user, user_columns, &record)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_user_password(db, ctx->pool, user.id, NULL, &has);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    if (!cJSON_AddBoolToObject(record, "password", has)) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "out of memory");
    }
    rc = user_show_lists(ctx, db, record, &user);
    return rc != AUTHSVC_ADMIN_OK ? rc : print_shown(ctx, opts, record);
}

/* ---------------------------------------------------------------- user disable, enable, delete */

static authsvc_db_t *admin_context_db(authsvc_context_t *ctx)
{
    return ctx->glue;
}

/* The CLI reports through its own output: what a service logs is dropped. */
static void __attribute__((format(printf, 3, 4)))
admin_context_log(authsvc_context_t *ctx, authsvc_log_level_t level, const char *fmt, ...)
{
    (void)ctx;
    (void)level;
    (void)fmt;
}

/* The token services' context for a write of the CLI: its pool, a server configuration
 * without metrics (the CLI counts nothing), its connection db, no client and no
 * gateway cache to tell. Other nodes hear of the revocations from the database:
 * PostgreSQL's notification at commit, else their poll. */
static authsvc_context_t *admin_context(apr_pool_t *p, authsvc_db_t *db)
{
    authsvc_context_t *ctx = apr_pcalloc(p, sizeof(*ctx));

    ctx->pool = p;
    ctx->config = apr_pcalloc(p, sizeof(authsvc_server_config_t));
    ctx->db = admin_context_db;
    ctx->log = admin_context_log;
    ctx->glue = db;
    return ctx;
}

typedef struct {
    const char *user_id, *username_key;
    int disable, changed, cleared;
} account_input_t;

/* Ends every session of the user: refresh tokens, and their access tokens by jti. */
static authsvc_status_t account_sessions_end(authsvc_db_t *db, apr_pool_t *p,
                                             const account_input_t *in)
{
    return authsvc_tokens_revoke_user(admin_context(p, db), db, in->user_id, NULL);
}

/* The console's account service does it (admin_users.c), so it is written once. */
static authsvc_status_t account_status_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    account_input_t *in = data;

    return authsvc_console_users_status_apply(admin_context(p, db), db, NULL, in->user_id,
                                              in->disable, &in->changed);
}

static authsvc_status_t account_delete_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    account_input_t *in = data;
    authsvc_status_t st = account_sessions_end(db, p, in);

    if (st == AUTHSVC_OK) {
        st = authsvc_db_user_lockout_clear(db, p, in->username_key, &in->cleared);
    }
    return st == AUTHSVC_OK ? authsvc_db_user_delete(db, p, in->user_id, &in->changed) : st;
}

/* Parses, opens the database and finds the user named by --username. */
static int account_start(authsvc_admin_t *ctx, const char *name, int argc,
                         const char *const *argv, apr_table_t **opts, authsvc_db_t **db,
                         account_input_t *in, authsvc_password_policy_t *policy)
{
    const admin_command_t *cmd = find_command("user", name);
    authsvc_db_user_t user;
    int rc = parse_command(ctx, "user", name, argc, argv, opts);

    memset(in, 0, sizeof(*in));
    /* the blocklist is read before open_db may switch to the database's owner */
    if (rc != PARSED
        || (policy != NULL
            && (rc = password_policy_load(ctx, cmd, *opts, policy)) != AUTHSVC_ADMIN_OK)
        || (rc = open_db(ctx, cmd, *opts, 1, db)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    if ((rc = find_user(ctx, *db, apr_table_get(*opts, "username"), &user))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    in->user_id = user.id;
    in->username_key = username_key(ctx->pool, user.username);
    return PARSED;
}

static int account_status_change(authsvc_admin_t *ctx, const char *name, int argc,
                                 const char *const *argv)
{
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    account_input_t in;
    authsvc_status_t st;
    int rc = account_start(ctx, name, argc, argv, &opts, &db, &in, NULL), disable;

    if (rc != PARSED) {
        return rc;
    }
    disable = strcmp(name, "disable") == 0;
    in.disable = disable;
    st = write_all(db, ctx->pool, account_status_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out, "%s user '%s': %d membership%s changed%s\n",
            disable ? "disabled" : "enabled", shown(ctx->pool, apr_table_get(opts, "username")),
            in.changed, in.changed == 1 ? "" : "s", disable ? "; every session ended" : "");
    return AUTHSVC_ADMIN_OK;
}

int authsvc_admin_user_disable(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    return account_status_change(ctx, "disable", argc, argv);
}

int authsvc_admin_user_enable(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    return account_status_change(ctx, "enable", argc, argv);
}

int authsvc_admin_user_delete(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    account_input_t in;
    authsvc_status_t st;
    int rc = account_start(ctx, "delete", argc, argv, &opts, &db, &in, NULL);

    if (rc != PARSED) {
        return rc;
    }
    st = write_all(db, ctx->pool, account_delete_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out, "deleted user '%s' (id %s); every session ended\n",
            shown(ctx->pool, apr_table_get(opts, "username")), in.user_id);
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- user reset-password */

typedef struct {
    account_input_t account;
    const char *hash;
    int has_credential;
} reset_input_t;

/* The new password, every session ended, the lockout cleared, reset links retired: what
 * POST /auth/reset-password does. */
static authsvc_status_t reset_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    reset_input_t *in = data;
    authsvc_status_t st = authsvc_db_user_password_set(db, p, in->account.user_id, in->hash,
                                                       in->has_credential);

    if (st == AUTHSVC_OK) {
        st = account_sessions_end(db, p, &in->account);
    }
    if (st == AUTHSVC_OK) {
        st = authsvc_db_user_lockout_clear(db, p, in->account.username_key, NULL);
    }
    return st == AUTHSVC_OK ? authsvc_db_mail_token_retire_user(db, p, in->account.user_id,
                                                                authsvc_db_now_ms())
                            : st;
}

int authsvc_admin_user_reset_password(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_password_policy_t policy;
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    reset_input_t in;
    authsvc_status_t st;
    const char *username;
    int rc = account_start(ctx, "reset-password", argc, argv, &opts, &db, &in.account, &policy);

    if (rc != PARSED) {
        return rc;
    }
    username = apr_table_get(opts, "username");
    st = authsvc_db_user_password(db, ctx->pool, in.account.user_id, &in.has_credential, NULL);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    if ((rc = password_read(ctx, &policy, username,
                            apr_table_get(opts, "password-stdin") != NULL, &in.hash))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = write_all(db, ctx->pool, reset_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out,
            "set a new password for user '%s'; every session ended, lockout "
            "cleared\n",
            shown(ctx->pool, username));
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- client delete, rotate-secret */

typedef struct {
    const char *client_id, *secret, *secret_hash;
    int changed;
} client_change_t;

/* Revokes the live access tokens of the client's sessions, then deletes it: its refresh
 * tokens, codes and user links go with it. */
static authsvc_status_t client_delete_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    client_change_t *in = data;
    apr_array_header_t *tokens = NULL;
    authsvc_context_t *ctx = admin_context(p, db);
    authsvc_status_t st = authsvc_db_client_live_access(db, p, in->client_id,
                                                        authsvc_db_now_ms(), &tokens);
    int i;

    for (i = 0; st == AUTHSVC_OK && i < tokens->nelts; i++) {
        const authsvc_db_access_token_t *t = &APR_ARRAY_IDX(tokens, i,
                                                            authsvc_db_access_token_t);
        st = authsvc_tokens_revocation_store(ctx, db, t->jti, t->expires_at);
    }
    return st == AUTHSVC_OK ? authsvc_db_client_delete(db, p, in->client_id, &in->changed) : st;
}

static authsvc_status_t client_secret_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    client_change_t *in = data;

    return authsvc_db_client_set_secret(db, p, in->client_id, in->secret_hash, &in->changed);
}

/* Parses, opens the database, finds the client named by --client-id: PARSED, or the exit
 * code. *type is its client_type. */
static int client_start(authsvc_admin_t *ctx, const char *name, int argc,
                        const char *const *argv, authsvc_db_t **db, client_change_t *in,
                        const char **type)
{
    authsvc_db_client_t client;
    apr_table_t *opts;
    int rc = command_start(ctx, "client", name, argc, argv, &opts, db);

    memset(in, 0, sizeof(*in));
    if (rc != PARSED) {
        return rc;
    }
    in->client_id = apr_table_get(opts, "client-id");
    if ((rc = found(ctx, *db, authsvc_db_client_by_id(*db, ctx->pool, in->client_id, &client),
                    "unknown client '%s'", in->client_id))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    *type = client.type;
    return PARSED;
}

int authsvc_admin_client_delete(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    client_change_t in;
    const char *type = NULL;
    authsvc_status_t st;
    int rc = client_start(ctx, "delete", argc, argv, &db, &in, &type);

    if (rc != PARSED) {
        return rc;
    }
    st = write_all(db, ctx->pool, client_delete_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out, "deleted client '%s'; its sessions ended\n", in.client_id);
    return AUTHSVC_ADMIN_OK;
}

int authsvc_admin_client_rotate_secret(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_t *db = NULL;
    client_change_t in;
    const char *type = NULL;
    authsvc_status_t st;
    int rc = client_start(ctx, "rotate-secret", argc, argv, &db, &in, &type);

    if (rc != PARSED) {
        return rc;
    }
    if (type == NULL || strcmp(type, "confidential") != 0) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "client '%s' is public: it has no secret",
                    shown(ctx->pool, in.client_id));
    }
    in.secret = authsvc_random_token(ctx->pool, CLIENT_SECRET_BYTES);
    if (in.secret == NULL
        || authsvc_secret_hash(ctx->pool, in.secret, strlen(in.secret), &in.secret_hash)
               != AUTHSVC_OK) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "cannot make a client secret");
    }
    st = write_all(db, ctx->pool, client_secret_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out,
            "new secret for client '%s'; the old one no longer works\n"
            "client_secret: %s\n"
            "Store the secret now: only its hash is kept, it cannot be shown again.\n",
            in.client_id, in.secret);
    OPENSSL_cleanse((char *)in.secret, strlen(in.secret));
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- client oidc */

static const char *const oidc_grants[] = {"authorization_code", "refresh_token",
                                          "client_credentials", NULL};

typedef struct {
    authsvc_db_oidc_client_t reg;
    int remove;
} oidc_input_t;

/* The grant types of LIST (spaces or commas between them), each known and once, as a
 * space-separated list; NULL when one is unknown or there is none. */
static const char *oidc_grant_list(apr_pool_t *p, const char *list)
{
    char *copy = apr_pstrdup(p, list), *last = NULL, *word;
    const char *out = "";
    int i, known;

    for (word = apr_strtok(copy, " ,\t", &last); word; word = apr_strtok(NULL, " ,\t", &last)) {
        for (i = 0, known = 0; oidc_grants[i] != NULL; i++) {
            known |= strcmp(word, oidc_grants[i]) == 0;
        }
        if (!known) {
            return NULL;
        }
        if (!authsvc_db_oidc_grant_listed(out, word)) {
            out = *out ? apr_pstrcat(p, out, " ", word, NULL) : word;
        }
    }
    return *out ? out : NULL;
}

/* Every URI of a repeatable option; NULL in *bad names the first that is not valid. */
static apr_array_header_t *oidc_uris(apr_pool_t *p, apr_table_t *opts, const char *name,
                                     const char **bad)
{
    apr_array_header_t *uris = option_values(p, opts, name);
    int i;

    for (i = 0; i < uris->nelts && *bad == NULL; i++) {
        if (!valid_url(p, APR_ARRAY_IDX(uris, i, const char *))) {
            *bad = name;
        }
    }
    return uris;
}

static int oidc_validate(authsvc_admin_t *ctx, const admin_command_t *cmd, apr_table_t *opts,
                         oidc_input_t *in)
{
    const char *grants = apr_table_get(opts, "grant-types"), *bad = NULL;

    memset(in, 0, sizeof(*in));
    in->reg.client_id = apr_table_get(opts, "client-id");
    in->remove = apr_table_get(opts, "remove") != NULL;
    if (in->remove
        && (grants != NULL || apr_table_get(opts, "redirect-uri") != NULL
            || apr_table_get(opts, "post-logout-uri") != NULL)) {
        return usage_error(ctx, cmd, "--remove takes no other option than --client-id");
    }
    in->reg.grant_types = oidc_grant_list(ctx->pool,
                                          grants ? grants : "authorization_code refresh_token");
    if (in->reg.grant_types == NULL) {
        return usage_error(ctx, cmd,
                           "--grant-types lists authorization_code, refresh_token, "
                           "client_credentials");
    }
    in->reg.redirect_uris = oidc_uris(ctx->pool, opts, "redirect-uri", &bad);
    in->reg.post_logout_uris = oidc_uris(ctx->pool, opts, "post-logout-uri", &bad);
    if (bad != NULL) {
        return usage_error(ctx, cmd,
                           apr_psprintf(ctx->pool,
                                        "--%s must be an absolute http or https URL "
                                        "without a fragment",
                                        bad));
    }
    if (!in->remove && in->reg.redirect_uris->nelts == 0
        && authsvc_db_oidc_grant_listed(in->reg.grant_types, "authorization_code")) {
        return usage_error(ctx, cmd, "authorization_code needs at least one --redirect-uri");
    }
    return AUTHSVC_ADMIN_OK;
}

static authsvc_status_t oidc_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    oidc_input_t *in = data;

    return in->remove ? authsvc_db_oidc_client_remove(db, p, in->reg.client_id)
                      : authsvc_db_oidc_client_put(db, p, &in->reg, authsvc_db_now_ms());
}

int authsvc_admin_client_oidc(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    authsvc_db_client_t client;
    authsvc_db_t *db = NULL;
    oidc_input_t in;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = parse_command(ctx, "client", "oidc", argc, argv, &opts);

    if (rc != PARSED
        || (rc = oidc_validate(ctx, find_command("client", "oidc"), opts, &in))
               != AUTHSVC_ADMIN_OK
        || (rc = open_db(ctx, find_command("client", "oidc"), opts, 1, &db)) != AUTHSVC_ADMIN_OK
        || (rc = found(ctx, db,
                       authsvc_db_client_by_id(db, ctx->pool, in.reg.client_id, &client),
                       "unknown client '%s'", in.reg.client_id))
               != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    if (!in.remove && strcmp(client.type, "confidential") != 0
        && authsvc_db_oidc_grant_listed(in.reg.grant_types, "client_credentials")) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE,
                    "client '%s' is public: client_credentials needs a secret",
                    shown(ctx->pool, in.reg.client_id));
    }
    st = write_all(db, ctx->pool, oidc_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    if (in.remove) {
        fprintf(ctx->out, "removed the OpenID Connect registration of client '%s'\n",
                in.reg.client_id);
    } else {
        fprintf(ctx->out,
                "registered client '%s' for OpenID Connect: %s; %d redirect URI(s), %d "
                "post-logout URI(s)\n",
                in.reg.client_id, in.reg.grant_types, in.reg.redirect_uris->nelts,
                in.reg.post_logout_uris->nelts);
    }
    return AUTHSVC_ADMIN_OK;
}

/* The client's OpenID Connect registration, added to its record only when it has one (a
 * client without one shows as before). */
static int oidc_record_add(authsvc_admin_t *ctx, authsvc_db_t *db, const char *client_id,
                           cJSON *record)
{
    authsvc_db_oidc_client_t reg;
    authsvc_status_t st = authsvc_db_oidc_client_get(db, ctx->pool, client_id, &reg);
    cJSON *redirects, *logouts;
    int i;

    if (st == AUTHSVC_NOT_FOUND) {
        return AUTHSVC_ADMIN_OK;
    }
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    cJSON_AddStringToObject(record, "oidc_grant_types", reg.grant_types ? reg.grant_types : "");
    redirects = cJSON_AddArrayToObject(record, "oidc_redirect_uris");
    logouts = cJSON_AddArrayToObject(record, "oidc_post_logout_uris");
    for (i = 0; redirects && i < reg.redirect_uris->nelts; i++) {
        cJSON_AddItemToArray(redirects, cJSON_CreateString(
                                            APR_ARRAY_IDX(reg.redirect_uris, i, const char *)));
    }
    for (i = 0; logouts && i < reg.post_logout_uris->nelts; i++) {
        cJSON_AddItemToArray(logouts, cJSON_CreateString(APR_ARRAY_IDX(reg.post_logout_uris, i,
                                                                       const char *)));
    }
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- user link, unlink, links */

/* An external identity as user_credentials names it: a provider the routes serve, or
 * "saml:" and an IdP's entity id; a subject without control bytes. */
static int identity_validate(authsvc_admin_t *ctx, const admin_command_t *cmd,
                             const char *provider, const char *subject)
{
    int saml = strncmp(provider, "saml:", 5) == 0;

    if (saml ? !valid_text(provider + 5, AUTHSVC_URL_LENGTH_MAX)
             : !authsvc_social_provider_name_known(provider)) {
        return usage_error(ctx, cmd,
                           "--provider is google, azure, cognito, keycloak, apple, "
                           "facebook, instagram or saml:ENTITYID");
    }
    if (!valid_text(subject, AUTHSVC_SUBJECT_LENGTH_MAX)) {
        return usage_error(ctx, cmd,
                           "--subject must be 1 to 1024 bytes without control "
                           "characters or blanks at either end");
    }
    return AUTHSVC_ADMIN_OK;
}

/* The id of the user named username (1 after reporting its absence). */
static int user_id_of(authsvc_admin_t *ctx, authsvc_db_t *db, const char *username,
                      const char **user_id)
{
    authsvc_db_user_t user;
    int rc = find_user(ctx, db, username, &user);

    if (rc == AUTHSVC_ADMIN_OK) {
        *user_id = user.id;
    }
    return rc;
}

typedef struct {
    const char *user_id, *provider, *subject;
    int removed;
} identity_input_t;

static authsvc_status_t identity_link_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    identity_input_t *in = data;

    return authsvc_db_user_link_add(db, p, in->user_id, in->provider, in->subject);
}

/* Fails unless the identity is free and the user has none of that provider. */
static int identity_link_free(authsvc_admin_t *ctx, authsvc_db_t *db, const char *username,
                              const identity_input_t *in)
{
    const char *owner = NULL, *subject = NULL;
    authsvc_status_t st = authsvc_db_user_link_owner(db, ctx->pool, in->provider, in->subject,
                                                     &owner);

    if (st == AUTHSVC_OK) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "that %s identity is linked to %s already",
                    shown(ctx->pool, in->provider),
                    strcmp(owner, in->user_id) == 0
                        ? "this user"
                        : apr_pstrcat(ctx->pool, "user id ", owner, NULL));
    }
    if (st == AUTHSVC_NOT_FOUND) {
        st = authsvc_db_user_link_of(db, ctx->pool, in->user_id, in->provider, &subject);
        if (st == AUTHSVC_OK) {
            return fail(ctx, AUTHSVC_ADMIN_FAILURE,
                        "user '%s' has a %s identity already: "
                        "'user unlink' it first",
                        shown(ctx->pool, username), shown(ctx->pool, in->provider));
        }
    }
    return st == AUTHSVC_NOT_FOUND ? AUTHSVC_ADMIN_OK : db_failure(ctx, db, st, NULL);
}

int authsvc_admin_user_link(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("user", "link");
    identity_input_t in = {NULL, NULL, NULL, 0};
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    const char *username;
    int rc = parse_command(ctx, "user", "link", argc, argv, &opts);

    if (rc != PARSED) {
        return rc;
    }
    username = apr_table_get(opts, "username");
    in.provider = apr_table_get(opts, "provider");
    in.subject = apr_table_get(opts, "subject");
    if ((rc = identity_validate(ctx, cmd, in.provider, in.subject)) != AUTHSVC_ADMIN_OK
        || (rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK
        || (rc = user_id_of(ctx, db, username, &in.user_id)) != AUTHSVC_ADMIN_OK
        || (rc = identity_link_free(ctx, db, username, &in)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = write_all(db, ctx->pool, identity_link_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st,
                          "the identity or the user's link to that provider "
                          "exists already");
    }
    fprintf(ctx->out, "linked the %s identity '%s' to user '%s'\n",
            shown(ctx->pool, in.provider), shown(ctx->pool, in.subject),
            shown(ctx->pool, username));
    return AUTHSVC_ADMIN_OK;
}

static authsvc_status_t identity_unlink_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    identity_input_t *in = data;

    return authsvc_db_user_link_remove(db, p, in->provider, in->subject, &in->removed);
}

int authsvc_admin_user_unlink(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("user", "unlink");
    identity_input_t in = {NULL, NULL, NULL, 0};
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = parse_command(ctx, "user", "unlink", argc, argv, &opts);

    if (rc != PARSED) {
        return rc;
    }
    in.provider = apr_table_get(opts, "provider");
    in.subject = apr_table_get(opts, "subject");
    if ((rc = identity_validate(ctx, cmd, in.provider, in.subject)) != AUTHSVC_ADMIN_OK
        || (rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_user_link_owner(db, ctx->pool, in.provider, in.subject, &in.user_id);
    if ((rc = found(ctx, db, st, "no user is linked to the identity '%s'", in.subject))
        != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = write_all(db, ctx->pool, identity_unlink_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out, "unlinked the %s identity '%s' from user id %s\n",
            shown(ctx->pool, in.provider), shown(ctx->pool, in.subject), in.user_id);
    return AUTHSVC_ADMIN_OK;
}

int authsvc_admin_user_links(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("user", "links");
    authsvc_db_t *db = NULL;
    apr_array_header_t *links = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    const char *user_id = NULL;
    int rc = parse_command(ctx, "user", "links", argc, argv, &opts);

    if (rc != PARSED || (rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK
        || (rc = user_id_of(ctx, db, apr_table_get(opts, "username"), &user_id))
               != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = authsvc_db_user_links(db, ctx->pool, user_id, &links);
    return list_rows(ctx, db, opts, st, links, identity_columns);
}

/* ---------------------------------------------------------------- activity */

/* The logins of authsvc_db_activity_report, in time order. */
static const column_t activity_columns[] = {
    COLUMN("time", authsvc_db_activity_entry_t, login_time, COL_TIME),
    COLUMN("type", authsvc_db_activity_entry_t, type, COL_TEXT),
    COLUMN("actor", authsvc_db_activity_entry_t, actor, COL_TEXT),
    COLUMN("tenant", authsvc_db_activity_entry_t, tenant, COL_TEXT),
    COLUMN("ip", authsvc_db_activity_entry_t, ip, COL_TEXT),
    COLUMN("client", authsvc_db_activity_entry_t, client_id, COL_TEXT),
    COLUMNS_END};
/* Only printed from JSON objects: the names matter, not the offsets. */
static const column_t active_users_columns[] = {{"day", 0, COL_TEXT},
                                                {"active_users", 0, COL_NUMBER},
                                                COLUMNS_END};

/* The number of distinct actors per UTC day of rows (in time order), into days. */
static void activity_count_days(authsvc_admin_t *ctx, const cJSON *rows, cJSON *days)
{
    apr_hash_t *seen = apr_hash_make(ctx->pool);
    cJSON *current = NULL, *count = NULL;
    const cJSON *row;

    cJSON_ArrayForEach(row, rows)
    {
        const char *time = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "time"));
        const char *actor = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(row, "actor"));
        const char *day = apr_pstrndup(ctx->pool, time != NULL ? time : "-", 10), *key;
        if (current == NULL
            || strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(current, "day")),
                      day)
                   != 0) {
            current = cJSON_CreateObject();
            cJSON_AddStringToObject(current, "day", day);
            count = cJSON_AddNumberToObject(current, "active_users", 0);
            cJSON_AddItemToArray(days, current);
        }
        key = apr_pstrcat(ctx->pool, day, "\n", actor != NULL ? actor : "", NULL);
        if (count != NULL && apr_hash_get(seen, key, APR_HASH_KEY_STRING) == NULL) {
            apr_hash_set(seen, key, APR_HASH_KEY_STRING, key);
            cJSON_SetNumberValue(count, count->valuedouble + 1);
        }
    }
}

/* The latest limit rows, newest first, then the active users per day; text or JSON. */
static int activity_print(authsvc_admin_t *ctx, const apr_array_header_t *logins,
                          long long limit, int json)
{
    cJSON *rows = rows_array(ctx, logins, activity_columns);
    cJSON *out = authsvc_json_own(ctx->pool, cJSON_CreateObject());
    cJSON *latest = cJSON_AddArrayToObject(out, "activity");
    cJSON *days = cJSON_AddArrayToObject(out, "active_users");
    int i, n = rows != NULL ? cJSON_GetArraySize(rows) : 0;

    if (rows == NULL || latest == NULL || days == NULL) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "out of memory");
    }
    activity_count_days(ctx, rows, days);
    for (i = n - 1; i >= 0 && n - i <= limit; i--) {
        cJSON_AddItemReferenceToArray(latest, cJSON_GetArrayItem(rows, i));
    }
    if (json) {
        print_json(ctx, out);
        return AUTHSVC_ADMIN_OK;
    }
    print_table(ctx, activity_columns, latest);
    fputc('\n', ctx->out);
    print_table(ctx, active_users_columns, days);
    return AUTHSVC_ADMIN_OK;
}

int authsvc_admin_activity(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command(NULL, "activity");
    const char *days_opt, *limit_opt, *purge_opt;
    long long days = 7, limit = 20, purge = 0;
    authsvc_db_t *db = NULL;
    apr_array_header_t *logins = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    int rc = parse_command(ctx, NULL, "activity", argc, argv, &opts);

    if (rc != PARSED)
        return rc;
    days_opt = apr_table_get(opts, "days");
    limit_opt = apr_table_get(opts, "limit");
    purge_opt = apr_table_get(opts, "purge");
    if ((days_opt && (days = parse_number(days_opt, 1, 3660)) < 0)
        || (limit_opt && (limit = parse_number(limit_opt, 0, 10000)) < 0)
        || (purge_opt && (purge = parse_number(purge_opt, 1, 36500)) < 0))
        return usage_error(ctx, cmd, "--days, --limit and --purge take whole numbers in range");
    if ((rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK)
        return rc;
    if (purge && (st = authsvc_activity_purge(db, ctx->pool, (int)purge, NULL)) != AUTHSVC_OK)
        return db_failure(ctx, db, st, NULL);
    st = authsvc_db_activity_report(db, ctx->pool, authsvc_db_now_ms() - days * 86400000LL,
                                    &logins);
    if (st != AUTHSVC_OK)
        return db_failure(ctx, db, st, NULL);
    return activity_print(ctx, logins, limit, apr_table_get(opts, "json") != NULL);
}

/* ---------------------------------------------------------------- user unlock */

typedef struct {
    const char *key;
    int cleared;
} unlock_input_t;

static authsvc_status_t unlock_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    unlock_input_t *in = data;

    return authsvc_console_users_unlock_apply(admin_context(p, db), db, in->key, &in->cleared);
}

int authsvc_admin_user_unlock(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("user", "unlock");
    authsvc_db_t *db = NULL;
    authsvc_db_user_t user;
    apr_table_t *opts;
    authsvc_status_t st;
    unlock_input_t in = {NULL, 0};
    const char *username;
    int rc = parse_command(ctx, "user", "unlock", argc, argv, &opts);

    if (rc != PARSED || (rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    username = apr_table_get(opts, "username");
    in.key = username_key(ctx->pool, username);
    if ((rc = find_user(ctx, db, username, &user)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    st = write_all(db, ctx->pool, unlock_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out, "unlocked user '%s' (%d lockout record%s cleared)\n",
            shown(ctx->pool, username), in.cleared, in.cleared == 1 ? "" : "s");
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- user mfa */

typedef struct {
    const char *user_id;
    int required, reset, removed;
} mfa_input_t;

static authsvc_status_t mfa_write(authsvc_db_t *db, apr_pool_t *p, void *data)
{
    mfa_input_t *in = data;
    authsvc_status_t st = authsvc_db_user_set_mfa(db, p, in->user_id, in->required);

    if (st == AUTHSVC_OK && in->reset) {
        st = authsvc_db_user_totp_delete(db, p, in->user_id, &in->removed);
    }
    return st;
}

int authsvc_admin_user_mfa(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("user", "mfa");
    authsvc_db_t *db = NULL;
    apr_table_t *opts;
    authsvc_status_t st;
    mfa_input_t in = {NULL, 0, 0, 0};
    const char *username, *required;
    int rc = parse_command(ctx, "user", "mfa", argc, argv, &opts);

    if (rc != PARSED) {
        return rc;
    }
    required = apr_table_get(opts, "required");
    if (strcmp(required, "yes") != 0 && strcmp(required, "no") != 0) {
        return usage_error(ctx, cmd, "--required takes yes or no");
    }
    if ((rc = open_db(ctx, cmd, opts, 1, &db)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    username = apr_table_get(opts, "username");
    if ((rc = user_id_of(ctx, db, username, &in.user_id)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    in.required = strcmp(required, "yes") == 0;
    in.reset = apr_table_get(opts, "reset-authenticator") != NULL;
    st = write_all(db, ctx->pool, mfa_write, &in);
    if (st != AUTHSVC_OK) {
        return db_failure(ctx, db, st, NULL);
    }
    fprintf(ctx->out, "user '%s': second factor %s%s\n", shown(ctx->pool, username),
            in.required ? "required" : "not required",
            in.reset ? (in.removed ? "; authenticator removed" : "; no authenticator to remove")
                     : "");
    return AUTHSVC_ADMIN_OK;
}

/* ---------------------------------------------------------------- key generate */

static apr_status_t free_pkey(void *pkey)
{
    EVP_PKEY_free(pkey);
    return APR_SUCCESS;
}

static apr_status_t free_bio(void *bio)
{
    BIO_free(bio);
    return APR_SUCCESS;
}

/* The signing key types the module loads (keys.c): RS256, ES256 on P-256, EdDSA on Ed25519. */
typedef enum {
    KEY_RSA,
    KEY_EC,
    KEY_ED25519
} key_type_t;

/* The private key as PEM (PKCS#8) in a memory BIO owned by p; NULL on failure. */
static BIO *key_pem(apr_pool_t *p, key_type_t type, int bits)
{
    EVP_PKEY *pkey = type == KEY_RSA  ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits)
                     : type == KEY_EC ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
                                      : EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    BIO *bio;

    if (pkey == NULL) {
        return NULL;
    }
    apr_pool_cleanup_register(p, pkey, free_pkey, apr_pool_cleanup_null);
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL) {
        return NULL;
    }
    apr_pool_cleanup_register(p, bio, free_bio, apr_pool_cleanup_null);
    if (PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1) {
        return NULL;
    }
    return bio;
}

static int write_all_bytes(int fd, const char *data, apr_size_t len)
{
    apr_size_t done = 0;

    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return n == 0 ? EIO : errno;
        }
        done += (apr_size_t)n;
    }
    return 0;
}

/* Creates path (never replacing a file) with mode 0600 and writes data[0..len).
 * 0, or the errno of the failure (the file is then removed). */
static int write_new_file(const char *path, const char *data, apr_size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int error;

    if (fd < 0) {
        return errno;
    }
    error = fchmod(fd, 0600) != 0 ? errno : write_all_bytes(fd, data, len);
    if (error == 0 && fsync(fd) != 0) {
        error = errno;
    }
    if (close(fd) != 0 && error == 0) {
        error = errno;
    }
    if (error != 0) {
        unlink(path);
    }
    return error;
}

static int key_validate(authsvc_admin_t *ctx, const admin_command_t *cmd, apr_table_t *opts,
                        key_type_t *type, int *bits)
{
    const char *alg = apr_table_get(opts, "alg"), *bits_text = apr_table_get(opts, "bits");

    if (strcmp(alg, "RS256") == 0) {
        *type = KEY_RSA;
    } else if (strcmp(alg, "ES256") == 0) {
        *type = KEY_EC;
    } else if (strcmp(alg, "EdDSA") == 0) {
        *type = KEY_ED25519;
    } else {
        return usage_error(ctx, cmd, "--alg is RS256, ES256 or EdDSA");
    }
    if (*type != KEY_RSA && bits_text != NULL) {
        return usage_error(ctx, cmd, "--bits applies to RS256 only");
    }
    *bits = bits_text == NULL ? RSA_BITS_DEFAULT
                              : (int)parse_number(bits_text, RSA_BITS_MIN, RSA_BITS_MAX);
    if (*bits < 0) {
        return usage_error(ctx, cmd, "--bits is a number from 2048 to 16384");
    }
    return AUTHSVC_ADMIN_OK;
}

int authsvc_admin_key_generate(authsvc_admin_t *ctx, int argc, const char *const *argv)
{
    const admin_command_t *cmd = find_command("key", "generate");
    apr_table_t *opts;
    struct stat st;
    const char *out;
    char *pem = NULL;
    long pem_len;
    BIO *bio;
    static const char *const alg_names[] = {"RS256", "ES256", "EdDSA"};
    int rc = parse_command(ctx, "key", "generate", argc, argv, &opts), bits = 0;
    key_type_t type = KEY_RSA;
    int error;

    if (rc != PARSED || (rc = key_validate(ctx, cmd, opts, &type, &bits)) != AUTHSVC_ADMIN_OK) {
        return rc;
    }
    out = apr_table_get(opts, "out");
    if (lstat(out, &st) == 0) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "%s exists: refusing to overwrite it",
                    shown(ctx->pool, out));
    }
    bio = key_pem(ctx->pool, type, bits);
    pem_len = bio != NULL ? BIO_get_mem_data(bio, &pem) : 0;
    if (pem_len <= 0) {
        return fail(ctx, AUTHSVC_ADMIN_FAILURE, "key generation failed");
    }
    error = write_new_file(out, pem, (apr_size_t)pem_len);
    if (error != 0) {
        rc = fail(ctx, AUTHSVC_ADMIN_FAILURE, "cannot write %s: %s", shown(ctx->pool, out),
                  strerror(error));
    } else {
        fprintf(ctx->out, "wrote a %s private key (%s) to %s, mode 0600\n", alg_names[type],
                type == KEY_RSA  ? apr_psprintf(ctx->pool, "RSA %d bits", bits)
                : type == KEY_EC ? "EC P-256"
                                 : "Ed25519",
                shown(ctx->pool, out));
    }
    OPENSSL_cleanse(pem, (size_t)pem_len);
    return rc;
}

/* ---------------------------------------------------------------- dispatch */

/* Reads --driver, --params and --help before the command word; *next is its index. */
static int parse_global(authsvc_admin_t *ctx, int argc, const char *const *argv, int *next)
{
    int i = 1;

    while (i < argc && strncmp(argv[i], "-", 1) == 0) {
        const char *arg = argv[i], **slot = NULL;
        const apr_size_t skip = 8; /* strlen("--driver") == strlen("--params") */

        if (is_help(arg)) {
            print_overview(ctx);
            return AUTHSVC_ADMIN_OK;
        }
        if (strcmp(arg, "--version") == 0) {
            fputs(PROGRAM " (mod_authsvc) " AUTHSVC_VERSION "\n", ctx->out);
            return AUTHSVC_ADMIN_OK;
        }
        if (strncmp(arg, "--driver", 8) == 0 && (arg[8] == '\0' || arg[8] == '=')) {
            slot = &ctx->driver;
        } else if (strncmp(arg, "--params", 8) == 0 && (arg[8] == '\0' || arg[8] == '=')) {
            slot = &ctx->params;
        } else {
            return fail(ctx, AUTHSVC_ADMIN_USAGE,
                        "unknown option '%s' (see '" PROGRAM " --help')",
                        shown(ctx->pool, arg));
        }
        if (arg[skip] == '=') {
            *slot = arg + skip + 1;
        } else if (i + 1 < argc) {
            *slot = argv[++i];
        } else {
            return fail(ctx, AUTHSVC_ADMIN_USAGE, "option %s needs a value", arg);
        }
        i++;
    }
    *next = i;
    return PARSED;
}

static void print_group(authsvc_admin_t *ctx, const char *group)
{
    apr_size_t i;

    fprintf(ctx->out, "usage: " PROGRAM " %s SUBCOMMAND [OPTIONS]\n\nSubcommands:\n", group);
    for (i = 0; i < COMMAND_COUNT; i++) {
        if (commands[i].group != NULL && strcmp(commands[i].group, group) == 0) {
            fprintf(ctx->out, "  %-16s %s\n", commands[i].name, commands[i].synopsis);
        }
    }
    fprintf(ctx->out, "\nRun '" PROGRAM " %s SUBCOMMAND --help' for its options.\n", group);
}

static int is_group(const char *word)
{
    apr_size_t i;

    for (i = 0; i < COMMAND_COUNT; i++) {
        if (commands[i].group != NULL && strcmp(commands[i].group, word) == 0) {
            return 1;
        }
    }
    return 0;
}

int authsvc_admin_main(apr_pool_t *p, int argc, const char *const *argv, FILE *in, FILE *out,
                       FILE *err)
{
    authsvc_admin_t ctx = {p, in, out, err, NULL, NULL};
    const admin_command_t *cmd;
    const char *word;
    int i = 1, rc = parse_global(&ctx, argc, argv, &i);

    if (rc != PARSED) {
        return rc;
    }
    if (i >= argc) {
        return fail(&ctx, AUTHSVC_ADMIN_USAGE, "missing command (see '" PROGRAM " --help')");
    }
    word = argv[i++];
    if (!is_group(word)) {
        cmd = find_command(NULL, word);
        if (cmd == NULL) {
            return fail(&ctx, AUTHSVC_ADMIN_USAGE,
                        "unknown command '%s' (see '" PROGRAM " --help')", shown(p, word));
        }
        return cmd->run(&ctx, argc - i, argv + i);
    }
    if (i < argc && is_help(argv[i])) {
        print_group(&ctx, word);
        return AUTHSVC_ADMIN_OK;
    }
    cmd = i < argc ? find_command(word, argv[i]) : NULL;
    if (cmd == NULL) {
        return fail(&ctx, AUTHSVC_ADMIN_USAGE,
                    "%s: %s subcommand (see '" PROGRAM " %s --help')", word,
                    i < argc ? "unknown" : "missing", word);
    }
    return cmd->run(&ctx, argc - i - 1, argv + i + 1);
}
