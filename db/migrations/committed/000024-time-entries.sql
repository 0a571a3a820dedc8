--! Previous: sha1:92b0a9ffc6a90576cab33607f56864351bc0b648
--! Hash: sha1:864b3c6e483c21cbdefc0fa9e38053f50cb25e82
--! Message: time-entries

-- Why this shape: the minutes of a client call are billable, and the call is already on the case
-- timeline. So each answered call linked to a case drafts exactly one time entry (interaction_event_id
-- is unique), written by a trigger on the timeline whatever path wrote the call; staff then confirm,
-- edit or discard it. While it is a draft it follows its call: re-linking the call to another case
-- moves it, unlinking it removes it, the AI summary replaces the title as its description (unless
-- staff already wrote one). Once confirmed or discarded it is the staff's and no call change touches it.
-- Minutes are rounded by the firm's rule (app_hidden.billable_minutes), kept as a pure function so the
-- rule is table-tested.

create function app_hidden.billable_minutes(p_seconds integer, p_unit_minutes integer, p_rounding text, p_minimum_units integer)
  returns integer
  language sql immutable parallel safe
  as $$
    select greatest(
             coalesce(p_minimum_units, 1),
             case p_rounding
               when 'down' then floor(greatest(coalesce(p_seconds, 0), 0) / (p_unit_minutes * 60.0))
               when 'nearest' then round(greatest(coalesce(p_seconds, 0), 0) / (p_unit_minutes * 60.0))
               else ceil(greatest(coalesce(p_seconds, 0), 0) / (p_unit_minutes * 60.0))
             end::integer) * p_unit_minutes
  $$;
comment on function app_hidden.billable_minutes(integer, integer, text, integer) is
  'Billable minutes for a call of p_seconds: whole units of p_unit_minutes, rounded up, to the nearest or down, and at least p_minimum_units units.';
grant execute on function app_hidden.billable_minutes(integer, integer, text, integer) to ringside_staff, ringside_service;

create table app_public.time_entries (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  interaction_event_id uuid unique,
  case_id uuid not null,
  user_id uuid,
  entry_date date not null,
  minutes integer not null check (minutes between 0 and 1440),
  description text not null default '' check (length(description) <= 5000),
  status text not null default 'draft' check (status in ('draft', 'confirmed', 'discarded')),
  confirmed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, interaction_event_id) references app_public.interaction_events (tenant_id, id) on delete set null (interaction_event_id),
  foreign key (tenant_id, case_id) references app_public.cases (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references app_public.users (tenant_id, id) on delete set null (user_id)
);
alter table app_public.time_entries enable row level security;
alter table app_public.time_entries force row level security;
create policy own_tenant on app_public.time_entries
  using (tenant_id = app_hidden.current_tenant_id());
-- Confirmed time is billed: only an administrator removes it; staff discard instead.
create policy admin_deletes on app_public.time_entries as restrictive for delete to ringside_staff
  using (status = 'draft' or app_hidden.current_user_role() = 'admin');
grant select, delete on app_public.time_entries to ringside_staff;
-- Staff add time by hand, and the timeline trigger drafts as whoever re-linked a call.
grant insert (interaction_event_id, case_id, user_id, entry_date, minutes, description) on app_public.time_entries to ringside_staff;
grant update (case_id, user_id, entry_date, minutes, description, status) on app_public.time_entries to ringside_staff;
grant select, insert, delete on app_public.time_entries to ringside_service;
grant update (case_id, user_id, entry_date, minutes, description) on app_public.time_entries to ringside_service;

create index time_entries_case_idx on app_public.time_entries (tenant_id, case_id, entry_date);
create index time_entries_user_idx on app_public.time_entries (tenant_id, user_id, entry_date);
create index time_entries_status_idx on app_public.time_entries (tenant_id, status, entry_date);

comment on table app_public.time_entries is 'Billable time on a case: drafted from an answered call (one per call at most), or written by staff; confirmed entries are exported.';
comment on column app_public.time_entries.interaction_event_id is 'The call the entry was drafted from; unique, so a call never bills twice.';
comment on column app_public.time_entries.case_id is 'The case the time is billed to.';
comment on column app_public.time_entries.user_id is 'The staff member whose time it is.';
comment on column app_public.time_entries.entry_date is 'The day the work was done (the call''s day in the firm''s time zone).';
comment on column app_public.time_entries.minutes is 'Billable minutes, rounded by the firm''s rule when drafted.';
comment on column app_public.time_entries.description is 'What was done: the call''s AI summary when there is one, else its title; staff may rewrite it.';
comment on column app_public.time_entries.status is 'draft (proposed), confirmed (billable, exported) or discarded.';
comment on column app_public.time_entries.confirmed_at is 'When the entry was last confirmed (maintained by the database).';

create function app_hidden.tg_time_entries__confirmed_at() returns trigger
  language plpgsql volatile
  as $$
begin
  if new.status = 'confirmed' and (tg_op = 'INSERT' or old.status is distinct from 'confirmed') then
    new.confirmed_at := pg_catalog.now();
  elsif new.status <> 'confirmed' then
    new.confirmed_at := null;
  end if;
  return new;
