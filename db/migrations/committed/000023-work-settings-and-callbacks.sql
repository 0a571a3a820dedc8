--! Previous: sha1:81e20e7d9e56e973fecde793fcde83f7854164c9
--! Hash: sha1:92b0a9ffc6a90576cab33607f56864351bc0b648
--! Message: work-settings-and-callbacks

-- Why this shape: a missed call is work for a person. One open callback task per external number
-- (however many times that number tried), assigned to the staff member the call was for, due by the
-- firm's own rule in business hours of its time zone, and closed by the database itself when an
-- answered call with that number happens later, in either direction. All of it is a trigger on the
-- timeline, after ingestion has decided the call type and the contact: whichever path wrote the call
-- (webhook, API backfill, demo), the callback follows.
--
-- The firm's working rules live in their own table (tenant_work_settings), one row per tenant, read
-- through app_hidden.work_settings(), which falls back to the defaults when a tenant has no row:
-- Europe/Brussels, Monday to Friday 09:00-18:00, callbacks due within 2 business hours, billable
-- time in 6-minute units rounded up with a minimum of one unit.
--
-- Due dates are computed in local wall time and converted back with the tenant's zone, so "2
-- business hours after Friday 17:30" is Monday 10:30 local, whatever the clock change in between.

create table app_public.tenant_work_settings (
  tenant_id uuid primary key default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  time_zone text not null default 'Europe/Brussels' check (length(time_zone) between 1 and 64),
  business_days integer[] not null default '{1,2,3,4,5}'
    check (cardinality(business_days) between 1 and 7 and business_days <@ '{1,2,3,4,5,6,7}'),
  business_start time not null default '09:00',
  business_end time not null default '18:00',
  callback_delay_minutes integer not null default 120 check (callback_delay_minutes between 0 and 43200),
  time_unit_minutes integer not null default 6 check (time_unit_minutes between 1 and 60),
  time_rounding text not null default 'up' check (time_rounding in ('up', 'nearest', 'down')),
  time_minimum_units integer not null default 1 check (time_minimum_units between 0 and 100),
  updated_at timestamptz not null default now(),
  check (business_start < business_end)
);
alter table app_public.tenant_work_settings enable row level security;
alter table app_public.tenant_work_settings force row level security;
create policy own_tenant on app_public.tenant_work_settings
  using (tenant_id = app_hidden.current_tenant_id());
-- The firm's rules are an administrator's decision; every staff member reads them.
create policy admin_writes on app_public.tenant_work_settings as restrictive for insert to ringside_staff
  with check (app_hidden.current_user_role() = 'admin');
create policy admin_updates on app_public.tenant_work_settings as restrictive for update to ringside_staff
  using (app_hidden.current_user_role() = 'admin');
grant select on app_public.tenant_work_settings to ringside_staff, ringside_service;
grant insert (time_zone, business_days, business_start, business_end, callback_delay_minutes,
              time_unit_minutes, time_rounding, time_minimum_units) on app_public.tenant_work_settings to ringside_staff;
grant update (time_zone, business_days, business_start, business_end, callback_delay_minutes,
              time_unit_minutes, time_rounding, time_minimum_units) on app_public.tenant_work_settings to ringside_staff;

create trigger _100_timestamps before update on app_public.tenant_work_settings
  for each row execute function app_hidden.tg__set_updated_at();

create function app_hidden.tg_tenant_work_settings__check_zone() returns trigger
  language plpgsql stable
  set search_path = pg_catalog, pg_temp
  as $$
begin
  -- An unknown zone raises here (22023), so a typo never reaches a due date.
  perform pg_catalog.timezone(new.time_zone, pg_catalog.now());
  return new;
end
$$;
comment on function app_hidden.tg_tenant_work_settings__check_zone() is 'Trigger: refuses a time zone PostgreSQL does not know.';
create trigger _200_check_zone before insert or update of time_zone on app_public.tenant_work_settings
  for each row execute function app_hidden.tg_tenant_work_settings__check_zone();

