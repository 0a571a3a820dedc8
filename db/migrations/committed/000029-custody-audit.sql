--! Previous: sha1:1ba30e6c82711038e625f1511e3f05026595b8dc
--! Hash: sha1:4a525cdc7d3d8c686c3eeac7a18fdd095276b43f
--! Message: custody-audit

-- Why this shape: a firm must be able to tell who listened to a recording, and who changed its custody
-- settings or erased a person. One table, append-mostly:
--
-- * A recording play or download through the proxy is one row per (user, call, session, action): a
--   player asks for many Range requests while someone listens once, so the row gathers them (request
--   count, bytes, the ranges asked) instead of a row per request. The server writes it as the service
--   role, with the user and session it verified itself, before a byte of audio leaves: a recording is
--   never served unaudited.
-- * Setting changes and legal holds are written by triggers on the changed row, erasure by its
--   function (000031). Those triggers run in a staff request, which may not write the audit itself
--   (staff have no insert on it, so nobody can forge an entry): they are `security definer`, pinned and
--   schema-qualified, and write only the current tenant's row.
--
-- Only admins read it (a restrictive policy), through GET /api/v1/audit; it is not part of GraphQL.

create table app_public.audit_events (
  id bigint generated always as identity primary key,
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  action text not null check (action in ('recording_play', 'recording_download', 'settings_changed',
                                          'legal_hold_changed', 'contact_erased', 'contact_exported')),
  user_id uuid,
  call_id uuid,
  session_id uuid,
  at timestamptz not null default now(),
  last_at timestamptz not null default now(),
  details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
  foreign key (tenant_id, user_id) references app_public.users (tenant_id, id) on delete set null (user_id),
  foreign key (tenant_id, call_id) references app_public.interaction_events (tenant_id, id) on delete set null (call_id)
);
alter table app_public.audit_events enable row level security;
alter table app_public.audit_events force row level security;
create policy own_tenant on app_public.audit_events
  using (tenant_id = app_hidden.current_tenant_id());
create policy admins_read on app_public.audit_events as restrictive for select to ringside_staff
  using (app_hidden.current_user_role() = 'admin');
grant select on app_public.audit_events to ringside_staff;
grant select, insert, update (last_at, details) on app_public.audit_events to ringside_service;

create unique index audit_events_listening_once on app_public.audit_events (tenant_id, action, user_id, call_id, session_id)
  where action in ('recording_play', 'recording_download');
create index audit_events_at_idx on app_public.audit_events (tenant_id, at desc, id desc);
create index audit_events_call_idx on app_public.audit_events (tenant_id, call_id, at desc) where call_id is not null;

comment on table app_public.audit_events is E'@behavior -*\nWho did what to custody-sensitive data: recording plays and downloads (one row per user, call, session), setting changes, legal holds, erasures, exports. Admins read it through GET /api/v1/audit.';
comment on column app_public.audit_events.action is 'recording_play, recording_download, settings_changed, legal_hold_changed, contact_erased or contact_exported.';
comment on column app_public.audit_events.user_id is 'Who did it (null for the command line, or once the user is deleted).';
comment on column app_public.audit_events.call_id is 'The call concerned (recordings).';
comment on column app_public.audit_events.session_id is 'The staff session the recording was played in.';
comment on column app_public.audit_events.at is 'When it first happened (a listening''s first request).';
comment on column app_public.audit_events.last_at is 'A listening''s latest request.';
comment on column app_public.audit_events.details is 'What exactly: for listening, requests, bytes and ranges; for a settings change, each changed setting''s old and new value; for an erasure, counts.';

-- The recording proxy's one write: a request of a listening, merged into that listening's row.
create function app_hidden.audit_recording(p_call_id uuid, p_user_id uuid, p_session_id uuid, p_action text,
                                           p_range text, p_bytes bigint)
  returns bigint
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    insert into app_public.audit_events as a (tenant_id, action, user_id, call_id, session_id, details)
    values (app_hidden.current_tenant_id(), p_action, p_user_id, p_call_id, p_session_id,
            jsonb_build_object('requests', 1, 'bytes', coalesce(p_bytes, 0),
                               'ranges', case when p_range is null then '[]'::jsonb else jsonb_build_array(left(p_range, 100)) end))
    on conflict (tenant_id, action, user_id, call_id, session_id) where action in ('recording_play', 'recording_download')
    do update set
      last_at = now(),
      details = jsonb_build_object(
        'requests', (a.details ->> 'requests')::bigint + 1,
        'bytes', (a.details ->> 'bytes')::bigint + coalesce(p_bytes, 0),
        -- A long listening asks for many ranges: the first 100 are kept, the count says the rest.
        'ranges', case when p_range is null or jsonb_array_length(a.details -> 'ranges') >= 100 then a.details -> 'ranges'
                       else (a.details -> 'ranges') || jsonb_build_array(left(p_range, 100)) end)
    returning a.id
  $$;
