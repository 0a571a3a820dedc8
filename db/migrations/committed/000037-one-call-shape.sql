--! Previous: sha1:e24c12580e2ef37bbc3c98adabfe3a9fcc0b8b01
--! Hash: sha1:11b5b64a7044bec53ee5586194b46d55f5165f66
--! Message: one-call-shape

-- Why this shape: a call reached the staff UI in two shapes — the REST list's (call_json:
-- external_number_display, handled_by, the case's status…) and the live stream's (call_summary:
-- number_display, fewer keys) — and the UI translated between them, which is how a live row came to
-- lack what a reloaded one had. The live payload is now the REST list item itself, one definition
-- (app_hidden.call_json, without the detail-only AI results); announce_call_ai adds its statuses on top.

create or replace function app_hidden.call_summary(p_event app_public.interaction_events)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$ select app_hidden.call_json(p_event, false) $$;
comment on function app_hidden.call_summary(app_public.interaction_events) is
  'The live-event payload for a call: exactly a REST call-list item (app_hidden.call_json without the detail-only AI results).';
-- Ingestion, the worker and the backfill (ringside_service) announce calls: they now build the REST shape.
grant execute on function app_hidden.call_json(app_public.interaction_events, boolean) to ringside_service;
