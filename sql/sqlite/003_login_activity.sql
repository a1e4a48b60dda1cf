-- mod_authsvc schema, migration 003: login activity reports. Retention purges by time;
-- the active-user report reads a tenant's rows by type and time.
CREATE INDEX login_activity_time_idx ON login_activity (login_time);
CREATE INDEX login_activity_tenant_type_time_idx ON login_activity (tenant_id, login_type, login_time);
