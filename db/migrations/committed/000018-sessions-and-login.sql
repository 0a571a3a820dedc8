--! Previous: sha1:a6239a5ca1472f27f2aedcae5adb398e705274ba
--! Hash: sha1:ee9257a8e0a73f4516be72f31844daf1798ae629
--! Message: sessions-and-login

-- Why this shape: a staff token is only as good as the session it names. A signed JWT alone cannot be
-- taken back, so every token carries a session id (its `jti`), and the session row decides: logout,
-- a password change, disabling or deleting the user end it, and the next request is refused.
--
-- Password hashes and sessions are read only through the narrow SECURITY DEFINER functions below
-- (verify a password → the user; is this session live → its user and role): no runtime role can
-- SELECT app_private.user_secrets or app_private.sessions, and no hash ever leaves the database.
--
-- Login does the same bcrypt work whether or not the e-mail exists (a dummy hash of the same cost),
-- so its timing does not tell which e-mails have an account, across every firm.
--
-- The definer functions run as the migration owner. When that owner is not a superuser, forced
-- row-level security binds it too: the `definer_functions` policies (named for the owner only) let
-- these functions find a user by e-mail before they know the tenant.

-- Users can be disabled without losing their history (tasks, calls they handled).
alter table app_public.users add column disabled_at timestamptz;
comment on column app_public.users.disabled_at is 'When the user was disabled: a disabled user cannot log in, and every session of theirs ends.';

-- Login no longer runs as the service role reading hashes: the definer function does.
drop policy service_authenticates on app_private.user_secrets;
revoke all on app_private.user_secrets from ringside_service;
drop policy service_authenticates on app_public.users;

do $$
begin
  execute format('create policy definer_functions on app_private.user_secrets for select to %I using (true)', current_user);
  execute format('create policy definer_functions on app_public.users for select to %I using (true)', current_user);
end
$$;

-- A bcrypt hash of a random secret nobody knows, at the cost real hashes use (create_user: bf 10).
-- Unknown e-mails are compared against it. Generated once per database, kept in a function (not a
-- table) because nothing else may read it and it belongs to no tenant.
do $$
begin
  execute format(
    $f$create function app_private.dummy_password_hash() returns text
         language plpgsql stable
         set search_path = pg_catalog, pg_temp
         as %L$f$,
    format('begin return %L; end', public.crypt(encode(public.gen_random_bytes(32), 'hex'), public.gen_salt('bf', 10))));
end
$$;
comment on function app_private.dummy_password_hash() is 'A bcrypt hash (cost 10, like real ones) of an unknown random secret: login compares unknown e-mails against it, so both paths cost the same.';

create table app_private.sessions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references app_public.tenants on delete cascade,
  user_id uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text check (revoked_reason in ('logout', 'password_changed', 'user_disabled', 'admin')),
  -- Deleting a user deletes their sessions: their tokens name a session that no longer exists.
  foreign key (tenant_id, user_id) references app_public.users (tenant_id, id) on delete cascade,
  check (expires_at <= created_at + interval '24 hours'),
  check ((revoked_at is null) = (revoked_reason is null))
);
alter table app_private.sessions enable row level security;
alter table app_private.sessions force row level security;
create policy own_tenant on app_private.sessions
  using (tenant_id = app_hidden.current_tenant_id());
do $$
begin
  execute format('create policy definer_functions on app_private.sessions to %I using (true)', current_user);
end
$$;
-- No grants: runtime roles reach sessions only through the functions below.
create index sessions_user_idx on app_private.sessions (user_id) where revoked_at is null;
create index sessions_expires_idx on app_private.sessions (expires_at);

comment on table app_private.sessions is 'A staff login (or admin-issued token): its id is the token''s jti; a revoked, expired or missing session refuses the token.';
comment on column app_private.sessions.id is 'The session id, carried by its token as the jti claim.';
comment on column app_private.sessions.tenant_id is 'The tenant the token acts in (its tid claim).';
comment on column app_private.sessions.user_id is 'The staff user the token acts as (its sub claim); deleting the user deletes the session.';
comment on column app_private.sessions.created_at is 'When the session was opened (login or admin token).';
comment on column app_private.sessions.expires_at is 'The token''s expiry; at most 24 hours after creation.';
comment on column app_private.sessions.revoked_at is 'When the session was ended (logout, password change, user disabled); null while it is live.';
comment on column app_private.sessions.revoked_reason is 'Why the session ended: logout, password_changed, user_disabled or admin.';

