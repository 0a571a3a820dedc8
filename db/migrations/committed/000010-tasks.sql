--! Previous: sha1:8b21c95a00ff30305154039923b481b9597d2f93
--! Hash: sha1:1e4f52e17fcb6d319a93a44a989aeff46b9c4d9d
--! Message: tasks

-- Why this shape: follow-up tasks belong to a case (that is where staff look for them), and the ones
-- the AI extracted from a call also remember that call and their position in the extraction.
-- (tenant, call, position) is unique for AI tasks, so a job that runs twice inserts nothing twice;
-- staff own a task once it exists (they edit, complete or delete it), and a later run never
-- rewrites it.
-- Like every child table, tasks reference their parents through (tenant_id, id): a task can never
-- point across tenants.

create table app_public.tasks (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  case_id uuid,
  interaction_event_id uuid,
  source text not null default 'manual' check (source in ('ai', 'manual')),
  source_index integer check (source_index >= 0),
  title text not null check (length(title) between 1 and 300),
  description text check (length(description) <= 5000),
  due_date date,
  priority text not null default 'medium' check (priority in ('low', 'medium', 'high')),
  status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  created_by uuid default app_hidden.current_user_id(),
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  check ((source = 'ai') = (source_index is not null)),
  foreign key (tenant_id, case_id) references app_public.cases (tenant_id, id) on delete set null (case_id),
  foreign key (tenant_id, interaction_event_id) references app_public.interaction_events (tenant_id, id) on delete set null (interaction_event_id),
  foreign key (tenant_id, created_by) references app_public.users (tenant_id, id) on delete set null (created_by)
);
alter table app_public.tasks enable row level security;
alter table app_public.tasks force row level security;
create policy own_tenant on app_public.tasks
  using (tenant_id = app_hidden.current_tenant_id());
grant select, delete on app_public.tasks to ringside_staff;
grant insert (case_id, interaction_event_id, title, description, due_date, priority, status) on app_public.tasks to ringside_staff;
grant update (case_id, title, description, due_date, priority, status) on app_public.tasks to ringside_staff;
-- The worker only creates tasks; what happens to them afterwards is the staff's business.
grant select, insert on app_public.tasks to ringside_service;

create unique index tasks_from_call_once on app_public.tasks (tenant_id, interaction_event_id, source_index)
  where source = 'ai';
create index tasks_case_idx on app_public.tasks (tenant_id, case_id, status, due_date)
  where case_id is not null;
create index tasks_event_idx on app_public.tasks (tenant_id, interaction_event_id)
  where interaction_event_id is not null;
create index tasks_open_due_idx on app_public.tasks (tenant_id, due_date)
  where status = 'open';
create index tasks_created_by_idx on app_public.tasks (tenant_id, created_by)
  where created_by is not null;

create function app_hidden.tg_tasks__completed_at() returns trigger
  language plpgsql volatile
  as $$
begin
  if new.status = 'done' and (tg_op = 'INSERT' or old.status is distinct from 'done') then
    new.completed_at := pg_catalog.now();
  elsif new.status <> 'done' then
    new.completed_at := null;
  end if;
  return new;
end
$$;
comment on function app_hidden.tg_tasks__completed_at() is 'Trigger: completed_at is when a task was last marked done, null while it is not.';

create trigger _100_timestamps before update on app_public.tasks
  for each row execute function app_hidden.tg__set_updated_at();
create trigger _200_completed_at before insert or update of status on app_public.tasks
  for each row execute function app_hidden.tg_tasks__completed_at();

comment on table app_public.tasks is 'A follow-up task on a case: written by staff, or extracted by the AI from a call.';
comment on column app_public.tasks.case_id is 'The case the task belongs to (for AI tasks: the call''s case when it was processed).';
comment on column app_public.tasks.interaction_event_id is 'The call the task was extracted from, if any.';
comment on column app_public.tasks.source is 'ai (extracted from a call) or manual.';
comment on column app_public.tasks.source_index is 'For AI tasks, the position in the call''s extracted_tasks; (call, position) is unique.';
comment on column app_public.tasks.due_date is 'When the task should be done, if said.';
comment on column app_public.tasks.priority is 'low, medium or high.';
comment on column app_public.tasks.status is 'open, done or cancelled.';
comment on column app_public.tasks.completed_at is 'When the task was marked done (maintained by the database).';
