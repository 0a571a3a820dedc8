--! Previous: sha1:a13f6c0739005da32f5d70859be21b4c236f2f4c
--! Hash: sha1:c8bbdc97bbf235d549b9a9c3e559f45b23dc4471
--! Message: ingest

-- Why this shape: Ringover describes one call in several deliveries (ringing, answered, hangup,
-- record_available...), retried and out of order. Rather than patch the timeline entry with each one
-- (which makes the result depend on arrival order), every delivery is kept in an inbox, and the
-- call's state is recomputed from all of its deliveries each time: a pure function of the set, the
-- same whatever the order. Deliveries of one call are serialized by an advisory lock so that each
-- recomputation sees every delivery committed before it.
--
-- The inbox is also the audit trail: every verified delivery is kept with its raw body, the headers
-- that matter and what became of it (accepted, duplicate, ignored).

create table app_private.webhook_deliveries (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references app_public.tenants on delete cascade,
  call_id text check (length(call_id) <= 128),
  event text not null check (length(event) <= 100),
  attempt integer,
  outcome text not null check (outcome in ('accepted', 'duplicate', 'ignored')),
  reason text,
  facts jsonb,
  raw_body text not null,
  headers jsonb not null default '{}',
  sent_at timestamptz,
  received_at timestamptz not null default clock_timestamp()
);
alter table app_private.webhook_deliveries enable row level security;
alter table app_private.webhook_deliveries force row level security;
create policy own_tenant on app_private.webhook_deliveries
  using (tenant_id = app_hidden.current_tenant_id());
-- Append-only: what was received is never rewritten.
grant select, insert on app_private.webhook_deliveries to ringside_service;

-- A delivery is (tenant, call, event): the second accepted one is a duplicate.
create unique index webhook_deliveries_once on app_private.webhook_deliveries (tenant_id, call_id, event)
  where outcome = 'accepted';
create index webhook_deliveries_received_idx on app_private.webhook_deliveries (tenant_id, received_at desc);

comment on table app_private.webhook_deliveries is 'Every verified Ringover delivery: raw body, headers that matter, normalized facts and outcome.';
-- A delivery's timeline entry is the one whose external_id is its call_id: derived, not stored, so
-- the hot path writes each delivery once.
comment on column app_private.webhook_deliveries.facts is 'What the delivery says about its call, normalized by the server (times in ISO, numbers in E.164 where valid).';

-- The other party's number (E.164 when valid), which callbacks, triage and the history's number
-- search look calls up by. A column, not an index on metadata ->> 'external_number': every reader
-- is under forced row-level security, where the planner uses an index only for leakproof operators,
-- and ->> is not (measured: the callbacks check read the tenant's whole timeline, 3.5 ms a missed
-- call at 13,000 calls and growing).
alter table app_public.interaction_events
  add column external_number text generated always as (metadata ->> 'external_number') stored;
comment on column app_public.interaction_events.external_number is E'@behavior -*\nThe other party''s number, from metadata (internal, for lookups by number).';
create index interaction_events_external_number_idx on app_public.interaction_events (tenant_id, external_number, occurred_at desc)
  where event_type = 'CALL';

-- The order in which deliveries are trusted for a value several of them give: the later in a call's
-- life, the more complete the delivery.
create function app_hidden.ringover_event_rank(p_event text) returns integer
  language sql immutable parallel safe
  as $$ select coalesce(array_position(array['hangup', 'voicemail', 'missed', 'answered', 'ringing', 'record_available', 'voicemail_available'], p_event), 99) $$;
comment on function app_hidden.ringover_event_rank(text) is 'Which delivery wins when several give the same field: hangup first, ringing last.';

