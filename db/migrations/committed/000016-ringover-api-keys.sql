--! Previous: sha1:84e5b624ec7690d45cc83b28f9ce51cea741517b
--! Hash: sha1:4bd95646167ab3db087865ad7909e7f34c36fa02
--! Message: ringover-api-keys

-- Why this shape: the backfill reads Ringover's API v2 with each tenant's API key. The key opens the
-- firm's whole call history at Ringover, so it lives in app_private (no staff usage at all) with no
-- SELECT grant to anyone: the service role gets it only through ringover_api_key(), one tenant at a
-- time, and the admin command writes it through set_ringover_api_key() as the owner.
--
-- Ringover answers 401 to a key that was revoked or mistyped. That is not an error to retry: the key
-- is marked invalid (since when, why), the reconciliation skips it, /readyz and the logs say so, and
-- setting a key again makes it valid. `version` grows with every new key, so an answer to a request
-- made with the old key can never mark the new one invalid.

create table app_private.ringover_api_keys (
  tenant_id uuid primary key references app_public.tenants on delete cascade,
  api_key text not null check (length(api_key) between 8 and 512 and api_key !~ '\s'),
  version integer not null default 1,
  status text not null default 'valid' check (status in ('valid', 'invalid')),
  invalid_since timestamptz,
  invalid_reason text check (length(invalid_reason) <= 500),
  set_at timestamptz not null default now(),
  last_success_at timestamptz,
  check ((status = 'invalid') = (invalid_since is not null))
);
alter table app_private.ringover_api_keys enable row level security;
alter table app_private.ringover_api_keys force row level security;
create policy own_tenant on app_private.ringover_api_keys
  using (tenant_id = app_hidden.current_tenant_id());
-- The functions below run as their owner (the migration role), which forced row-level security binds
-- too: the per-tenant ones name their tenant, and the two that list every tenant (which tenants to
-- reconcile, the key states for /readyz) read through this policy. No grants: those functions are the
-- only way in.
create policy definer_functions_list_keys on app_private.ringover_api_keys for select to current_user
  using (true);

comment on table app_private.ringover_api_keys is 'Each tenant''s Ringover API v2 key (for the backfill) and whether Ringover still accepts it. Read only through app_hidden.ringover_api_key().';
comment on column app_private.ringover_api_keys.api_key is 'The key as Ringover shows it; sent raw in the Authorization header.';
comment on column app_private.ringover_api_keys.version is 'Grows with every new key: a 401 to a request made with an older key does not mark the current one invalid.';
comment on column app_private.ringover_api_keys.status is 'valid, or invalid once Ringover answered 401 with it (until a new key is set or a request succeeds).';
comment on column app_private.ringover_api_keys.invalid_since is 'When Ringover first refused the key (null while valid).';
comment on column app_private.ringover_api_keys.invalid_reason is 'Ringover''s answer when it refused the key.';
comment on column app_private.ringover_api_keys.set_at is 'When the current key was stored.';
comment on column app_private.ringover_api_keys.last_success_at is 'When Ringover last answered a request made with this key.';

-- Administration (npm run admin -- ringover:set-api-key): runs as the owner, which row-level security
-- binds too, so it names its tenant like create_tenant does.
create function app_private.set_ringover_api_key(p_tenant_id uuid, p_api_key text)
  returns integer
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_version integer;
begin
  perform pg_catalog.set_config('app.current_tenant', p_tenant_id::text, true);
  insert into app_private.ringover_api_keys as k (tenant_id, api_key)
    values (p_tenant_id, p_api_key)
    on conflict (tenant_id) do update
      set api_key = excluded.api_key, version = k.version + 1, status = 'valid',
          invalid_since = null, invalid_reason = null, set_at = pg_catalog.now(), last_success_at = null
    returning k.version into v_version;
  return v_version;
end
$$;
comment on function app_private.set_ringover_api_key(uuid, text) is 'Stores (or replaces) a tenant''s Ringover API key, valid until Ringover refuses it; returns its version.';

