--! Previous: sha1:ee9257a8e0a73f4516be72f31844daf1798ae629
--! Hash: sha1:c54f2255d87d2a0487888c106f44450704ab3693
--! Message: staff-roles-and-call-details

-- Why this shape, part 1: a firm's `admin` and its `staff` differ in one thing that matters most —
-- destroying records. Deleting a case, a contact or a task is for admins only, and the database says
-- so (a restrictive policy), so no API path can forget it. The role comes from the transaction-local
-- setting app.current_role, which the server sets from the user's live session (read from
-- app_public.users at most a few seconds earlier), never from anything the client sends.
--
-- Part 2: what a browser may see of a call's metadata is an allow-list, defined once here and used by
-- both the REST API (call_json) and GraphQL (InteractionEvent.details). Ringover's recording and
-- voicemail links, private links, and any key added later by ingestion stay in the database until
-- someone adds them to this list on purpose. Booleans say what exists (has_recording, has_voicemail).

create function app_hidden.current_user_role() returns text
  language sql stable parallel safe
  as $$ select nullif(pg_catalog.current_setting('app.current_role', true), '') $$;
comment on function app_hidden.current_user_role() is 'The staff role of the current transaction (app.current_role: staff or admin), or null.';
grant execute on function app_hidden.current_user_role() to ringside_staff, ringside_service;

-- Restrictive: combined with AND with the tenant policy, so a staff member's delete touches nothing
-- (GraphQL then answers that nothing could be deleted). Only staff requests are bound: the owner's
-- administration and the service role do not delete these through the staff API.
create policy admin_deletes on app_public.cases as restrictive for delete to ringside_staff
  using (app_hidden.current_user_role() = 'admin');
create policy admin_deletes on app_public.contacts as restrictive for delete to ringside_staff
  using (app_hidden.current_user_role() = 'admin');
create policy admin_deletes on app_public.tasks as restrictive for delete to ringside_staff
  using (app_hidden.current_user_role() = 'admin');

-- Error messages may quote a URL (a download that failed): never pass one on.
create function app_hidden.without_urls(p_text text) returns text
  language sql immutable parallel safe
  as $$ select pg_catalog.regexp_replace(p_text, '[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"''<>]*', '[url]', 'g') $$;
comment on function app_hidden.without_urls(text) is 'The text with every URL replaced by [url].';

-- The Ringover user who handled a call, as a browser may see it: its id, name and email only.
-- call_details and call_json both show it; no search_path, so the planner inlines it into both.
create function app_hidden.ringover_user_json(p_user jsonb) returns jsonb
  language sql immutable parallel safe
  as $$
    select case when jsonb_typeof(p_user) = 'object' then jsonb_strip_nulls(jsonb_build_object(
      'id', p_user -> 'id', 'name', p_user -> 'name', 'email', p_user -> 'email')) end
  $$;
comment on function app_hidden.ringover_user_json(jsonb) is 'A call''s Ringover user through the allow-list: id, name and email, nothing else.';

