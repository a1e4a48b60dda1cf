-- mod_authsvc schema, migration 005: emailed tokens and the limits of mails sent.
-- Reset and invite tokens are stored as a SHA-256 hash. used_at is set once, by a
-- conditional UPDATE whose row count tells the single winner. A reset token names its
-- user and the client it was asked through, an invite only the address.
CREATE TABLE mail_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'invite')),
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT REFERENCES auth_clients (client_id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX mail_tokens_user_idx ON mail_tokens (user_id);
CREATE INDEX mail_tokens_expires_idx ON mail_tokens (expires_at);

-- Mails asked for in a fixed window: scope 'address' (subject: SHA-256 of the purpose
-- and the lowercased address or username) and 'ip' (the client address).
CREATE TABLE mail_limits (
    scope TEXT NOT NULL CHECK (scope IN ('address', 'ip')),
    subject TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT NOT NULL,
    PRIMARY KEY (scope, subject)
);
