-- One-time codes mailed per user in 15 minutes are counted in mail_limits too (scope
-- 'otp-user', subject: the user id), by the same single upsert, so that sends running
-- at once in several processes cannot pass the limit together. SQLite cannot change a
-- CHECK constraint in place: the table is made again with its rows.
CREATE TABLE mail_limits_next (
    scope TEXT NOT NULL CHECK (scope IN ('address', 'ip', 'otp-user')),
    subject TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    window_start BIGINT NOT NULL,
    PRIMARY KEY (scope, subject)
);
INSERT INTO mail_limits_next (scope, subject, requests, window_start)
    SELECT scope, subject, requests, window_start FROM mail_limits;
DROP TABLE mail_limits;
ALTER TABLE mail_limits_next RENAME TO mail_limits;
