--! Previous: sha1:6fdb891ef39c223158bab429b19c3d127b0877f8
--! Hash: sha1:c3d936d0dde7f853a6b1e7619d2ac7236f475f92
--! Message: erasure-and-export

-- Why this shape: a person may ask for their data (right of access) or for its erasure (right to
-- erasure). Both are one SQL function each, used by the command line (as the owner, tenant set) and by
-- admins (GraphQL for erasure, REST for the export download).
--
-- Erasure removes the contact (its case links go with it) and redacts the person's names, e-mail and
-- number wherever their calls put them: titles, bodies, metadata (transcripts, summaries, segments,
-- extracted tasks, numbers), the tasks of those calls and the titles of the person's cases, the raw
-- bodies and normalized facts of the calls' webhook deliveries, and it deletes the live events that
-- mention them. Numbers are matched on their last eight digits with any separators between them, so
-- +32470987654, 0032 470 98 76 54 and 0470/98.76.54 all go. It is refused while a case of the person
-- is on legal hold. A tombstone stays: the contact_erased audit row (who, when, counts; no name).
--
-- It must reach app_private (deliveries, live events), which staff cannot: the function is `security
-- definer`, pinned, schema-qualified, works only on the current tenant's rows, and lets a staff
-- request through only as an admin. Called with p_confirm false it does everything inside a
-- subtransaction it then rolls back, and returns the counts it would have: the confirmation step.

create function app_hidden.number_pattern(p_e164 text) returns text
  language sql immutable parallel safe
  as $$
    select case when length(pg_catalog.regexp_replace(p_e164, '\D', '', 'g')) >= 8 then
      pg_catalog.array_to_string(pg_catalog.regexp_split_to_array(pg_catalog.right(pg_catalog.regexp_replace(p_e164, '\D', '', 'g'), 8), ''),
                                 '[\s./()-]*')
    end
  $$;
comment on function app_hidden.number_pattern(text) is 'A regular expression matching a phone number''s last eight digits with any separators between them (null for a shorter number).';

create function app_hidden.redact(p_text text, p_names text[], p_number text) returns text
  language plpgsql immutable parallel safe
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_name text;
  v_out text := p_text;
begin
  if v_out is null then
    return null;
  end if;
  foreach v_name in array coalesce(p_names, '{}') loop
    -- Longest first (the caller sorts): "Marie Dupont" goes before "Marie" and "Dupont".
    v_out := regexp_replace(v_out, regexp_replace(v_name, '([.\\+*?\[^\]$(){}=!<>|:#/-])', '\\\1', 'g'), '[effacé]', 'gi');
  end loop;
  if p_number is not null then
    v_out := regexp_replace(v_out, p_number, '[numéro effacé]', 'g');
  end if;
  return v_out;
end
$$;
comment on function app_hidden.redact(text, text[], text) is 'The text with each name (case-insensitive) and the number pattern replaced by a redaction mark.';

create function app_hidden.erase_contact_data(p_contact_id uuid, p_confirm boolean, p_by text)
  returns jsonb
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_tenant uuid := app_hidden.current_tenant_id();
  v_contact app_public.contacts;
  v_hold text;
  v_names text[];
  v_number text;
  v_calls uuid[];
  v_call_ids text[];
  v_cases uuid[];
  v_counts jsonb;
  n_calls integer; n_tasks integer; n_callbacks integer; n_time integer; n_cases integer; n_deliveries integer;
  n_live integer;
