--! Previous: sha1:6092eb4136b4213456a8162af18d7b9ee0910e2e
--! Hash: sha1:84e5b624ec7690d45cc83b28f9ce51cea741517b
--! Message: contact-lookup

-- Why this shape: while the phone rings, Ringover asks who the external number is (Contact Call) and
-- waits for the answer, so it must take one round trip and write nothing. It reuses the rule calls
-- are matched by (app_hidden.match_contact: same contact, same active case, same tie-break), so what
-- Ringover shows the person answering is what the call's entry will say.

create function app_hidden.ringover_contact_lookup(p_tenant_id uuid, p_phone_e164 text)
  returns table (
    contact_id uuid, first_name text, last_name text, display_name text, company text,
    case_id uuid, case_reference text, case_title text, candidates integer, language text
  )
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
begin
  -- Volatile only for this: the tenant is named for the transaction (one statement), as ingestion does.
  perform set_config('app.current_tenant', p_tenant_id::text, true);
  return query
    select c.id, c.first_name, c.last_name, c.display_name, c.company,
           k.id, k.reference, k.title, m.candidates, t.language
    from app_hidden.match_contact(p_phone_e164) m
    join app_public.contacts c on c.tenant_id = p_tenant_id and c.id = m.contact_id
    join app_public.tenants t on t.id = p_tenant_id
    left join app_public.cases k on k.tenant_id = p_tenant_id and k.id = m.case_id;
end
$$;
comment on function app_hidden.ringover_contact_lookup(uuid, text) is
  'Ringover''s Contact Call question: the contact an E.164 number belongs to, with their active case (same rule as calls); no row when unknown. Writes nothing.';
grant execute on function app_hidden.ringover_contact_lookup(uuid, text) to ringside_service;
