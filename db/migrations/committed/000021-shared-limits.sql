--! Previous: sha1:218307d7362b3a637e9dfb30208e5bfb9ca2e212
--! Hash: sha1:812b6a663288beec6939ae273791cc57b00ea256
--! Message: shared-limits

-- Why this shape: every limit (login failures per account and per address, webhook failures per
-- address before verification, each tenant's webhook rate) must hold across server instances, so the
-- counters live in PostgreSQL, in the table layout of rate-limiter-flexible's RateLimiterPostgres
-- (key, points, expire in epoch milliseconds), which the server uses with tableCreated: true.
-- It has a schema of its own, app_limits, because it holds no tenant data: its keys are hashes of an
-- address, an e-mail or a tenant id, never readable values, and staff cannot reach it at all.
-- The table is UNLOGGED: a counter write writes no WAL and waits for no fsync (it is on the webhook
-- hot path), and a crash that empties it only forgives the counts of the current window.

create schema app_limits;
comment on schema app_limits is 'Shared rate-limit counters (rate-limiter-flexible layout). No tenant data; only the service role can reach it.';
grant usage on schema app_limits to ringside_service;

create unlogged table app_limits.counters (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);
alter table app_limits.counters enable row level security;
alter table app_limits.counters force row level security;
-- The counters are process-wide by nature (an address, an account, a tenant's rate): the service
-- role, which runs every limiter, sees them all; no other runtime role has a policy.
create policy counters_service on app_limits.counters for all to ringside_service using (true) with check (true);
grant select, insert (key, points, expire), update (points, expire), delete on app_limits.counters to ringside_service;

comment on table app_limits.counters is 'One row per rate-limit key and window: how many points were consumed and when the window ends.';
comment on column app_limits.counters.key is 'The limiter''s prefix and a hashed key, e.g. login-account:<sha256 of the e-mail>.';
comment on column app_limits.counters.points is 'Points consumed in the current window.';
comment on column app_limits.counters.expire is 'End of the current window, in epoch milliseconds (null: never).';