begin
  -- A staff request (logged in as ringside_authenticator) gets through only as an admin; the owner
  -- (npm run admin) always does.
  if session_user::text <> current_user::text and app_hidden.current_user_role() is distinct from 'admin' then
    raise exception 'only an admin may erase a person' using errcode = '42501';
  end if;
  select * into v_contact from app_public.contacts c where c.tenant_id = v_tenant and c.id = p_contact_id;
  if not found then
    raise exception 'no contact %', p_contact_id using errcode = 'P0002';
  end if;

  select array_agg(c.id) into v_calls from app_public.interaction_events c
   where c.tenant_id = v_tenant
     and (c.contact_id = p_contact_id
          or (v_contact.phone_e164 is not null
              and v_contact.phone_e164 in (c.metadata ->> 'external_number', c.metadata ->> 'caller_e164', c.metadata ->> 'callee_e164',
                                           c.metadata ->> 'caller_number', c.metadata ->> 'callee_number')));
  v_calls := coalesce(v_calls, '{}');
  select array_agg(distinct k) into v_cases from (
    select cc.case_id as k from app_public.case_contacts cc where cc.tenant_id = v_tenant and cc.contact_id = p_contact_id
    union select c.case_id from app_public.interaction_events c where c.tenant_id = v_tenant and c.id = any (v_calls) and c.case_id is not null
  ) x;
  v_cases := coalesce(v_cases, '{}');

  select k.reference into v_hold from app_public.cases k
   where k.tenant_id = v_tenant and k.id = any (v_cases) and k.legal_hold limit 1;
  if v_hold is not null then
    raise exception 'case % is on legal hold: this person cannot be erased while it holds', v_hold using errcode = '55000';
  end if;

  select array_agg(x order by length(x) desc) into v_names from (
    select distinct btrim(x) as x from unnest(array[v_contact.display_name, v_contact.first_name, v_contact.last_name,
                                                    v_contact.email::text]) as x
    where length(btrim(x)) >= 2
  ) names;
  v_number := app_hidden.number_pattern(v_contact.phone_e164);
  select array_agg(c.external_id) into v_call_ids from app_public.interaction_events c
   where c.tenant_id = v_tenant and c.id = any (v_calls) and c.external_id is not null;
  v_call_ids := coalesce(v_call_ids, '{}');

  begin
    update app_public.interaction_events c
       set title = left(app_hidden.redact(c.title, v_names, v_number), 500),
           body = app_hidden.redact(c.body, v_names, v_number),
           metadata = app_hidden.redact(c.metadata::text, v_names, v_number)::jsonb - 'contact_id' - 'contact_candidates'
     where c.tenant_id = v_tenant and c.id = any (v_calls);
    get diagnostics n_calls = row_count;

    -- A callback is a reminder to call this person back: it goes with them (its number cannot be
    -- redacted into something that is still a number).
    delete from app_public.tasks t
     where t.tenant_id = v_tenant and t.source = 'callback' and t.callback_number = v_contact.phone_e164;
    get diagnostics n_callbacks = row_count;

    update app_public.tasks t
       set title = left(app_hidden.redact(t.title, v_names, v_number), 300),
           description = left(app_hidden.redact(t.description, v_names, v_number), 5000)
     where t.tenant_id = v_tenant and (t.interaction_event_id = any (v_calls) or t.case_id = any (v_cases));
    get diagnostics n_tasks = row_count;
    n_tasks := n_tasks + n_callbacks;

    -- Time drafted from their calls keeps its minutes; its description loses the person.
    update app_public.time_entries te
       set description = app_hidden.redact(te.description, v_names, v_number)
     where te.tenant_id = v_tenant and te.interaction_event_id = any (v_calls);
    get diagnostics n_time = row_count;

    -- The undo records of retro-links of their number name it: the links stay, their undo goes.
    delete from app_public.call_link_batches b
     where b.tenant_id = v_tenant and b.phone_e164 = v_contact.phone_e164;

    update app_public.cases k
       set title = left(app_hidden.redact(k.title, v_names, v_number), 300)
     where k.tenant_id = v_tenant and k.id = any (v_cases);
    get diagnostics n_cases = row_count;

    update app_private.webhook_deliveries d
       set raw_body = app_hidden.redact(d.raw_body, v_names, v_number),
           facts = app_hidden.redact(d.facts::text, v_names, v_number)::jsonb,
           headers = app_hidden.redact(d.headers::text, v_names, v_number)::jsonb
     where d.tenant_id = v_tenant and d.call_id = any (v_call_ids);
    get diagnostics n_deliveries = row_count;

    delete from app_private.live_events l
     where l.tenant_id = v_tenant
       and (l.payload ->> 'id' = any (v_calls::text[])
            or l.payload::text ~* any (array_append(
                 array(select regexp_replace(x, '([.\\+*?\[^\]$(){}=!<>|:#/-])', '\\\1', 'g') from unnest(v_names) x),
                 coalesce(v_number, '$^'))));
    get diagnostics n_live = row_count;

    delete from app_public.contacts c where c.tenant_id = v_tenant and c.id = p_contact_id;

    v_counts := jsonb_build_object('calls_redacted', n_calls, 'tasks_redacted', n_tasks,
                                   'time_entries_redacted', n_time, 'cases_redacted', n_cases,
                                   'deliveries_redacted', n_deliveries, 'live_events_deleted', n_live, 'contacts_deleted', 1);
    if not coalesce(p_confirm, false) then
      -- The confirmation step: everything above is undone by leaving this block with an error.
      raise exception using errcode = 'R0001', message = v_counts::text;
    end if;
  exception when sqlstate 'R0001' then
    return jsonb_build_object('erased', false, 'would_remove', sqlerrm::jsonb);
  end;

  perform app_hidden.write_audit('contact_erased', null,
    jsonb_build_object('contact_id', p_contact_id, 'by', p_by, 'counts', v_counts));
  return jsonb_build_object('erased', true, 'contact_id', p_contact_id, 'removed', v_counts);
