--! Previous: sha1:cb7bb8f0e6cece8a0392fd687ff30e4d9c37de20
--! Hash: sha1:a6e08d1859848d8e2057053c8a2866d45bb115e0
--! Message: worker-statements

-- Why this shape: the AI worker read and wrote a call in transactions of four round trips each
-- (begin, set_config, the statement, commit). On this kind of machine a round trip to PostgreSQL
-- costs more than most of the statements, and a voicemail's job made eleven of them. These take the
-- tenant as their first argument and set it themselves, as ingestion does (000007), so each is one
-- statement in a transaction of its own. They grant nothing new: the service role may already name
-- any tenant in app.current_tenant.

create function app_hidden.call_ai_context_of(p_tenant_id uuid, p_event_id uuid)
  returns jsonb
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  return app_hidden.call_ai_context(p_event_id);
end
$$;
comment on function app_hidden.call_ai_context_of(uuid, uuid) is 'call_ai_context for one tenant, in one statement.';

create function app_hidden.set_call_ai_of(p_tenant_id uuid, p_event_id uuid, p_patch jsonb, p_errors jsonb default '{}')
  returns jsonb
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  return app_hidden.set_call_ai(p_event_id, p_patch, p_errors);
end
$$;
comment on function app_hidden.set_call_ai_of(uuid, uuid, jsonb, jsonb) is 'set_call_ai for one tenant, in one statement.';

-- The end of a run: the last results and the announcement, committed together.
create function app_hidden.finish_call_ai(p_tenant_id uuid, p_event_id uuid, p_patch jsonb, p_errors jsonb default '{}')
  returns jsonb
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_metadata jsonb;
begin
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  v_metadata := app_hidden.set_call_ai(p_event_id, p_patch, p_errors);
  perform app_hidden.announce_call_ai(p_event_id);
  return v_metadata;
end
$$;
comment on function app_hidden.finish_call_ai(uuid, uuid, jsonb, jsonb) is 'Writes a run''s last AI results and announces call_ai_completed, for one tenant, in one statement.';

grant execute on function
  app_hidden.call_ai_context_of(uuid, uuid),
  app_hidden.set_call_ai_of(uuid, uuid, jsonb, jsonb),
  app_hidden.finish_call_ai(uuid, uuid, jsonb, jsonb)
  to ringside_service;
