--! Previous: sha1:1e4f52e17fcb6d319a93a44a989aeff46b9c4d9d
--! Hash: sha1:a72b429b828e0a3146a02fc13da2665918e96d2a
--! Message: ai-processing

-- Why this shape: a call that gains a recording gets its AI job in the same transaction that stored
-- the recording (graphile-worker's add_job, one job key per call, so any number of deliveries in any
-- order queue one job). Nothing is lost between commit and queue, and nothing is queued for a
-- transaction that rolled back.
--
-- graphile-worker's own schema (graphile_worker) is installed by server/db/migrate.ts with the
-- worker's own migrations, right after these (our roles must exist to be granted what they need
-- there); these functions only call its add_job.
--
-- The worker writes its results with the functions below, as ringside_service with the tenant set
-- (security invoker: row-level security applies). They merge keys into metadata with `||` under the
-- same per-call advisory lock as ingestion, so a delivery and an AI result arriving together never
-- overwrite each other: ingestion rebuilds metadata as `old metadata || call state`, keeping the AI
-- keys; the worker adds its keys to whatever metadata is current.

-- The one rule both triggers below follow: a call gains a recording when its recording URL appears or changes.
create function app_hidden.gains_recording(p_old jsonb, p_new jsonb) returns boolean
  language sql immutable parallel safe
  as $$ select p_new ? 'recording_url' and (p_old ->> 'recording_url') is distinct from (p_new ->> 'recording_url') $$;
comment on function app_hidden.gains_recording(jsonb, jsonb) is 'True when metadata p_new has a recording URL that p_old (null for a new row) did not have.';
grant execute on function app_hidden.gains_recording(jsonb, jsonb) to ringside_service, ringside_staff;

-- Statuses are visible as soon as the recording is known.
create function app_hidden.tg_interaction_events__ai_pending() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  if new.event_type = 'CALL'
     and app_hidden.gains_recording(case when tg_op = 'UPDATE' then old.metadata end, new.metadata) then
    -- Existing keys win: a step already done stays done.
    new.metadata := jsonb_build_object('transcript_status', 'pending', 'summary_status', 'pending', 'sentiment_status', 'pending')
                    || new.metadata;
  end if;
  return new;
end
$$;
comment on function app_hidden.tg_interaction_events__ai_pending() is 'Trigger: a call that gains a recording shows its AI steps as pending.';

create function app_hidden.tg_interaction_events__enqueue_ai() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  if new.event_type = 'CALL'
     and app_hidden.gains_recording(case when tg_op = 'UPDATE' then old.metadata end, new.metadata) then
    perform app_hidden.enqueue_call_ai(new.tenant_id, new.id);
  end if;
  return null;
end
$$;
comment on function app_hidden.tg_interaction_events__enqueue_ai() is 'Trigger: queues the AI processing of a call that gains a recording, in the same transaction.';

-- plpgsql, so that graphile_worker (installed right after these migrations) is looked up when called.
create function app_hidden.enqueue_call_ai(p_tenant_id uuid, p_event_id uuid)
  returns bigint
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  -- One job key per call: a job already waiting is replaced, not doubled.
  return (graphile_worker.add_job(
    'interaction_events__process_ai',
    json_build_object('tenant_id', p_tenant_id, 'event_id', p_event_id),
    max_attempts => 8,
    job_key => 'ai:' || p_event_id::text,
    job_key_mode => 'replace'
  )).id;
end
$$;
comment on function app_hidden.enqueue_call_ai(uuid, uuid) is 'Queues (or re-queues) the AI processing of one call; deduplicated per call by a job key.';

create trigger _800_ai_pending before insert or update of metadata on app_public.interaction_events
  for each row execute function app_hidden.tg_interaction_events__ai_pending();
create trigger _900_enqueue_ai after insert or update of metadata on app_public.interaction_events
  for each row execute function app_hidden.tg_interaction_events__enqueue_ai();

-- What the worker needs to know about a call, in one read (app_hidden.call_ai_context), is defined
-- once in its final form in 000028, with the firm's and the client's consent.

-- The worker's one way of writing a call's AI keys. p_errors holds one entry per step (null clears it).
create function app_hidden.set_call_ai(p_event_id uuid, p_patch jsonb, p_errors jsonb default '{}')
  returns jsonb
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  -- Generic plans, as for ingestion (000007): the triggers its update fires look rows up by key.
  set plan_cache_mode = force_generic_plan
  set enable_seqscan = off
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

