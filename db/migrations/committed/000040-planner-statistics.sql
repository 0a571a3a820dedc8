--! Previous: sha1:dfa40530891227b98065c238330c519cd766570b
--! Hash: sha1:8df41288656c26ea82d91c0592f87dba2a6947c9
--! Message: planner-statistics

-- Why this shape: until ANALYZE has seen a table, PostgreSQL assumes that an equality on any column
-- keeps 0.5 % of its rows. For tenant_id, the first condition of every query under row-level
-- security, that is wrong in the one way that hurts: with a few hundred rows, the planner finds
-- "this tenant's rows, newest first" (the timeline index) as cheap as "this tenant's call N" (the
-- key), and picks it. The webhook path keeps its plans per connection (generic plans, 000007), so a
-- plan made in a fresh database's first seconds is kept until autovacuum first analyzes the table,
-- which was two minutes after start on the benchmark's cluster (measured: the call lookup read 1,333
-- blocks instead of 3, and a webhook cost 5.8 ms of CPU instead of 3.1).
--
-- So a table that has never been analyzed is told what ANALYZE will find: tenant_id has few distinct
-- values (one, the worst case for a plan). The first real ANALYZE replaces it. Tables added later on
-- the webhook path call app_private.state_tenant_statistics() in their migration.

create function app_private.state_tenant_statistics()
  returns void
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$
declare
  v_table record;
begin
  -- pg_restore_attribute_stats arrived in PostgreSQL 18; before it, plans wait for autovacuum.
  if not exists (select from pg_proc where proname = 'pg_restore_attribute_stats') then
    return;
  end if;
  for v_table in
    select n.nspname, c.relname
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where n.nspname in ('app_public', 'app_private') and c.relkind = 'r'
       and not exists (select from pg_stats s where s.schemaname = n.nspname and s.tablename = c.relname and s.attname = 'tenant_id')
  loop
    perform pg_restore_attribute_stats(
      'schemaname', v_table.nspname::text, 'relname', v_table.relname::text, 'attname', 'tenant_id'::text,
      'inherited', false, 'null_frac', 0::real, 'avg_width', 16, 'n_distinct', 1::real);
  end loop;
end
$$;
comment on function app_private.state_tenant_statistics() is
  'Tells the planner, for every tenant-scoped table never analyzed, that tenant_id has few distinct values (until ANALYZE says what it really has).';

select app_private.state_tenant_statistics();
