--! Previous: sha1:baf1a49e39db6e2d47e7b10776bf42e37268a282
--! Hash: sha1:405cb7f717d61b01d2321cfa7d20166901c7a423
--! Message: callback-stats

-- Why this shape: how fast a firm calls back is the figure that says whether missed calls are
-- handled. The stats endpoint (GET /api/v1/ringover/stats, app_hidden.call_stats) gains a `callbacks`
-- object: open callbacks now, and per staff member (the callback's assignee; null is the queue) the
-- median and 90th percentile of the delay from the first missed call to the answered call that
-- closed it (or to when staff marked it done), over callbacks whose first missed call is in the period.

create function app_hidden.callback_stats(p_date_from timestamptz, p_date_to timestamptz)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    with done as (
      select t.assignee_id,
             extract(epoch from coalesce(e.occurred_at, t.completed_at) - t.callback_since) / 60.0 as delay_minutes
        from app_public.tasks t
        left join app_public.interaction_events e on e.tenant_id = t.tenant_id and e.id = t.closed_by_event_id
       where t.tenant_id = app_hidden.current_tenant_id() and t.source = 'callback' and t.status = 'done'
         and (p_date_from is null or t.callback_since >= p_date_from)
         and (p_date_to is null or t.callback_since < p_date_to)
    ), per_staff as (
      select d.assignee_id, count(*) as closed,
             percentile_cont(0.5) within group (order by d.delay_minutes) as median,
             percentile_cont(0.9) within group (order by d.delay_minutes) as p90
        from done d group by d.assignee_id
    )
    select jsonb_build_object(
      'open', (select count(*) from app_public.tasks t
                where t.tenant_id = app_hidden.current_tenant_id() and t.source = 'callback' and t.status = 'open'),
      'overdue', (select count(*) from app_public.tasks t
                   where t.tenant_id = app_hidden.current_tenant_id() and t.source = 'callback' and t.status = 'open'
                     and t.due_at < pg_catalog.now()),
      'per_staff', coalesce((
        select jsonb_agg(jsonb_build_object(
                 'user_id', p.assignee_id,
                 'name', u.display_name,
                 'closed', p.closed,
                 'median_delay_minutes', round(p.median::numeric, 1),
                 'p90_delay_minutes', round(p.p90::numeric, 1)) order by u.display_name nulls last)
          from per_staff p
          left join app_public.users u on u.tenant_id = app_hidden.current_tenant_id() and u.id = p.assignee_id), '[]'))
  $$;
comment on function app_hidden.callback_stats(timestamptz, timestamptz) is
  'Open and overdue callbacks, and per assignee the median and p90 delay (minutes) from the first missed call to the callback, for callbacks that started in the period.';
grant execute on function app_hidden.callback_stats(timestamptz, timestamptz) to ringside_staff;

create function app_hidden.call_stats(p_date_from timestamptz, p_date_to timestamptz)
  returns jsonb
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select jsonb_build_object(
      'total', count(*),
      'by_type', jsonb_build_object(
        'answered', count(*) filter (where e.call_type = 'answered'),
        'missed', count(*) filter (where e.call_type = 'missed'),
        'voicemail', count(*) filter (where e.call_type = 'voicemail')),
      'by_direction', jsonb_build_object(
        'inbound', count(*) filter (where e.direction = 'inbound'),
        'outbound', count(*) filter (where e.direction = 'outbound')),
      -- Of the inbound calls that ended, the share someone picked up.
      'answer_rate', round(
        (count(*) filter (where e.direction = 'inbound' and e.call_type = 'answered'))::numeric
        / nullif(count(*) filter (where e.direction = 'inbound' and e.call_type is not null), 0), 4),
      'total_duration_seconds', coalesce(sum(e.duration_seconds), 0),
      'average_duration_seconds', round(avg(e.duration_seconds) filter (where e.call_type = 'answered'), 1),
      'sentiment', jsonb_build_object(
        'positive', count(*) filter (where e.metadata ->> 'sentiment_label' = 'positive'),
        'neutral', count(*) filter (where e.metadata ->> 'sentiment_label' = 'neutral'),
        'negative', count(*) filter (where e.metadata ->> 'sentiment_label' = 'negative'),
        'average_score', round(avg((e.metadata ->> 'sentiment_score')::numeric), 3)),
      'callbacks', app_hidden.callback_stats(p_date_from, p_date_to)
    )
    from app_public.interaction_events e
    where e.tenant_id = app_hidden.current_tenant_id()
      and e.event_type = 'CALL'
      and (p_date_from is null or e.occurred_at >= p_date_from)
      and (p_date_to is null or e.occurred_at < p_date_to)
  $$;
comment on function app_hidden.call_stats(timestamptz, timestamptz) is 'Counts by type and direction, inbound answer rate, durations, sentiment and callbacks (open, delays per staff member) over a period.';
grant execute on function app_hidden.call_stats(timestamptz, timestamptz) to ringside_staff;
