--! Previous: sha1:f68adab0cc62d39801a4fa8010e837a640fcf865
--! Hash: sha1:7207f36f4e71813f3527f928beccc77e256a7b83
--! Message: timeline

-- Why this shape: the case timeline is one table of interactions of every kind (calls now; notes,
-- emails later), as the architecture document names it. A call's details live in `metadata`, the
-- document's keys, so the case-management application reads them unchanged.
--
-- The columns filtered and sorted on (direction, call type, duration, the Ringover call id) are
-- generated from metadata: typed and indexable, yet with a single source of truth.
-- One call is one row: (tenant_id, source, external_id) is unique.

create table app_public.interaction_events (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  case_id uuid,
  contact_id uuid,
  source text not null check (source in ('RINGOVER', 'MANUAL')),
  event_type text not null check (event_type in ('CALL', 'NOTE')),
  external_id text check (length(external_id) <= 128),
  title text not null check (length(title) <= 500),
  body text,
  occurred_at timestamptz not null,
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  direction text generated always as (metadata ->> 'direction') stored,
  call_type text generated always as (metadata ->> 'call_type') stored,
  duration_seconds integer generated always as ((metadata ->> 'duration_seconds')::integer) stored,
  unique (tenant_id, id),
  foreign key (tenant_id, case_id) references app_public.cases (tenant_id, id) on delete set null (case_id),
  foreign key (tenant_id, contact_id) references app_public.contacts (tenant_id, id) on delete set null (contact_id),
  foreign key (tenant_id, created_by) references app_public.users (tenant_id, id) on delete set null (created_by)
);
alter table app_public.interaction_events enable row level security;
alter table app_public.interaction_events force row level security;
create policy own_tenant on app_public.interaction_events
  using (tenant_id = app_hidden.current_tenant_id());
grant select on app_public.interaction_events to ringside_staff;
-- Staff may correct the automatic link (case, contact); everything else is written by ingestion.
grant update (case_id, contact_id) on app_public.interaction_events to ringside_staff;
grant select, insert, update on app_public.interaction_events to ringside_service;

create unique index interaction_events_external_key on app_public.interaction_events (tenant_id, source, external_id)
  where external_id is not null;
-- The call history and every timeline are read newest first, within a tenant.
create index interaction_events_timeline_idx on app_public.interaction_events (tenant_id, occurred_at desc, id desc);
create index interaction_events_case_idx on app_public.interaction_events (tenant_id, case_id, occurred_at desc)
  where case_id is not null;
create index interaction_events_contact_idx on app_public.interaction_events (tenant_id, contact_id, occurred_at desc)
  where contact_id is not null;
create index interaction_events_call_type_idx on app_public.interaction_events (tenant_id, call_type, occurred_at desc)
  where event_type = 'CALL';
create index interaction_events_direction_idx on app_public.interaction_events (tenant_id, direction, occurred_at desc)
  where event_type = 'CALL';
create trigger _100_timestamps before update on app_public.interaction_events
  for each row execute function app_hidden.tg__set_updated_at();

comment on table app_public.interaction_events is 'The case timeline: one row per interaction. A Ringover call is one row however many deliveries describe it.';
comment on column app_public.interaction_events.external_id is 'The source''s id for the interaction: Ringover''s call id for calls.';
comment on column app_public.interaction_events.occurred_at is 'When the interaction happened: a call''s start time.';
comment on column app_public.interaction_events.metadata is 'The architecture document''s keys: call_id, direction, caller_number, callee_number, duration_seconds, call_type, recording_url, started_at, ended_at, contact_id, and the AI results.';
comment on column app_public.interaction_events.direction is 'inbound or outbound (from metadata).';
comment on column app_public.interaction_events.call_type is 'answered, missed or voicemail (from metadata); null while a call is still ringing.';
comment on column app_public.interaction_events.duration_seconds is 'Call duration in seconds (from metadata).';