-- Tasks extracted from a call, once: (call, position) is unique, a second run inserts nothing.
create function app_hidden.save_call_tasks(p_event_id uuid, p_tasks jsonb)
  returns integer
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    with inserted as (
      insert into app_public.tasks as t (tenant_id, case_id, interaction_event_id, source, source_index, title, description, due_date, priority)
      select e.tenant_id, e.case_id, e.id, 'ai', (x.ord - 1)::integer,
             left(x.task ->> 'title', 300),
             left(nullif(x.task ->> 'description', ''), 5000),
             case when x.task ->> 'due_date' ~ '^\d{4}-\d{2}-\d{2}$' then (x.task ->> 'due_date')::date end,
             case when x.task ->> 'priority' in ('low', 'medium', 'high') then x.task ->> 'priority' else 'medium' end
      from app_public.interaction_events e,
           jsonb_array_elements(coalesce(p_tasks, '[]')) with ordinality as x(task, ord)
      where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_event_id
        and coalesce(x.task ->> 'title', '') <> ''
      on conflict (tenant_id, interaction_event_id, source_index) where source = 'ai' do nothing
      returning 1
    )
    select count(*)::integer from inserted
  $$;
comment on function app_hidden.save_call_tasks(uuid, jsonb) is 'Creates the tasks extracted from a call on its case; idempotent per (call, position). Returns how many were new.';

create function app_hidden.announce_call_ai(p_event_id uuid)
  returns bigint
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    select app_hidden.emit_live_event('call_ai_completed',
      app_hidden.call_summary(e) || jsonb_strip_nulls(jsonb_build_object(
        'transcript_status', e.metadata ->> 'transcript_status',
        'summary_status', e.metadata ->> 'summary_status',
        'sentiment_status', e.metadata ->> 'sentiment_status',
        'sentiment_score', e.metadata -> 'sentiment_score',
        'sentiment_label', e.metadata ->> 'sentiment_label',
        'ai_summary', e.metadata ->> 'ai_summary',
        'tasks_count', jsonb_array_length(coalesce(e.metadata -> 'extracted_tasks', '[]')))))
    from app_public.interaction_events e
    where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_event_id
  $$;
comment on function app_hidden.announce_call_ai(uuid) is 'Broadcasts call_ai_completed for a call (durably, through the live-event table).';

-- npm run admin -- ai:reprocess: runs as the migration owner, like the other admin functions.
create function app_private.reprocess_call_ai(p_call text, p_tenant_id uuid, p_force boolean)
  returns table (event_id uuid, tenant_id uuid, call_id text, job_id bigint)
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_event app_public.interaction_events;
  v_count integer;
begin
  if p_tenant_id is not null then
    perform set_config('app.current_tenant', p_tenant_id::text, true);
  end if;
  select count(*) into v_count from app_public.interaction_events e
   where e.event_type = 'CALL' and (e.id::text = p_call or e.external_id = p_call)
     and (p_tenant_id is null or e.tenant_id = p_tenant_id);
  if v_count = 0 then
    raise exception 'no call "%"', p_call using errcode = 'P0002';
  elsif v_count > 1 then
    raise exception 'several calls match "%": name the tenant', p_call using errcode = '21000';
  end if;
  select e.* into v_event from app_public.interaction_events e
   where e.event_type = 'CALL' and (e.id::text = p_call or e.external_id = p_call)
     and (p_tenant_id is null or e.tenant_id = p_tenant_id);
  if not v_event.metadata ? 'recording_url' then
    raise exception 'call "%" has no recording', p_call using errcode = '22023';
  end if;
  perform set_config('app.current_tenant', v_event.tenant_id::text, true);
  if p_force then
    perform app_hidden.set_call_ai(v_event.id,
      jsonb_build_object('transcript_status', 'pending', 'summary_status', 'pending', 'sentiment_status', 'pending'),
      jsonb_build_object('transcript', null, 'summary', null, 'sentiment', null));
  end if;
  return query select v_event.id, v_event.tenant_id, v_event.external_id, app_hidden.enqueue_call_ai(v_event.tenant_id, v_event.id);
end
$$;
comment on function app_private.reprocess_call_ai(text, uuid, boolean) is 'Queues a call''s AI processing again (steps not completed; every step with p_force). p_call is the call''s id or its Ringover call id.';

grant execute on function
  app_hidden.enqueue_call_ai(uuid, uuid),
  app_hidden.set_call_ai(uuid, jsonb, jsonb),
  app_hidden.save_call_tasks(uuid, jsonb),
  app_hidden.announce_call_ai(uuid)
  to ringside_service;
