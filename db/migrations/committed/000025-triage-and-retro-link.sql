--! Previous: sha1:864b3c6e483c21cbdefc0fa9e38053f50cb25e82
--! Hash: sha1:baf1a49e39db6e2d47e7b10776bf42e37268a282
--! Message: triage-and-retro-link

-- Why this shape: a call from an unknown number is recorded without a contact, and one from a shared
-- number is linked by a deterministic but possibly wrong choice ("ambiguous"). Both wait in the
-- triage inbox, grouped by number. When staff give a number its contact (a new contact, or the right
-- one among the ambiguous), ONE function links every past call of that number in the tenant: the
-- contact, and the case that contact had active at each call's own time. Each run is written down
-- (call_link_batches, call_link_items: what every call had before and got after) so that it can be
-- undone exactly, and an undo leaves alone a call staff changed again since.
-- Everything runs as the staff member (security invoker, row-level security applies); the change of
-- case moves the calls' draft time entries through the timeline trigger of 000051.

create table app_public.call_link_batches (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  phone_e164 text not null check (phone_e164 ~ '^\+[1-9][0-9]{5,15}$'),
  contact_id uuid,
  case_id uuid,
  linked_count integer not null default 0,
  created_by uuid default app_hidden.current_user_id(),
  created_at timestamptz not null default now(),
  undone_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, contact_id) references app_public.contacts (tenant_id, id) on delete set null (contact_id),
  foreign key (tenant_id, case_id) references app_public.cases (tenant_id, id) on delete set null (case_id),
  foreign key (tenant_id, created_by) references app_public.users (tenant_id, id) on delete set null (created_by)
);
alter table app_public.call_link_batches enable row level security;
alter table app_public.call_link_batches force row level security;
create policy own_tenant on app_public.call_link_batches
  using (tenant_id = app_hidden.current_tenant_id());
grant select on app_public.call_link_batches to ringside_staff;
grant insert (phone_e164, contact_id, case_id) on app_public.call_link_batches to ringside_staff;
grant update (linked_count, undone_at) on app_public.call_link_batches to ringside_staff;
create index call_link_batches_phone_idx on app_public.call_link_batches (tenant_id, phone_e164, created_at desc);

comment on table app_public.call_link_batches is E'@behavior -insert -update -delete -resource:insert -resource:update -resource:delete\nOne retro-link of a number''s past calls to a contact (app_public.link_number_calls), kept so it can be undone.';
comment on column app_public.call_link_batches.phone_e164 is 'The number whose calls were linked.';
comment on column app_public.call_link_batches.contact_id is 'The contact the calls were linked to.';
comment on column app_public.call_link_batches.case_id is 'The case staff chose for every call, or null for each call''s active case at its time.';
comment on column app_public.call_link_batches.linked_count is 'How many calls changed.';
comment on column app_public.call_link_batches.created_by is 'The staff member who linked them.';
comment on column app_public.call_link_batches.undone_at is 'When the link was undone (app_public.undo_call_link), null while it stands.';

create table app_public.call_link_items (
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  batch_id uuid not null,
  interaction_event_id uuid not null,
  old_contact_id uuid,
  old_case_id uuid,
  new_contact_id uuid,
  new_case_id uuid,
  primary key (tenant_id, batch_id, interaction_event_id),
  foreign key (tenant_id, batch_id) references app_public.call_link_batches (tenant_id, id) on delete cascade,
  foreign key (tenant_id, interaction_event_id) references app_public.interaction_events (tenant_id, id) on delete cascade
);
alter table app_public.call_link_items enable row level security;
alter table app_public.call_link_items force row level security;
create policy own_tenant on app_public.call_link_items
  using (tenant_id = app_hidden.current_tenant_id());
grant select on app_public.call_link_items to ringside_staff;
grant insert (batch_id, interaction_event_id, old_contact_id, old_case_id, new_contact_id, new_case_id) on app_public.call_link_items to ringside_staff;
create index call_link_items_event_idx on app_public.call_link_items (tenant_id, interaction_event_id);

comment on table app_public.call_link_items is E'@behavior -insert -update -delete -resource:insert -resource:update -resource:delete\nWhat one retro-link changed on one call: its contact and case before and after.';
comment on column app_public.call_link_items.batch_id is 'The retro-link.';
comment on column app_public.call_link_items.interaction_event_id is 'The call.';
comment on column app_public.call_link_items.old_contact_id is 'The call''s contact before.';
comment on column app_public.call_link_items.old_case_id is 'The call''s case before.';
comment on column app_public.call_link_items.new_contact_id is 'The call''s contact after.';
comment on column app_public.call_link_items.new_case_id is 'The call''s case after.';