-- Login: the user whose e-mail and password match, or no row — with one bcrypt comparison either way.
create or replace function app_hidden.authenticate(p_email text, p_password text)
  returns table (user_id uuid, tenant_id uuid, role text)
  language plpgsql volatile
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_user app_public.users;
  v_hash text;
begin
  select u.* into v_user from app_public.users u
   where u.email operator(public.=) p_email::public.citext and u.disabled_at is null;
  if found then
    select s.password_hash into v_hash from app_private.user_secrets s where s.user_id = v_user.id;
  end if;
  if v_hash is null then
    -- Unknown (or disabled) e-mail: the same bcrypt work, against a hash no password matches.
    perform public.crypt(p_password, app_private.dummy_password_hash());
    return;
  end if;
  if v_hash = public.crypt(p_password, v_hash) then
    return query select v_user.id, v_user.tenant_id, v_user.role;
  end if;
end
$$;
comment on function app_hidden.authenticate(text, text) is 'The enabled user whose e-mail and password match, or no row. One bcrypt comparison whether or not the e-mail exists; no hash leaves the database.';
revoke all on function app_hidden.authenticate(text, text) from public;
grant execute on function app_hidden.authenticate(text, text) to ringside_service;

-- A new session for a user of a tenant; the token is signed by the server with the returned id.
create function app_hidden.open_session(p_user_id uuid, p_tenant_id uuid, p_ttl_seconds integer)
  returns table (session_id uuid, role text, expires_at timestamptz)
  language plpgsql volatile
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_role text;
begin
  if p_ttl_seconds is null or p_ttl_seconds > 86400 then
    raise exception 'a session lasts at most 24 hours (86400 seconds)' using errcode = '22023';
  end if;
  select u.role into v_role from app_public.users u
   where u.id = p_user_id and u.tenant_id = p_tenant_id and u.disabled_at is null;
  if not found then
    raise exception 'no such enabled user in that tenant' using errcode = 'P0002';
  end if;
  -- Housekeeping on the way: this user's long-expired sessions.
  delete from app_private.sessions s where s.user_id = p_user_id and s.expires_at < now() - interval '1 day';
  return query
    insert into app_private.sessions as s (tenant_id, user_id, expires_at)
    values (p_tenant_id, p_user_id, now() + make_interval(secs => p_ttl_seconds))
    returning s.id, v_role, s.expires_at;
end
$$;
comment on function app_hidden.open_session(uuid, uuid, integer) is 'Opens a session (at most 24 hours) for an enabled user of a tenant; returns its id (the token''s jti), the user''s role and the expiry.';
grant execute on function app_hidden.open_session(uuid, uuid, integer) to ringside_service;

-- Login in one round trip: verify, then open a session.
create function app_hidden.log_in(p_email text, p_password text, p_ttl_seconds integer)
  returns table (session_id uuid, user_id uuid, tenant_id uuid, role text, expires_at timestamptz)
  language sql volatile
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select s.session_id, a.user_id, a.tenant_id, s.role, s.expires_at
    from app_hidden.authenticate(p_email, p_password) a,
         lateral app_hidden.open_session(a.user_id, a.tenant_id, p_ttl_seconds) s
  $$;
comment on function app_hidden.log_in(text, text, integer) is 'Checks an e-mail and password and opens a session: one row, or none when they do not match.';
grant execute on function app_hidden.log_in(text, text, integer) to ringside_service;

-- Checked on every authenticated request (cached a few seconds by the server).
create function app_hidden.active_session(p_session_id uuid)
  returns table (user_id uuid, tenant_id uuid, role text, expires_at timestamptz)
  language sql stable
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select s.user_id, s.tenant_id, u.role, s.expires_at
    from app_private.sessions s
    join app_public.users u on u.id = s.user_id and u.tenant_id = s.tenant_id
    where s.id = p_session_id and s.revoked_at is null and s.expires_at > now() and u.disabled_at is null
  $$;
