/* The statement catalogue: every SQL statement of mod_authsvc, by label.
 *
 * Rules the text follows (see authsvc_db.h):
 * - placeholders are apr_dbd's: %s for text (PostgreSQL binds it as varchar, SQLite as
 *   text), %d for INTEGER columns, %lld for BIGINT epoch milliseconds;
 * - the same text serves SQLite and PostgreSQL; sql_pgsql only where they differ;
 * - statements that answer rows (RETURNING included) are run with select, never query;
 * - labels start with authsvc_: they share mod_dbd's namespace with other modules. */
#include <string.h>

#include "authsvc_db.h"

/* Not formatted by clang-format: the catalogue is laid out as SQL, one statement per entry. */
/* clang-format off */

#define USER_COLUMNS \
    "id, username, email, first_name, middle_name, last_name, phone, dob, gender, " \
    "photo_url, designation, default_tenant_id, locale, last_login, mfa_required, " \
    "created_at, updated_at, external_groups"

#define CLIENT_COLUMNS \
    "client_id, secret_hash, client_type, redirect_url, access_token_ttl, " \
    "refresh_token_ttl, auth_code_ttl"

/* authsvc-admin's user list: the account's lockout from its counters (every source) */
#define USER_LIST_SELECT \
    "SELECT u.id, u.username, u.email, t.tenant_key, r.name, ut.status, la.failures, " \
    "la.locked_until FROM users u " \
    "LEFT JOIN user_tenants ut ON ut.user_id = u.id " \
    "LEFT JOIN tenants t ON t.id = ut.tenant_id " \
    "LEFT JOIN roles r ON r.id = ut.role_id " \
    "LEFT JOIN (SELECT subject, MAX(failures) AS failures, MAX(locked_until) AS locked_until " \
    "FROM login_attempts WHERE scope = 'account' GROUP BY subject) la " \
    "ON la.subject = u.username_key "

/* authsvc-admin: tenants with their counts of roles and members */
#define ADMIN_TENANT_SELECT \
    "SELECT t.id, t.tenant_key, t.name, t.status, t.created_at, " \
    "(SELECT COUNT(*) FROM roles r WHERE r.tenant_id = t.id), " \
    "(SELECT COUNT(*) FROM user_tenants ut WHERE ut.tenant_id = t.id) FROM tenants t "

/* authsvc-admin: roles with their tenant's key and counts of permissions and members */
#define ADMIN_ROLE_SELECT \
    "SELECT r.id, t.tenant_key, r.name, r.created_at, " \
    "(SELECT COUNT(*) FROM role_permissions p WHERE p.role_id = r.id), " \
    "(SELECT COUNT(*) FROM user_tenants ut WHERE ut.role_id = r.id) " \
    "FROM roles r JOIN tenants t ON t.id = r.tenant_id "

/* authsvc-admin: clients without their secret's hash, with their count of users */
#define ADMIN_CLIENT_SELECT \
    "SELECT c.client_id, c.client_type, c.redirect_url, c.access_token_ttl, " \
    "c.refresh_token_ttl, c.auth_code_ttl, c.created_at, " \
    "(SELECT COUNT(*) FROM user_auth_clients uc WHERE uc.client_id = c.client_id) " \
    "FROM auth_clients c "

/* The tables of the latest schema, for readiness (AUTHSVC_DB_TABLE_COUNT of them). */
#define SCHEMA_TABLES \
    "'auth_clients', 'auth_codes', 'gateway_sessions', 'login_activity', 'login_attempts', " \
    "'login_sources', 'mail_limits', 'mail_tokens', 'oidc_client_uris', 'oidc_clients', " \
    "'otp_challenges', 'refresh_tokens', " \
    "'revoked_tokens', 'role_permissions', 'roles', 'saml_assertions', 'saml_requests', " \
    "'schema_migrations', 'signing_keys', 'social_sessions', 'social_states', 'tenants', " \
    "'user_auth_clients', 'user_credentials', 'user_permissions', 'user_tenants', 'users'"