-- A call's state from all of its accepted deliveries.
create function app_hidden.ringover_call_state(p_call_id text)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with deliveries as (
      select d.event, d.facts, d.received_at, app_hidden.ringover_event_rank(d.event) as rank
      from app_private.webhook_deliveries d
      where d.tenant_id = app_hidden.current_tenant_id() and d.call_id = p_call_id and d.outcome = 'accepted'
    ),
    -- For each field, the value of the most trusted delivery that gives it.
    best as (
      select coalesce(jsonb_object_agg(key, value), '{}') as facts
      from (
        select distinct on (f.key) f.key, f.value
        from deliveries d, jsonb_each(d.facts) f
        where f.value <> 'null'::jsonb
        order by f.key, d.rank, d.received_at
      ) fields
    ),
    -- Fields where every delivery has a say.
    seen as (
      select min((d.facts ->> 'started_at')::timestamptz) as started_at,
             min((d.facts ->> 'answered_at')::timestamptz) as answered_at,
             max((d.facts ->> 'ended_at')::timestamptz) as ended_at,
             max((d.facts ->> 'duration_seconds')::integer) as duration_seconds,
             bool_or(d.event = 'answered' or d.facts ? 'answered_at') as answered,
             bool_or(d.event in ('voicemail', 'voicemail_available') or d.facts ? 'voicemail_url') as voicemail,
             bool_or(d.event = 'missed') as missed,
             bool_or(d.event in ('hangup', 'missed', 'voicemail') or d.facts ? 'ended_at') as ended,
             min(d.received_at) as first_received_at
      from deliveries d
    )
    select jsonb_strip_nulls(
      best.facts
      || jsonb_build_object(
        'started_at', seen.started_at,
        'answered_at', seen.answered_at,
        'ended_at', seen.ended_at,
        'duration_seconds', coalesce(
          seen.duration_seconds,
          case when seen.answered and seen.answered_at is not null and seen.ended_at is not null
                 then greatest(0, round(extract(epoch from seen.ended_at - seen.answered_at)))::integer
               when seen.ended and not seen.answered then 0
          end),
        'call_type', case when seen.voicemail then 'voicemail'
                          when seen.answered then 'answered'
                          when seen.missed or seen.ended then 'missed'
                     end,
        'status', case when seen.ended or seen.voicemail or seen.missed then 'completed'
                       when seen.answered then 'in_progress'
                       when best.facts ? 'direction' then 'ringing'
                  end,
        'recording_url', coalesce(best.facts ->> 'recording_url', best.facts ->> 'voicemail_url'),
        'occurred_at', coalesce(seen.started_at, seen.answered_at, seen.first_received_at)
      ))
    from best, seen
  $$;
comment on function app_hidden.ringover_call_state(text) is 'The state of a Ringover call folded from all its accepted deliveries: independent of their arrival order.';

create function app_hidden.call_title(p_call_type text, p_direction text, p_who text, p_language text)
  returns text
  language sql immutable parallel safe
  as $$
    select case when p_language = 'en' then
             case when p_call_type = 'voicemail' then 'Voicemail'
                  when p_direction = 'outbound' then '📞 Outgoing call'
                  when p_call_type = 'missed' then 'Missed call'
                  when p_direction = 'inbound' then '📞 Incoming call'
                  else '📞 Call' end
           else
             case when p_call_type = 'voicemail' then 'Messagerie vocale'
                  when p_direction = 'outbound' then '📞 Appel sortant'
                  when p_call_type = 'missed' then 'Appel manqué'
                  when p_direction = 'inbound' then '📞 Appel entrant'
                  else '📞 Appel' end
           end
           || coalesce(' - ' || p_who, '')
  $$;
comment on function app_hidden.call_title(text, text, text, text) is 'The timeline title of a call, e.g. "📞 Appel entrant - Marie Dupont".';

