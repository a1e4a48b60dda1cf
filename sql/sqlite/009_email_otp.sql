-- E-mailed one-time codes of the second factor. A challenge belongs to the MFA-pending
-- auth code it was sent for (code_hash), holds the code as a hash, counts the attempts
-- made with it, and ends when used, exhausted or expired. Rows also count sends per user.
CREATE TABLE otp_challenges (
    id TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    otp_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at BIGINT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX otp_challenges_code_idx ON otp_challenges (code_hash, created_at);
CREATE INDEX otp_challenges_user_idx ON otp_challenges (user_id, created_at);