comment on function app_hidden.active_session(uuid) is 'The user, tenant and current role of a live session; no row when it is revoked, expired, missing or its user is disabled.';

create function app_hidden.end_session(p_session_id uuid)
  returns boolean
  language sql volatile
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
    with ended as (
      update app_private.sessions s set revoked_at = now(), revoked_reason = 'logout'
       where s.id = p_session_id and s.revoked_at is null
      returning 1
    )
    select exists (select from ended)
  $$;
comment on function app_hidden.end_session(uuid) is 'Logout: ends a session; true when it was live.';

-- Staff requests check their session through the staff pool's login role, before switching to staff.
grant usage on schema app_hidden to ringside_authenticator;
grant execute on function app_hidden.active_session(uuid), app_hidden.end_session(uuid) to ringside_authenticator, ringside_service;

-- Revocation, whoever changes the user: a new password or disabling ends every live session.
create function app_hidden.tg_user_secrets__revoke_sessions() returns trigger
  language plpgsql volatile
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
begin
  update app_private.sessions s set revoked_at = now(), revoked_reason = 'password_changed'
   where s.user_id = new.user_id and s.revoked_at is null;
  return null;
end
$$;
comment on function app_hidden.tg_user_secrets__revoke_sessions() is 'Trigger: a password change ends every live session of the user.';
create trigger _500_revoke_sessions after update of password_hash on app_private.user_secrets
  for each row when (old.password_hash is distinct from new.password_hash)
  execute function app_hidden.tg_user_secrets__revoke_sessions();

create function app_hidden.tg_users__revoke_sessions() returns trigger
  language plpgsql volatile
  security definer
  set search_path = pg_catalog, pg_temp
  as $$
begin
  update app_private.sessions s set revoked_at = now(), revoked_reason = 'user_disabled'
   where s.user_id = new.id and s.revoked_at is null;
  return null;
end
$$;
comment on function app_hidden.tg_users__revoke_sessions() is 'Trigger: disabling a user ends every live session of theirs.';
create trigger _500_revoke_sessions after update of disabled_at on app_public.users
  for each row when (new.disabled_at is not null and old.disabled_at is null)
  execute function app_hidden.tg_users__revoke_sessions();

-- Administration (npm run admin), as the migration owner, naming the tenant like the other admin functions.
create function app_private.set_user_password(p_user_id uuid, p_password text)
  returns void
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
begin
  if length(p_password) < 8 then
    raise exception 'password must have at least 8 characters' using errcode = '22023';
  end if;
  perform set_config('app.current_tenant', (select u.tenant_id::text from app_public.users u where u.id = p_user_id), true);
  update app_private.user_secrets set password_hash = crypt(p_password, gen_salt('bf', 10)), updated_at = now()
   where user_id = p_user_id;
  if not found then
    raise exception 'no such user' using errcode = 'P0002';
  end if;
end
$$;
comment on function app_private.set_user_password(uuid, text) is 'Sets a user''s password (bcrypt); every session of theirs ends.';

create function app_private.set_user_disabled(p_user_id uuid, p_disabled boolean)
  returns void
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  perform set_config('app.current_tenant', (select u.tenant_id::text from app_public.users u where u.id = p_user_id), true);
  update app_public.users u
     set disabled_at = case when p_disabled then coalesce(u.disabled_at, now()) end
   where u.id = p_user_id;
  if not found then
    raise exception 'no such user' using errcode = 'P0002';
  end if;
end
$$;
comment on function app_private.set_user_disabled(uuid, boolean) is 'Disables (every session ends, login refused) or re-enables a user.';

create function app_private.delete_user(p_user_id uuid)
  returns void
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  perform set_config('app.current_tenant', (select u.tenant_id::text from app_public.users u where u.id = p_user_id), true);
  delete from app_public.users u where u.id = p_user_id;
  if not found then
    raise exception 'no such user' using errcode = 'P0002';
  end if;
end
$$;
comment on function app_private.delete_user(uuid) is 'Deletes a user: their sessions go with them (tokens refused); what they wrote stays, unattributed.';