-- The one way the service role reads a key: one tenant, by id.
create function app_hidden.ringover_api_key(p_tenant_id uuid)
  returns table (api_key text, version integer, status text)
  language plpgsql volatile -- names its tenant for row-level security, then restores the caller's
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_caller_tenant text := pg_catalog.current_setting('app.current_tenant', true);
begin
  perform pg_catalog.set_config('app.current_tenant', p_tenant_id::text, true);
  return query
    select k.api_key, k.version, k.status
    from app_private.ringover_api_keys k
    where k.tenant_id = p_tenant_id;
  perform pg_catalog.set_config('app.current_tenant', coalesce(v_caller_tenant, ''), true);
end
$$;
comment on function app_hidden.ringover_api_key(uuid) is 'A tenant''s Ringover API key, its version and status (no row when none is set). For the backfill only.';
grant execute on function app_hidden.ringover_api_key(uuid) to ringside_service;

create function app_hidden.record_ringover_api_key_answer(p_tenant_id uuid, p_version integer, p_valid boolean, p_reason text default null)
  returns table (status text, invalid_since timestamptz, invalid_reason text, changed boolean)
  language plpgsql volatile
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_before text;
  v_caller_tenant text := pg_catalog.current_setting('app.current_tenant', true);
begin
  -- Names its tenant for row-level security, and restores the caller's before returning.
  perform pg_catalog.set_config('app.current_tenant', p_tenant_id::text, true);
  select k.status into v_before from app_private.ringover_api_keys k
   where k.tenant_id = p_tenant_id and k.version = p_version
   for update;
  if not found then
    perform pg_catalog.set_config('app.current_tenant', coalesce(v_caller_tenant, ''), true);
    return; -- the key was replaced meanwhile: this answer says nothing about the new one
  end if;
  return query
    update app_private.ringover_api_keys k
       set status = case when p_valid then 'valid' else 'invalid' end,
           -- The first refusal dates the problem; later ones keep that date.
           invalid_since = case when p_valid then null else coalesce(k.invalid_since, pg_catalog.now()) end,
           invalid_reason = case when p_valid then null else pg_catalog.left(coalesce(p_reason, 'refused by Ringover'), 500) end,
           last_success_at = case when p_valid then pg_catalog.now() else k.last_success_at end
     where k.tenant_id = p_tenant_id and k.version = p_version
    returning k.status, k.invalid_since, k.invalid_reason, k.status is distinct from v_before;
  perform pg_catalog.set_config('app.current_tenant', coalesce(v_caller_tenant, ''), true);
end
$$;
comment on function app_hidden.record_ringover_api_key_answer(uuid, integer, boolean, text) is 'Records whether Ringover accepted a request made with key version p_version: invalid (since when, why) after a 401, valid after a success.';
grant execute on function app_hidden.record_ringover_api_key_answer(uuid, integer, boolean, text) to ringside_service;

create function app_hidden.ringover_api_keys_to_reconcile()
  returns table (tenant_id uuid)
  language sql stable
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select k.tenant_id from app_private.ringover_api_keys k where k.status = 'valid' order by k.tenant_id
  $$;
comment on function app_hidden.ringover_api_keys_to_reconcile() is 'The tenants whose Ringover API key is valid: the periodic reconciliation reads their recent calls.';
grant execute on function app_hidden.ringover_api_keys_to_reconcile() to ringside_service;

-- What /readyz shows: no key, only its state.
create function app_hidden.ringover_api_key_states()
  returns table (tenant_slug text, status text, invalid_since timestamptz, invalid_reason text, last_success_at timestamptz)
  language sql stable
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select t.slug::text, k.status, k.invalid_since, k.invalid_reason, k.last_success_at
    from app_private.ringover_api_keys k
    join app_public.tenants t on t.id = k.tenant_id
    order by t.slug
  $$;
comment on function app_hidden.ringover_api_key_states() is 'Every tenant''s Ringover API key state (never the key): valid, or invalid since when and why.';
grant execute on function app_hidden.ringover_api_key_states() to ringside_service;