create function app_hidden.call_body(p_state jsonb, p_case_reference text, p_language text)
  returns text
  language sql immutable parallel safe
  as $$
    select nullif(concat_ws(' · ',
      case when (p_state ->> 'duration_seconds')::integer > 0 then
        case when p_language = 'en' then 'Duration ' else 'Durée ' end
        || case when (p_state ->> 'duration_seconds')::integer >= 60
                  then ((p_state ->> 'duration_seconds')::integer / 60) || ' min ' else '' end
        || ((p_state ->> 'duration_seconds')::integer % 60) || ' s'
      end,
      case when p_state #>> '{ringover_user,name}' is not null then
        case when p_language = 'en' then 'Handled by ' else 'Pris par ' end || (p_state #>> '{ringover_user,name}')
      end,
      case when p_case_reference is not null then
        case when p_language = 'en' then 'Case ' else 'Dossier ' end || p_case_reference
      end
    ), '')
  $$;
comment on function app_hidden.call_body(jsonb, text, text) is 'A one-line description of a call: duration, who took it, which case.';

-- What staff screens are told about a call (live events): small, and enough for a toast.
create function app_hidden.call_summary(p_event app_public.interaction_events)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select jsonb_strip_nulls(jsonb_build_object(
      'id', p_event.id,
      'call_id', p_event.external_id,
      'title', p_event.title,
      'occurred_at', p_event.occurred_at,
      'direction', p_event.direction,
      'call_type', p_event.call_type,
      'status', p_event.metadata ->> 'status',
      'duration_seconds', p_event.duration_seconds,
      'number', p_event.metadata ->> 'external_number',
      'number_display', p_event.metadata ->> 'external_number_display',
      'contact', (select jsonb_build_object('id', c.id, 'name', c.display_name)
                  from app_public.contacts c where c.tenant_id = p_event.tenant_id and c.id = p_event.contact_id),
      'case', (select jsonb_build_object('id', k.id, 'reference', k.reference, 'title', k.title)
               from app_public.cases k where k.tenant_id = p_event.tenant_id and k.id = p_event.case_id),
      'contact_match', p_event.metadata ->> 'contact_match',
      'has_recording', p_event.metadata ? 'recording_url'
    ))
  $$;
comment on function app_hidden.call_summary(app_public.interaction_events) is 'The live-event payload for a call.';

-- Every writer of a call's timeline entry (a delivery here, an AI result in set_call_ai, 000011) takes
-- the same transaction-level advisory lock first, so they are applied one after the other: its key is
-- one immutable function, so a new writer cannot pick a key of its own by mistake.
create function app_hidden.call_lock_key(p_tenant_id uuid, p_call_id text) returns bigint
  language sql immutable parallel safe
  as $$ select pg_catalog.hashtextextended(p_tenant_id::text || '/ringover/' || p_call_id, 0) $$;
comment on function app_hidden.call_lock_key(uuid, text) is
  'The advisory-lock key of one Ringover call of a tenant: every writer of that call''s timeline entry locks it (pg_advisory_xact_lock) first.';
grant execute on function app_hidden.call_lock_key(uuid, text) to ringside_service;

create function app_hidden.ingest_ringover_delivery(
  p_tenant_id uuid,
  p_call_id text,
  p_event text,
  p_attempt integer,
  p_sent_at timestamptz,
  p_facts jsonb,
  p_raw_body text,
  p_headers jsonb
)
  returns table (
    status text, delivery_id bigint, event_id uuid, contact_id uuid, case_id uuid,
    contact_match text, call_type text, direction text, duration_seconds integer
  )
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  -- Times written into metadata are ISO strings in UTC whatever the session's time zone.
  set timezone = 'UTC'
  -- Generic plans: every statement here (and in the triggers it fires) looks rows up by key, and
  -- planning them afresh on every call cost more than running them (measured: the callbacks check
  -- planned in 0.27 ms, ran in 0.05 ms).
  set plan_cache_mode = force_generic_plan
  -- Each connection plans these statements once: a plan made while a table was empty or one page
  -- (a fresh database, or one analyzed before the first calls) scans it whole, and keeps doing so as
  -- it grows, until autovacuum next analyzes it (measured: 800 blocks read per delivery instead of 150).
  -- Every lookup here has its index.
  set enable_seqscan = off
  as $$
declare
  v_delivery_id bigint;
  v_language text;
  v_old app_public.interaction_events;
  v_new app_public.interaction_events;
  v_state jsonb;
  v_external_e164 text;
  v_contact_id uuid;
  v_case_id uuid;
  v_match text;
  v_candidates integer;
  v_who text;
  v_case_reference text;
begin
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  -- One call's deliveries are applied one at a time: each recomputation sees all earlier ones.
  perform pg_advisory_xact_lock(app_hidden.call_lock_key(p_tenant_id, p_call_id));

  insert into app_private.webhook_deliveries (tenant_id, call_id, event, attempt, outcome, facts, raw_body, headers, sent_at)
    values (p_tenant_id, p_call_id, p_event, p_attempt, 'accepted', p_facts, p_raw_body, coalesce(p_headers, '{}'), p_sent_at)
    on conflict (tenant_id, call_id, event) where outcome = 'accepted' do nothing
    returning id into v_delivery_id;

  select * into v_old from app_public.interaction_events e
   where e.tenant_id = p_tenant_id and e.source = 'RINGOVER' and e.external_id = p_call_id;

  if v_delivery_id is null then
    -- Already processed: keep the delivery for the record, change nothing, broadcast nothing.
    insert into app_private.webhook_deliveries (tenant_id, call_id, event, attempt, outcome, reason, facts, raw_body, headers, sent_at)
      values (p_tenant_id, p_call_id, p_event, p_attempt, 'duplicate', 'already processed', p_facts, p_raw_body, coalesce(p_headers, '{}'), p_sent_at)
      returning id into v_delivery_id;
    return query select 'duplicate'::text, v_delivery_id, v_old.id, v_old.contact_id, v_old.case_id,
      v_old.metadata ->> 'contact_match', v_old.call_type, v_old.direction, v_old.duration_seconds;
    return;
  end if;

  select t.language into v_language from app_public.tenants t where t.id = p_tenant_id;
  v_state := app_hidden.ringover_call_state(p_call_id);
  v_external_e164 := case v_state ->> 'direction'
                       when 'inbound' then v_state ->> 'caller_e164'
                       when 'outbound' then v_state ->> 'callee_e164'
                     end;

  -- The contact and case are decided once, by the first delivery that names the other party;
  -- after that they are the entry's own (staff may have corrected them).
  if v_old.id is not null and v_old.metadata ? 'contact_match' and v_old.metadata ->> 'contact_match' <> 'pending' then
    v_contact_id := v_old.contact_id;
    v_case_id := v_old.case_id;
    v_match := v_old.metadata ->> 'contact_match';
    v_candidates := (v_old.metadata ->> 'contact_candidates')::integer;
  elsif v_state ->> 'direction' is null then
    v_match := 'pending';
  elsif coalesce((v_state ->> 'anonymous')::boolean, false) then
    v_match := 'anonymous';
  elsif v_external_e164 is null then
    v_match := 'unparseable';
  else
    select m.contact_id, m.case_id, m.candidates into v_contact_id, v_case_id, v_candidates
      from app_hidden.match_contact(v_external_e164) m;
    v_match := case when v_contact_id is null then 'none' when v_candidates > 1 then 'ambiguous' else 'unique' end;
  end if;

  if v_contact_id is not null then
    select c.display_name into v_who from app_public.contacts c where c.tenant_id = p_tenant_id and c.id = v_contact_id;
  end if;
  if v_case_id is not null then
    select k.reference into v_case_reference from app_public.cases k where k.tenant_id = p_tenant_id and k.id = v_case_id;
  end if;
  v_who := coalesce(
    nullif(v_who, ''),
    case when coalesce((v_state ->> 'anonymous')::boolean, false) then
      case when v_language = 'en' then 'Hidden number' else 'Numéro masqué' end
    end,
    case v_state ->> 'direction'
      when 'inbound' then v_state ->> 'caller_display'
      when 'outbound' then v_state ->> 'callee_display'
    end);

  v_new.metadata := coalesce(v_old.metadata, '{}')
    || (v_state - 'occurred_at' - 'caller_e164' - 'callee_e164' - 'caller_display' - 'callee_display')
    || jsonb_strip_nulls(jsonb_build_object(
         'call_id', p_call_id,
         'external_number', coalesce(v_external_e164, case v_state ->> 'direction'
                                                        when 'inbound' then v_state ->> 'caller_number'
                                                        when 'outbound' then v_state ->> 'callee_number' end),
         'external_number_display', case v_state ->> 'direction'
                                      when 'inbound' then v_state ->> 'caller_display'
                                      when 'outbound' then v_state ->> 'callee_display' end,
         'contact_id', v_contact_id,
         'case_id', v_case_id,
         'contact_match', v_match,
         'contact_candidates', v_candidates));
  v_new.title := app_hidden.call_title(v_state ->> 'call_type', v_state ->> 'direction', v_who, v_language);
  v_new.body := app_hidden.call_body(v_state, v_case_reference, v_language);
  v_new.occurred_at := (v_state ->> 'occurred_at')::timestamptz;
  if v_state #>> '{ringover_user,email}' is not null then
    v_new.created_by := (select u.id from app_public.users u
                          where u.tenant_id = p_tenant_id and u.email = (v_state #>> '{ringover_user,email}')::public.citext);
  end if;

  if v_old.id is null then
    insert into app_public.interaction_events as e
      (tenant_id, case_id, contact_id, source, event_type, external_id, title, body, occurred_at, metadata, created_by)
      values (p_tenant_id, v_case_id, v_contact_id, 'RINGOVER', 'CALL', p_call_id, v_new.title, v_new.body,
              v_new.occurred_at, v_new.metadata, v_new.created_by)
      returning e.* into v_new;
    perform app_hidden.emit_live_event('call_event_created', app_hidden.call_summary(v_new));
  elsif (v_new.title, v_new.body, v_new.occurred_at, v_new.metadata, v_new.created_by, v_contact_id, v_case_id)
        is distinct from (v_old.title, v_old.body, v_old.occurred_at, v_old.metadata, v_old.created_by, v_old.contact_id, v_old.case_id) then
    update app_public.interaction_events e
       set title = v_new.title, body = v_new.body, occurred_at = v_new.occurred_at, metadata = v_new.metadata,
           created_by = v_new.created_by, contact_id = v_contact_id, case_id = v_case_id
     where e.id = v_old.id
    returning e.* into v_new;
    perform app_hidden.emit_live_event('call_event_updated', app_hidden.call_summary(v_new));
  else
    v_new := v_old;
  end if;

  if p_event = 'ringing' and v_new.metadata ->> 'status' = 'ringing' then
    perform app_hidden.emit_live_event('call_ringing', app_hidden.call_summary(v_new));
  end if;

  return query select 'accepted'::text, v_delivery_id, v_new.id, v_new.contact_id, v_new.case_id,
    v_new.metadata ->> 'contact_match', v_new.call_type, v_new.direction, v_new.duration_seconds;
end
$$;
comment on function app_hidden.ingest_ringover_delivery(uuid, text, text, integer, timestamptz, jsonb, text, jsonb) is
  'Records one verified Ringover delivery and brings the call''s timeline entry up to date, in one transaction: dedup, fold, contact match, case link, title, live events.';
grant execute on function app_hidden.ingest_ringover_delivery(uuid, text, text, integer, timestamptz, jsonb, text, jsonb) to ringside_service;

create function app_hidden.record_ignored_delivery(
  p_tenant_id uuid, p_call_id text, p_event text, p_reason text, p_raw_body text, p_headers jsonb
)
  returns bigint
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_id bigint;
begin
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  insert into app_private.webhook_deliveries (tenant_id, call_id, event, outcome, reason, raw_body, headers)
    values (p_tenant_id, p_call_id, left(p_event, 100), 'ignored', p_reason, p_raw_body, coalesce(p_headers, '{}'))
    returning id into v_id;
  return v_id;
end
$$;
comment on function app_hidden.record_ignored_delivery(uuid, text, text, text, text, jsonb) is 'Keeps a well-formed delivery the system does not act on, with the reason.';
grant execute on function app_hidden.record_ignored_delivery(uuid, text, text, text, text, jsonb) to ringside_service;

grant execute on function
  app_hidden.ringover_event_rank(text),
  app_hidden.ringover_call_state(text),
  app_hidden.call_title(text, text, text, text),
  app_hidden.call_body(jsonb, text, text),
  app_hidden.call_summary(app_public.interaction_events)
  to ringside_service;
