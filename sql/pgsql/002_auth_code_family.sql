-- mod_authsvc schema, migration 002: the refresh family an auth code was exchanged for,
-- so a second redemption of the code can revoke what the first one issued.
ALTER TABLE auth_codes ADD COLUMN family_id TEXT;
