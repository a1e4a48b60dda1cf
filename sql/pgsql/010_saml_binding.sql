-- The SHA-256 of the browser-binding cookie set when an AuthnRequest was sent
-- (docs/design.md section 8): the Response must come back through the same browser.
ALTER TABLE saml_requests ADD COLUMN binding_hash TEXT;
