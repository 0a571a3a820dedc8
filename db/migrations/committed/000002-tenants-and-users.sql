--! Previous: sha1:e2ebeab47d301f7e594b0aedab6b9c3294a05be0
--! Hash: sha1:2b6b3bd165833085c51f16e83d7b8ac83c571df2
--! Message: tenants-and-users

-- Why this shape: a tenant is a firm. Its public face (name, slug, region, language) lives in
-- app_public; what must never reach a browser (webhook secrets, password hashes) lives in
-- app_private, a schema the staff role has no usage on at all.
--
-- Policies name no role unless they must: they then bind the migration owner too, because row-level
-- security is forced (unless that owner is a superuser: superusers bypass row-level security, forced
-- or not, which is why the application runs as roles that are neither superuser nor BYPASSRLS).
-- Cross-tenant reads exist only where the service role needs them to find the tenant of an incoming
-- webhook or login, and each is a separate, named policy.

create table app_public.tenants (
  id uuid primary key default gen_random_uuid(),
  slug citext not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 1 and 200),
  region text not null default 'BE' check (region ~ '^[A-Z]{2}$'),
  language text not null default 'fr' check (language in ('fr', 'nl', 'en', 'de')),
  created_at timestamptz not null default now()
);
alter table app_public.tenants enable row level security;
alter table app_public.tenants force row level security;
create policy own_tenant on app_public.tenants
  using (id = app_hidden.current_tenant_id());
create policy service_resolves_tenants on app_public.tenants for select to ringside_service
  using (true);
grant select on app_public.tenants to ringside_staff, ringside_service;
grant update (name, language) on app_public.tenants to ringside_staff;

comment on table app_public.tenants is 'A firm using ringside. Everything else belongs to exactly one tenant.';
comment on column app_public.tenants.slug is 'URL-safe key, used in the tenant''s webhook URL.';
comment on column app_public.tenants.region is 'ISO 3166 country whose national number format is assumed for numbers written without a country code.';
comment on column app_public.tenants.language is 'Language of titles, summaries and tasks (ISO 639-1).';

create table app_private.tenant_secrets (
  tenant_id uuid primary key references app_public.tenants on delete cascade,
  webhook_secret text not null default encode(gen_random_bytes(32), 'hex') check (length(webhook_secret) >= 16),
  previous_webhook_secret text check (length(previous_webhook_secret) >= 16),
  rotated_at timestamptz
);
alter table app_private.tenant_secrets enable row level security;
alter table app_private.tenant_secrets force row level security;
create policy own_tenant on app_private.tenant_secrets
  using (tenant_id = app_hidden.current_tenant_id());
create policy service_verifies_webhooks on app_private.tenant_secrets for select to ringside_service
  using (true);
grant select on app_private.tenant_secrets to ringside_service;

comment on table app_private.tenant_secrets is 'Webhook signing secrets. The previous secret stays valid during a rotation.';

create table app_public.users (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  email citext not null unique check (email ~ '^[^@\s]+@[^@\s]+$'),
  display_name text not null check (length(display_name) between 1 and 200),
  role text not null default 'staff' check (role in ('staff', 'admin')),
  created_at timestamptz not null default now(),
  unique (tenant_id, id)
);
alter table app_public.users enable row level security;
alter table app_public.users force row level security;
create policy own_tenant on app_public.users
  using (tenant_id = app_hidden.current_tenant_id());
create policy service_authenticates on app_public.users for select to ringside_service
  using (true);
grant select on app_public.users to ringside_staff, ringside_service;
grant update (display_name) on app_public.users to ringside_staff;
create index users_tenant_idx on app_public.users (tenant_id);

comment on table app_public.users is 'A staff member of a tenant. Email is unique across tenants: one login, one firm.';

