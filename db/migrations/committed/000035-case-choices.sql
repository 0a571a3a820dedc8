--! Previous: sha1:14ffb1ef0e19884ebb7164a7a018b741ae1ce217
--! Hash: sha1:d2f020d7bb28f78f88968c288c069112a4a90f56
--! Message: case-choices

-- Why this shape: the "file this call in a case" picker must put the right case within reach and
-- the wrong ones out of the way: the cases of the call's own contact first, then the firm's active
-- cases, closed ones last; searched by reference or title whatever the accents and case ("wegimont"
-- finds "Wégimont"). unaccent is a trusted contrib extension; like pgcrypto and citext it lives in
-- public, and our functions call it schema-qualified.

create extension if not exists unaccent with schema public;
-- Our roles get no function by default (000001 revokes execute from public): grant the one we call.
grant execute on function public.unaccent(regdictionary, text) to ringside_staff, ringside_service;

create function app_hidden.fold_text(p_text text) returns text
  language sql stable parallel safe
  set search_path = pg_catalog, pg_temp
  -- The two-argument form names its dictionary: the one-argument form looks it up on the
  -- search_path, which is pinned here and would not find it.
  as $$ select lower(public.unaccent('public.unaccent'::regdictionary, coalesce(p_text, ''))) $$;
comment on function app_hidden.fold_text(text) is 'Text folded for search: lower case, without accents ("Wégimont" → "wegimont"). Stable because unaccent reads its dictionary.';
grant execute on function app_hidden.fold_text(text) to ringside_staff, ringside_service;

create function app_public.case_choices(call_id uuid, query text default '') returns setof app_public.cases
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with call as (
      select e.contact_id from app_public.interaction_events e
       where e.tenant_id = app_hidden.current_tenant_id() and e.id = case_choices.call_id
    ), folded as (
      select app_hidden.like_pattern(app_hidden.fold_text(btrim(coalesce(case_choices.query, '')))) as pattern
    )
    select k.* from app_public.cases k, folded
     where k.tenant_id = app_hidden.current_tenant_id()
       and (app_hidden.fold_text(k.reference) like folded.pattern or app_hidden.fold_text(k.title) like folded.pattern)
     order by exists (select 1 from app_public.case_contacts cc, call
                       where cc.tenant_id = k.tenant_id and cc.case_id = k.id and cc.contact_id = call.contact_id) desc,
              k.status = 'closed',
              k.opened_at desc,
              k.id
  $$;
comment on function app_public.case_choices(uuid, text) is
  E'@sortable false\nThe cases a call can be filed in, best first: the call''s contact''s cases, then active cases, closed ones last (newest first within each); filtered by reference or title, ignoring accents and case.';
grant execute on function app_public.case_choices(uuid, text) to ringside_staff;
