--! Previous: sha1:95e2639a436fd00039047176f48a5d632005eebb
--! Hash: sha1:78825bbe4a011b15f286fc404b2ebfe1c5ed02af
--! Message: staff-statement-timeout

-- Why this shape: one staff request (GraphQL or REST) must not pin the database. Every staff
-- connection logs in as ringside_authenticator and then only SET LOCAL ROLEs to ringside_staff,
-- which does not apply ringside_staff's own settings; so the 5-second statement timeout is the login
-- role's default, in force on every connection of the staff pool before any request runs.
-- The service role (webhooks, worker) keeps no timeout: ingestion must not fail on a slow moment.

alter role ringside_authenticator set statement_timeout = '5s';
