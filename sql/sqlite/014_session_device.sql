-- mod_authsvc schema, migration 014: what the account page shows of a browser session
-- (README, "The account page"): the browser's User-Agent (at most 512 bytes) and the
-- client address at sign-in. NULL on sessions made before this migration (shown as
-- "unknown"). totp_pending holds the base32 secret of an authenticator being enrolled in
-- this session until it is confirmed with a code, so the QR image is served to this
-- session only and an enrolment left half-way enables nothing.
ALTER TABLE gateway_sessions ADD COLUMN user_agent TEXT;
ALTER TABLE gateway_sessions ADD COLUMN client_ip TEXT;
ALTER TABLE gateway_sessions ADD COLUMN totp_pending TEXT;
