--! Previous: sha1:e1423541d08a5e2fe6d8f9c5652281868a8836f9
--! Hash: sha1:e95dfc448a29af43512a17951380074082511824
--! Message: live-reads

-- Why this shape: the live relays (server/live/hub.ts) read the event log in three ways — where each
-- tenant's numbering stands, the events after a stream's position for many tenants at once, and the
-- replay a reconnecting client asked for. Like every other query of the application, they are SQL
-- functions the server calls with parameters, not SQL text assembled in TypeScript. They are small
-- `language sql` functions without a `set` clause so that PostgreSQL inlines them into the calling
-- query: the relay's hot read keeps its plan (the lateral index scan per tenant).

create function app_hidden.live_event_heads(p_tenant_ids uuid[])
  returns table (tenant_id text, last_seq bigint)
  language sql stable
  as $$
    select t.tenant_id::text, coalesce(c.last_seq, 0)::bigint
      from unnest(p_tenant_ids) as t(tenant_id)
      left join app_private.live_event_counters c on c.tenant_id = t.tenant_id
  $$;
comment on function app_hidden.live_event_heads(uuid[]) is 'For each tenant, the number of its last numbered live event (0 when none): where a new stream starts.';

create function app_hidden.live_events_after(p_tenant_ids uuid[], p_after bigint[], p_limit integer)
  returns table (tenant_id text, seq bigint, type text, data text, created_ms float8)
  language sql stable
  as $$
    select t.tenant_id::text, e.seq, e.type, e.payload::text,
           extract(epoch from e.created_at)::float8 * 1000
      from unnest(p_tenant_ids, p_after) as t(tenant_id, after)
      cross join lateral (
        select l.seq, l.type, l.payload, l.created_at from app_private.live_events l
         where l.tenant_id = t.tenant_id and l.seq > t.after
         order by l.seq
         limit p_limit
      ) e
     order by t.tenant_id, e.seq
  $$;
comment on function app_hidden.live_events_after(uuid[], bigint[], integer) is 'The numbered live events of each tenant after its given position, at most p_limit per tenant, in order: one read for every relay channel with work.';

create function app_hidden.live_events_replay(p_tenant_id uuid, p_after bigint, p_until bigint, p_window_hours integer, p_max integer)
  returns table (tenant_id text, seq bigint, type text, data text, created_ms float8)
  language sql stable
  as $$
    select * from (
      select p_tenant_id::text, l.seq, l.type, l.payload::text,
             extract(epoch from l.created_at)::float8 * 1000 as created_ms
        from app_private.live_events l
       where l.tenant_id = p_tenant_id and l.seq > p_after and l.seq <= p_until
         and l.created_at > now() - make_interval(hours => p_window_hours)
       order by l.seq desc
       limit p_max
    ) recent order by seq
  $$;
comment on function app_hidden.live_events_replay(uuid, bigint, bigint, integer, integer) is 'What a reconnecting client missed: the tenant''s events after p_after up to p_until, within the replay window, the most recent p_max of them, in order.';

grant execute on function app_hidden.live_event_heads(uuid[]),
  app_hidden.live_events_after(uuid[], bigint[], integer),
  app_hidden.live_events_replay(uuid, bigint, bigint, integer, integer) to ringside_service;
