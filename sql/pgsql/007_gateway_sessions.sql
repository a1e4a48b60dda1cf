-- mod_authsvc schema, migration 004: browser sessions of the gateway. The cookie holds
-- an opaque random id, and only its SHA-256 (hex) is stored. A session belongs to the
-- origin that created it (scheme://host:port), holds the token pair it signs in with
-- (refreshed silently), and ends at whichever comes first of its idle and absolute
-- expiry (epoch milliseconds). refreshing_until lets one request at a time refresh.
CREATE TABLE gateway_sessions (
    id_hash TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    user_id TEXT NOT NULL,
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    access_expires_at BIGINT NOT NULL,
    remember INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    idle_expires_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    refreshing_until BIGINT
);
CREATE INDEX gateway_sessions_expires_idx ON gateway_sessions (expires_at);
CREATE INDEX gateway_sessions_user_idx ON gateway_sessions (user_id);
