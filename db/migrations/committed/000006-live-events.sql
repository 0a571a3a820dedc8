--! Previous: sha1:06f317b5d3335e64a63942ba753868168cef8772
--! Hash: sha1:bcac373f9cf687b181d45f01e74346315505c7c2
--! Message: live-events

-- Why this shape: whatever staff screens learn live is first a row, written in the same transaction
-- as the change it announces, so a crash between commit and broadcast loses nothing and a browser
-- that reconnects can ask for what it missed.
--
-- Each tenant's events are numbered 1, 2, 3... by a counter row that the writing transaction locks
-- until it commits. Numbers are therefore handed out in commit order within a tenant: a client that
-- has seen event N has seen every event before N, and "give me what follows N" has no gaps.
-- (A global identity would not do: a transaction can take id 10, commit after the one that took 11.)
--
-- NOTIFY carries only (tenant, seq): payloads stay far below PostgreSQL's 8000-byte limit and the
-- listener reads the rows themselves.

create table app_private.live_event_counters (
  tenant_id uuid primary key references app_public.tenants on delete cascade,
  last_seq bigint not null
);
alter table app_private.live_event_counters enable row level security;
alter table app_private.live_event_counters force row level security;
create policy own_tenant on app_private.live_event_counters
  using (tenant_id = app_hidden.current_tenant_id());
grant select, insert, update on app_private.live_event_counters to ringside_service;

comment on table app_private.live_event_counters is 'The last live-event number handed out per tenant.';

create table app_private.live_events (
  tenant_id uuid not null references app_public.tenants on delete cascade,
  seq bigint not null,
  type text not null check (type in ('call_ringing', 'call_event_created', 'call_event_updated', 'call_ai_completed')),
  payload jsonb not null,
  created_at timestamptz not null default clock_timestamp(),
  primary key (tenant_id, seq)
);
alter table app_private.live_events enable row level security;
alter table app_private.live_events force row level security;
create policy own_tenant on app_private.live_events
  using (tenant_id = app_hidden.current_tenant_id());
-- The live relay serves every tenant's browsers from one connection; it filters by tenant itself.
create policy relay_reads_all on app_private.live_events for select to ringside_service
  using (true);
grant select, insert, delete on app_private.live_events to ringside_service;
create index live_events_created_idx on app_private.live_events (created_at);

comment on table app_private.live_events is 'Everything broadcast to staff screens, numbered per tenant in commit order; kept for a bounded window so reconnecting clients can catch up.';

create function app_hidden.emit_live_event(p_type text, p_payload jsonb)
  returns bigint
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
  v_seq bigint;
begin
  if v_tenant is null then
    raise exception 'emit_live_event needs app.current_tenant' using errcode = '42501';
  end if;
  insert into app_private.live_event_counters as c (tenant_id, last_seq) values (v_tenant, 1)
    on conflict (tenant_id) do update set last_seq = c.last_seq + 1
    returning c.last_seq into v_seq;
  insert into app_private.live_events (tenant_id, seq, type, payload) values (v_tenant, v_seq, p_type, p_payload);
  perform pg_notify('ringside_live', json_build_object('tenant_id', v_tenant, 'seq', v_seq)::text);
  return v_seq;
end
$$;
comment on function app_hidden.emit_live_event(text, jsonb) is 'Records a live event for the current tenant and wakes the relays (NOTIFY ringside_live).';
grant execute on function app_hidden.emit_live_event(text, jsonb) to ringside_service;
