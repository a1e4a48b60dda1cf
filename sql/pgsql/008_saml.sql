-- mod_authsvc schema, migration 008: SAML service provider state, in the database so
-- that every node sees it (no cookie, no shared memory of one node).
-- saml_requests: each AuthnRequest sent, by its ID, with the client it was made for.
-- used_at is set once, by a conditional UPDATE whose row count tells the single winner.
CREATE TABLE saml_requests (
    request_id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES auth_clients (client_id) ON DELETE CASCADE,
    idp_entity_id TEXT NOT NULL,
    relay_state TEXT,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX saml_requests_expires_idx ON saml_requests (expires_at);

-- The replay cache: every Assertion ID accepted, kept until its NotOnOrAfter (plus the
-- clock skew). The primary key makes a second use fail.
CREATE TABLE saml_assertions (
    idp_entity_id TEXT NOT NULL,
    assertion_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (idp_entity_id, assertion_id)
);

CREATE INDEX saml_assertions_expires_idx ON saml_assertions (expires_at);

-- The groups the IdP last sent for a user (a JSON array), for the "groups" claim.
ALTER TABLE users ADD COLUMN external_groups TEXT;
