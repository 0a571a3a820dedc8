--! Previous: sha1:e95dfc448a29af43512a17951380074082511824
--! Hash: sha1:14ffb1ef0e19884ebb7164a7a018b741ae1ce217
--! Message: relink-call

-- Why this shape: filing a client's recording in someone else's case breaks confidentiality, so
-- moving a call to another case is a deliberate act with a trace. Staff lose the plain column
-- update of interaction_events.case_id (a GraphQL patch left no trace, no live event, and left the
-- call's metadata, body and AI tasks on the old case); they call app_public.relink_call instead,
-- which, in one transaction, moves the call, its metadata and body, and the AI tasks that still
-- followed the call's case, records who did it (call_case_changes) and tells every open screen.

create table app_public.call_case_changes (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  interaction_event_id uuid not null,
  from_case_id uuid,
  to_case_id uuid,
  changed_by uuid default app_hidden.current_user_id(),
  changed_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, interaction_event_id) references app_public.interaction_events (tenant_id, id) on delete cascade,
  foreign key (tenant_id, from_case_id) references app_public.cases (tenant_id, id) on delete set null (from_case_id),
  foreign key (tenant_id, to_case_id) references app_public.cases (tenant_id, id) on delete set null (to_case_id),
  foreign key (tenant_id, changed_by) references app_public.users (tenant_id, id) on delete set null (changed_by)
);
alter table app_public.call_case_changes enable row level security;
alter table app_public.call_case_changes force row level security;
create policy own_tenant on app_public.call_case_changes
  using (tenant_id = app_hidden.current_tenant_id());
-- Read-only for everyone: rows are written by relink_call alone, so the trail cannot be edited.
grant select on app_public.call_case_changes to ringside_staff, ringside_service;

create index call_case_changes_event_idx on app_public.call_case_changes (tenant_id, interaction_event_id, changed_at desc);
create index call_case_changes_from_idx on app_public.call_case_changes (tenant_id, from_case_id) where from_case_id is not null;
create index call_case_changes_to_idx on app_public.call_case_changes (tenant_id, to_case_id) where to_case_id is not null;
create index call_case_changes_by_idx on app_public.call_case_changes (tenant_id, changed_by) where changed_by is not null;

comment on table app_public.call_case_changes is 'The audit trail of calls moved between cases by staff: who, when, from which case to which.';
comment on column app_public.call_case_changes.interaction_event_id is 'The call that was moved.';
comment on column app_public.call_case_changes.from_case_id is 'The case the call was on before (null: none).';
comment on column app_public.call_case_changes.to_case_id is 'The case the call is on after (null: unlinked).';
comment on column app_public.call_case_changes.changed_by is 'The staff member who moved it.';
comment on column app_public.call_case_changes.changed_at is 'When it was moved.';

revoke update (case_id) on app_public.interaction_events from ringside_staff;

create function app_public.relink_call(call_id uuid, case_id uuid) returns app_public.interaction_events
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
  v_old app_public.interaction_events;
  v_new app_public.interaction_events;
  v_reference text;
  v_language text;
begin
  if v_tenant is null or app_hidden.current_user_id() is null then
    raise exception 'relink_call needs a signed-in staff member' using errcode = '42501';
  end if;
  select e.* into v_old from app_public.interaction_events e
   where e.tenant_id = v_tenant and e.id = relink_call.call_id
   for update;
  if v_old.id is null then
    raise exception 'no such call' using errcode = 'P0002';
  end if;
  if relink_call.case_id is not null then
    select k.reference into v_reference from app_public.cases k
     where k.tenant_id = v_tenant and k.id = relink_call.case_id;
    if v_reference is null then
      raise exception 'no such case' using errcode = 'P0002';
    end if;
  end if;
  if v_old.case_id is not distinct from relink_call.case_id then
    return v_old;
  end if;
  select t.language into v_language from app_public.tenants t where t.id = v_tenant;

  update app_public.interaction_events e
     set case_id = relink_call.case_id,
         metadata = case when relink_call.case_id is null then e.metadata - 'case_id'
                         else e.metadata || jsonb_build_object('case_id', relink_call.case_id) end,
         body = case when e.source = 'RINGOVER' and e.event_type = 'CALL'
                     then app_hidden.call_body(e.metadata, v_reference, v_language) else e.body end
   where e.tenant_id = v_tenant and e.id = v_old.id
  returning e.* into v_new;

  -- AI tasks and the callback go where their call goes, unless staff already filed them elsewhere.
  update app_public.tasks t
     set case_id = relink_call.case_id
   where t.tenant_id = v_tenant and t.interaction_event_id = v_old.id and t.source in ('ai', 'callback')
     and t.case_id is not distinct from v_old.case_id;

  insert into app_public.call_case_changes (tenant_id, interaction_event_id, from_case_id, to_case_id)
    values (v_tenant, v_old.id, v_old.case_id, relink_call.case_id);

  perform app_hidden.emit_live_event('call_event_updated', app_hidden.call_summary(v_new));
  -- Staff relinks are rare: waking the relays here (NOTIFY is delivered at commit, never before)
  -- costs nothing, unlike on the webhook path where the server wakes them after its commit.
  perform app_hidden.wake_live_relays(array[v_tenant]);
  return v_new;
end
$$;
comment on function app_public.relink_call(uuid, uuid) is
  E'@resultFieldName interactionEvent\nMoves a call to another case (or to none): its metadata, description and AI tasks follow, the change is recorded in call_case_changes and announced live. Errors: P0002 when the call or the case does not exist in this firm.';
revoke execute on function app_public.relink_call(uuid, uuid) from public;
grant execute on function app_public.relink_call(uuid, uuid) to ringside_staff;
