--! Previous: sha1:76e411ee5f37703ec4b59b800f189c21507e5a1d
--! Hash: sha1:6092eb4136b4213456a8162af18d7b9ee0910e2e
--! Message: call-fold-sources

-- Why this shape: a call's entry is still folded from all of its accepted deliveries (000007), and
-- two new kinds of delivery join the fold:
--   - annotations from Ringover's aftercall webhooks (tags_updated, comments_updated, aftercall),
--     stored as '<event>:<digest>' so that staff editing the tags again is a new delivery, not a
--     duplicate. Staff can edit back and forth, so for tags and comments the latest wins (Ringover's
--     timestamp, else arrival), not the most trusted event;
--   - items of Ringover's API v2 (backfill), stored as 'api…' events. The API is a second-hand
--     summary: it ranks below every webhook (webhooks win, the API fills only what is missing), and
--     its event names never count as "answered"/"missed"/… — only the facts it gives do.
-- metadata.sources says where the facts came from: ["webhook"], ["api"] or both.

create or replace function app_hidden.ringover_event_rank(p_event text) returns integer
  language sql immutable parallel safe
  as $$
    select case when p_event like 'api%' then 1000
                else coalesce(array_position(array['hangup', 'voicemail', 'missed', 'answered', 'ringing', 'record_available', 'voicemail_available'],
                                             split_part(p_event, ':', 1)), 99)
           end
  $$;
comment on function app_hidden.ringover_event_rank(text) is 'Which delivery wins when several give the same field: hangup first, ringing last, annotations after, the API (api…) below every webhook.';

create function app_hidden.is_ringover_api_event(p_event text) returns boolean
  language sql immutable parallel safe
  as $$ select p_event like 'api%' $$;
comment on function app_hidden.is_ringover_api_event(text) is 'Whether a delivery came from Ringover''s API (backfill) rather than a webhook.';
grant execute on function app_hidden.is_ringover_api_event(text) to ringside_service;

create or replace function app_hidden.ringover_call_state(p_call_id text)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with deliveries as (
      select d.event, d.facts, d.received_at, coalesce(d.sent_at, d.received_at) as said_at,
             app_hidden.ringover_event_rank(d.event) as rank,
             app_hidden.is_ringover_api_event(d.event) as api
      from app_private.webhook_deliveries d
      where d.tenant_id = app_hidden.current_tenant_id() and d.call_id = p_call_id and d.outcome = 'accepted'
    ),
    -- For each field, the value of the most trusted delivery that gives it (tags and comments: the latest).
    best as (
      select coalesce(jsonb_object_agg(key, value), '{}') as facts
      from (
        select distinct on (f.key) f.key, f.value
        from deliveries d, jsonb_each(d.facts) f
        where f.value <> 'null'::jsonb
        -- Webhooks before the API for every field (an API item's "tags": [] must not erase staff's tags).
        order by f.key, d.api,
                 case when f.key in ('tags', 'comments') then -extract(epoch from d.said_at) end,
                 d.rank, d.received_at
      ) fields
    ),
    -- Fields where every delivery has a say: the webhooks' when they say it, else the API's.
    seen as (
      select coalesce(min((d.facts ->> 'started_at')::timestamptz) filter (where not d.api),
                      min((d.facts ->> 'started_at')::timestamptz)) as started_at,
             coalesce(min((d.facts ->> 'answered_at')::timestamptz) filter (where not d.api),
                      min((d.facts ->> 'answered_at')::timestamptz)) as answered_at,
             coalesce(max((d.facts ->> 'ended_at')::timestamptz) filter (where not d.api),
                      max((d.facts ->> 'ended_at')::timestamptz)) as ended_at,
             coalesce(max((d.facts ->> 'duration_seconds')::integer) filter (where not d.api),
                      max((d.facts ->> 'duration_seconds')::integer)) as duration_seconds,
             -- Event names speak only for webhooks; an API item speaks through its facts.
             bool_or((not d.api and d.event = 'answered') or d.facts ? 'answered_at') as answered,
             bool_or((not d.api and d.event in ('voicemail', 'voicemail_available')) or d.facts ? 'voicemail_url') as voicemail,
             bool_or(not d.api and d.event = 'missed') as missed,
             bool_or((not d.api and d.event in ('hangup', 'missed', 'voicemail')) or d.facts ? 'ended_at') as ended,
             bool_or(not d.api) as from_webhook,
             bool_or(d.api) as from_api,
             min(d.received_at) as first_received_at
      from deliveries d
    )
    select jsonb_strip_nulls(
      best.facts
      || jsonb_build_object(
        'started_at', seen.started_at,
        'answered_at', seen.answered_at,
        'ended_at', seen.ended_at,
        'duration_seconds', coalesce(
          seen.duration_seconds,
          case when seen.answered and seen.answered_at is not null and seen.ended_at is not null
                 then greatest(0, round(extract(epoch from seen.ended_at - seen.answered_at)))::integer
               when seen.ended and not seen.answered then 0
          end),
        'call_type', case when seen.voicemail then 'voicemail'
                          when seen.answered then 'answered'
                          when seen.missed or seen.ended then 'missed'
                     end,
        'status', case when seen.ended or seen.voicemail or seen.missed then 'completed'
                       when seen.answered then 'in_progress'
                       when best.facts ? 'direction' then 'ringing'
                  end,
        'recording_url', coalesce(best.facts ->> 'recording_url', best.facts ->> 'voicemail_url'),
        'occurred_at', coalesce(seen.started_at, seen.answered_at, seen.first_received_at),
        'sources', (select jsonb_agg(s) from unnest(array[case when seen.from_webhook then 'webhook' end,
                                                          case when seen.from_api then 'api' end]) s where s is not null)
      ))
    from best, seen
  $$;
