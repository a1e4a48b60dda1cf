-- mod_authsvc schema version 1, PostgreSQL dialect.
-- Keep equivalent to sql/sqlite/001_initial.sql: same tables, columns, keys and indexes.
-- Conventions: ids are TEXT (UUIDs, or the public client_id), times are BIGINT epoch
-- milliseconds UTC, booleans are INTEGER 0/1, dates of birth are TEXT YYYY-MM-DD.
-- The migrator splits this file on a semicolon at the end of a line: no semicolon may
-- appear anywhere else, comments included. It records the version itself.

CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at BIGINT NOT NULL
);

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    tenant_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Roles belong to one tenant. UNIQUE (id, tenant_id) lets user_tenants reference
-- (role_id, tenant_id) together, so a user never holds another tenant's role.
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name),
    UNIQUE (id, tenant_id)
);

CREATE TABLE role_permissions (
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
);

-- secret_hash is "sha256:<hex>" of a 256-bit random secret, NULL for public clients.
CREATE TABLE auth_clients (
    client_id TEXT PRIMARY KEY,
    secret_hash TEXT,
    client_type TEXT NOT NULL DEFAULT 'confidential'
        CHECK (client_type IN ('public', 'confidential')),
    redirect_url TEXT,
    access_token_ttl INTEGER NOT NULL DEFAULT 900 CHECK (access_token_ttl > 0),
    refresh_token_ttl INTEGER NOT NULL DEFAULT 86400 CHECK (refresh_token_ttl > 0),
    auth_code_ttl INTEGER NOT NULL DEFAULT 180
        CHECK (auth_code_ttl > 0 AND auth_code_ttl <= 600),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- username_key is the username lowercased by the application: usernames are unique
-- without regard to case, and looked up through this column.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    email TEXT,
    first_name TEXT,
    middle_name TEXT,
    last_name TEXT,
    phone TEXT,
    dob TEXT,
    gender TEXT,
    photo_url TEXT,
    designation TEXT,
    default_tenant_id TEXT REFERENCES tenants (id) ON DELETE SET NULL,
    locale TEXT,
    last_login BIGINT,
    mfa_required INTEGER NOT NULL DEFAULT 0 CHECK (mfa_required IN (0, 1)),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX users_email_idx ON users (email);

-- One row per user and provider: 'internal' holds the argon2id password hash, the
-- social providers hold the provider's subject in external_id.
CREATE TABLE user_credentials (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL DEFAULT 'internal',
    external_id TEXT,
    password_hash TEXT,
    totp_secret TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (user_id, provider),
    UNIQUE (provider, external_id)
);

-- The clients a user may log in through: exact membership, one row each.
CREATE TABLE user_auth_clients (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES auth_clients (client_id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, client_id)
);

CREATE INDEX user_auth_clients_client_idx ON user_auth_clients (client_id);

-- status: 0 REGISTERED, 1 ACTIVE, 2 INACTIVE, 3 PASSWORD_CHANGE_NEEDED, 4 REJECTED.
CREATE TABLE user_tenants (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    role_id TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 4),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (user_id, tenant_id),
    FOREIGN KEY (role_id, tenant_id) REFERENCES roles (id, tenant_id)
);

CREATE INDEX user_tenants_tenant_idx ON user_tenants (tenant_id);

-- Per user_tenant overrides of the role's set: allowed 1 adds, allowed 0 removes.
CREATE TABLE user_permissions (
    user_tenant_id TEXT NOT NULL REFERENCES user_tenants (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    allowed INTEGER NOT NULL DEFAULT 1 CHECK (allowed IN (0, 1)),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_tenant_id, permission)
);

-- Auth codes are stored as a hash of the code. used_at is set once, by a conditional
-- UPDATE whose row count tells the single winner.
CREATE TABLE auth_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES auth_clients (client_id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_tenant_id TEXT NOT NULL REFERENCES user_tenants (id) ON DELETE CASCADE,
    mfa_pending INTEGER NOT NULL DEFAULT 0 CHECK (mfa_pending IN (0, 1)),
    code_challenge TEXT,
    code_challenge_method TEXT
        CHECK (code_challenge_method IS NULL OR code_challenge_method IN ('S256', 'plain')),
    nonce TEXT,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX auth_codes_expires_idx ON auth_codes (expires_at);

-- Refresh tokens are stored as a hash. A family is every token rotated from one login,
-- with an absolute end (family_expires_at). consumed_at marks rotation, revoked_at
-- logout or reuse detection.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    family_expires_at BIGINT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES auth_clients (client_id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    access_jti TEXT NOT NULL,
    access_exp BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    consumed_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);

-- Revoked access tokens, kept until their own expiry (expires_at), then purged.
CREATE TABLE revoked_tokens (
    jti TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL
);

CREATE INDEX revoked_tokens_expires_idx ON revoked_tokens (expires_at);
CREATE INDEX revoked_tokens_revoked_idx ON revoked_tokens (revoked_at);

-- Brute-force counters. scope 'account': subject is the lowercased username as typed
-- (counted whether or not the account exists), scope 'ip': the client address.
CREATE TABLE login_attempts (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'ip')),
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, subject)
);

-- An audit trail: no foreign keys, so rows outlive the users, tenants and clients
-- they name. login_type is ACCESS, RELOGIN, LOGOUT or a failure kind.
CREATE TABLE login_activity (
    id TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    tenant_id TEXT,
    login_time BIGINT NOT NULL,
    token_payload TEXT,
    login_type TEXT NOT NULL,
    device_info TEXT,
    ip_address TEXT,
    client_id TEXT
);

CREATE INDEX login_activity_tenant_time_idx ON login_activity (tenant_id, login_time);
CREATE INDEX login_activity_actor_idx ON login_activity (actor);

-- Metadata of the signing keys named in the configuration (the keys stay in PEM files).
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
