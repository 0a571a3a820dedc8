--! Previous: sha1:a89257c1e538d313f91d0080aa2723b84a05cc16
--! Hash: sha1:dfa40530891227b98065c238330c519cd766570b
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