comment on function app_hidden.ringover_call_state(text) is
  'The state of a Ringover call folded from all its accepted deliveries, independent of their arrival order: webhooks before the API, the latest tags and comments, and where the facts came from (sources).';

-- The call history filtered by a tag. app_hidden.list_calls is defined here only, in its final form
-- (every filter of the REST list: the full-text search of 000012, the tags of this migration); 000008
-- and 000012 point here. The call's JSON (tags, comment and sources included) is defined once, in its
-- final form, in 000019 (through the browser allow-list), and the live payload is that JSON (000037).
create function app_hidden.list_calls(
  p_direction text,
  p_call_type text,
  p_contact_id uuid,
  p_case_id uuid,
  p_date_from timestamptz,
  p_date_to timestamptz,
  p_q text,
  p_q_phone text,
  p_tag text,
  p_limit integer,
  p_offset integer
)
  returns table (total bigint, call jsonb)
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with query as (
      select case when p_q is not null then
               websearch_to_tsquery(app_hidden.search_config(
                 (select t.language from app_public.tenants t where t.id = app_hidden.current_tenant_id())), p_q)
             end as tsq
    ),
    -- Calls whose transcript or summary match (no index can serve @@ under row-level security: 000012).
    said as (
      select f.id
      from app_public.interaction_events f, query
      where query.tsq is not null and f.ai_search @@ query.tsq
        and f.tenant_id = app_hidden.current_tenant_id()
    ),
    matching as (
      select e
      from app_public.interaction_events e
      where e.tenant_id = app_hidden.current_tenant_id()
        and e.event_type = 'CALL'
        and (p_direction is null or e.direction = p_direction)
        and (p_call_type is null or e.call_type = p_call_type)
        and (p_contact_id is null or e.contact_id = p_contact_id)
        and (p_case_id is null or e.case_id = p_case_id)
        and (p_date_from is null or e.occurred_at >= p_date_from)
        and (p_date_to is null or e.occurred_at < p_date_to)
        and (p_tag is null or e.metadata -> 'tags' ? p_tag)
        and (p_q is null
             or e.title ilike app_hidden.like_pattern(p_q)
             or e.body ilike app_hidden.like_pattern(p_q)
             or (p_q_phone is not null and e.external_number = p_q_phone)
             or e.id in (select said.id from said))
    )
    select count(*) over (), app_hidden.call_json(m.e, false)
    from matching m
    order by (m.e).occurred_at desc, (m.e).id desc
    limit p_limit offset p_offset
  $$;
comment on function app_hidden.list_calls(text, text, uuid, uuid, timestamptz, timestamptz, text, text, text, integer, integer) is
  'One page of the call history, newest first, with the total count of matching calls. q matches the title, body, number, and (full-text, in the tenant''s language) the transcript and summary; tag keeps the calls carrying that Ringover tag.';
grant execute on function app_hidden.list_calls(text, text, uuid, uuid, timestamptz, timestamptz, text, text, text, integer, integer) to ringside_staff;

-- No GIN index for the tag filter: jsonb's ? is not leakproof, so under row-level security the
-- planner could never use one (see 000012); it would only cost a write per call.
