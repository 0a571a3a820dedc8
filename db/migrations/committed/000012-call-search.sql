--! Previous: sha1:a72b429b828e0a3146a02fc13da2665918e96d2a
--! Hash: sha1:57ea50651b90a7b8335a86c0683ac7f3bcc3d98a
--! Message: call-search

-- Why this shape: staff search the call history for what was said ("succession", "acte"), so the
-- transcript and the summary are searched with PostgreSQL full-text search in the tenant's language
-- (French stemming for French firms: "rappeler" finds "rappelle").
-- The document is a stored generated column, computed when the worker writes the AI keys, with the
-- text-search configuration of the language the worker recorded (metadata.ai_language), and a GIN
-- index. The call history's q (app_hidden.list_calls, 000014) matches the title, body and number,
-- and through this document the transcript and summary.

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

-- No index on it: staff read calls under forced row-level security, which never lets the planner use
-- an index on a condition whose operator is not leakproof (@@ is not), so a GIN index here would be
-- written on every change of a call and read by nobody (checked with EXPLAIN as the staff role). The
-- search reads the tenant's calls through the tenant index and matches each.
