--! Previous: sha1:4d027a44ef31738fb2f9a0863d71f8f40a1a9d80
--! Hash: sha1:7e43b9d9b61e297906f61f33a3c611501818b3fb
--! Message: staff-statement-timeout

-- Why this shape: one staff request (GraphQL or REST) must not pin the database. Every staff
-- connection logs in as ringside_authenticator and then only SET LOCAL ROLEs to ringside_staff,
-- which does not apply ringside_staff's own settings; so the 5-second statement timeout is the login
-- role's default, in force on every connection of the staff pool before any request runs.
-- The service role (webhooks, worker) keeps no timeout: ingestion must not fail on a slow moment.

alter role ringside_authenticator set statement_timeout = '5s';
