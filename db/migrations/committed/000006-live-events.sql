--! Previous: sha1:95ded5037567749885a84b0751626fd28096b8ef
--! Hash: sha1:a13f6c0739005da32f5d70859be21b4c236f2f4c
--! Message: live-events

-- Why this shape: whatever staff screens learn live is first a row, written in the same transaction
-- as the change it announces, so a crash between commit and broadcast loses nothing and a browser
-- that reconnects can ask for what it missed.
--
-- Each tenant's events are numbered 1, 2, 3... so that "give me what follows N" has no gaps. The
-- number is not handed out by the writing transaction: taking a per-tenant counter there would hold
-- its row lock until commit, fsync included, and serialize every webhook of a tenant (measured: 407
-- ingestions/s with the counter in the transaction, 687 without, on the same machine). Instead the
-- event is written unnumbered; once the transaction has committed, its writer has it numbered: a
-- webhook by calling its own process's relay directly, other writers by waking the relays
-- (app_hidden.wake_live_relays, NOTIFY `ringside_live_pending`). A relay calls
-- app_hidden.sequence_live_events(), which, one caller at a time, numbers every committed
-- unnumbered event in insertion order and NOTIFYs `ringside_live` with {tenant_id, seq}. Relays also
-- sweep every second, so an event whose writer died before waking anyone is late, never lost.
--
-- Why not NOTIFY inside the writing transaction: PostgreSQL serializes the commits of all
-- transactions that NOTIFY (a cluster-wide lock held through the commit's WAL flush). Measured with 8
-- concurrent ingestions: 852/s with NOTIFY inside, 1,424/s without. The wake-up is a transaction of
-- its own that writes nothing, so it flushes nothing while holding that lock.
-- Numbers are therefore final once given, and given only to committed rows: no gaps, no reordering
-- behind a reader's back. (A global identity alone would not do: a transaction can take id 10 and
-- commit after the one that took 11.)
--
-- NOTIFY carries only ids: payloads stay far below PostgreSQL's 8000-byte limit and the relays read
-- the rows themselves.

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
  id bigint generated always as identity primary key,
  tenant_id uuid not null references app_public.tenants on delete cascade,
  seq bigint,
  type text not null check (type in ('call_ringing', 'call_event_created', 'call_event_updated', 'call_ai_completed')),
  payload jsonb not null,
  created_at timestamptz not null default clock_timestamp(),
  unique (tenant_id, seq)
);
alter table app_private.live_events enable row level security;
alter table app_private.live_events force row level security;
create policy own_tenant on app_private.live_events
  using (tenant_id = app_hidden.current_tenant_id());
-- The live relay serves every tenant's browsers from one connection; it filters by tenant itself.
create policy relay_reads_all on app_private.live_events for select to ringside_service
  using (true);
grant select, insert, delete on app_private.live_events to ringside_service;
grant update (seq) on app_private.live_events to ringside_service;
-- Only the hourly and daily housekeeping reads events by age, and rows arrive in time order: a BRIN
-- index serves it, where a B-tree cost an entry on every insert and again on every numbering.
create index live_events_created_idx on app_private.live_events using brin (created_at);
-- The unnumbered events are the null end of each tenant's (tenant_id, seq) entries: the unique index
-- finds them (a skip scan), so no index of their own is written on every insert.

comment on table app_private.live_events is 'Everything broadcast to staff screens, numbered per tenant (seq) once committed; kept for a bounded window so reconnecting clients can catch up.';
comment on column app_private.live_events.seq is 'The tenant''s event number (the SSE id); null until app_hidden.sequence_live_events() numbers it after commit.';

create function app_hidden.emit_live_event(p_type text, p_payload jsonb)
  returns bigint
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
  v_id bigint;
begin
  if v_tenant is null then
    raise exception 'emit_live_event needs app.current_tenant' using errcode = '42501';
  end if;
  insert into app_private.live_events (tenant_id, type, payload) values (v_tenant, p_type, p_payload)
    returning id into v_id;
  return v_id;
end
$$;
comment on function app_hidden.emit_live_event(text, jsonb) is 'Records a live event for the current tenant, unnumbered; wake the relays (wake_live_relays) once committed.';
grant execute on function app_hidden.emit_live_event(text, jsonb) to ringside_service;

create function app_hidden.wake_live_relays(p_tenant_ids uuid[])
  returns void
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$ select pg_notify('ringside_live_pending', t::text) from unnest(p_tenant_ids) t $$;
comment on function app_hidden.wake_live_relays(uuid[]) is 'Tells the relays that these tenants have committed live events to number (NOTIFY ringside_live_pending). Call it after the commit, in a statement of its own.';
grant execute on function app_hidden.wake_live_relays(uuid[]) to ringside_service;

create function app_hidden.sequence_live_events()
  returns table (tenant_id uuid, last_seq bigint)
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  -- Generic plans: the numbering UPDATE was planned afresh on every call (its array parameter).
  set plan_cache_mode = force_generic_plan
  -- Both statements find rows by index (the unnumbered ones, then each by id). A plan made while the
  -- table was a page or two scanned it whole, and each connection kept that plan as the table grew
  -- (measured in a fresh database: 3,100 blocks read per call instead of a dozen). A plain index scan,
  -- not a bitmap: numbering leaves a dead version of every event until vacuum, and only a plain scan
  -- marks those index entries dead so that the next call skips them (7,700 blocks, then 65).
  set enable_seqscan = off
  set enable_bitmapscan = off
  as $$
declare
  v_tenant uuid;
  v_ids bigint[];
  v_count bigint;
  v_last bigint;
begin
  -- One numberer at a time, in any number of processes: each sees what the previous one committed.
  perform pg_advisory_xact_lock(hashtextextended('ringside.sequence_live_events', 0));
  -- The ids are taken once: rows committed while this runs wait for the next call.
  for v_tenant, v_ids in
    select e.tenant_id, array_agg(e.id order by e.id) from app_private.live_events e where e.seq is null group by e.tenant_id
  loop
    v_count := cardinality(v_ids);
    perform set_config('app.current_tenant', v_tenant::text, true);
    insert into app_private.live_event_counters as c (tenant_id, last_seq) values (v_tenant, v_count)
      on conflict on constraint live_event_counters_pkey do update set last_seq = c.last_seq + v_count
      returning c.last_seq into v_last;
    update app_private.live_events e
       set seq = v_last - v_count + n.position
      from unnest(v_ids) with ordinality as n(id, position)
     where e.id = n.id;
    perform pg_notify('ringside_live', json_build_object('tenant_id', v_tenant, 'seq', v_last)::text);
    tenant_id := v_tenant;
    last_seq := v_last;
    return next;
  end loop;
  perform set_config('app.current_tenant', '', true);
end
$$;
comment on function app_hidden.sequence_live_events() is 'Numbers every committed, unnumbered live event, per tenant in insertion order, and NOTIFYs ringside_live {tenant_id, seq}. Called by the relays after ringside_live_pending.';
grant execute on function app_hidden.sequence_live_events() to ringside_service;