-- A call waits in triage while it has no contact, or its match was ambiguous and no standing
-- retro-link settled it.
create function app_hidden.call_needs_triage(p_event app_public.interaction_events) returns boolean
  language sql stable
  as $$
    select p_event.event_type = 'CALL'
       and (p_event.metadata ->> 'external_number') ~ '^\+[1-9][0-9]{5,15}$'
       and (p_event.contact_id is null
            or (p_event.metadata ->> 'contact_match' = 'ambiguous'
                and not exists (select from app_public.call_link_items i
                                  join app_public.call_link_batches b on b.tenant_id = i.tenant_id and b.id = i.batch_id
                                 where i.tenant_id = p_event.tenant_id and i.interaction_event_id = p_event.id
                                   and b.undone_at is null)))
  $$;
comment on function app_hidden.call_needs_triage(app_public.interaction_events) is 'Whether a call waits in the triage inbox: a readable external number and no contact, or an ambiguous match not yet settled by staff.';
grant execute on function app_hidden.call_needs_triage(app_public.interaction_events) to ringside_staff;

create type app_public.triage_number as (
  phone_e164 text,
  number_display text,
  calls integer,
  ambiguous boolean,
  last_call_at timestamptz,
  last_call_id uuid,
  candidate_contact_ids uuid[]
);
comment on type app_public.triage_number is 'A number waiting in the triage inbox, with its calls.';
comment on column app_public.triage_number.phone_e164 is 'The external number (E.164).';
comment on column app_public.triage_number.number_display is 'The number as Ringover shows it.';
comment on column app_public.triage_number.calls is 'How many calls from or to it wait.';
comment on column app_public.triage_number.ambiguous is 'Several contacts share the number: staff choose one.';
comment on column app_public.triage_number.last_call_at is 'When the latest of these calls happened.';
comment on column app_public.triage_number.last_call_id is 'The latest of these calls.';
comment on column app_public.triage_number.candidate_contact_ids is 'The contacts that have this number (empty when none does).';

create function app_public.triage_numbers() returns setof app_public.triage_number
  language sql stable
  as $$
    select n.phone_e164, n.number_display, n.calls, n.ambiguous, n.last_call_at, n.last_call_id,
           coalesce((select array_agg(c.id order by c.created_at, c.id) from app_public.contacts c
                      where c.tenant_id = app_hidden.current_tenant_id() and c.phone_e164 = n.phone_e164), '{}')
      from (
        select e.external_number as phone_e164,
               (array_agg(e.metadata ->> 'external_number_display' order by e.occurred_at desc))[1] as number_display,
               count(*)::integer as calls,
               bool_or(e.contact_id is not null) as ambiguous,
               max(e.occurred_at) as last_call_at,
               (array_agg(e.id order by e.occurred_at desc, e.id desc))[1] as last_call_id
          from app_public.interaction_events e
         where e.tenant_id = app_hidden.current_tenant_id() and e.event_type = 'CALL'
           and app_hidden.call_needs_triage(e)
         group by 1
      ) n
     order by n.last_call_at desc, n.phone_e164
  $$;
comment on function app_public.triage_numbers() is E'The triage inbox ("À rattacher"): numbers whose calls have no contact or an ambiguous one, newest first.';
grant execute on function app_public.triage_numbers() to ringside_staff;

create function app_public.triage_count() returns integer
  language sql stable
  as $$ select count(*)::integer from app_public.triage_numbers() $$;
comment on function app_public.triage_count() is 'How many numbers wait in the triage inbox (the navigation badge).';
grant execute on function app_public.triage_count() to ringside_staff;

-- The case a contact had active when a call happened: opened by then, not closed by then.
create function app_hidden.case_active_at(p_contact_id uuid, p_at timestamptz) returns uuid
  language sql stable
  as $$
    select c.id
      from app_public.case_contacts cc
      join app_public.cases c on c.tenant_id = cc.tenant_id and c.id = cc.case_id
     where cc.tenant_id = app_hidden.current_tenant_id() and cc.contact_id = p_contact_id
       and c.opened_at <= p_at
       and (c.closed_at is null or c.closed_at > p_at)
       and (c.status in ('open', 'in_progress') or c.closed_at is not null)
     order by c.opened_at desc, c.id desc
     limit 1
  $$;
comment on function app_hidden.case_active_at(uuid, timestamptz) is 'The contact''s case that was active at p_at (opened by then and not yet closed), most recently opened first; null when none.';
grant execute on function app_hidden.case_active_at(uuid, timestamptz) to ringside_staff, ringside_service;

-- Both are security definer: staff may not write a call's case directly (000034: every move of a call
-- is audited), and these two keep their own trail (call_link_batches, call_link_items). Each acts on
-- the current tenant only, names it in every statement, and checks every id it is given against it.
create function app_public.link_number_calls(phone_e164 text, contact_id uuid, case_id uuid default null)
  returns app_public.call_link_batches
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
  v_batch app_public.call_link_batches;
  v_count integer;
