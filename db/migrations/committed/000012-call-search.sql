--! Previous: sha1:92a2a389ddc207658fd335ee0dd131fa6d4b2852
--! Hash: sha1:2afbdf8c1f8c48f7c6a835fac9e238536f78d467
--! Message: call-search

-- Why this shape: staff search the call history for what was said ("succession", "acte"), so the
-- transcript and the summary are searched with PostgreSQL full-text search in the tenant's language
-- (French stemming for French firms: "rappeler" finds "rappelle").
-- The document is a stored generated column, computed when the worker writes the AI keys, with the
-- text-search configuration of the language the worker recorded (metadata.ai_language), and a GIN
-- index. list_calls keeps its signature: q still matches the title, body and number as before, and
-- now also the transcript and summary.

create function app_hidden.search_config(p_language text) returns regconfig
  language sql immutable parallel safe
  set search_path = pg_catalog, pg_temp
  as $$
    select case p_language
             when 'fr' then 'pg_catalog.french'::regconfig
             when 'nl' then 'pg_catalog.dutch'::regconfig
             when 'de' then 'pg_catalog.german'::regconfig
             when 'en' then 'pg_catalog.english'::regconfig
             else 'pg_catalog.simple'::regconfig
           end
  $$;
comment on function app_hidden.search_config(text) is 'The text-search configuration of a tenant language (fr: french, nl: dutch, de: german, en: english; else simple).';
grant execute on function app_hidden.search_config(text) to ringside_staff, ringside_service;

alter table app_public.interaction_events
  add column ai_search tsvector generated always as (
    setweight(to_tsvector(app_hidden.search_config(metadata ->> 'ai_language'), coalesce(metadata ->> 'ai_summary', '')), 'A')
    || setweight(to_tsvector(app_hidden.search_config(metadata ->> 'ai_language'), coalesce(metadata ->> 'transcript', '')), 'B')
  ) stored;
comment on column app_public.interaction_events.ai_search is E'@behavior -*\nFull-text document of the call''s AI summary and transcript, in its language (internal, for search).';

create index interaction_events_ai_search_idx on app_public.interaction_events using gin (ai_search);

create or replace function app_hidden.list_calls(
  p_direction text,
  p_call_type text,
  p_contact_id uuid,
  p_case_id uuid,
  p_date_from timestamptz,
  p_date_to timestamptz,
  p_q text,
  p_q_phone text,
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
    -- Calls whose transcript or summary match: found through the GIN index.
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
        and (p_q is null
             or e.title ilike app_hidden.like_pattern(p_q)
             or e.body ilike app_hidden.like_pattern(p_q)
             or (p_q_phone is not null and e.metadata ->> 'external_number' = p_q_phone)
             or e.id in (select said.id from said))
    )
    select count(*) over (), app_hidden.call_json(m.e, false)
    from matching m
    order by (m.e).occurred_at desc, (m.e).id desc
    limit p_limit offset p_offset
  $$;
comment on function app_hidden.list_calls(text, text, uuid, uuid, timestamptz, timestamptz, text, text, integer, integer) is
  'One page of the call history, newest first, with the total count of matching calls. q matches the title, body, number, and (full-text, in the tenant''s language) the transcript and summary.';
