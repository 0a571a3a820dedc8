--! Previous: sha1:35a0dbc24bdc0acda284103b8908afbb661303a4
--! Hash: sha1:8b21c95a00ff30305154039923b481b9597d2f93
--! Message: live-retention

-- Why this shape: one listener per server process relays every tenant's live events (never one
-- database connection per browser), so, like its read of app_private.live_events (000006), it reads
-- every tenant's counter to learn where each stream starts: a read-only policy for the service role.
--
-- Live events are kept only as long as a reconnecting browser may ask for them: the replay window is
-- the last 24 hours (and at most 1,000 events, a limit the relay applies when it reads). Older rows
-- are deleted by app_hidden.prune_live_events(), which each server process calls now and then; the
-- service role may delete nothing younger than the window, whatever it is asked to do. The counters
-- stay, so numbering never restarts.

create policy relay_reads_all on app_private.live_event_counters for select to ringside_service
  using (true);

create policy relay_prunes_expired on app_private.live_events for delete to ringside_service
  using (created_at < pg_catalog.now() - interval '24 hours');

create function app_hidden.prune_live_events() returns integer
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    with gone as (
      delete from app_private.live_events e
       where e.created_at < pg_catalog.now() - interval '24 hours'
      returning 1
    )
    select count(*)::integer from gone
  $$;
comment on function app_hidden.prune_live_events() is 'Deletes live events older than the 24-hour replay window; returns how many. Safe to call from several processes at once.';
grant execute on function app_hidden.prune_live_events() to ringside_service;
