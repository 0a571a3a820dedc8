--! Previous: sha1:b1a8392e4ec699ce7a30f22dda43aa3aa93086d6
--! Hash: sha1:edac9c61e0e677a9748375c952fa526ff6fa8e39
--! Message: staff-statement-timeout

-- Why this shape: one staff request (GraphQL or REST) must not pin the database. Every staff
-- connection logs in as ringside_authenticator and then only SET LOCAL ROLEs to ringside_staff,
-- which does not apply ringside_staff's own settings; so the 5-second statement timeout is the login
-- role's default, in force on every connection of the staff pool before any request runs.
-- The service role (webhooks, worker) keeps no timeout: ingestion must not fail on a slow moment.

alter role ringside_authenticator set statement_timeout = '5s';
