--! Previous: sha1:11b5b64a7044bec53ee5586194b46d55f5165f66
--! Hash: sha1:a89257c1e538d313f91d0080aa2723b84a05cc16
--! Message: contact-search

-- Why this shape: staff search contacts the way they say them: "DUPONT marie" (words in any order,
-- any case), "wegimont" for "Wégimont", part of a number as they read it from a screen ("0470",
-- "+32 470"). One function, called by GraphQL's searchContacts, with row-level security applying
-- (security invoker). The whole number in any form is normalized by the server (libphonenumber)
-- and matched exactly; a part of a number is matched on the digits of E.164.

create function app_hidden.search_contacts(p_query text, p_e164 text, p_limit integer)
  returns setof uuid
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with q as (
      select regexp_split_to_array(app_hidden.fold_text(btrim(p_query)), '\s+') as words,
             -- The digits someone typed, without the trunk "0" or the international "00": "0470" → "470".
             case when btrim(p_query) ~ '^[+0-9 ./()-]+$' and length(regexp_replace(p_query, '\D', '', 'g')) >= 3
                  then regexp_replace(regexp_replace(p_query, '\D', '', 'g'), '^0{1,2}', '') end as digits
    )
    select c.id from app_public.contacts c, q
     where c.tenant_id = app_hidden.current_tenant_id()
       and btrim(p_query) <> ''
       and (
         (p_e164 is not null and c.phone_e164 = p_e164)
         or (q.digits is not null and q.digits <> '' and c.phone_e164 like '%' || q.digits || '%')
         or (select bool_and(app_hidden.fold_text(concat_ws(' ', c.display_name, c.company, c.email::text))
                               like app_hidden.like_pattern(w))
               from unnest(q.words) w where w <> '')
       )
     order by (p_e164 is not null and c.phone_e164 = p_e164) desc, lower(c.display_name), c.id
     limit greatest(1, least(coalesce(p_limit, 50), 200))
  $$;
comment on function app_hidden.search_contacts(text, text, integer) is
  'Contacts matching a search: every word in the name, company or e-mail (accents and case ignored), the whole number (p_e164, normalized by the caller) or part of its digits. Row-level security applies.';
grant execute on function app_hidden.search_contacts(text, text, integer) to ringside_staff;