comment on table app_public.tenant_work_settings is E'@name work_settings\nThe firm''s working rules: time zone, business hours, callback delay, billable time rounding. One row per tenant; no row means the defaults.';
comment on column app_public.tenant_work_settings.tenant_id is 'The firm.';
comment on column app_public.tenant_work_settings.time_zone is 'IANA time zone of the firm (Europe/Brussels, Europe/Paris).';
comment on column app_public.tenant_work_settings.business_days is 'ISO days of the week the firm works (1 = Monday … 7 = Sunday).';
comment on column app_public.tenant_work_settings.business_start is 'Local time business hours start.';
comment on column app_public.tenant_work_settings.business_end is 'Local time business hours end.';
comment on column app_public.tenant_work_settings.callback_delay_minutes is 'Business minutes within which a missed call must be called back (default 120).';
comment on column app_public.tenant_work_settings.time_unit_minutes is 'Billable time unit in minutes (default 6: a tenth of an hour).';
comment on column app_public.tenant_work_settings.time_rounding is 'How call time becomes units: up (default), nearest or down.';
comment on column app_public.tenant_work_settings.time_minimum_units is 'Units billed at least for any answered call (default 1).';
comment on column app_public.tenant_work_settings.updated_at is 'When the rules last changed.';

create function app_hidden.work_settings() returns app_public.tenant_work_settings
  language sql stable
  as $$
    select s from (
      select s, 0 as o from app_public.tenant_work_settings s where s.tenant_id = app_hidden.current_tenant_id()
      union all
      select row(app_hidden.current_tenant_id(), 'Europe/Brussels', '{1,2,3,4,5}'::integer[], '09:00'::time, '18:00'::time,
                 120, 6, 'up', 1, pg_catalog.now())::app_public.tenant_work_settings, 1
    ) x order by o limit 1
  $$;
comment on function app_hidden.work_settings() is 'The current tenant''s working rules, or the defaults when it has set none.';
grant execute on function app_hidden.work_settings() to ringside_staff, ringside_service;

create function app_hidden.add_business_minutes(
  p_from timestamptz, p_minutes integer, p_time_zone text, p_days integer[], p_start time, p_end time
) returns timestamptz
  -- Stable, not immutable: a time zone's rules change with PostgreSQL's tzdata.
  language plpgsql stable
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_local timestamp := p_from at time zone p_time_zone;
  v_left interval := make_interval(mins => greatest(p_minutes, 0));
  v_day date;
  v_open timestamp;
  v_close timestamp;
begin
  -- At most a few years of days: a calendar without business days cannot loop forever.
  for i in 1 .. 2000 loop
    v_day := v_local::date;
    if extract(isodow from v_day)::integer = any (p_days) then
      v_open := v_day + p_start;
      v_close := v_day + p_end;
      if v_local < v_open then v_local := v_open; end if;
      if v_local < v_close then
        if v_local + v_left <= v_close then
          return (v_local + v_left) at time zone p_time_zone;
        end if;
        v_left := v_left - (v_close - v_local);
      end if;
    end if;
    v_local := (v_day + 1)::timestamp;
  end loop;
  return null;
end
$$;
comment on function app_hidden.add_business_minutes(timestamptz, integer, text, integer[], time, time) is
  'The instant p_minutes of business time after p_from, counting only the business days and hours of the given time zone (local wall time, so clock changes are honoured).';
grant execute on function app_hidden.add_business_minutes(timestamptz, integer, text, integer[], time, time) to ringside_staff, ringside_service;

create function app_hidden.callback_due_at(p_from timestamptz) returns timestamptz
  language sql stable
  as $$
    select app_hidden.add_business_minutes(p_from, s.callback_delay_minutes, s.time_zone, s.business_days, s.business_start, s.business_end)
      from app_hidden.work_settings() s
  $$;
comment on function app_hidden.callback_due_at(timestamptz) is 'When a callback for a call missed at p_from is due, by the current tenant''s rule.';
grant execute on function app_hidden.callback_due_at(timestamptz) to ringside_staff, ringside_service;

-- Tasks learn who does them, by when exactly, and, for callbacks, which number and how many tries.
alter table app_public.tasks drop constraint tasks_source_check;
alter table app_public.tasks add constraint tasks_source_check check (source in ('ai', 'manual', 'callback'));
alter table app_public.tasks
  add column assignee_id uuid,
  add column due_at timestamptz,
  add column callback_number text check (callback_number ~ '^\+[1-9][0-9]{5,15}$'),
  add column missed_count integer not null default 0 check (missed_count >= 0),
  add column closed_by_event_id uuid,
  add column callback_since timestamptz,
  add foreign key (tenant_id, assignee_id) references app_public.users (tenant_id, id) on delete set null (assignee_id),
  add foreign key (tenant_id, closed_by_event_id) references app_public.interaction_events (tenant_id, id) on delete set null (closed_by_event_id),
  add constraint tasks_callback_number check ((source = 'callback') = (callback_number is not null));