end
$$;
comment on function app_hidden.tg_time_entries__confirmed_at() is 'Trigger: confirmed_at is when an entry was last confirmed, null while it is not.';
create trigger _100_timestamps before update on app_public.time_entries
  for each row execute function app_hidden.tg__set_updated_at();
create trigger _200_confirmed_at before insert or update of status on app_public.time_entries
  for each row execute function app_hidden.tg_time_entries__confirmed_at();

create function app_hidden.tg_time_entries__announce() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  perform app_hidden.announce_work('time_entry', coalesce(new.id, old.id), coalesce(new.status, 'deleted'));
  return null;
end
$$;
comment on function app_hidden.tg_time_entries__announce() is 'Trigger: a change staff make to a time entry is announced live (work_updated, kind time_entry).';
-- Staff changes only: a draft written by ingestion rides on its call's own event (call_event_*),
-- which the time page listens to, so the call's announcements stay one per change.
create trigger _900_announce after insert or update or delete on app_public.time_entries
  for each row when (current_user = 'ringside_staff')
  execute function app_hidden.tg_time_entries__announce();

create function app_hidden.call_time_description(p_event app_public.interaction_events) returns text
  language sql immutable
  as $$ select left(coalesce(nullif(btrim(p_event.metadata ->> 'ai_summary'), ''), p_event.title), 5000) $$;
comment on function app_hidden.call_time_description(app_public.interaction_events) is 'The description a call''s time entry is drafted with: its AI summary, else its title.';
grant execute on function app_hidden.call_time_description(app_public.interaction_events) to ringside_staff, ringside_service;

create function app_hidden.tg_interaction_events__draft_time() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_settings app_public.tenant_work_settings;
  v_minutes integer;
  v_old_description text := case when tg_op = 'UPDATE' then app_hidden.call_time_description(old) end;
begin
  if new.event_type <> 'CALL' then
    return null;
  end if;
  if new.call_type is distinct from 'answered' or new.case_id is null then
    -- No longer billable to a case: a draft goes, a confirmed or discarded entry stays the staff's.
    -- (A new row has none: most calls are inserted once and never reach this delete.)
    if tg_op = 'UPDATE' then
      delete from app_public.time_entries t
       where t.tenant_id = new.tenant_id and t.interaction_event_id = new.id and t.status = 'draft';
    end if;
    return null;
  end if;
  v_settings := app_hidden.work_settings();
  v_minutes := app_hidden.billable_minutes(new.duration_seconds, v_settings.time_unit_minutes,
                                           v_settings.time_rounding, v_settings.time_minimum_units);
  -- The tenant comes from its default (the transaction's tenant): staff may not name one.
  insert into app_public.time_entries as t (interaction_event_id, case_id, user_id, entry_date, minutes, description)
    values (new.id, new.case_id, new.created_by,
            (new.occurred_at at time zone v_settings.time_zone)::date, v_minutes, app_hidden.call_time_description(new))
    on conflict (interaction_event_id) do update
      set case_id = excluded.case_id,
          user_id = coalesce(t.user_id, excluded.user_id),
          minutes = case when t.minutes = app_hidden.billable_minutes(old.duration_seconds, v_settings.time_unit_minutes,
                                                                      v_settings.time_rounding, v_settings.time_minimum_units)
                         then excluded.minutes else t.minutes end,
          description = case when t.description is not distinct from v_old_description then excluded.description else t.description end
      where t.status = 'draft'
        and (t.case_id, t.user_id, t.minutes, t.description) is distinct from
            (excluded.case_id, coalesce(t.user_id, excluded.user_id), excluded.minutes, excluded.description);
  return null;
end
$$;
comment on function app_hidden.tg_interaction_events__draft_time() is
  'Trigger: an answered call linked to a case has one draft time entry, which follows the call (case, duration, AI summary) while it is a draft; unlinked, the draft goes.';
create trigger _800_draft_time after insert or update of call_type, case_id, metadata, title on app_public.interaction_events
  for each row execute function app_hidden.tg_interaction_events__draft_time();

-- Export: confirmed entries only, with what an accountant needs on each line.
create function app_hidden.time_entries_export(p_date_from date, p_date_to date, p_case_id uuid, p_user_id uuid)
  returns table (entry_date date, case_reference text, staff text, minutes integer, description text)
  language sql stable
  as $$
    select t.entry_date, k.reference, coalesce(u.display_name, u.email::text, ''), t.minutes, t.description
      from app_public.time_entries t
      join app_public.cases k on k.tenant_id = t.tenant_id and k.id = t.case_id
      left join app_public.users u on u.tenant_id = t.tenant_id and u.id = t.user_id
     where t.status = 'confirmed'
       and (p_date_from is null or t.entry_date >= p_date_from)
       and (p_date_to is null or t.entry_date <= p_date_to)
       and (p_case_id is null or t.case_id = p_case_id)
       and (p_user_id is null or t.user_id = p_user_id)
     order by t.entry_date, k.reference, t.created_at, t.id
  $$;
comment on function app_hidden.time_entries_export(date, date, uuid, uuid) is
  'Confirmed time entries of the current tenant for export (date, case reference, staff, minutes, description), filtered by an inclusive date range, a case and a staff member.';
grant execute on function app_hidden.time_entries_export(date, date, uuid, uuid) to ringside_staff;
