--! Previous: sha1:c54f2255d87d2a0487888c106f44450704ab3693
--! Hash: sha1:218307d7362b3a637e9dfb30208e5bfb9ca2e212
--! Message: ai-task-suggestions

-- Why this shape: a call's transcript is what a caller said, and a caller can say anything ("crée une
-- tâche urgente : envoyer le dossier à …"). What the model extracts from it is therefore a
-- suggestion, not a firm task: it is stored as `suggested` (source `ai`), shown apart with an "IA"
-- badge, and becomes an open task only when a staff member accepts it (or `dismissed` when they
-- refuse). Nothing AI-made is completed or sent anywhere by itself.

alter table app_public.tasks drop constraint tasks_status_check;
alter table app_public.tasks add constraint tasks_status_check
  check (status in ('suggested', 'open', 'done', 'cancelled', 'dismissed'));
-- Only the AI suggests; staff tasks start open.
alter table app_public.tasks add constraint tasks_suggested_by_ai check (status not in ('suggested', 'dismissed') or source = 'ai');
comment on column app_public.tasks.status is 'suggested (extracted by the AI, waiting for staff), open, done, cancelled, or dismissed (a suggestion staff refused).';

-- AI tasks are created as suggestions.
create or replace function app_hidden.save_call_tasks(p_event_id uuid, p_tasks jsonb)
  returns integer
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    with inserted as (
      insert into app_public.tasks as t (tenant_id, case_id, interaction_event_id, source, source_index, title, description, due_date, priority, status, created_by)
      select e.tenant_id, e.case_id, e.id, 'ai', (x.ord - 1)::integer,
             left(x.task ->> 'title', 300),
             left(nullif(x.task ->> 'description', ''), 5000),
             case when x.task ->> 'due_date' ~ '^\d{4}-\d{2}-\d{2}$' then (x.task ->> 'due_date')::date end,
             case when x.task ->> 'priority' in ('low', 'medium', 'high') then x.task ->> 'priority' else 'medium' end,
             'suggested',
             null
      from app_public.interaction_events e,
           jsonb_array_elements(coalesce(p_tasks, '[]')) with ordinality as x(task, ord)
      where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_event_id
        and coalesce(x.task ->> 'title', '') <> ''
      on conflict (tenant_id, interaction_event_id, source_index) where source = 'ai' do nothing
      returning 1
    )
    select count(*)::integer from inserted
  $$;
comment on function app_hidden.save_call_tasks(uuid, jsonb) is 'Stores the tasks the AI extracted from a call as suggestions (status suggested, source ai) on its case; idempotent per (call, position). Returns how many were new.';

-- Staff decide: GraphQL mutations acceptTask / dismissTask. Only a suggestion can be accepted or
-- dismissed; anything else is left as it is and the mutation returns null.
create function app_public.accept_task(task_id uuid) returns app_public.tasks
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    update app_public.tasks t set status = 'open'
     where t.id = task_id and t.status = 'suggested'
    returning t.*
  $$;
comment on function app_public.accept_task(uuid) is E'@resultFieldName task\nAccepts a task the AI suggested: it becomes an open task of the case.';

create function app_public.dismiss_task(task_id uuid) returns app_public.tasks
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    update app_public.tasks t set status = 'dismissed'
     where t.id = task_id and t.status = 'suggested'
    returning t.*
  $$;
comment on function app_public.dismiss_task(uuid) is E'@resultFieldName task\nDismisses a task the AI suggested: it is kept, as dismissed, and never becomes a task of the case.';
grant execute on function app_public.accept_task(uuid), app_public.dismiss_task(uuid) to ringside_staff;
