--! Previous: sha1:c3d936d0dde7f853a6b1e7619d2ac7236f475f92
--! Hash: sha1:e1423541d08a5e2fe6d8f9c5652281868a8836f9
--! Message: title-languages

-- Why this shape: a firm's timeline speaks its language (tenants.language: fr, nl, de, en). The title
-- and body functions knew only French and English, so Dutch- and German-speaking firms got French
-- titles. Same signatures, same immutability: ingestion (000007) calls them unchanged, and every title
-- written from now on is in the firm's language. Titles already written stay as they were.

create or replace function app_hidden.call_title(p_call_type text, p_direction text, p_who text, p_language text)
  returns text
  language sql immutable parallel safe
  as $$
    select case
             when p_call_type = 'voicemail' then
               case p_language when 'en' then 'Voicemail' when 'nl' then 'Voicemail' when 'de' then 'Sprachnachricht' else 'Messagerie vocale' end
             when p_direction = 'outbound' then
               case p_language when 'en' then '📞 Outgoing call' when 'nl' then '📞 Uitgaande oproep' when 'de' then '📞 Ausgehender Anruf' else '📞 Appel sortant' end
             when p_call_type = 'missed' then
               case p_language when 'en' then 'Missed call' when 'nl' then 'Gemiste oproep' when 'de' then 'Verpasster Anruf' else 'Appel manqué' end
             when p_direction = 'inbound' then
               case p_language when 'en' then '📞 Incoming call' when 'nl' then '📞 Inkomende oproep' when 'de' then '📞 Eingehender Anruf' else '📞 Appel entrant' end
             else
               case p_language when 'en' then '📞 Call' when 'nl' then '📞 Oproep' when 'de' then '📞 Anruf' else '📞 Appel' end
           end
           || coalesce(' - ' || p_who, '')
  $$;
comment on function app_hidden.call_title(text, text, text, text) is 'The timeline title of a call in the firm''s language (fr, nl, de, en), e.g. "📞 Appel entrant - Marie Dupont".';

create or replace function app_hidden.call_body(p_state jsonb, p_case_reference text, p_language text)
  returns text
  language sql immutable parallel safe
  as $$
    select nullif(concat_ws(' · ',
      case when (p_state ->> 'duration_seconds')::integer > 0 then
        case p_language when 'en' then 'Duration ' when 'nl' then 'Duur ' when 'de' then 'Dauer ' else 'Durée ' end
        || case when (p_state ->> 'duration_seconds')::integer >= 60
                  then ((p_state ->> 'duration_seconds')::integer / 60) || ' min ' else '' end
        || ((p_state ->> 'duration_seconds')::integer % 60) || ' s'
      end,
      case when p_state #>> '{ringover_user,name}' is not null then
        case p_language when 'en' then 'Handled by ' when 'nl' then 'Behandeld door ' when 'de' then 'Angenommen von ' else 'Pris par ' end
        || (p_state #>> '{ringover_user,name}')
      end,
      case when p_case_reference is not null then
        case p_language when 'en' then 'Case ' when 'nl' then 'Dossier ' when 'de' then 'Akte ' else 'Dossier ' end || p_case_reference
      end
    ), '')
  $$;
comment on function app_hidden.call_body(jsonb, text, text) is 'A one-line description of a call in the firm''s language: duration, who took it, which case.';
