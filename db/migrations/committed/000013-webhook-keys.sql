--! Previous: sha1:57ea50651b90a7b8335a86c0683ac7f3bcc3d98a
--! Hash: sha1:76e411ee5f37703ec4b59b800f189c21507e5a1d
--! Message: webhook-keys

-- Why this shape: Ringover generates its webhook keys (one per webhook family: call events, Contact
-- Call) and shows them in its dashboard; they cannot be chosen there. So a tenant's keys are pasted
-- in (npm run admin -- webhook:set-secret), one per kind, and the key a change replaces stays valid
-- for seven days, long enough for Ringover's retries and for the firm to update every webhook.
--
-- Least privilege: the service role used to SELECT every tenant's keys (a cross-tenant policy). Now
-- it reads them only through app_hidden.webhook_keys, a narrow security-definer function returning
-- one tenant's currently valid keys; its SELECT and the cross-tenant policy are gone.
--
-- Signature headers are credentials: a captured token authenticates its delivery again. The inbox
-- keeps no signature header, whoever writes to it (a trigger strips them), and old rows are cleaned.

alter table app_private.tenant_secrets
  add column contact_secret text check (length(contact_secret) >= 16),
  add column previous_contact_secret text check (length(previous_contact_secret) >= 16),
  add column contact_rotated_at timestamptz;
comment on column app_private.tenant_secrets.webhook_secret is 'The events key: signs call and aftercall webhooks (Ringover''s, or generated here for other senders).';
comment on column app_private.tenant_secrets.previous_webhook_secret is 'The events key before the last change; valid until 7 days after rotated_at.';
comment on column app_private.tenant_secrets.rotated_at is 'When the events key last changed.';
comment on column app_private.tenant_secrets.contact_secret is 'The Contact Call key Ringover generated; null = the events key signs lookups too.';
comment on column app_private.tenant_secrets.previous_contact_secret is 'The Contact Call key before the last change; valid until 7 days after contact_rotated_at.';
comment on column app_private.tenant_secrets.contact_rotated_at is 'When the Contact Call key last changed.';

drop policy service_verifies_webhooks on app_private.tenant_secrets;
revoke select on app_private.tenant_secrets from ringside_service;

create function app_hidden.webhook_key_grace() returns interval
  language sql immutable parallel safe
  as $$ select interval '7 days' $$;
comment on function app_hidden.webhook_key_grace() is 'How long a replaced webhook key stays valid after a change.';
grant execute on function app_hidden.webhook_key_grace() to ringside_service;

-- Security definer because the service role may no longer read the table. The time is the
-- database's own: a caller cannot ask for keys as of a moment when an expired key was still valid. Row-level security is
-- forced, so it binds the owner too: the function names the tenant it reads for, then restores the
-- caller's setting so that it never leaks into the rest of the caller's transaction.
create function app_hidden.webhook_keys(p_tenant_id uuid)
  returns table (events_keys text[], contact_keys text[])
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_caller_tenant text := pg_catalog.current_setting('app.current_tenant', true);
begin
  perform pg_catalog.set_config('app.current_tenant', p_tenant_id::text, true);
  return query
    select pg_catalog.array_remove(array[s.webhook_secret,
             case when s.rotated_at > now() - app_hidden.webhook_key_grace() then s.previous_webhook_secret end], null),
           pg_catalog.array_remove(array[s.contact_secret,
             case when s.contact_rotated_at > now() - app_hidden.webhook_key_grace() then s.previous_contact_secret end], null)
    from app_private.tenant_secrets s
    where s.tenant_id = p_tenant_id;
  perform pg_catalog.set_config('app.current_tenant', coalesce(v_caller_tenant, ''), true);
end
$$;
comment on function app_hidden.webhook_keys(uuid) is
  'A tenant''s currently valid webhook keys per kind (current first, then the previous one during its 7 days): the only way the service role reads keys.';
grant execute on function app_hidden.webhook_keys(uuid) to ringside_service;

-- The webhook URL's tenant with its keys: one round trip. Its result gains the keys per kind and
-- whether this is the only tenant (RINGOVER_WEBHOOK_SECRET is honoured only then).
drop function app_hidden.webhook_tenant(text);
create function app_hidden.webhook_tenant(p_key text)
  returns table (id uuid, slug text, region text, language text, events_keys text[], contact_keys text[], sole_tenant boolean)
  language sql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
    select t.id, t.slug::text, t.region, t.language, k.events_keys, k.contact_keys,
           (select count(*) from app_public.tenants) = 1
    from app_public.tenants t
    cross join lateral app_hidden.webhook_keys(t.id) k
    where t.slug = p_key::citext
       -- CASE, not AND: SQL does not promise to test the pattern before attempting the cast.
       or t.id = case when p_key ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then p_key::uuid end
  $$;
comment on function app_hidden.webhook_tenant(text) is 'The tenant a webhook URL names (slug or id), with its valid keys per kind and whether it is the only tenant.';
grant execute on function app_hidden.webhook_tenant(text) to ringside_service;

create function app_private.set_webhook_key(p_tenant_id uuid, p_kind text, p_key text)
  returns void
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
begin
  if p_kind not in ('events', 'contact') then
    raise exception 'the key kind must be events or contact' using errcode = '22023';
  end if;
  if p_key is null or length(p_key) < 16 or p_key ~ '\s' then
    raise exception 'a webhook key has at least 16 characters and no spaces' using errcode = '22023';
  end if;
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  -- Setting the key already in use changes nothing: the previous key keeps its own grace period.
  if p_kind = 'events' then
    update app_private.tenant_secrets
       set previous_webhook_secret = webhook_secret, webhook_secret = p_key, rotated_at = now()
     where tenant_id = p_tenant_id and webhook_secret is distinct from p_key;
  else
    update app_private.tenant_secrets
       set previous_contact_secret = contact_secret, contact_secret = p_key, contact_rotated_at = now()
     where tenant_id = p_tenant_id and contact_secret is distinct from p_key;
  end if;
  if not exists (select from app_private.tenant_secrets s where s.tenant_id = p_tenant_id) then
    raise exception 'no tenant %', p_tenant_id using errcode = 'P0002';
  end if;
end
$$;
comment on function app_private.set_webhook_key(uuid, text, text) is
  'Stores the key Ringover generated for one webhook family (events or contact); the replaced key stays valid for 7 days.';

create function app_hidden.tg_webhook_deliveries__strip_signatures() returns trigger
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  new.headers := new.headers - array['authorization', 'x-ringover-signature', 'x-ringover-webhook-signature'];
  return new;
end
$$;
comment on function app_hidden.tg_webhook_deliveries__strip_signatures() is 'Trigger: the inbox never keeps a signature header (a captured token is a credential).';
create trigger _200_strip_signatures before insert on app_private.webhook_deliveries
  for each row execute function app_hidden.tg_webhook_deliveries__strip_signatures();

-- Rows kept before this change lose their signature headers. Row-level security is forced, and
-- this one cleaning spans every tenant: lifted for the statement, then forced again.
alter table app_private.webhook_deliveries no force row level security;
update app_private.webhook_deliveries
   set headers = headers - array['authorization', 'x-ringover-signature', 'x-ringover-webhook-signature']
 where headers ?| array['authorization', 'x-ringover-signature', 'x-ringover-webhook-signature'];
alter table app_private.webhook_deliveries force row level security;
