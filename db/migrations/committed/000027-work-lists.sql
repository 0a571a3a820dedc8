--! Previous: sha1:405cb7f717d61b01d2321cfa7d20166901c7a423
--! Hash: sha1:d04217ccd1f5000b5a802bee2f08ea6fb63ea225
--! Message: work-lists

-- Why this shape: the tasks and time pages ask questions a plain table listing cannot (mine or all,
-- open first by due time; a period of time entries), so each is one stable function in app_public
-- that PostGraphile exposes as a connection, under the same row-level security.

create function app_public.work_tasks(mine boolean default false, include_done boolean default false)
  returns setof app_public.tasks
  language sql stable
  as $$
    select t.* from app_public.tasks t
     where t.tenant_id = app_hidden.current_tenant_id()
       and t.status <> 'dismissed'
       and (include_done or t.status in ('open', 'suggested'))
       and (not mine or t.assignee_id = app_hidden.current_user_id())
     order by (t.status = 'open') desc, coalesce(t.due_at, t.due_date::timestamptz) nulls last, t.created_at desc, t.id
  $$;
comment on function app_public.work_tasks(boolean, boolean) is 'The tasks page: open tasks first, soonest due first; only mine (assigned to the current user) when asked, done ones when asked.';
grant execute on function app_public.work_tasks(boolean, boolean) to ringside_staff;

create function app_public.work_time_entries(date_from date default null, date_to date default null, mine boolean default false, case_id uuid default null)
  returns setof app_public.time_entries
  language sql stable
  as $$
    select t.* from app_public.time_entries t
     where t.tenant_id = app_hidden.current_tenant_id()
       and (date_from is null or t.entry_date >= date_from)
       and (date_to is null or t.entry_date <= date_to)
       and (not mine or t.user_id = app_hidden.current_user_id())
       and (work_time_entries.case_id is null or t.case_id = work_time_entries.case_id)
     order by t.entry_date desc, t.created_at desc, t.id
  $$;
comment on function app_public.work_time_entries(date, date, boolean, uuid) is 'The time page: entries of a period (inclusive), mine or everyone''s, of one case or all, newest first.';
grant execute on function app_public.work_time_entries(date, date, boolean, uuid) to ringside_staff;

-- The inbox reads the calls without a contact: without this, it would read the tenant's whole
-- timeline. (Lookups by external number use the index of 000007.)
create index interaction_events_uncontacted_idx on app_public.interaction_events (tenant_id, occurred_at desc)
  where event_type = 'CALL' and contact_id is null;
