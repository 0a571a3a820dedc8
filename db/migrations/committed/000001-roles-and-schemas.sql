--! Previous: -
--! Hash: sha1:e2ebeab47d301f7e594b0aedab6b9c3294a05be0
--! Message: roles-and-schemas

-- Why this shape: the database, not the server, decides who sees what.
--
-- Three schemas:
--   app_public  — the data model staff work with; exposed through GraphQL.
--   app_hidden  — functions the server calls (ingestion, matching, login) but GraphQL does not expose.
--   app_private — secrets and internals (webhook secrets, password hashes, the delivery inbox, live events).
--
-- Three roles, none superuser nor BYPASSRLS, so row-level security always applies:
--   ringside_service       — logs in; webhooks, the job worker and the live listener. Serves every tenant,
--                            so it may resolve a tenant by its URL key, but touches tenant data only
--                            with app.current_tenant set.
--   ringside_authenticator — logs in for staff requests and can do nothing by itself: each request
--                            switches (SET LOCAL ROLE) to ringside_staff with the token's tenant.
--   ringside_staff         — what a staff request runs as.
-- Roles are cluster-wide, so they are created only when missing; passwords are set by the migrate
-- command (server/db/migrate.ts), never written here.

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'ringside_service') then
    create role ringside_service login nosuperuser nobypassrls nocreatedb nocreaterole;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'ringside_authenticator') then
    create role ringside_authenticator login noinherit nosuperuser nobypassrls nocreatedb nocreaterole;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'ringside_staff') then
    create role ringside_staff nologin nosuperuser nobypassrls;
  end if;
end
$$;

grant ringside_staff to ringside_authenticator;

-- Extensions first: their functions keep PostgreSQL's default EXECUTE for everyone.
create extension if not exists pgcrypto with schema public;
create extension if not exists citext with schema public;

-- Functions are not callable by everyone unless granted (PostgreSQL's default is EXECUTE to PUBLIC).
alter default privileges revoke execute on functions from public;

revoke all on schema public from public;

create schema app_public;
create schema app_hidden;
create schema app_private;

comment on schema app_public is 'The data model staff work with; exposed through GraphQL.';
comment on schema app_hidden is 'Functions the server calls that are not part of the GraphQL API.';
comment on schema app_private is 'Secrets and internals: no staff role can read them.';

grant usage on schema app_public, app_hidden to ringside_staff, ringside_service;
grant usage on schema app_private to ringside_service;
grant usage on schema public to ringside_staff, ringside_service;

-- The tenant and the user are read here and nowhere else; every policy calls these.
-- Both settings are transaction-local (set_config(..., true)), so a pooled connection never
-- carries one request's tenant into the next.
create function app_hidden.current_tenant_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(pg_catalog.current_setting('app.current_tenant', true), '')::uuid $$;

create function app_hidden.current_user_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(pg_catalog.current_setting('app.current_user', true), '')::uuid $$;

comment on function app_hidden.current_tenant_id() is 'The tenant of the current transaction (app.current_tenant), or null.';
comment on function app_hidden.current_user_id() is 'The staff user of the current transaction (app.current_user), or null.';

grant execute on function app_hidden.current_tenant_id(), app_hidden.current_user_id()
  to ringside_staff, ringside_service;

-- updated_at maintained by the database, for every table that has one.
create function app_hidden.tg__set_updated_at() returns trigger
  language plpgsql volatile
  as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end
$$;
comment on function app_hidden.tg__set_updated_at() is 'Trigger: keeps updated_at current.';
