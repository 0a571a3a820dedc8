--! Previous: sha1:d2f020d7bb28f78f88968c288c069112a4a90f56
--! Hash: sha1:e24c12580e2ef37bbc3c98adabfe3a9fcc0b8b01
--! Message: retry-call-ai

-- Why this shape: a failed or skipped AI step used to be visible only to whoever could run
-- `npm run admin -- ai:reprocess` on the server. The call page now shows each step's reason, and an
-- administrator of the firm can queue the steps that did not complete again from there: the same
-- job as ai:reprocess (deduplicated per call), limited to their own firm's calls, announced live so
-- every screen shows the steps as pending again.

create function app_public.retry_call_ai(call_id uuid) returns app_public.interaction_events
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
  v_event app_public.interaction_events;
  v_reset jsonb := '{}';
  v_errors jsonb := '{}';
  v_step text;
begin
  if v_tenant is null or app_hidden.current_user_role() is distinct from 'admin' then
    raise exception 'only an administrator of the firm may retry an analysis' using errcode = '42501';
  end if;
  select e.* into v_event from app_public.interaction_events e
   where e.tenant_id = v_tenant and e.id = retry_call_ai.call_id and e.event_type = 'CALL';
  if v_event.id is null then
    raise exception 'no such call' using errcode = 'P0002';
  end if;
  if not v_event.metadata ? 'recording_url' then
    raise exception 'this call has no recording to analyse' using errcode = '22023';
  end if;
  -- Only the steps that did not complete run again: a completed step is never redone.
  foreach v_step in array array['transcript', 'summary', 'sentiment'] loop
    if v_event.metadata ->> (v_step || '_status') in ('failed', 'skipped') then
      v_reset := v_reset || jsonb_build_object(v_step || '_status', 'pending');
      v_errors := v_errors || jsonb_build_object(v_step, null);
    end if;
  end loop;
  perform app_hidden.set_call_ai(v_event.id, v_reset, v_errors);
  perform app_hidden.enqueue_call_ai(v_tenant, v_event.id);
  select e.* into v_event from app_public.interaction_events e where e.tenant_id = v_tenant and e.id = v_event.id;
  perform app_hidden.emit_live_event('call_event_updated', app_hidden.call_summary(v_event));
  -- Rare, staff-initiated: NOTIFY is delivered at commit, so waking the relays here is safe.
  perform app_hidden.wake_live_relays(array[v_tenant]);
  return v_event;
end
$$;
comment on function app_public.retry_call_ai(uuid) is
  E'@resultFieldName interactionEvent\nQueues the AI analysis of a call again for its failed or skipped steps (administrators only: 42501 otherwise; P0002 no such call; 22023 no recording).';
revoke execute on function app_public.retry_call_ai(uuid) from public;
grant execute on function app_public.retry_call_ai(uuid) to ringside_staff;