static const authsvc_db_statement_t statements[] = {
    /* schema */
    {"authsvc_schema_version", "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL},
    {"authsvc_schema_ready",
     "SELECT (SELECT COALESCE(MAX(version), 0) FROM schema_migrations), "
     "(SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN (" SCHEMA_TABLES "))",
     "SELECT (SELECT COALESCE(MAX(version), 0) FROM schema_migrations), "
     "(SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
     "AND table_name IN (" SCHEMA_TABLES "))"},
    {"authsvc_schema_migration_insert",
     "INSERT INTO schema_migrations (version, applied_at) VALUES (%d, %lld)", NULL},

    /* tenants: id, tenant_key, name, status */
    {"authsvc_tenant_insert",
     "INSERT INTO tenants (id, tenant_key, name, status, created_at, updated_at) "
     "VALUES (%s, %s, %s, %d, %lld, %lld)", NULL},
    {"authsvc_tenant_by_key", "SELECT id, tenant_key, name, status FROM tenants "
     "WHERE tenant_key = %s", NULL},
    {"authsvc_tenant_by_id", "SELECT id, tenant_key, name, status FROM tenants "
     "WHERE id = %s", NULL},

    /* roles: id, tenant_id, name */
    {"authsvc_role_insert",
     "INSERT INTO roles (id, tenant_id, name, created_at, updated_at) "
     "VALUES (%s, %s, %s, %lld, %lld)", NULL},
    {"authsvc_role_by_name", "SELECT id, tenant_id, name FROM roles "
     "WHERE tenant_id = %s AND name = %s", NULL},
    {"authsvc_role_permission_insert",
     "INSERT INTO role_permissions (role_id, permission) VALUES (%s, %s)", NULL},
    {"authsvc_role_permissions", "SELECT permission FROM role_permissions "
     "WHERE role_id = %s ORDER BY permission", NULL},

    /* clients: CLIENT_COLUMNS */
    {"authsvc_client_insert",
     "INSERT INTO auth_clients (" CLIENT_COLUMNS ", created_at, updated_at) "
     "VALUES (%s, %s, %s, %s, %d, %d, %d, %lld, %lld)", NULL},
    {"authsvc_client_by_client_id", "SELECT " CLIENT_COLUMNS " FROM auth_clients "
     "WHERE client_id = %s", NULL},

    /* users: USER_COLUMNS (AUTHSVC_USER_COL_*); username_key is lowercased by the caller */
    {"authsvc_user_insert",
     "INSERT INTO users (id, username, username_key, email, first_name, middle_name, "
     "last_name, phone, dob, gender, photo_url, designation, default_tenant_id, locale, "
     "mfa_required, created_at, updated_at) "
     "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %d, %lld, %lld)", NULL},
    {"authsvc_user_by_username", "SELECT " USER_COLUMNS " FROM users "
     "WHERE username_key = %s", NULL},
    {"authsvc_user_by_id", "SELECT " USER_COLUMNS " FROM users WHERE id = %s", NULL},
    /* a user and its membership in a tenant (NULL: its default tenant) in one round
     * trip: USER_COLUMNS, then the columns of authsvc_user_tenant_by_user_tenant, NULL
     * when there is no such membership (args: user id, tenant id). The membership is
     * joined as a table, found by its (user_id, tenant_id) key: a join subquery on the
     * right of a LEFT JOIN is materialised by SQLite, every membership read per call
     * (t/unit/test_db_plans.c) */
    {"authsvc_user_with_tenant",
     "SELECT u.*, ut.id, ut.user_id, ut.tenant_id, ut.role_id, r.name, ut.status "
     "FROM (SELECT " USER_COLUMNS " FROM users WHERE id = %s) AS u "
     "LEFT JOIN user_tenants ut ON ut.user_id = u.id "
     "AND ut.tenant_id = COALESCE(%s, u.default_tenant_id) "
     "AND EXISTS (SELECT 1 FROM roles WHERE roles.id = ut.role_id) "
     "LEFT JOIN roles r ON r.id = ut.role_id", NULL},
    {"authsvc_user_set_last_login",
     "UPDATE users SET last_login = %lld, updated_at = %lld WHERE id = %s", NULL},
    {"authsvc_users_list", USER_LIST_SELECT "ORDER BY u.username_key, t.tenant_key", NULL},
    {"authsvc_users_list_by_tenant", USER_LIST_SELECT "WHERE t.tenant_key = %s "
     "ORDER BY u.username_key", NULL},

    /* credentials: id, provider, external_id, password_hash, totp_secret */
    {"authsvc_credential_insert",
     "INSERT INTO user_credentials (id, user_id, provider, external_id, password_hash, "
     "totp_secret, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %lld, %lld)", NULL},
    {"authsvc_credentials_by_user",
     "SELECT id, provider, external_id, password_hash, totp_secret FROM user_credentials "
     "WHERE user_id = %s ORDER BY provider", NULL},
    {"authsvc_credential_internal_by_user",
     "SELECT id, provider, external_id, password_hash, totp_secret FROM user_credentials "
     "WHERE user_id = %s AND provider = 'internal'", NULL},
    {"authsvc_credential_set_password",
     "UPDATE user_credentials SET password_hash = %s, updated_at = %lld "
     "WHERE user_id = %s AND provider = 'internal'", NULL},

    /* external identities: links of a provider's subject to a user in
     * user_credentials (provider is a social provider's name or "saml:<IdP entity
     * id>"; 'internal' and 'totp' rows are a password and an authenticator). */
    {"authsvc_credential_user_by_external_id",
     "SELECT user_id FROM user_credentials WHERE provider = %s AND external_id = %s", NULL},
    {"authsvc_identities_by_user",
     "SELECT provider, external_id, created_at FROM user_credentials WHERE user_id = %s "
     "AND provider NOT IN ('internal', 'totp') ORDER BY provider, external_id", NULL},
    {"authsvc_identity_of_user",
     "SELECT external_id FROM user_credentials WHERE user_id = %s AND provider = %s", NULL},
    {"authsvc_identity_delete",
     "DELETE FROM user_credentials WHERE provider = %s AND external_id = %s "
     "AND provider NOT IN ('internal', 'totp')", NULL},
    /* linking by e-mail (identity_link.c): the candidates, a no-op UPDATE that locks the
     * account's row for the transaction, and what the rule reads of the account */
    {"authsvc_users_by_email", "SELECT id FROM users WHERE lower(email) = lower(%s) ORDER BY id",
     NULL},
    {"authsvc_link_lock_user", "UPDATE users SET updated_at = updated_at WHERE id = %s", NULL},
    {"authsvc_link_account_facts",
     "SELECT u.default_tenant_id, "
     "(SELECT COUNT(*) FROM user_credentials c WHERE c.user_id = u.id "
     "AND c.provider = 'internal' AND c.password_hash IS NOT NULL), "
     "(SELECT COUNT(*) FROM user_credentials c WHERE c.user_id = u.id "
     "AND c.provider NOT IN ('internal', 'totp')) FROM users u WHERE u.id = %s", NULL},
    /* each role of the account: name, permissions it grants, permissions granted to the
     * account directly in that tenant */
    {"authsvc_link_account_roles",
     "SELECT r.name, (SELECT COUNT(*) FROM role_permissions rp WHERE rp.role_id = ut.role_id), "
     "(SELECT COUNT(*) FROM user_permissions up WHERE up.user_tenant_id = ut.id "
     "AND up.allowed = 1) FROM user_tenants ut JOIN roles r ON r.id = ut.role_id "
     "WHERE ut.user_id = %s ORDER BY r.name", NULL},

    /* social login: states (single use through the row count of consume) and the
     * provider's tokens per user */
    {"authsvc_social_state_insert",
     "INSERT INTO social_states (state_hash, provider, client_id, binding_hash, nonce, "
     "code_verifier, kept_params, expires_at, created_at) "
     "VALUES (%s, %s, %s, %s, %s, %s, %s, %lld, %lld)", NULL},
    {"authsvc_social_state_by_hash",
     "SELECT provider, client_id, binding_hash, nonce, code_verifier, kept_params, "
     "expires_at, used_at FROM social_states WHERE state_hash = %s", NULL},
    {"authsvc_social_state_consume",
     "UPDATE social_states SET used_at = %lld "
     "WHERE state_hash = %s AND used_at IS NULL AND expires_at > %lld", NULL},
    {"authsvc_social_state_purge", "DELETE FROM social_states WHERE expires_at < %lld", NULL},
    {"authsvc_social_session_save",
     "INSERT INTO social_sessions (user_id, provider, access_token, refresh_token, id_token, "
     "updated_at) VALUES (%s, %s, %s, %s, %s, %lld) ON CONFLICT (user_id, provider) DO UPDATE "
     "SET access_token = excluded.access_token, refresh_token = excluded.refresh_token, "
     "id_token = excluded.id_token, updated_at = excluded.updated_at", NULL},
    {"authsvc_social_session_get",
     "SELECT access_token, refresh_token, id_token FROM social_sessions "
     "WHERE user_id = %s AND provider = %s", NULL},
    {"authsvc_social_session_delete",
     "DELETE FROM social_sessions WHERE user_id = %s AND provider = %s", NULL},

    /* a user's clients: exact membership */
    {"authsvc_user_client_insert",
     "INSERT INTO user_auth_clients (user_id, client_id) VALUES (%s, %s)", NULL},
    {"authsvc_user_clients", "SELECT client_id FROM user_auth_clients "
     "WHERE user_id = %s ORDER BY client_id", NULL},
    {"authsvc_user_client_member", "SELECT client_id FROM user_auth_clients "
     "WHERE user_id = %s AND client_id = %s", NULL},

    /* user_tenants: id, user_id, tenant_id, role_id, role name, status */
    {"authsvc_user_tenant_insert",
     "INSERT INTO user_tenants (id, user_id, tenant_id, role_id, status, created_at, "
     "updated_at) VALUES (%s, %s, %s, %s, %d, %lld, %lld)", NULL},
    {"authsvc_user_tenant_by_user_tenant",
     "SELECT ut.id, ut.user_id, ut.tenant_id, ut.role_id, r.name, ut.status "
     "FROM user_tenants ut JOIN roles r ON r.id = ut.role_id "
     "WHERE ut.user_id = %s AND ut.tenant_id = %s", NULL},
    /* a principal's permissions in one round trip: the role's (allowed 1), then the
     * user_tenant's overrides (args: role id, user_tenant id) */
    {"authsvc_principal_permissions",
     "SELECT permission, allowed FROM ("
     "SELECT permission, 1 AS allowed, 0 AS layer FROM role_permissions WHERE role_id = %s "
     "UNION ALL SELECT permission, allowed, 1 AS layer FROM user_permissions "
     "WHERE user_tenant_id = %s) AS p ORDER BY layer, permission", NULL},

    /* auth codes: single use through the row count of authsvc_auth_code_consume */
    {"authsvc_auth_code_insert",
     "INSERT INTO auth_codes (code_hash, client_id, user_id, tenant_id, user_tenant_id, "
     "mfa_pending, code_challenge, code_challenge_method, nonce, expires_at, created_at) "
     "VALUES (%s, %s, %s, %s, %s, %d, %s, %s, %s, %lld, %lld)", NULL},
    {"authsvc_auth_code_by_hash",
     "SELECT code_hash, client_id, user_id, tenant_id, user_tenant_id, mfa_pending, "
     "code_challenge, code_challenge_method, nonce, expires_at, used_at, created_at, "
     "family_id, otp_failures FROM auth_codes WHERE code_hash = %s "
     "AND redirect_uri IS NULL", NULL},
    {"authsvc_auth_code_otp_failure",
     "UPDATE auth_codes SET otp_failures = otp_failures + 1 WHERE code_hash = %s", NULL},
    {"authsvc_auth_code_set_family",
     "UPDATE auth_codes SET family_id = %s WHERE code_hash = %s", NULL},
    {"authsvc_auth_code_consume",
     "UPDATE auth_codes SET used_at = %lld "
     "WHERE code_hash = %s AND used_at IS NULL AND expires_at > %lld", NULL},

    /* OpenID Connect provider (migration 013): client registrations, and the codes of
     * the authorization endpoint (auth_codes rows with a redirect_uri; the service's own
     * API reads only the rows without one) */
    {"authsvc_oidc_client_get",
     "SELECT grant_types FROM oidc_clients WHERE client_id = %s", NULL},
    {"authsvc_oidc_client_uris",
     "SELECT kind, uri FROM oidc_client_uris WHERE client_id = %s ORDER BY kind, uri", NULL},
    {"authsvc_oidc_client_update",
     "UPDATE oidc_clients SET grant_types = %s, updated_at = %lld WHERE client_id = %s", NULL},
    {"authsvc_oidc_client_insert",
     "INSERT INTO oidc_clients (client_id, grant_types, created_at, updated_at) "
     "VALUES (%s, %s, %lld, %lld)", NULL},
    {"authsvc_oidc_client_delete", "DELETE FROM oidc_clients WHERE client_id = %s", NULL},
    {"authsvc_oidc_client_uris_clear", "DELETE FROM oidc_client_uris WHERE client_id = %s",
     NULL},
    {"authsvc_oidc_client_uri_insert",
     "INSERT INTO oidc_client_uris (client_id, kind, uri) VALUES (%s, %s, %s)", NULL},
    {"authsvc_oidc_code_insert",
     "INSERT INTO auth_codes (code_hash, client_id, user_id, tenant_id, user_tenant_id, "
     "mfa_pending, code_challenge, code_challenge_method, nonce, expires_at, created_at, "
     "redirect_uri, scope, auth_time, amr) "
     "VALUES (%s, %s, %s, %s, %s, 0, %s, %s, %s, %lld, %lld, %s, %s, %lld, %s)", NULL},
    {"authsvc_oidc_code_by_hash",
     "SELECT client_id, user_id, tenant_id, user_tenant_id, redirect_uri, scope, nonce, "
     "code_challenge, auth_time, amr, expires_at, used_at, created_at, family_id "
     "FROM auth_codes WHERE code_hash = %s AND redirect_uri IS NOT NULL", NULL},

    /* refresh tokens: single use through the row count of authsvc_refresh_consume */
    {"authsvc_refresh_insert",
     "INSERT INTO refresh_tokens (token_hash, family_id, family_expires_at, user_id, "
     "client_id, tenant_id, access_jti, access_exp, expires_at, created_at) "
     "VALUES (%s, %s, %lld, %s, %s, %s, %s, %lld, %lld, %lld)", NULL},
    {"authsvc_refresh_by_hash",
     "SELECT token_hash, family_id, family_expires_at, user_id, client_id, tenant_id, "
     "access_jti, access_exp, expires_at, consumed_at, revoked_at, created_at "
     "FROM refresh_tokens WHERE token_hash = %s", NULL},
    {"authsvc_refresh_consume",
     "UPDATE refresh_tokens SET consumed_at = %lld "
     "WHERE token_hash = %s AND consumed_at IS NULL AND revoked_at IS NULL "
     "AND expires_at > %lld AND family_expires_at > %lld", NULL},
    {"authsvc_refresh_revoke",
     "UPDATE refresh_tokens SET revoked_at = %lld "
     "WHERE token_hash = %s AND revoked_at IS NULL", NULL},
    {"authsvc_refresh_family_access",
     "SELECT access_jti, access_exp FROM refresh_tokens "
     "WHERE family_id = %s AND access_exp > %lld", NULL},
    {"authsvc_refresh_revoke_family",
     "UPDATE refresh_tokens SET revoked_at = %lld "
     "WHERE family_id = %s AND revoked_at IS NULL", NULL},
    {"authsvc_refresh_user_other_access",
     "SELECT access_jti, access_exp FROM refresh_tokens "
     "WHERE user_id = %s AND family_id <> %s AND revoked_at IS NULL AND access_exp > %lld",
     NULL},
    {"authsvc_refresh_revoke_user_other",
     "UPDATE refresh_tokens SET revoked_at = %lld "
     "WHERE user_id = %s AND family_id <> %s AND revoked_at IS NULL", NULL},

    /* revocation by jti, kept until the token's own expiry; on PostgreSQL announced
     * to every node's listener when the transaction commits ("<expires_ms> <jti>",
     * gateway_listen.c) */
    {"authsvc_revoked_insert",
     "INSERT INTO revoked_tokens (jti, expires_at, revoked_at) VALUES (%s, %lld, %lld) "
     "ON CONFLICT (jti) DO NOTHING",
     "WITH stored AS (INSERT INTO revoked_tokens (jti, expires_at, revoked_at) "
     "VALUES (%s, %lld, %lld) ON CONFLICT (jti) DO NOTHING RETURNING jti, expires_at) "
     "SELECT pg_notify('authsvc_revoked', expires_at || ' ' || jti) FROM stored"},
    {"authsvc_revoked_check", "SELECT revoked_at FROM revoked_tokens WHERE jti = %s", NULL},
    /* a bearer token on the API, in one round trip: is its audience a client of its
     * subject, is its jti revoked (args: user id, client id, jti) */
    {"authsvc_bearer_state",
     "SELECT (SELECT COUNT(*) FROM user_auth_clients WHERE user_id = %s AND client_id = %s), "
     "(SELECT COUNT(*) FROM revoked_tokens WHERE jti = %s)", NULL},
    /* the first half of authsvc_bearer_state, for token refresh, which takes a revoked
     * access token along with its refresh token (args: user id, client id) */
    {"authsvc_bearer_audience",
     "SELECT COUNT(*) FROM user_auth_clients WHERE user_id = %s AND client_id = %s", NULL},
    {"authsvc_revoked_since",
     "SELECT jti, expires_at, revoked_at FROM revoked_tokens "
     "WHERE revoked_at > %lld ORDER BY revoked_at", NULL},
    /* the gateway's poll: revocations newer than a watermark, of tokens still alive */
    {"authsvc_revoked_live_since",
     "SELECT jti, expires_at, revoked_at FROM revoked_tokens "
     "WHERE revoked_at > %lld AND expires_at > %lld ORDER BY revoked_at", NULL},

    /* gateway browser sessions (migration 004): id_hash is SHA-256 hex of the cookie */
    {"authsvc_gateway_session_insert",
     "INSERT INTO gateway_sessions (id_hash, origin, user_id, access_token, refresh_token, "
     "access_expires_at, remember, created_at, last_seen_at, idle_expires_at, expires_at, "
     "auth_time, amr) VALUES (%s, %s, %s, %s, %s, %lld, %d, %lld, %lld, %lld, %lld, %lld, %s)",
     NULL},
    {"authsvc_gateway_session_get",
     "SELECT origin, user_id, access_token, refresh_token, access_expires_at, remember, "
     "last_seen_at, idle_expires_at, expires_at, created_at, auth_time, amr "
     "FROM gateway_sessions WHERE id_hash = %s",
     NULL},
    {"authsvc_gateway_session_claim_refresh",
     "UPDATE gateway_sessions SET refreshing_until = %lld WHERE id_hash = %s "
     "AND (refreshing_until IS NULL OR refreshing_until < %lld)", NULL},
    {"authsvc_gateway_session_set_tokens",
     "UPDATE gateway_sessions SET access_token = %s, refresh_token = %s, "
     "access_expires_at = %lld, refreshing_until = NULL WHERE id_hash = %s", NULL},
    {"authsvc_gateway_session_touch",
     "UPDATE gateway_sessions SET last_seen_at = %lld, idle_expires_at = %lld "
     "WHERE id_hash = %s", NULL},
    {"authsvc_gateway_session_delete", "DELETE FROM gateway_sessions WHERE id_hash = %s",
     NULL},
    {"authsvc_purge_gateway_sessions", "DELETE FROM gateway_sessions WHERE expires_at < %lld "
     "OR idle_expires_at < %lld", NULL},

    /* brute-force counters: scope, subject, failures, window_start, locked_until. source
     * is '' but for the counters of an account's known sources ('ip:ADDR', 'device:ID') */
    {"authsvc_login_attempt_get",
     "SELECT scope, subject, failures, window_start, locked_until FROM login_attempts "
     "WHERE scope = %s AND subject = %s AND source = %s", NULL},
    /* ip: a fixed window from its first failure (args: subject, now, cutoff, cutoff) */
    {"authsvc_login_attempt_ip_failure",
     "INSERT INTO login_attempts (scope, subject, failures, window_start, locked_until) "
     "VALUES ('ip', %s, 1, %lld, 0) ON CONFLICT (scope, subject, source) DO UPDATE SET "
     "failures = CASE WHEN login_attempts.window_start < %lld THEN 1 "
     "ELSE login_attempts.failures + 1 END, "
     "window_start = CASE WHEN login_attempts.window_start < %lld "
     "THEN excluded.window_start ELSE login_attempts.window_start END", NULL},
    /* The same count, taken before a password is checked and only while under the limit:
     * no row back means limited. Checked apart from the count, attempts running at once
     * would all pass (args: subject, now, cutoff, cutoff, cutoff, limit). */
    {"authsvc_login_attempt_ip_reserve",
     "INSERT INTO login_attempts (scope, subject, failures, window_start, locked_until) "
     "VALUES ('ip', %s, 1, %lld, 0) ON CONFLICT (scope, subject, source) DO UPDATE SET "
     "failures = CASE WHEN login_attempts.window_start < %lld THEN 1 "
     "ELSE login_attempts.failures + 1 END, "
     "window_start = CASE WHEN login_attempts.window_start < %lld "
     "THEN excluded.window_start ELSE login_attempts.window_start END "
     "WHERE login_attempts.window_start < %lld OR login_attempts.failures < %d "
     "RETURNING failures, window_start", NULL},
    /* a reservation given back, in the window it was taken in (args: subject, window) */
    {"authsvc_login_attempt_ip_release",
     "UPDATE login_attempts SET failures = failures - 1 "
     "WHERE scope = 'ip' AND subject = %s AND source = '' AND window_start = %lld "
     "AND failures > 0", NULL},
    /* account: window_start is the latest attempt; a quiet period since then restarts
     * the count. Counted before the password is checked, and only while not locked (no
     * row back: locked); the attempt that reaches the limit locks at once, provisionally,
     * so that no other attempt runs before it is settled (args: subject, source, now,
     * the lock of a first attempt, quiet cutoff, quiet cutoff, limit, provisional lock). SQLite
     * binds every argument as text: the limit is cast for its comparison with a value
     * that is not a column. */
    {"authsvc_login_attempt_account_reserve",
     "INSERT INTO login_attempts (scope, subject, source, failures, window_start, "
     "locked_until) VALUES ('account', %s, %s, 1, %lld, %lld) "
     "ON CONFLICT (scope, subject, source) DO UPDATE SET "
     "failures = CASE WHEN login_attempts.window_start < %lld THEN 1 "
     "ELSE login_attempts.failures + 1 END, "
     "window_start = excluded.window_start, "
     "locked_until = CASE WHEN (CASE WHEN login_attempts.window_start < %lld THEN 1 "
     "ELSE login_attempts.failures + 1 END) >= CAST(%d AS INTEGER) THEN %lld "
     "ELSE login_attempts.locked_until END "
     "WHERE login_attempts.locked_until <= excluded.window_start "
     "RETURNING failures", NULL},
    /* the lock of a failed attempt, unless another attempt was counted since (args:
     * locked until, subject, source, the attempt's count) */
    {"authsvc_login_attempt_account_lock",
     "UPDATE login_attempts SET locked_until = %lld "
     "WHERE scope = 'account' AND subject = %s AND source = %s AND failures = %lld", NULL},
    /* an attempt given back (args: subject, source, the attempt's count) */
    {"authsvc_login_attempt_account_release",
     "UPDATE login_attempts SET failures = failures - 1, locked_until = 0 "
     "WHERE scope = 'account' AND subject = %s AND source = %s AND failures = %lld", NULL},
    /* a success: the count of its own counter starts again (args: subject, source) */
    {"authsvc_login_attempt_clear",
     "DELETE FROM login_attempts WHERE scope = 'account' AND subject = %s AND source = %s",
     NULL},
    /* every counter of the account, its known sources' too */
    {"authsvc_login_attempts_clear_account",
     "DELETE FROM login_attempts WHERE scope = 'account' AND subject = %s", NULL},
    /* known sources: the last success of a user from a source ('ip:ADDR') */
    {"authsvc_login_source_get",
     "SELECT last_success FROM login_sources WHERE user_id = %s AND source = %s", NULL},
    {"authsvc_login_source_record",
     "INSERT INTO login_sources (user_id, source, last_success) VALUES (%s, %s, %lld) "
     "ON CONFLICT (user_id, source) DO UPDATE SET last_success = excluded.last_success",
     NULL},

    /* authsvc-admin: listing and account administration */
    {"authsvc_admin_tenants", ADMIN_TENANT_SELECT "ORDER BY t.tenant_key", NULL},
    {"authsvc_admin_tenant", ADMIN_TENANT_SELECT "WHERE t.tenant_key = %s", NULL},
    {"authsvc_admin_roles", ADMIN_ROLE_SELECT "ORDER BY t.tenant_key, r.name", NULL},
    {"authsvc_admin_roles_by_tenant", ADMIN_ROLE_SELECT "WHERE t.tenant_key = %s "
     "ORDER BY r.name", NULL},
    {"authsvc_admin_role", ADMIN_ROLE_SELECT "WHERE t.tenant_key = %s AND r.name = %s", NULL},
    {"authsvc_admin_clients", ADMIN_CLIENT_SELECT "ORDER BY c.client_id", NULL},
    {"authsvc_admin_client", ADMIN_CLIENT_SELECT "WHERE c.client_id = %s", NULL},
    {"authsvc_admin_client_set_secret",
     "UPDATE auth_clients SET secret_hash = %s, updated_at = %lld "
     "WHERE client_id = %s AND client_type = 'confidential'", NULL},
    /* the live access tokens of a client's sessions, revoked before it is deleted (the
     * delete takes its refresh tokens, which name them, along) */
    {"authsvc_admin_client_access",
     "SELECT access_jti, access_exp FROM refresh_tokens "
     "WHERE client_id = %s AND revoked_at IS NULL AND access_exp > %lld", NULL},
    {"authsvc_admin_client_delete", "DELETE FROM auth_clients WHERE client_id = %s", NULL},
    /* a user's memberships: tenant key, role, status */
    {"authsvc_admin_user_tenants",
     "SELECT t.tenant_key, r.name, ut.status FROM user_tenants ut "
     "JOIN tenants t ON t.id = ut.tenant_id JOIN roles r ON r.id = ut.role_id "
     "WHERE ut.user_id = %s ORDER BY t.tenant_key", NULL},
    /* an account's lockout counters: source ('' or a known source), failures, lock */
    {"authsvc_admin_user_lockout",
     "SELECT source, failures, locked_until FROM login_attempts "
     "WHERE scope = 'account' AND subject = %s ORDER BY source", NULL},
    /* disable: memberships that may log in become inactive; enable: inactive ones active */
    {"authsvc_admin_user_disable",
     "UPDATE user_tenants SET status = 2, updated_at = %lld "
     "WHERE user_id = %s AND status IN (1, 3)", NULL},
    {"authsvc_admin_user_enable",
     "UPDATE user_tenants SET status = 1, updated_at = %lld WHERE user_id = %s AND status = 2",
     NULL},
    {"authsvc_admin_user_delete", "DELETE FROM users WHERE id = %s", NULL},

    /* login activity */
    {"authsvc_login_activity_insert",
     "INSERT INTO login_activity (id, actor, tenant_id, login_time, token_payload, "
     "login_type, device_info, ip_address, client_id) "
     "VALUES (%s, %s, %s, %lld, %s, %s, %s, %s, %s)", NULL},
    {"authsvc_login_activity_by_id",
     "SELECT id, actor, tenant_id, login_time, token_payload, login_type, device_info, "
     "ip_address FROM login_activity WHERE tenant_id = %s AND id = %s", NULL},
    /* authsvc-admin: the actor's username and the tenant's key where they still exist */
    {"authsvc_login_activity_since",
     "SELECT a.id, COALESCE(u.username, a.actor), COALESCE(t.tenant_key, a.tenant_id), "
     "a.login_time, a.login_type, a.ip_address, a.client_id FROM login_activity a "
     "LEFT JOIN users u ON u.id = a.actor LEFT JOIN tenants t ON t.id = a.tenant_id "
     "WHERE a.login_time >= %lld ORDER BY a.login_time, a.id", NULL},
    {"authsvc_login_activity_purge", "DELETE FROM login_activity WHERE login_time < %lld",
     NULL},

    /* admin console (db_admin.c): the caller's tenant's users with their lock, counters,
     * clients. Args of users: tenant, username key pattern, status twice (-1: any),
     * locked-only flag, now, limit, offset. */
    {"authsvc_console_users",
     "SELECT u.id, u.username, u.email, ut.status, "
     "COALESCE((SELECT MAX(a.failures) FROM login_attempts a WHERE a.scope = 'account' "
     "AND a.subject = u.username_key), 0), "
     "COALESCE((SELECT MAX(a.locked_until) FROM login_attempts a WHERE a.scope = 'account' "
     "AND a.subject = u.username_key), 0) "
     "FROM users u JOIN user_tenants ut ON ut.user_id = u.id "
     "WHERE ut.tenant_id = %s AND u.username_key LIKE %s ESCAPE '!' "
     "AND (CAST(%lld AS INTEGER) < 0 OR ut.status = CAST(%lld AS INTEGER)) "
     "AND (CAST(%lld AS INTEGER) = 0 OR EXISTS (SELECT 1 FROM login_attempts a "
     "WHERE a.scope = 'account' AND a.subject = u.username_key "
     "AND a.locked_until > CAST(%lld AS BIGINT))) "
     "ORDER BY u.username_key, u.id LIMIT CAST(%lld AS INTEGER) OFFSET CAST(%lld AS INTEGER)",
     NULL},
    /* a user of the tenant: its username */
    {"authsvc_console_user",
     "SELECT u.username FROM users u JOIN user_tenants ut ON ut.user_id = u.id "
     "WHERE u.id = %s AND ut.tenant_id = %s", NULL},
    /* disable / enable one membership (args: now, user, tenant), as authsvc_admin_user_* */
    {"authsvc_console_member_disable",
     "UPDATE user_tenants SET status = 2, updated_at = %lld "
     "WHERE user_id = %s AND tenant_id = %s AND status IN (1, 3)", NULL},
    {"authsvc_console_member_enable",
     "UPDATE user_tenants SET status = 1, updated_at = %lld "
     "WHERE user_id = %s AND tenant_id = %s AND status = 2", NULL},
    /* account counters of the tenant's users with failures or a lock, then addresses */
    {"authsvc_console_account_locks",
     "SELECT u.id, u.username, a.source, a.failures, a.locked_until, a.window_start "
     "FROM login_attempts a JOIN users u ON u.username_key = a.subject "
     "JOIN user_tenants ut ON ut.user_id = u.id AND ut.tenant_id = %s "
     "WHERE a.scope = 'account' AND (a.failures > 0 OR a.locked_until > CAST(%lld AS BIGINT)) "
     "ORDER BY a.locked_until DESC, u.username_key, a.source LIMIT 500", NULL},
    {"authsvc_console_address_locks",
     "SELECT subject, failures, locked_until, window_start FROM login_attempts "
     "WHERE scope = 'ip' AND (failures > 0 OR locked_until > CAST(%lld AS BIGINT)) "
     "ORDER BY failures DESC, subject LIMIT 500", NULL},
    {"authsvc_console_clients",
     "SELECT c.client_id, c.client_type, "
     "CASE WHEN EXISTS (SELECT 1 FROM oidc_clients o WHERE o.client_id = c.client_id) "
     "THEN 1 ELSE 0 END, c.created_at FROM auth_clients c ORDER BY c.client_id", NULL},

    /* emailed tokens (reset, invite): single use through the row count of consume */
    {"authsvc_mail_token_insert",
     "INSERT INTO mail_tokens (token_hash, purpose, user_id, client_id, email, expires_at, "
     "created_at) VALUES (%s, %s, %s, %s, %s, %lld, %lld)", NULL},
    {"authsvc_mail_token_by_hash",
     "SELECT token_hash, purpose, user_id, client_id, email, expires_at, used_at "
     "FROM mail_tokens WHERE token_hash = %s AND purpose = %s", NULL},
    {"authsvc_mail_token_consume",
     "UPDATE mail_tokens SET used_at = %lld WHERE token_hash = %s AND purpose = %s "
     "AND used_at IS NULL AND expires_at > %lld", NULL},
    {"authsvc_mail_token_retire_user",
     "UPDATE mail_tokens SET used_at = %lld "
     "WHERE user_id = %s AND purpose = 'reset' AND used_at IS NULL", NULL},
    /* mail limits: a fixed window from the first request (args: scope, subject, now,
     * cutoff, cutoff). The count comes back from the same statement: read apart, it
     * could already hold a request another child counted meanwhile. */
    {"authsvc_mail_limit_hit",
     "INSERT INTO mail_limits (scope, subject, requests, window_start) "
     "VALUES (%s, %s, 1, %lld) ON CONFLICT (scope, subject) DO UPDATE SET "
     "requests = CASE WHEN mail_limits.window_start < %lld THEN 1 "
     "ELSE mail_limits.requests + 1 END, "
     "window_start = CASE WHEN mail_limits.window_start < %lld "
     "THEN excluded.window_start ELSE mail_limits.window_start END "
     "RETURNING requests, window_start", NULL},
    /* users by address: the e-mail column or a username that is the address (args: the
     * lowercased address twice) */
    {"authsvc_user_by_email", "SELECT " USER_COLUMNS " FROM users "
     "WHERE lower(email) = %s OR username_key = %s", NULL},
    /* SAML: AuthnRequests sent (single use through the row count of consume), the
     * replay cache of Assertion IDs, the mapped profile (SAML and social) */
    {"authsvc_saml_request_insert",
     "INSERT INTO saml_requests (request_id, client_id, idp_entity_id, relay_state, "
     "expires_at, created_at, binding_hash) VALUES (%s, %s, %s, %s, %lld, %lld, %s)", NULL},
    {"authsvc_saml_request_by_id",
     "SELECT request_id, client_id, idp_entity_id, relay_state, expires_at, used_at, "
     "binding_hash FROM saml_requests WHERE request_id = %s", NULL},
    {"authsvc_saml_request_consume",
     "UPDATE saml_requests SET used_at = %lld WHERE request_id = %s AND client_id = %s "
     "AND idp_entity_id = %s AND used_at IS NULL AND expires_at > %lld", NULL},
    {"authsvc_saml_assertion_insert",
     "INSERT INTO saml_assertions (idp_entity_id, assertion_id, expires_at, created_at) "
     "VALUES (%s, %s, %lld, %lld) ON CONFLICT (idp_entity_id, assertion_id) DO NOTHING", NULL},
    {"authsvc_user_set_external_profile",
     "UPDATE users SET email = COALESCE(%s, email), first_name = COALESCE(%s, first_name), "
     "last_name = COALESCE(%s, last_name), external_groups = COALESCE(%s, external_groups), "
     "updated_at = %lld WHERE id = %s", NULL},
    {"authsvc_purge_saml_requests", "DELETE FROM saml_requests WHERE expires_at < %lld", NULL},
    {"authsvc_purge_saml_assertions", "DELETE FROM saml_assertions WHERE expires_at < %lld",
     NULL},

    /* signing key metadata */
    {"authsvc_signing_key_insert",
     "INSERT INTO signing_keys (kid, alg, created_at) VALUES (%s, %s, %lld) "
     "ON CONFLICT (kid) DO NOTHING", NULL},
    {"authsvc_signing_keys", "SELECT kid, alg, created_at, retired_at FROM signing_keys "
     "ORDER BY created_at", NULL},

    /* second factor: the TOTP credential of a user; a step is used once (args: step, now,
     * user, step) */
    {"authsvc_totp_by_user",
     "SELECT totp_secret, totp_last_step FROM user_credentials "
     "WHERE user_id = %s AND provider = 'totp'", NULL},
    {"authsvc_totp_use_step",
     "UPDATE user_credentials SET totp_last_step = %lld, updated_at = %lld "
     "WHERE user_id = %s AND provider = 'totp' "
     "AND (totp_last_step IS NULL OR totp_last_step < %lld)", NULL},
    {"authsvc_totp_delete",
     "DELETE FROM user_credentials WHERE user_id = %s AND provider = 'totp'", NULL},
    /* e-mailed one-time codes (see 009_email_otp.sql) */
    {"authsvc_otp_insert",
     "INSERT INTO otp_challenges (id, code_hash, user_id, otp_hash, attempts, expires_at, "
     "created_at) VALUES (%s, %s, %s, %s, 0, %lld, %lld)", NULL},
    {"authsvc_otp_latest",
     "SELECT id, otp_hash, attempts, used_at, expires_at FROM otp_challenges "
     "WHERE code_hash = %s AND used_at IS NULL ORDER BY created_at DESC, id LIMIT 1", NULL},
    /* a new code ends the older ones of the same pending code (args: now, code_hash) */
    {"authsvc_otp_retire",
     "UPDATE otp_challenges SET used_at = %lld WHERE code_hash = %s AND used_at IS NULL", NULL},
    /* an attempt is taken only while attempts remain (args: id, max, now) */
    {"authsvc_otp_attempt",
     "UPDATE otp_challenges SET attempts = attempts + 1 "
     "WHERE id = %s AND attempts < %d AND used_at IS NULL AND expires_at > %lld", NULL},
    {"authsvc_otp_use",
     "UPDATE otp_challenges SET used_at = %lld WHERE id = %s AND used_at IS NULL", NULL},
    {"authsvc_purge_otp_challenges", "DELETE FROM otp_challenges WHERE created_at < %lld", NULL},
    {"authsvc_user_set_mfa",
     "UPDATE users SET mfa_required = %d, updated_at = %lld WHERE id = %s", NULL},

    /* the token endpoint (oidc_tokens.c): what a refresh token it issued carries beside
     * the usual columns (scope NULL: a token of the service's own API) */
    {"authsvc_oidc_refresh_set",
     "UPDATE refresh_tokens SET scope = %s, auth_time = %lld, amr = %s WHERE token_hash = %s",
     NULL},
    {"authsvc_oidc_refresh_get",
     "SELECT scope, auth_time, amr, created_at FROM refresh_tokens WHERE token_hash = %s",
     NULL},

    /* purging: argument is now (epoch ms) */
    {"authsvc_purge_auth_codes", "DELETE FROM auth_codes WHERE expires_at < %lld", NULL},
    {"authsvc_purge_refresh_tokens",
     "DELETE FROM refresh_tokens WHERE expires_at < %lld OR family_expires_at < %lld", NULL},
    {"authsvc_purge_revoked_tokens", "DELETE FROM revoked_tokens WHERE expires_at < %lld",
     NULL},
    /* args: now, the last use before which an unlocked counter goes */
    {"authsvc_purge_login_attempts",
     "DELETE FROM login_attempts WHERE locked_until < %lld AND window_start < %lld", NULL},
    {"authsvc_purge_login_sources", "DELETE FROM login_sources WHERE last_success < %lld",
     NULL},
    {"authsvc_purge_mail_tokens", "DELETE FROM mail_tokens WHERE expires_at < %lld", NULL},
    {"authsvc_purge_mail_limits", "DELETE FROM mail_limits WHERE window_start < %lld", NULL},

    /* account page (migration 014): a browser session's device and address, the
     * signed-in user's live sessions, ending one of them (only the user's own), and the
     * authenticator secret pending in a session until it is confirmed */
    {"authsvc_account_session_device",
     "UPDATE gateway_sessions SET user_agent = %s, client_ip = %s WHERE id_hash = %s", NULL},
    {"authsvc_account_sessions",
     "SELECT id_hash, origin, user_agent, client_ip, created_at, last_seen_at, "
     "access_token, refresh_token, auth_time, amr FROM gateway_sessions "
     "WHERE user_id = %s AND expires_at > %lld AND idle_expires_at > %lld "
     "ORDER BY last_seen_at DESC, id_hash", NULL},
    {"authsvc_account_session_delete",
     "DELETE FROM gateway_sessions WHERE id_hash = %s AND user_id = %s", NULL},
    {"authsvc_account_totp_pending_set",
     "UPDATE gateway_sessions SET totp_pending = %s WHERE id_hash = %s AND user_id = %s",
     NULL},
    {"authsvc_account_totp_pending_get",
     "SELECT totp_pending FROM gateway_sessions WHERE id_hash = %s AND user_id = %s", NULL},
};

/* Dialect-specific statements run unprepared (see authsvc_db.h): "" = nothing to run. */
static const authsvc_db_statement_t direct_statements[] = {
    {AUTHSVC_DB_DIRECT_SESSION_INIT, "PRAGMA foreign_keys = ON", ""},
    /* own connections only (CLI, tests): SQLite waits for locks itself, even while
     * preparing. Not for httpd, where the apr_dbd driver holds a process-wide mutex
     * during each step: there authsvc_db_sqlite_wait_for_locks installs a busy handler
     * that lets go of it while it waits. Answers one row. */
    {AUTHSVC_DB_DIRECT_BUSY_TIMEOUT, "PRAGMA busy_timeout = 10000", ""},
    /* answers one row, the journal mode now in force ("wal") */
    {AUTHSVC_DB_DIRECT_JOURNAL_WAL, "PRAGMA journal_mode = WAL", ""},
    /* httpd's SQLite connections (dbd.c), each unless DBDInitSQL sets it: */
    /* answers the journal mode in force without changing it */
    {AUTHSVC_DB_DIRECT_JOURNAL_MODE, "PRAGMA journal_mode", ""},
    /* WAL only: a commit no longer waits for an fsync of the WAL; a power loss (not a
     * crash of httpd) may undo the last commits, never corrupt the file */
    {AUTHSVC_DB_DIRECT_SYNC_NORMAL, "PRAGMA synchronous = NORMAL", ""},
    /* 512 KiB of pages per connection instead of 2 MiB: in WAL mode a connection drops
     * its cache whenever another one has written, and the OS caches the file anyway */
    {AUTHSVC_DB_DIRECT_CACHE_SIZE, "PRAGMA cache_size = -512", ""},
    {AUTHSVC_DB_DIRECT_MIGRATIONS_EXIST,
     "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
     "SELECT COUNT(*) FROM information_schema.tables "
     "WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"},
    /* SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs a lock that
     * the transaction's end releases. The number is arbitrary but fixed. */
    {AUTHSVC_DB_DIRECT_MIGRATE_LOCK, "", "SELECT pg_advisory_xact_lock(4242001)"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format on */

const authsvc_db_statement_t *authsvc_db_statements(apr_size_t *count)
{
    *count = COUNT_OF(statements);
    return statements;
}

const char *authsvc_db_statement_sql(const authsvc_db_statement_t *st, authsvc_dialect_t d)
{
    if (d == AUTHSVC_DIALECT_PGSQL && st->sql_pgsql != NULL) {
        return st->sql_pgsql;
    }
    return st->sql;
}

static const authsvc_db_statement_t *find_in(const authsvc_db_statement_t *table,
                                             apr_size_t count, const char *label)
{
    apr_size_t i;

    for (i = 0; i < count; i++) {
        if (strcmp(table[i].label, label) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

const authsvc_db_statement_t *authsvc_db_statement_find(const char *label)
{
    return find_in(statements, COUNT_OF(statements), label);
}

const char *authsvc_db_direct_sql(const char *label, authsvc_dialect_t d)
{
    const authsvc_db_statement_t *st = find_in(direct_statements, COUNT_OF(direct_statements),
                                               label);

    return st != NULL ? authsvc_db_statement_sql(st, d) : NULL;
}