begin
  if phone_e164 is null or phone_e164 !~ '^\+[1-9][0-9]{5,15}$' then
    raise exception 'not an E.164 number' using errcode = '22023';
  end if;
  if not exists (select from app_public.contacts c where c.tenant_id = v_tenant and c.id = link_number_calls.contact_id) then
    raise exception 'no such contact' using errcode = '22023';
  end if;
  if link_number_calls.case_id is not null then
    if not exists (select from app_public.cases k where k.tenant_id = v_tenant and k.id = link_number_calls.case_id) then
      raise exception 'no such case' using errcode = '22023';
    end if;
    -- Attaching the calls to a case makes the contact one of its parties (if not already).
    insert into app_public.case_contacts (case_id, contact_id)
      values (link_number_calls.case_id, link_number_calls.contact_id)
      on conflict do nothing;
  end if;

  insert into app_public.call_link_batches as b (phone_e164, contact_id, case_id)
    values (link_number_calls.phone_e164, link_number_calls.contact_id, link_number_calls.case_id)
    returning b.* into v_batch;

  with calls as (
    select e.id, e.contact_id as old_contact_id, e.case_id as old_case_id,
           coalesce(link_number_calls.case_id, app_hidden.case_active_at(link_number_calls.contact_id, e.occurred_at)) as new_case_id
      from app_public.interaction_events e
     where e.tenant_id = v_tenant and e.event_type = 'CALL'
       and e.external_number = link_number_calls.phone_e164
       and app_hidden.call_needs_triage(e)
     for update
  ), items as (
    insert into app_public.call_link_items (batch_id, interaction_event_id, old_contact_id, old_case_id, new_contact_id, new_case_id)
      select v_batch.id, c.id, c.old_contact_id, c.old_case_id, link_number_calls.contact_id, c.new_case_id from calls c
      returning interaction_event_id, new_contact_id, new_case_id
  ), changed as (
    update app_public.interaction_events e
       set contact_id = i.new_contact_id, case_id = i.new_case_id
      from items i
     where e.tenant_id = v_tenant and e.id = i.interaction_event_id
    returning e.id
  )
  select count(*)::integer into v_count from changed;

  update app_public.call_link_batches b set linked_count = v_count where b.tenant_id = v_tenant and b.id = v_batch.id
    returning b.* into v_batch;
  perform app_hidden.announce_work('triage', v_batch.id, 'linked');
  return v_batch;
end
$$;
comment on function app_public.link_number_calls(text, uuid, uuid) is
  'Links every call of a number waiting in triage to a contact, each on the case that contact had active at the call''s time (or on the given case, which the contact then joins), in one step that app_public.undo_call_link reverses (the calls'' contact and case).';
grant execute on function app_public.link_number_calls(text, uuid, uuid) to ringside_staff;

create function app_public.undo_call_link(batch_id uuid)
  returns app_public.call_link_batches
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
  v_batch app_public.call_link_batches;
begin
  select b.* into v_batch from app_public.call_link_batches b
   where b.tenant_id = v_tenant and b.id = undo_call_link.batch_id for update;
  if v_batch.id is null then
    raise exception 'no such link' using errcode = '22023';
  end if;
  if v_batch.undone_at is not null then
    return v_batch;
  end if;
  -- Only calls still as the link left them: a later correction by staff is theirs to keep.
  update app_public.interaction_events e
     set contact_id = i.old_contact_id, case_id = i.old_case_id
    from app_public.call_link_items i
   where i.tenant_id = v_tenant and i.batch_id = v_batch.id
     and e.tenant_id = v_tenant and e.id = i.interaction_event_id
     and e.contact_id is not distinct from i.new_contact_id and e.case_id is not distinct from i.new_case_id;
  update app_public.call_link_batches b set undone_at = now() where b.tenant_id = v_tenant and b.id = v_batch.id
    returning b.* into v_batch;
  perform app_hidden.announce_work('triage', v_batch.id, 'undone');
  return v_batch;
end
$$;
comment on function app_public.undo_call_link(uuid) is 'Undoes a retro-link: every call it changed gets back its previous contact and case (unless staff changed it since).';
grant execute on function app_public.undo_call_link(uuid) to ringside_staff;

-- The REST face of the inbox (GET /api/v1/ringover/calls?unlinked=1): the waiting calls themselves,
-- newest first, in the call list's own shape.
create function app_hidden.list_unlinked_calls(p_limit integer, p_offset integer)
  returns table (total bigint, call jsonb)
  language sql stable
  as $$
    select count(*) over (), app_hidden.call_json(e, false)
      from app_public.interaction_events e
     where e.tenant_id = app_hidden.current_tenant_id() and e.event_type = 'CALL'
       and app_hidden.call_needs_triage(e)
     order by e.occurred_at desc, e.id desc
     limit p_limit offset p_offset
  $$;
comment on function app_hidden.list_unlinked_calls(integer, integer) is 'The calls waiting in the triage inbox, newest first, as the call list shows them, with their total.';
grant execute on function app_hidden.list_unlinked_calls(integer, integer) to ringside_staff;