comment on column app_public.tasks.source is 'ai (extracted from a call), manual, or callback (a missed call or voicemail to call back).';
comment on column app_public.tasks.assignee_id is 'The staff member who should do it; null is the firm''s queue.';
comment on column app_public.tasks.due_at is 'When exactly it is due (callbacks: by the firm''s business-hours rule).';
comment on column app_public.tasks.callback_number is 'For a callback, the external number (E.164) to call back.';
comment on column app_public.tasks.missed_count is 'For a callback, how many missed calls or voicemails from that number it covers.';
comment on column app_public.tasks.callback_since is 'For a callback, when the first missed call it covers happened (the start of the callback delay).';
comment on column app_public.tasks.closed_by_event_id is 'For a callback closed by the database, the answered call that closed it.';
comment on column app_public.tasks.interaction_event_id is 'The call the task comes from (for a callback, the latest missed call it covers).';

-- One open callback per number: the trigger relies on it, and a race cannot make two.
create unique index tasks_one_open_callback on app_public.tasks (tenant_id, callback_number)
  where source = 'callback' and status = 'open';
create index tasks_assignee_idx on app_public.tasks (tenant_id, assignee_id, status, due_at)
  where assignee_id is not null;
create index tasks_closed_by_idx on app_public.tasks (tenant_id, closed_by_event_id)
  where closed_by_event_id is not null;

grant insert (assignee_id, due_at) on app_public.tasks to ringside_staff;
grant update (assignee_id, due_at) on app_public.tasks to ringside_staff;
-- The callback trigger runs as whoever wrote the call: ingestion (service) or a staff correction.
grant update (case_id, interaction_event_id, title, missed_count, callback_since, status, closed_by_event_id, due_at, assignee_id)
  on app_public.tasks to ringside_service;
-- ... and only on callbacks, or, on AI suggestions staff never accepted, only to blank their text (the
-- nightly retention, 000030): tasks staff wrote or accepted stay out of the service role's reach.
create policy service_updates_callbacks on app_public.tasks as restrictive for update to ringside_service
  using (source = 'callback' or (source = 'ai' and status in ('suggested', 'dismissed')))
  with check (source = 'callback'
              or (source = 'ai' and status in ('suggested', 'dismissed') and title = '—' and description is null));

-- Live: one typed event for the work lists (tasks, triage, time), so every screen refreshes what changed.
alter table app_private.live_events drop constraint live_events_type_check;
alter table app_private.live_events add constraint live_events_type_check
  check (type in ('call_ringing', 'call_event_created', 'call_event_updated', 'call_ai_completed', 'work_updated'));

-- Staff actions (closing a task, retro-linking calls, confirming time) are announced too, but staff
-- cannot reach app_private: this narrow definer writes only a work_updated event, only for the
-- transaction's own tenant, with a payload it builds itself.
create function app_hidden.announce_work(p_kind text, p_id uuid, p_status text)
  returns void
  language plpgsql volatile
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
begin
  if v_tenant is null then
    raise exception 'announce_work needs app.current_tenant' using errcode = '42501';
  end if;
  if p_kind not in ('callback', 'task', 'triage', 'time_entry') then
    raise exception 'unknown work kind %', p_kind using errcode = '22023';
  end if;
  insert into app_private.live_events (tenant_id, type, payload)
    values (v_tenant, 'work_updated', jsonb_strip_nulls(jsonb_build_object('kind', p_kind, 'id', p_id, 'status', p_status)));
end
$$;
comment on function app_hidden.announce_work(text, uuid, text) is
  'Records a work_updated live event {kind, id, status} for the current tenant (tasks, callbacks, triage, time entries). Security definer so that staff actions are announced; it writes nothing else.';
grant execute on function app_hidden.announce_work(text, uuid, text) to ringside_staff, ringside_service;

create function app_hidden.tg_interaction_events__callbacks() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_number text := new.external_number;
  -- coalesce: a call still ringing has no type, and null must not read as "not missed before".
  v_missed boolean := coalesce(new.call_type in ('missed', 'voicemail') and new.direction = 'inbound', false);
  v_was_missed boolean := tg_op = 'UPDATE' and coalesce(old.call_type in ('missed', 'voicemail') and old.direction = 'inbound', false);
  v_task app_public.tasks;
  v_who text;
  v_language text;
