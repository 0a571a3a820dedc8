--! Previous: sha1:7207f36f4e71813f3527f928beccc77e256a7b83
--! Hash: sha1:95ded5037567749885a84b0751626fd28096b8ef
--! Message: matching

-- Why this shape: the two rules that decide where a call lands, each a small function that can be
-- read, tested and explained on its own.
--   1. A number matches the tenant's contacts with that E.164 number. Several contacts may share one
--      (a switchboard, a couple); the choice must not depend on chance, so it is ordered: the contact
--      with the most recently opened active case, then the oldest contact, then the smallest id.
--      The caller learns how many matched, so the entry can say the match was ambiguous.
--   2. A contact's active case is their most recently opened case whose status is open or in_progress.

-- The rule itself, as a one-row set: joined laterally by match_contact (a LIMIT keeps the planner
-- from flattening it into a hash of every case), and behind active_case_for_contact.
create function app_hidden.active_case(p_contact_id uuid)
  returns table (id uuid, opened_at timestamptz)
  language sql stable parallel safe
  as $$
    select c.id, c.opened_at
    from app_public.case_contacts cc
    join app_public.cases c on c.tenant_id = cc.tenant_id and c.id = cc.case_id
    where cc.tenant_id = app_hidden.current_tenant_id()
      and cc.contact_id = p_contact_id
      and c.status in ('open', 'in_progress')
    order by c.opened_at desc, c.id desc
    limit 1
  $$;
comment on function app_hidden.active_case(uuid) is 'The contact''s active case (most recently opened, status open or in_progress) with its opening time; no row when there is none.';
grant execute on function app_hidden.active_case(uuid) to ringside_staff, ringside_service;

create function app_hidden.active_case_for_contact(p_contact_id uuid)
  returns uuid
  language sql stable parallel safe
  as $$ select a.id from app_hidden.active_case(p_contact_id) a $$;
comment on function app_hidden.active_case_for_contact(uuid) is 'The contact''s most recently opened case with status open or in_progress, or null.';
grant execute on function app_hidden.active_case_for_contact(uuid) to ringside_staff, ringside_service;

create function app_hidden.match_contact(p_phone_e164 text)
  returns table (contact_id uuid, case_id uuid, candidates integer)
  language sql stable parallel safe
  as $$
    select ct.id, active.id, (count(*) over ())::integer
    from app_public.contacts ct
    left join lateral app_hidden.active_case(ct.id) active on true
    where ct.tenant_id = app_hidden.current_tenant_id()
      and ct.phone_e164 = p_phone_e164
    order by active.opened_at desc nulls last, ct.created_at, ct.id
    limit 1
  $$;
comment on function app_hidden.match_contact(text) is 'The contact a number belongs to, their active case, and how many contacts share the number (more than 1 = ambiguous).';
grant execute on function app_hidden.match_contact(text) to ringside_staff, ringside_service;
