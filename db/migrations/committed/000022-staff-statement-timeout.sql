--! Previous: sha1:e08d464573c861d1973d7aa525f9a02fe7b7f8f2
--! Hash: sha1:b0169ae00e335372f5462e133e538b4736c6d0c6
--! Message: staff-statement-timeout

-- Why this shape: one staff request (GraphQL or REST) must not pin the database. Every staff
-- connection logs in as ringside_authenticator and then only SET LOCAL ROLEs to ringside_staff,
-- which does not apply ringside_staff's own settings; so the 5-second statement timeout is the login
-- role's default, in force on every connection of the staff pool before any request runs.
-- The service role (webhooks, worker) keeps no timeout: ingestion must not fail on a slow moment.

alter role ringside_authenticator set statement_timeout = '5s';