-- The allow-list. Nested objects are rebuilt key by key, so nothing unlisted slips in through them.
create function app_hidden.call_details(p_metadata jsonb) returns jsonb
  language sql immutable parallel safe
  set search_path = pg_catalog, pg_temp
  as $$
    -- One jsonb_build_object of the listed keys (an absent key gives null, which jsonb_strip_nulls
    -- drops): the same as aggregating the present keys one by one, at a fraction of the cost.
    select jsonb_strip_nulls(
      jsonb_build_object(
        'call_id', p_metadata -> 'call_id',
        'direction', p_metadata -> 'direction',
        'call_type', p_metadata -> 'call_type',
        'status', p_metadata -> 'status',
        'anonymous', p_metadata -> 'anonymous',
        'caller_number', p_metadata -> 'caller_number',
        'callee_number', p_metadata -> 'callee_number',
        'caller_e164', p_metadata -> 'caller_e164',
        'callee_e164', p_metadata -> 'callee_e164',
        'caller_display', p_metadata -> 'caller_display',
        'callee_display', p_metadata -> 'callee_display',
        'external_number', p_metadata -> 'external_number',
        'external_number_display', p_metadata -> 'external_number_display',
        'contact_id', p_metadata -> 'contact_id',
        'contact_match', p_metadata -> 'contact_match',
        'contact_candidates', p_metadata -> 'contact_candidates',
        'started_at', p_metadata -> 'started_at',
        'answered_at', p_metadata -> 'answered_at',
        'ended_at', p_metadata -> 'ended_at',
        'occurred_at', p_metadata -> 'occurred_at',
        'duration_seconds', p_metadata -> 'duration_seconds',
        'recording_duration_seconds', p_metadata -> 'recording_duration_seconds',
        'missed_reason', p_metadata -> 'missed_reason',
        'tags', p_metadata -> 'tags',
        'comments', p_metadata -> 'comments',
        'sources', p_metadata -> 'sources',
        'answering_machine_detection', p_metadata -> 'answering_machine_detection',
        'transcript_status', p_metadata -> 'transcript_status',
        'transcript', p_metadata -> 'transcript',
        'transcript_segments', p_metadata -> 'transcript_segments',
        'transcript_language', p_metadata -> 'transcript_language',
        'summary_status', p_metadata -> 'summary_status',
        'ai_summary', p_metadata -> 'ai_summary',
        'tasks_generated', p_metadata -> 'tasks_generated',
        'extracted_tasks', p_metadata -> 'extracted_tasks',
        'sentiment_status', p_metadata -> 'sentiment_status',
        'sentiment_score', p_metadata -> 'sentiment_score',
        'sentiment_label', p_metadata -> 'sentiment_label'
      )
      || jsonb_build_object(
        'has_recording', p_metadata ? 'recording_url',
        'has_voicemail', p_metadata ? 'voicemail_url',
        'ringover_user', app_hidden.ringover_user_json(p_metadata -> 'ringover_user'),
        'ivr', case when jsonb_typeof(p_metadata -> 'ivr') = 'object' then jsonb_strip_nulls(jsonb_build_object(
          'number', p_metadata -> 'ivr' -> 'number',
          'scenario_name', p_metadata -> 'ivr' -> 'scenario_name',
          'ivr_name', p_metadata -> 'ivr' -> 'ivr_name')) end,
        'ai_errors', (select jsonb_object_agg(e.key, jsonb_strip_nulls(jsonb_build_object(
                        'status', e.value -> 'status',
                        'kind', e.value -> 'kind',
                        'message', app_hidden.without_urls(e.value ->> 'message'),
                        'attempt', e.value -> 'attempt',
                        'will_retry', e.value -> 'will_retry',
                        'at', e.value -> 'at')))
                      from jsonb_each(case when jsonb_typeof(p_metadata -> 'ai_errors') = 'object' then p_metadata -> 'ai_errors' else '{}' end) e
                      where jsonb_typeof(e.value) = 'object'))
    )
  $$;
comment on function app_hidden.call_details(jsonb) is 'The part of a call''s metadata a browser may see: an allow-list of keys, never a Ringover URL (has_recording / has_voicemail say what exists).';
grant execute on function app_hidden.without_urls(text), app_hidden.ringover_user_json(jsonb), app_hidden.call_details(jsonb)
  to ringside_staff, ringside_service;

-- GraphQL: InteractionEvent.details and InteractionEvent.hasRecording (computed columns; metadata
-- itself is hidden from the schema).
create function app_public.interaction_events_details(e app_public.interaction_events) returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$ select app_hidden.call_details(e.metadata) $$;
comment on function app_public.interaction_events_details(app_public.interaction_events) is E'@notNull\nThe entry''s metadata (call details and AI results) through an allow-list: never a Ringover recording or voicemail URL.';

create function app_public.interaction_events_has_recording(e app_public.interaction_events) returns boolean
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$ select e.metadata ? 'recording_url' $$;
comment on function app_public.interaction_events_has_recording(app_public.interaction_events) is E'@notNull\nWhether a recording (or voicemail) can be played through /api/v1/ringover/calls/:id/recording.';
grant execute on function app_public.interaction_events_details(app_public.interaction_events),
  app_public.interaction_events_has_recording(app_public.interaction_events) to ringside_staff;

