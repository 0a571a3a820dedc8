--! Previous: sha1:d04217ccd1f5000b5a802bee2f08ea6fb63ea225
--! Hash: sha1:1ba30e6c82711038e625f1511e3f05026595b8dc
--! Message: tenant-settings-and-ai-consent

-- Why this shape: a firm's recordings are among the most sensitive data it holds, so sending them to
-- an AI provider is a choice the firm makes (off for a new tenant), per step, and per client: a
-- contact or case marked ai_excluded, or a call carrying a Ringover tag the firm names (e.g.
-- "Confidentiel"), is never sent. The worker learns all of it in the one read it already makes
-- (call_ai_context's new `consent` key), so no provider request can happen before the check.
--
-- The language of titles is not repeated here: it is tenants.language (000002), which 000032 teaches
-- the title functions to honour for nl and de too.
--
-- One settings row per tenant, created with the tenant (and here for existing ones). Everyone in the
-- firm reads it (the UI needs the switches and the terms); only admins change it, which a restrictive
-- policy says, so no API path can forget it. Every change is audited (000029).
--
-- Legal hold is a case's: while it holds, nothing of the case's calls expires (000030) or is erased
-- (000031). Only admins set or lift it (a guard trigger: a column grant cannot look at the role).

create table app_public.tenant_settings (
  tenant_id uuid primary key default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  ai_enabled boolean not null default false,
  ai_transcript boolean not null default true,
  ai_summary boolean not null default true,
  ai_sentiment boolean not null default true,
  ai_excluded_tags text[] not null default '{}' check (cardinality(ai_excluded_tags) <= 50),
  retention_recordings_days integer check (retention_recordings_days between 1 and 36500),
  retention_ai_days integer check (retention_ai_days between 1 and 36500),
  retention_raw_bodies_days integer not null default 90 check (retention_raw_bodies_days between 1 and 36500),
  retention_live_events_days integer not null default 7 check (retention_live_events_days between 1 and 36500),
  updated_at timestamptz not null default now()
);
alter table app_public.tenant_settings enable row level security;
alter table app_public.tenant_settings force row level security;
create policy own_tenant on app_public.tenant_settings
  using (tenant_id = app_hidden.current_tenant_id());
create policy admin_writes on app_public.tenant_settings as restrictive for update to ringside_staff
  using (app_hidden.current_user_role() = 'admin');
grant select on app_public.tenant_settings to ringside_staff, ringside_service;
grant update (ai_enabled, ai_transcript, ai_summary, ai_sentiment, ai_excluded_tags, retention_recordings_days,
  retention_ai_days, retention_raw_bodies_days, retention_live_events_days)
  on app_public.tenant_settings to ringside_staff;
create trigger _100_timestamps before update on app_public.tenant_settings
  for each row execute function app_hidden.tg__set_updated_at();

comment on table app_public.tenant_settings is E'@behavior -insert -delete\nA firm''s data-custody choices: AI processing, retention terms. Everyone reads them; only admins change them (audited).';
comment on column app_public.tenant_settings.ai_enabled is 'Whether recordings may be sent to AI providers at all (off for a new tenant).';
comment on column app_public.tenant_settings.ai_transcript is 'Whether calls are transcribed (the summary and sentiment need the transcript).';
comment on column app_public.tenant_settings.ai_summary is 'Whether transcripts are summarized and tasks suggested.';
comment on column app_public.tenant_settings.ai_sentiment is 'Whether the sentiment of transcripts is scored.';
comment on column app_public.tenant_settings.ai_excluded_tags is 'Ringover tags (compared without case) whose calls are never sent to an AI provider, e.g. Confidentiel.';
comment on column app_public.tenant_settings.retention_recordings_days is 'Days after a call during which its recording may be played (null: as long as Ringover keeps it).';
comment on column app_public.tenant_settings.retention_ai_days is 'Days after a call after which its transcript, summary, segments and AI task texts are removed (null: kept).';
comment on column app_public.tenant_settings.retention_raw_bodies_days is 'Days raw webhook bodies (with phone numbers) are kept in the delivery inbox.';
comment on column app_public.tenant_settings.retention_live_events_days is 'Days live events are kept (the replay window itself is 24 hours).';
comment on column app_public.tenant_settings.updated_at is 'When the settings last changed.';

-- Existing tenants keep AI on, as they had it. Row-level security is forced and no tenant is set
-- here, so it is lifted for this one statement (a non-superuser owner would otherwise see no tenant).
alter table app_public.tenants no force row level security;
alter table app_public.tenant_settings no force row level security;
insert into app_public.tenant_settings (tenant_id, ai_enabled)
  select t.id, true from app_public.tenants t;
alter table app_public.tenants force row level security;
alter table app_public.tenant_settings force row level security;
comment on column app_public.tenant_settings.tenant_id is 'The firm (one row each). Tenants that existed before settings keep AI on, as they had it.';

-- Consent per client, and legal hold.
alter table app_public.contacts add column ai_excluded boolean not null default false;
comment on column app_public.contacts.ai_excluded is 'The person asked that their calls not be sent to AI providers: they never are.';
grant update (ai_excluded) on app_public.contacts to ringside_staff;

alter table app_public.cases add column ai_excluded boolean not null default false;
alter table app_public.cases add column legal_hold boolean not null default false;
alter table app_public.cases add column legal_hold_reason text check (length(legal_hold_reason) <= 500);
comment on column app_public.cases.ai_excluded is 'Calls of this case are never sent to AI providers.';
comment on column app_public.cases.legal_hold is 'While true nothing of this case''s calls expires or is erased. Admins only.';
comment on column app_public.cases.legal_hold_reason is 'Why the case is on legal hold (shown on the case page).';
grant update (ai_excluded, legal_hold, legal_hold_reason) on app_public.cases to ringside_staff;

create function app_hidden.tg_cases__legal_hold_admin() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  if (new.legal_hold, new.legal_hold_reason) is distinct from (old.legal_hold, old.legal_hold_reason)
     and current_user = 'ringside_staff' and app_hidden.current_user_role() is distinct from 'admin' then
    raise exception 'only an admin may set or lift a legal hold' using errcode = '42501';
  end if;
  return new;
end
$$;
comment on function app_hidden.tg_cases__legal_hold_admin() is 'Trigger: a staff request that is not an admin''s cannot change a case''s legal hold.';
create trigger _200_legal_hold_admin before update on app_public.cases
  for each row execute function app_hidden.tg_cases__legal_hold_admin();

-- Administration (npm run admin): a new tenant with a fresh webhook secret and its settings, AI off
-- unless asked (tenant:create --ai on; the demo tenant passes true). As the migration owner, bound by
-- forced row-level security, it sets the tenant it writes for, exactly as the application does.
create function app_private.create_tenant(p_name text, p_slug text, p_region text default 'BE', p_ai_enabled boolean default false)
  returns table (id uuid, slug text, webhook_secret text)
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
declare
  v_id uuid := gen_random_uuid();
begin
  perform set_config('app.current_tenant', v_id::text, true);
  insert into app_public.tenants (id, name, slug, region) values (v_id, p_name, lower(p_slug), upper(p_region));
  insert into app_private.tenant_secrets (tenant_id) values (v_id);
  insert into app_public.tenant_settings (tenant_id, ai_enabled) values (v_id, coalesce(p_ai_enabled, false));
  return query
    select t.id, t.slug::text, s.webhook_secret
    from app_public.tenants t join app_private.tenant_secrets s on s.tenant_id = t.id
    where t.id = v_id;
end
$$;
comment on function app_private.create_tenant(text, text, text, boolean) is 'Creates a tenant with a fresh webhook secret and its settings (AI processing off unless p_ai_enabled).';

-- Why a call is not sent to AI, or null when it may be: the first reason that applies.
create function app_hidden.call_ai_refusal(p_event app_public.interaction_events)
  returns text
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select case
      when not coalesce(s.ai_enabled, false) then 'AI processing is off for this firm'
      when exists (select from app_public.contacts c
                    where c.tenant_id = p_event.tenant_id and c.id = p_event.contact_id and c.ai_excluded)
        then 'the contact is excluded from AI processing'
      when exists (select from app_public.cases k
                    where k.tenant_id = p_event.tenant_id and k.id = p_event.case_id and k.ai_excluded)
        then 'the case is excluded from AI processing'
      else (select 'the Ringover tag "' || t.tag || '" excludes the call from AI processing'
              from jsonb_array_elements_text(case when jsonb_typeof(p_event.metadata -> 'tags') = 'array'
                                                  then p_event.metadata -> 'tags' else '[]' end) as t(tag)
             where lower(t.tag) = any (select lower(x) from unnest(s.ai_excluded_tags) as x)
             limit 1)
    end
    from (select 1) as one
    left join app_public.tenant_settings s on s.tenant_id = p_event.tenant_id
  $$;
comment on function app_hidden.call_ai_refusal(app_public.interaction_events) is 'Why this call may not be sent to an AI provider (firm setting, contact, case, Ringover tag), or null when it may.';
grant execute on function app_hidden.call_ai_refusal(app_public.interaction_events) to ringside_service, ringside_staff;

-- What the worker needs to know about a call, in one read.
create function app_hidden.call_ai_context(p_event_id uuid)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select jsonb_build_object(
      'event_id', e.id,
      'tenant_id', e.tenant_id,
      'call_id', e.external_id,
      'occurred_at', e.occurred_at,
      'metadata', e.metadata,
      'language', t.language,
      'tenant_name', t.name,
      'contact', (select jsonb_strip_nulls(jsonb_build_object('name', c.display_name, 'company', c.company, 'email', c.email))
                  from app_public.contacts c where c.tenant_id = e.tenant_id and c.id = e.contact_id),
      'case', (select jsonb_build_object('id', k.id, 'reference', k.reference, 'title', k.title, 'status', k.status)
               from app_public.cases k where k.tenant_id = e.tenant_id and k.id = e.case_id),
      'consent', jsonb_build_object(
        'refusal', app_hidden.call_ai_refusal(e),
        'transcript', coalesce(s.ai_transcript, false),
        'summary', coalesce(s.ai_summary, false),
        'sentiment', coalesce(s.ai_sentiment, false))
    )
    from app_public.interaction_events e
    join app_public.tenants t on t.id = e.tenant_id
    left join app_public.tenant_settings s on s.tenant_id = e.tenant_id
    where e.tenant_id = app_hidden.current_tenant_id() and e.id = p_event_id and e.event_type = 'CALL'
  $$;
comment on function app_hidden.call_ai_context(uuid) is 'A call as the AI worker sees it: metadata, tenant language, contact, case, and consent (why it may not be sent, which steps are on); null when it is not the current tenant''s call.';
grant execute on function app_hidden.call_ai_context(uuid) to ringside_service;

-- GraphQL: setContactAiExcluded(input: {contactId, excluded}) — the privacy page's switch (any staff
-- member records a client's wish; the contact's other fields go through updateContact).
create function app_public.set_contact_ai_excluded(contact_id uuid, excluded boolean)
  returns boolean
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    update app_public.contacts c set ai_excluded = coalesce(excluded, false)
     where c.tenant_id = app_hidden.current_tenant_id() and c.id = contact_id
    returning c.ai_excluded
  $$;
comment on function app_public.set_contact_ai_excluded(uuid, boolean) is 'Marks a contact as excluded from AI processing (or not); returns the new value, null when there is no such contact. Past calls are not processed again unless ai:reprocess is asked.';
grant execute on function app_public.set_contact_ai_excluded(uuid, boolean) to ringside_staff;
