--! Previous: sha1:299c330d5614143c288e88ac7e518a85aae4882b
--! Hash: sha1:25b50b08f2f7a2fabf2f2b456ae06c256298b48e
--! Message: staff-statement-timeout

-- Why this shape: one staff request (GraphQL or REST) must not pin the database. Every staff
-- connection logs in as ringside_authenticator and then only SET LOCAL ROLEs to ringside_staff,
-- which does not apply ringside_staff's own settings; so the 5-second statement timeout is the login
-- role's default, in force on every connection of the staff pool before any request runs.
-- The service role (webhooks, worker) keeps no timeout: ingestion must not fail on a slow moment.

alter role ringside_authenticator set statement_timeout = '5s';