comment on function app_hidden.audit_recording(uuid, uuid, uuid, text, text, bigint) is 'Records one request of a recording play or download (Range asked, bytes sent) in the row of that user, call and session.';
grant execute on function app_hidden.audit_recording(uuid, uuid, uuid, text, text, bigint) to ringside_service;

-- Audit rows the triggers and erasure write (see the note above on security definer).
create function app_hidden.write_audit(p_action text, p_call_id uuid, p_details jsonb)
  returns void
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
    insert into app_public.audit_events (tenant_id, action, user_id, call_id, details)
    select app_hidden.current_tenant_id(), p_action, u.id, p_call_id, coalesce(p_details, '{}')
    from (select 1) as one
    left join app_public.users u on u.tenant_id = app_hidden.current_tenant_id() and u.id = app_hidden.current_user_id()
    where app_hidden.current_tenant_id() is not null
      and p_action in ('settings_changed', 'legal_hold_changed', 'contact_erased', 'contact_exported')
  $$;
comment on function app_hidden.write_audit(text, uuid, jsonb) is 'Appends an audit row for the current tenant and user (settings, legal hold, erasure, export). Security definer: staff cannot insert audit rows themselves.';
revoke execute on function app_hidden.write_audit(text, uuid, jsonb) from public;
grant execute on function app_hidden.write_audit(text, uuid, jsonb) to ringside_staff, ringside_service;

create function app_hidden.tg_tenant_settings__audit() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_changes jsonb;
begin
  select jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)) into v_changes
    from jsonb_each(to_jsonb(new) - 'updated_at') n
    join jsonb_each(to_jsonb(old)) o on o.key = n.key
   where n.value is distinct from o.value;
  if v_changes is not null then
    perform app_hidden.write_audit('settings_changed', null, jsonb_build_object('changes', v_changes));
  end if;
  return null;
end
$$;
comment on function app_hidden.tg_tenant_settings__audit() is 'Trigger: audits each change of a firm''s settings (old and new values).';
create trigger _500_audit after update on app_public.tenant_settings
  for each row execute function app_hidden.tg_tenant_settings__audit();

create function app_hidden.tg_cases__audit_legal_hold() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  if (new.legal_hold, new.legal_hold_reason) is distinct from (old.legal_hold, old.legal_hold_reason) then
    perform app_hidden.write_audit('legal_hold_changed', null, jsonb_build_object(
      'case_id', new.id, 'reference', new.reference, 'legal_hold', new.legal_hold, 'reason', new.legal_hold_reason));
  end if;
  return null;
end
$$;
comment on function app_hidden.tg_cases__audit_legal_hold() is 'Trigger: audits setting or lifting a case''s legal hold.';
create trigger _500_audit_legal_hold after update on app_public.cases
  for each row execute function app_hidden.tg_cases__audit_legal_hold();

-- GET /api/v1/audit: one page, newest first, with the total (admins only: the policy above).
create function app_hidden.audit_page(p_call_id uuid, p_user_id uuid, p_action text, p_from timestamptz,
                                      p_to timestamptz, p_limit integer, p_offset integer)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with matching as (
      select a.* from app_public.audit_events a
       where a.tenant_id = app_hidden.current_tenant_id()
         and (p_call_id is null or a.call_id = p_call_id)
         and (p_user_id is null or a.user_id = p_user_id)
         and (p_action is null or a.action = p_action)
         and (p_from is null or a.at >= p_from)
         and (p_to is null or a.at < p_to)
    )
    select jsonb_build_object(
      'items', coalesce((select jsonb_agg(jsonb_build_object(
                  'action', p.action, 'user_id', p.user_id, 'call_id', p.call_id, 'at', p.at,
                  'details', p.details || jsonb_strip_nulls(jsonb_build_object(
                    'last_at', case when p.last_at <> p.at then p.last_at end,
                    'user_name', (select u.display_name from app_public.users u
                                   where u.tenant_id = p.tenant_id and u.id = p.user_id))))
                  order by p.at desc, p.id desc)
                from (select * from matching order by at desc, id desc limit p_limit offset p_offset) p), '[]'),
      'total', (select count(*) from matching))
  $$;
comment on function app_hidden.audit_page(uuid, uuid, text, timestamptz, timestamptz, integer, integer) is 'One page of the audit trail, newest first, with the total count of matching rows (rows an admin may read).';
grant execute on function app_hidden.audit_page(uuid, uuid, text, timestamptz, timestamptz, integer, integer) to ringside_staff;
