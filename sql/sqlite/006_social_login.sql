-- mod_authsvc schema, migration 006: social login (OAuth 2.0 / OpenID Connect).
-- social_states: one row per login started at a provider. state_hash is the SHA-256 of
-- the state sent to the provider, binding_hash that of the browser's binding cookie.
-- used_at is set once, by a conditional UPDATE whose row count tells the single winner.
-- kept_params holds the caller's extra start fields (Keycloak), as a query string.
CREATE TABLE social_states (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES auth_clients (client_id) ON DELETE CASCADE,
    binding_hash TEXT NOT NULL,
    nonce TEXT,
    code_verifier TEXT,
    kept_params TEXT,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX social_states_expires_idx ON social_states (expires_at);

-- The provider's tokens of a user's latest login through it, for revocation or
-- end-session at logout.
CREATE TABLE social_sessions (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    access_token TEXT,
    refresh_token TEXT,
    id_token TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, provider)
);
