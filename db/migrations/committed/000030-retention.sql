--! Previous: sha1:4a525cdc7d3d8c686c3eeac7a18fdd095276b43f
--! Hash: sha1:6fdb891ef39c223158bab429b19c3d127b0877f8
--! Message: retention

-- Why this shape: a firm keeps each kind of data only as long as its settings say (000028), and
-- nothing of a case on legal hold expires. One function applies every term for the current tenant,
-- with "now" as a parameter, so a test runs a year in a second and a nightly graphile-worker cron
-- task (server/worker/tasks/custody__retention.ts) runs it per tenant as the service role.
--
-- What expires, after its term counted from the call (or the delivery):
-- * recordings: nothing is stored here, Ringover keeps the audio; the proxy asks recording_refusal
--   at each request, so the term is exact to the second, and answers 410 with the reason;
-- * transcripts, segments, summaries, extracted tasks (metadata keys) and the AI text of suggested
--   tasks: removed; ai_expired_at says when; statuses stay, so nothing is queued again;
-- * raw webhook bodies and their headers: emptied (the normalized facts stay: a later delivery of the
--   same call is still folded correctly, and duplicates are still recognized);
-- * live events: deleted.
-- The service role could not rewrite a delivery or a task before (append-only, create-only): it
-- gains exactly the columns retention empties.

grant update (raw_body, headers) on app_private.webhook_deliveries to ringside_service;
grant update (title, description) on app_public.tasks to ringside_service;

-- The calls of the current tenant whose case is on legal hold are never touched.
create function app_hidden.call_on_hold(p_tenant_id uuid, p_case_id uuid)
  returns boolean
  language sql stable
  as $$
    select p_case_id is not null and exists (
      select from app_public.cases k where k.tenant_id = p_tenant_id and k.id = p_case_id and k.legal_hold)
  $$;
comment on function app_hidden.call_on_hold(uuid, uuid) is 'Whether a call''s case is on legal hold (nothing of it may expire or be erased).';
grant execute on function app_hidden.call_on_hold(uuid, uuid) to ringside_service, ringside_staff;

create function app_hidden.recording_refusal(p_event_id uuid, p_now timestamptz default now())
  returns text
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select 'The firm keeps recordings ' || s.retention_recordings_days || ' days after the call: this one was available until '
           || to_char((e.occurred_at + make_interval(days => s.retention_recordings_days)) at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') || '.'
    from app_public.interaction_events e
    join app_public.tenant_settings s on s.tenant_id = e.tenant_id
    where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_event_id
      and s.retention_recordings_days is not null
      and e.occurred_at + make_interval(days => s.retention_recordings_days) < p_now
      and not app_hidden.call_on_hold(e.tenant_id, e.case_id)
  $$;
comment on function app_hidden.recording_refusal(uuid, timestamptz) is 'Why a call''s recording may no longer be played (its retention term is over and its case is not on legal hold), or null.';
grant execute on function app_hidden.recording_refusal(uuid, timestamptz) to ringside_service, ringside_staff;

create function app_hidden.apply_retention(p_now timestamptz)
  returns jsonb
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
  s app_public.tenant_settings;
  v_ai integer := 0;
  v_tasks integer := 0;
  v_bodies integer := 0;
  v_live integer := 0;
  v_recordings integer := 0;
begin
  select * into s from app_public.tenant_settings where tenant_id = v_tenant;
  if not found then
    return null;
  end if;

  if s.retention_ai_days is not null then
    with expired as (
      update app_public.interaction_events e
         set metadata = (e.metadata - array['transcript', 'transcript_segments', 'ai_summary', 'extracted_tasks'])
                        || jsonb_build_object('ai_expired_at', p_now)
       where e.tenant_id = v_tenant and e.event_type = 'CALL'
         and e.occurred_at < p_now - make_interval(days => s.retention_ai_days)
         and e.metadata ?| array['transcript', 'transcript_segments', 'ai_summary', 'extracted_tasks']
         and not app_hidden.call_on_hold(e.tenant_id, e.case_id)
      returning e.id
    ), tasks as (
      update app_public.tasks t set title = '—', description = null
        from app_public.interaction_events e
       where t.tenant_id = v_tenant and t.source = 'ai' and t.status in ('suggested', 'dismissed')
         and e.tenant_id = t.tenant_id and e.id = t.interaction_event_id
         and e.occurred_at < p_now - make_interval(days => s.retention_ai_days)
         and not app_hidden.call_on_hold(e.tenant_id, e.case_id)
         and (t.title <> '—' or t.description is not null)
      returning 1
    )
    select (select count(*) from expired), (select count(*) from tasks) into v_ai, v_tasks;
  end if;

  with emptied as (
    update app_private.webhook_deliveries d set raw_body = '', headers = '{}'
     where d.tenant_id = v_tenant and d.raw_body <> ''
       and d.received_at < p_now - make_interval(days => s.retention_raw_bodies_days)
       and not exists (select from app_public.interaction_events e
                        where e.tenant_id = d.tenant_id and e.source = 'RINGOVER' and e.external_id = d.call_id
                          and app_hidden.call_on_hold(e.tenant_id, e.case_id))
    returning 1
  )
  select count(*) into v_bodies from emptied;

  with pruned as (
    delete from app_private.live_events l
     where l.tenant_id = v_tenant and l.created_at < p_now - make_interval(days => s.retention_live_events_days)
    returning 1
  )
  select count(*) into v_live from pruned;

  if s.retention_recordings_days is not null then
    select count(*) into v_recordings from app_public.interaction_events e
     where e.tenant_id = v_tenant and e.metadata ? 'recording_url'
       and e.occurred_at + make_interval(days => s.retention_recordings_days) < p_now
       and not app_hidden.call_on_hold(e.tenant_id, e.case_id);
  end if;

  return jsonb_build_object('ai_results_removed', v_ai, 'ai_tasks_redacted', v_tasks, 'raw_bodies_emptied', v_bodies,
                            'live_events_deleted', v_live, 'recordings_past_term', v_recordings);
end
$$;
comment on function app_hidden.apply_retention(timestamptz) is 'Applies the current tenant''s retention terms as of p_now (AI results, AI task texts, raw webhook bodies, live events), sparing cases on legal hold; returns the counts.';
grant execute on function app_hidden.apply_retention(timestamptz) to ringside_service;

-- The nightly task asks which tenants to visit.
create function app_hidden.retention_tenants()
  returns setof uuid
  language sql stable
  as $$ select s.tenant_id from app_public.tenant_settings s order by s.tenant_id $$;
comment on function app_hidden.retention_tenants() is 'The tenants whose retention the nightly task applies (every tenant with settings). Needs a read across tenants: see the policy below.';
create policy service_lists_settings on app_public.tenant_settings for select to ringside_service
  using (true);
grant execute on function app_hidden.retention_tenants() to ringside_service;
