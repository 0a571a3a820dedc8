--! Previous: sha1:2b6b3bd165833085c51f16e83d7b8ac83c571df2
--! Hash: sha1:f68adab0cc62d39801a4fa8010e837a640fcf865
--! Message: contacts-and-cases

-- Why this shape: calls are matched to contacts by phone number, and linked to one of the contact's
-- cases. Numbers are stored once, in E.164, written by code that knows the tenant's region
-- (libphonenumber in the server), so that matching here is a plain indexed equality.
--
-- Every child table carries tenant_id and references its parent through (tenant_id, id), so a row
-- can never point across tenants, whatever the application does.

create table app_public.contacts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  first_name text check (length(first_name) <= 200),
  last_name text check (length(last_name) <= 200),
  company text check (length(company) <= 200),
  display_name text generated always as (
    coalesce(nullif(btrim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), ''), company, '')
  ) stored,
  email citext check (email ~ '^[^@\s]+@[^@\s]+$'),
  phone_e164 text check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  check (coalesce(first_name, last_name, company) is not null)
);
alter table app_public.contacts enable row level security;
alter table app_public.contacts force row level security;
create policy own_tenant on app_public.contacts
  using (tenant_id = app_hidden.current_tenant_id());
grant select, delete on app_public.contacts to ringside_staff;
grant insert (first_name, last_name, company, email, phone_e164) on app_public.contacts to ringside_staff;
grant update (first_name, last_name, company, email, phone_e164) on app_public.contacts to ringside_staff;
grant select on app_public.contacts to ringside_service;
create index contacts_phone_idx on app_public.contacts (tenant_id, phone_e164) where phone_e164 is not null;
create index contacts_name_idx on app_public.contacts (tenant_id, lower(display_name) text_pattern_ops);
create trigger _100_timestamps before update on app_public.contacts
  for each row execute function app_hidden.tg__set_updated_at();

comment on table app_public.contacts is 'A person or organisation the firm deals with.';
comment on column app_public.contacts.phone_e164 is 'The contact''s phone number in E.164 (+32470123456); calls are matched on it.';
comment on column app_public.contacts.display_name is 'First and last name, or the company when there is no name.';

create table app_public.cases (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  reference text not null check (length(reference) between 1 and 50),
  title text not null check (length(title) between 1 and 300),
  status text not null default 'open' check (status in ('open', 'in_progress', 'closed')),
  opened_at timestamptz not null default now(),
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, reference)
);
alter table app_public.cases enable row level security;
alter table app_public.cases force row level security;
create policy own_tenant on app_public.cases
  using (tenant_id = app_hidden.current_tenant_id());
grant select, delete on app_public.cases to ringside_staff;
grant insert (reference, title, status, opened_at) on app_public.cases to ringside_staff;
grant update (reference, title, status, opened_at, closed_at) on app_public.cases to ringside_staff;
grant select on app_public.cases to ringside_service;
create trigger _100_timestamps before update on app_public.cases
  for each row execute function app_hidden.tg__set_updated_at();

comment on table app_public.cases is 'A matter the firm handles (dossier). Calls are linked to a contact''s active case.';
comment on column app_public.cases.reference is 'The firm''s own reference, e.g. 2026/042.';
comment on column app_public.cases.status is 'open and in_progress cases are active: calls link to them; closed cases are ignored.';
comment on column app_public.cases.opened_at is 'When the case was opened; among active cases, the most recently opened wins a call.';

create table app_public.case_contacts (
  tenant_id uuid not null default app_hidden.current_tenant_id() references app_public.tenants on delete cascade,
  case_id uuid not null,
  contact_id uuid not null,
  role text check (length(role) <= 100),
  created_at timestamptz not null default now(),
  primary key (case_id, contact_id),
  foreign key (tenant_id, case_id) references app_public.cases (tenant_id, id) on delete cascade,
  foreign key (tenant_id, contact_id) references app_public.contacts (tenant_id, id) on delete cascade
);
alter table app_public.case_contacts enable row level security;
alter table app_public.case_contacts force row level security;
create policy own_tenant on app_public.case_contacts
  using (tenant_id = app_hidden.current_tenant_id());
grant select, delete on app_public.case_contacts to ringside_staff;
grant insert (case_id, contact_id, role) on app_public.case_contacts to ringside_staff;
grant update (role) on app_public.case_contacts to ringside_staff;
grant select on app_public.case_contacts to ringside_service;
create index case_contacts_contact_idx on app_public.case_contacts (tenant_id, contact_id);

comment on table app_public.case_contacts is 'Who is party to a case (client, opposing party, witness...).';