begin
  if new.event_type <> 'CALL' or v_number is null or v_number !~ '^\+[1-9][0-9]{5,15}$'
     or new.metadata ->> 'contact_match' in ('anonymous', 'unparseable') then
    return null;
  end if;

  if new.call_type = 'answered' and (tg_op = 'INSERT' or old.call_type is distinct from 'answered') then
    -- An answered call, either way, closes the number's open callback if that callback is older.
    update app_public.tasks t
       set status = 'done', closed_by_event_id = new.id
     where t.tenant_id = new.tenant_id and t.source = 'callback' and t.status = 'open' and t.callback_number = v_number
       and not exists (select from app_public.interaction_events m
                        where m.tenant_id = t.tenant_id and m.id = t.interaction_event_id and m.occurred_at > new.occurred_at)
    returning t.* into v_task;
    if v_task.id is not null then
      perform app_hidden.announce_work('callback', v_task.id, 'done');
    end if;
    return null;
  end if;

  if not v_missed or v_was_missed then
    return null;
  end if;
  -- A missed call older than an answered call with the same number was already answered for.
  if exists (select from app_public.interaction_events a
              where a.tenant_id = new.tenant_id and a.event_type = 'CALL' and a.call_type = 'answered'
                and a.external_number = v_number and a.occurred_at > new.occurred_at) then
    return null;
  end if;

  select t.language into v_language from app_public.tenants t where t.id = new.tenant_id;
  select c.display_name into v_who from app_public.contacts c where c.tenant_id = new.tenant_id and c.id = new.contact_id;
  v_who := coalesce(nullif(v_who, ''), new.metadata ->> 'external_number_display', v_number);

  insert into app_public.tasks as t
    (tenant_id, case_id, interaction_event_id, source, title, priority, status, assignee_id, due_at, due_date,
     callback_number, missed_count, callback_since, created_by)
    values (new.tenant_id, new.case_id, new.id, 'callback',
            left(case when v_language = 'en' then 'Call back ' else 'Rappeler ' end || v_who, 300),
            'high', 'open', new.created_by, app_hidden.callback_due_at(new.occurred_at),
            (app_hidden.callback_due_at(new.occurred_at) at time zone (app_hidden.work_settings()).time_zone)::date,
            v_number, 1, new.occurred_at, null)
    on conflict (tenant_id, callback_number) where source = 'callback' and status = 'open'
    do update set missed_count = t.missed_count + 1,
                  callback_since = least(t.callback_since, excluded.callback_since),
                  interaction_event_id = case when new.occurred_at >= (select m.occurred_at from app_public.interaction_events m
                                                                         where m.tenant_id = t.tenant_id and m.id = t.interaction_event_id)
                                              then excluded.interaction_event_id else t.interaction_event_id end,
                  case_id = coalesce(t.case_id, excluded.case_id),
                  assignee_id = coalesce(t.assignee_id, excluded.assignee_id)
    returning t.* into v_task;
  perform app_hidden.announce_work('callback', v_task.id, 'open');
  return null;
end
$$;
comment on function app_hidden.tg_interaction_events__callbacks() is
  'Trigger: an inbound missed call or voicemail from an external number opens (or counts on) that number''s one open callback task; a later answered call with the number, in either direction, closes it (closed_by_event_id).';
create trigger _800_callbacks after insert or update of call_type, metadata on app_public.interaction_events
  for each row execute function app_hidden.tg_interaction_events__callbacks();

-- Staff closing or reopening a task is announced like the automatic close.
create function app_hidden.tg_tasks__announce() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  if tg_op = 'UPDATE' and new.source = 'callback' and old.status is not distinct from new.status then
    return null;
  end if;
  perform app_hidden.announce_work(case when new.source = 'callback' then 'callback' else 'task' end, new.id, new.status);
  return null;
end
$$;
comment on function app_hidden.tg_tasks__announce() is 'Trigger: a task a staff member created or changed is announced live (work_updated).';
create trigger _900_announce after insert or update on app_public.tasks
  for each row when (current_user = 'ringside_staff')
  execute function app_hidden.tg_tasks__announce();
