-- mod_authsvc schema, migration 013: the standard OAuth 2.0 / OpenID Connect surface
-- (README, "Use it as an OpenID Connect provider"), over the same clients, codes,
-- refresh tokens and browser sessions as the service's own API.
--
-- A client speaks OpenID Connect when it has an oidc_clients row: the grant types it
-- may use (space-separated, from 'authorization_code', 'refresh_token',
-- 'client_credentials') and, in oidc_client_uris, the redirect URIs and the
-- post-logout redirect URIs it registered (matched exactly). Public or confidential
-- stays auth_clients.client_type.
CREATE TABLE oidc_clients (
    client_id TEXT PRIMARY KEY REFERENCES auth_clients (client_id) ON DELETE CASCADE,
    grant_types TEXT NOT NULL DEFAULT 'authorization_code refresh_token',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE oidc_client_uris (
    client_id TEXT NOT NULL REFERENCES auth_clients (client_id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('redirect', 'post_logout')),
    uri TEXT NOT NULL,
    PRIMARY KEY (client_id, kind, uri)
);

-- A code of the authorization endpoint carries the redirect URI it was issued for (NULL
-- for the codes of the service's own API, which the token endpoint refuses, and the
-- other way round), the scope granted, and when and how the user signed in: auth_time
-- in epoch milliseconds, amr as space-separated RFC 8176 values ('pwd', 'otp', 'mfa').
ALTER TABLE auth_codes ADD COLUMN redirect_uri TEXT;
ALTER TABLE auth_codes ADD COLUMN scope TEXT;
ALTER TABLE auth_codes ADD COLUMN auth_time BIGINT;
ALTER TABLE auth_codes ADD COLUMN amr TEXT;

-- The same for the refresh tokens the token endpoint issues (NULL scope: a token of the
-- service's own API), so that a refreshed ID token keeps auth_time and amr.
ALTER TABLE refresh_tokens ADD COLUMN scope TEXT;
ALTER TABLE refresh_tokens ADD COLUMN auth_time BIGINT;
ALTER TABLE refresh_tokens ADD COLUMN amr TEXT;

-- When and how the browser session's user signed in (epoch ms, RFC 8176 values), for
-- the authorization endpoint's max_age and the ID token's auth_time and amr. NULL on
-- the sessions made before this migration: read as "signed in with a password at
-- created_at".
ALTER TABLE gateway_sessions ADD COLUMN auth_time BIGINT;
ALTER TABLE gateway_sessions ADD COLUMN amr TEXT;