-- REST: the same allow-list for what call_json passes through from metadata.
create or replace function app_hidden.call_json(p_event app_public.interaction_events, p_detail boolean)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    -- Key by key from metadata, through the same allow-list: each key read here is one call_details
    -- passes on unchanged (and the outer jsonb_strip_nulls strips nested nulls as it does), except the
    -- two it rebuilds: the Ringover user, through the same ringover_user_json, and the AI errors,
    -- taken from call_details on the detail page only. Building call_details whole for every call was
    -- half of this function's cost (measured: 45 of 100 µs a call), paid on every webhook's live event.
    select jsonb_strip_nulls(jsonb_build_object(
      'id', p_event.id,
      'call_id', p_event.external_id,
      'title', p_event.title,
      'body', p_event.body,
      'occurred_at', p_event.occurred_at,
      'direction', p_event.direction,
      'call_type', p_event.call_type,
      'status', p_event.metadata ->> 'status',
      'duration_seconds', p_event.duration_seconds,
      'caller_number', p_event.metadata ->> 'caller_number',
      'callee_number', p_event.metadata ->> 'callee_number',
      'external_number', p_event.metadata ->> 'external_number',
      'external_number_display', p_event.metadata ->> 'external_number_display',
      'started_at', p_event.metadata ->> 'started_at',
      'answered_at', p_event.metadata ->> 'answered_at',
      'ended_at', p_event.metadata ->> 'ended_at',
      'has_recording', p_event.metadata ? 'recording_url',
      'has_voicemail', p_event.metadata ? 'voicemail_url',
      'contact_match', p_event.metadata ->> 'contact_match',
      'contact', (select jsonb_build_object('id', c.id, 'name', c.display_name, 'phone_e164', c.phone_e164)
                  from app_public.contacts c where c.tenant_id = p_event.tenant_id and c.id = p_event.contact_id),
      'case', (select jsonb_build_object('id', k.id, 'reference', k.reference, 'title', k.title, 'status', k.status)
               from app_public.cases k where k.tenant_id = p_event.tenant_id and k.id = p_event.case_id),
      'handled_by', app_hidden.ringover_user_json(p_event.metadata -> 'ringover_user'),
      'tags', p_event.metadata -> 'tags',
      'comments', nullif(p_event.metadata ->> 'comments', ''),
      'sources', p_event.metadata -> 'sources',
      'transcript_status', p_event.metadata ->> 'transcript_status',
      'summary_status', p_event.metadata ->> 'summary_status',
      'sentiment_status', p_event.metadata ->> 'sentiment_status',
      'sentiment_score', (p_event.metadata ->> 'sentiment_score')::numeric,
      'sentiment_label', p_event.metadata ->> 'sentiment_label',
      -- The list's "what it was about": the summary's first 160 characters (the call page has it whole).
      'summary_line', case when not p_detail then left(p_event.metadata ->> 'ai_summary', 160) end,
      -- The callback a missed call opened (it names the latest missed call of its number): to do or done.
      'callback', (select jsonb_build_object('id', t.id, 'status', t.status) from app_public.tasks t
                    where t.tenant_id = p_event.tenant_id and t.interaction_event_id = p_event.id
                      and t.source = 'callback'
                    limit 1),
      'ai_summary', case when p_detail then p_event.metadata ->> 'ai_summary' end,
      'transcript', case when p_detail then p_event.metadata ->> 'transcript' end,
      'transcript_segments', case when p_detail then p_event.metadata -> 'transcript_segments' end,
      'extracted_tasks', case when p_detail then p_event.metadata -> 'extracted_tasks' end,
      'ai_errors', case when p_detail then app_hidden.call_details(p_event.metadata) -> 'ai_errors' end,
      'created_at', p_event.created_at,
      'updated_at', p_event.updated_at
    ))
  $$;
comment on function app_hidden.call_json(app_public.interaction_events, boolean) is 'A call as the REST API shows it (metadata through call_details'' allow-list, with its Ringover tags, comment and sources); with p_detail, its AI results too. Never a Ringover URL.';
