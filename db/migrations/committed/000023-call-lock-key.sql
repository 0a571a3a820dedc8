--! Previous: sha1:447570a3e360cd7dc24f6f7e73a45c1d514fbc91
--! Hash: sha1:13b860c1f35f4b8ade59b8cc5c080b415e529ead
--! Message: call-lock-key

-- Why this shape: every writer of a call's timeline entry (a Ringover delivery in
-- ingest_ringover_delivery, an AI result in set_call_ai) takes the same transaction-level advisory
-- lock, so they are applied one after the other. The lock's key was written out in both; it is now
-- one immutable function, so a third writer cannot pick a key of its own by mistake.
-- The key is the value both computed before (hashtextextended of 'tenant/ringover/call id'): a
-- function still written the old way and one written this way keep serializing each other.
-- The two functions are restated whole (create or replace) with only their lock line changed; their
-- grants (000007, 000011) are kept by create or replace.

create function app_hidden.call_lock_key(p_tenant_id uuid, p_call_id text) returns bigint
  language sql immutable parallel safe
  as $$ select pg_catalog.hashtextextended(p_tenant_id::text || '/ringover/' || p_call_id, 0) $$;
comment on function app_hidden.call_lock_key(uuid, text) is
  'The advisory-lock key of one Ringover call of a tenant: every writer of that call''s timeline entry locks it (pg_advisory_xact_lock) first.';
grant execute on function app_hidden.call_lock_key(uuid, text) to ringside_service;

create or replace function app_hidden.ingest_ringover_delivery(
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

  select c.display_name into v_who from app_public.contacts c where c.tenant_id = p_tenant_id and c.id = v_contact_id;
  select k.reference into v_case_reference from app_public.cases k where k.tenant_id = p_tenant_id and k.id = v_case_id;
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
  v_new.created_by := (select u.id from app_public.users u
                        where u.tenant_id = p_tenant_id and u.email = (v_state #>> '{ringover_user,email}')::public.citext);

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

create or replace function app_hidden.set_call_ai(p_event_id uuid, p_patch jsonb, p_errors jsonb default '{}')
  returns jsonb
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_call_id text;
  v_metadata jsonb;
begin
  select e.external_id into v_call_id from app_public.interaction_events e
   where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_event_id;
  if not found then
    return null;
  end if;
  -- The lock ingestion takes for this call: a delivery and an AI result are applied one after the other.
  if v_call_id is not null then
    perform pg_advisory_xact_lock(app_hidden.call_lock_key(app_hidden.current_tenant_id(), v_call_id));
  end if;
  update app_public.interaction_events e
     set metadata = (e.metadata || coalesce(p_patch, '{}') - 'ai_errors')
                    || jsonb_build_object('ai_errors', jsonb_strip_nulls(coalesce(e.metadata -> 'ai_errors', '{}') || coalesce(p_errors, '{}')))
   where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_event_id
  returning e.metadata into v_metadata;
  return v_metadata;
end
$$;
comment on function app_hidden.set_call_ai(uuid, jsonb, jsonb) is 'Merges AI result keys into a call''s metadata (jsonb ||), and per-step errors into ai_errors; serialized with ingestion of the same call.';
