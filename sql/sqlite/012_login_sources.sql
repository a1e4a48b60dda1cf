-- Known sources (README, "Passwords and brute force"): a client address from which a
-- user logged in successfully stays known for 30 days (last_success, epoch ms, source
-- 'ip:<address>'). A login of that user from a known source (or from a browser with the
-- login page's device cookie) is counted per (account, source) instead of against the
-- account's lock: login_attempts gets a source column ('' for the account-wide and the
-- address counters, 'ip:<address>' or 'device:<id>' for a known source) in its key.
-- SQLite cannot change a primary key in place: the table is made again with its rows.
CREATE TABLE login_attempts_next (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'ip')),
    subject TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, subject, source)
);
INSERT INTO login_attempts_next (scope, subject, source, failures, window_start, locked_until)
    SELECT scope, subject, '', failures, window_start, locked_until FROM login_attempts;
DROP TABLE login_attempts;
ALTER TABLE login_attempts_next RENAME TO login_attempts;

CREATE TABLE login_sources (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    last_success BIGINT NOT NULL,
    PRIMARY KEY (user_id, source)
);

CREATE INDEX login_sources_last_success_idx ON login_sources (last_success);
