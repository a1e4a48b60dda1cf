-- Second factor. An authenticator-app (TOTP) secret is a user_credentials row with
-- provider 'totp', and totp_last_step is the last time step accepted, so that each code
-- is used once. otp_failures counts wrong codes tried with an MFA-pending auth code.
ALTER TABLE user_credentials ADD COLUMN totp_last_step BIGINT;
ALTER TABLE auth_codes ADD COLUMN otp_failures INTEGER NOT NULL DEFAULT 0;
