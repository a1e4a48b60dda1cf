-- mod_authsvc schema, migration 015: users are found by e-mail address without regard to
-- case (forgot-password by address, invites, linking a social login to an account), as
-- lower(email) = lower(address). An index on that expression answers it from the index
-- instead of reading every user.
CREATE INDEX users_email_lower_idx ON users (lower(email));