end
$$;
comment on function app_hidden.erase_contact_data(uuid, boolean, text) is 'Erases a person (the contact, and their names and number in their calls, tasks, cases, deliveries and live events), keeping a contact_erased audit row as tombstone; with p_confirm false, only says what it would remove. Refused under legal hold (55000) and for staff who are not admins (42501).';
revoke execute on function app_hidden.erase_contact_data(uuid, boolean, text) from public;
grant execute on function app_hidden.erase_contact_data(uuid, boolean, text) to ringside_staff;

-- GraphQL: eraseContact(input: {contactId, confirm}) — first without confirm (what would go), then with.
-- A refusal is an answer, not an error: GraphQL masks database errors in production, and the admin
-- must read why (legal hold on which case).
create function app_public.erase_contact(contact_id uuid, confirm boolean default false)
  returns jsonb
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  return app_hidden.erase_contact_data(contact_id, confirm, 'admin');
exception when sqlstate '55000' or sqlstate '42501' or sqlstate 'P0002' then
  return jsonb_build_object('erased', false, 'refused', sqlerrm);
end
$$;
comment on function app_public.erase_contact(uuid, boolean) is 'Right to erasure (admins): without confirm, returns what would be removed; with confirm true, removes the person and redacts their names and number everywhere, keeping a tombstone. Refused (erased false, refused: the reason) for staff, for an unknown contact, and while a case of theirs is on legal hold.';
grant execute on function app_public.erase_contact(uuid, boolean) to ringside_staff;

-- Right of access: everything about one person, nothing about another.
create function app_hidden.contact_export(p_contact_id uuid)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with c as (
      select * from app_public.contacts c where c.tenant_id = app_hidden.current_tenant_id() and c.id = p_contact_id
    ), calls as (
      select e.* from app_public.interaction_events e, c
       where e.tenant_id = c.tenant_id and e.contact_id = c.id
    )
    select jsonb_build_object(
      'exported_at', now(),
      'contact', (select jsonb_strip_nulls(jsonb_build_object('id', c.id, 'first_name', c.first_name, 'last_name', c.last_name,
                    'company', c.company, 'email', c.email, 'phone_e164', c.phone_e164, 'ai_excluded', c.ai_excluded,
                    'created_at', c.created_at, 'updated_at', c.updated_at)) from c),
      'cases', coalesce((select jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', k.id, 'reference', k.reference, 'title', k.title,
                    'status', k.status, 'role', cc.role, 'opened_at', k.opened_at, 'closed_at', k.closed_at)) order by k.opened_at)
                 from app_public.case_contacts cc join app_public.cases k on k.tenant_id = cc.tenant_id and k.id = cc.case_id, c
                 where cc.tenant_id = c.tenant_id and cc.contact_id = c.id), '[]'),
      'calls', coalesce((select jsonb_agg(app_hidden.call_json(e, true) order by e.occurred_at) from calls e), '[]'),
      'tasks', coalesce((select jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', t.id, 'call_id', t.interaction_event_id,
                    'title', t.title, 'description', t.description, 'due_date', t.due_date, 'priority', t.priority,
                    'status', t.status, 'created_at', t.created_at)) order by t.created_at, t.source_index)
                 from app_public.tasks t join calls e on t.tenant_id = e.tenant_id and t.interaction_event_id = e.id), '[]'))
    from c
  $$;
comment on function app_hidden.contact_export(uuid) is 'A person''s data (contact, their cases, their calls with transcripts and summaries, the tasks from those calls) as one JSON document; null when there is no such contact.';
grant execute on function app_hidden.contact_export(uuid) to ringside_staff;