create table app_private.user_secrets (
  user_id uuid primary key references app_public.users on delete cascade,
  tenant_id uuid not null references app_public.tenants on delete cascade,
  password_hash text not null,
  updated_at timestamptz not null default now()
);
alter table app_private.user_secrets enable row level security;
alter table app_private.user_secrets force row level security;
create policy own_tenant on app_private.user_secrets
  using (tenant_id = app_hidden.current_tenant_id());
create policy service_authenticates on app_private.user_secrets for select to ringside_service
  using (true);
grant select on app_private.user_secrets to ringside_service;

comment on table app_private.user_secrets is 'bcrypt password hashes (pgcrypto), out of reach of the staff role.';

-- Login: one function, bcrypt compared in the database so a hash never leaves it.
create function app_hidden.authenticate(p_email text, p_password text)
  returns table (user_id uuid, tenant_id uuid, role text)
  language sql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
    select u.id, u.tenant_id, u.role
    from app_public.users u
    join app_private.user_secrets s on s.user_id = u.id
    where u.email = p_email::citext
      and s.password_hash = public.crypt(p_password, s.password_hash)
  $$;
comment on function app_hidden.authenticate(text, text) is 'The user whose email and password match, or no row.';
grant execute on function app_hidden.authenticate(text, text) to ringside_service;

-- Resolving a webhook URL: by slug or by id, with the secrets that may have signed it.
create function app_hidden.webhook_tenant(p_key text)
  returns table (id uuid, slug text, region text, language text, secrets text[])
  language sql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
    select t.id, t.slug::text, t.region, t.language,
           array_remove(array[s.webhook_secret, s.previous_webhook_secret], null)
    from app_public.tenants t
    join app_private.tenant_secrets s on s.tenant_id = t.id
    where t.slug = p_key::citext
       -- CASE, not AND: SQL does not promise to test the pattern before attempting the cast.
       or t.id = case when p_key ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then p_key::uuid end
  $$;
comment on function app_hidden.webhook_tenant(text) is 'The tenant a webhook URL names (slug or id), with its current and previous secrets.';
grant execute on function app_hidden.webhook_tenant(text) to ringside_service;

create function app_hidden.sole_tenant_key() returns text
  language sql stable
  as $$ select (array_agg(slug::text))[1] from app_public.tenants having count(*) = 1 $$;
comment on function app_hidden.sole_tenant_key() is 'The slug of the only tenant, or null when there are none or several: the tenant-less webhook URL works only then.';
grant execute on function app_hidden.sole_tenant_key() to ringside_service;

-- Administration (npm run admin). These run as the migration owner; because row-level security is
-- forced (it binds a non-superuser owner), each sets the tenant it writes for, exactly as the
-- application does.
-- app_private.create_tenant is defined once in its final form in 000028 (a tenant comes with its
-- settings).

create function app_private.create_user(p_tenant_id uuid, p_email text, p_password text, p_display_name text, p_role text default 'staff')
  returns uuid
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
declare
  v_id uuid;
begin
  if length(p_password) < 8 then
    raise exception 'password must have at least 8 characters' using errcode = '22023';
  end if;
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  insert into app_public.users (tenant_id, email, display_name, role)
    values (p_tenant_id, p_email, p_display_name, p_role)
    returning users.id into v_id;
  insert into app_private.user_secrets (user_id, tenant_id, password_hash)
    values (v_id, p_tenant_id, crypt(p_password, gen_salt('bf', 10)));
  return v_id;
end
$$;
comment on function app_private.create_user(uuid, text, text, text, text) is 'Creates a staff user with a bcrypt-hashed password.';

create function app_private.rotate_webhook_secret(p_tenant_id uuid)
  returns text
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
declare
  v_secret text;
begin
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  update app_private.tenant_secrets
     set previous_webhook_secret = webhook_secret,
         webhook_secret = encode(gen_random_bytes(32), 'hex'),
         rotated_at = now()
   where tenant_id = p_tenant_id
  returning webhook_secret into v_secret;
  return v_secret;
end
$$;
comment on function app_private.rotate_webhook_secret(uuid) is 'Starts a rotation: a new secret, the old one still accepted as previous.';
