--! Previous: sha1:c8bbdc97bbf235d549b9a9c3e559f45b23dc4471
--! Hash: sha1:35a0dbc24bdc0acda284103b8908afbb661303a4
--! Message: call-history

-- Why this shape: the REST call history and stats are read as the staff role, so row-level security
-- alone decides the tenant; the explicit tenant predicate is there for the planner (it matches the
-- leading column of every timeline index), not for isolation.
-- Every filter is a nullable parameter of one function, so no SQL is ever assembled from strings.

create function app_hidden.call_json(p_event app_public.interaction_events, p_detail boolean)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
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
      'contact_match', p_event.metadata ->> 'contact_match',
      'contact', (select jsonb_build_object('id', c.id, 'name', c.display_name, 'phone_e164', c.phone_e164)
                  from app_public.contacts c where c.tenant_id = p_event.tenant_id and c.id = p_event.contact_id),
      'case', (select jsonb_build_object('id', k.id, 'reference', k.reference, 'title', k.title, 'status', k.status)
               from app_public.cases k where k.tenant_id = p_event.tenant_id and k.id = p_event.case_id),
      'handled_by', p_event.metadata -> 'ringover_user',
      'transcript_status', p_event.metadata ->> 'transcript_status',
      'summary_status', p_event.metadata ->> 'summary_status',
      'sentiment_status', p_event.metadata ->> 'sentiment_status',
      'sentiment_score', (p_event.metadata ->> 'sentiment_score')::numeric,
      'sentiment_label', p_event.metadata ->> 'sentiment_label',
      'ai_summary', case when p_detail then p_event.metadata ->> 'ai_summary' end,
      'transcript', case when p_detail then p_event.metadata ->> 'transcript' end,
      'transcript_segments', case when p_detail then p_event.metadata -> 'transcript_segments' end,
      'extracted_tasks', case when p_detail then p_event.metadata -> 'extracted_tasks' end,
      'ai_errors', case when p_detail then p_event.metadata -> 'ai_errors' end,
      'created_at', p_event.created_at,
      'updated_at', p_event.updated_at
    ))
  $$;
comment on function app_hidden.call_json(app_public.interaction_events, boolean) is 'A call as the REST API shows it; with p_detail, its AI results too. Never the Ringover recording URL.';

create function app_hidden.like_pattern(p_text text) returns text
  language sql immutable parallel safe
  as $$ select '%' || replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%' $$;
comment on function app_hidden.like_pattern(text) is 'A LIKE pattern matching the text anywhere, its own % and _ taken literally.';
grant execute on function app_hidden.like_pattern(text) to ringside_staff;

-- The call history's one query, app_hidden.list_calls, is defined once in its final form in 000014:
-- it filters with like_pattern above, the full-text search of 000012 and the tags of 000014.
grant execute on function app_hidden.call_json(app_public.interaction_events, boolean) to ringside_staff;

-- The stats endpoint's one query, app_hidden.call_stats, is defined once in its final form in 000026
-- (with the callbacks of 000023).

create function app_hidden.get_call(p_id uuid)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select app_hidden.call_json(e, true)
    from app_public.interaction_events e
    where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_id and e.event_type = 'CALL'
  $$;
comment on function app_hidden.get_call(uuid) is 'One call with its AI results, or null.';
grant execute on function app_hidden.get_call(uuid) to ringside_staff;

create function app_hidden.call_recording_url(p_id uuid)
  returns text
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select e.metadata ->> 'recording_url'
    from app_public.interaction_events e
    where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_id and e.event_type = 'CALL'
  $$;
comment on function app_hidden.call_recording_url(uuid) is 'Where Ringover keeps a call''s audio; read by the server to proxy it, never sent to a browser.';
grant execute on function app_hidden.call_recording_url(uuid) to ringside_staff;
