// graphile-worker keeps its queue in its own schema (graphile_worker), which it creates and upgrades
// with its own migrations. Those run here, as the owner (DATABASE_URL), from migrateDatabase — right
// after our migrations, which create the roles to grant (our triggers look add_job up only when they
// fire) — and never from the runtime role: ringside_service cannot create schemas. After each run the service role is granted what the worker
// and the enqueueing triggers need in that schema. The grants are repeated on every migrate, so the
// objects a newer graphile-worker adds are covered too, and so is the row-level security graphile-worker
// enables on its tables (a policy for the service role). The staff role gets nothing there.
import { runMigrations, Logger } from 'graphile-worker';
import pg from 'pg';

export const WORKER_SCHEMA = 'graphile_worker';

export async function installWorkerSchema(ownerUrl: string): Promise<void> {
  await runMigrations({ connectionString: ownerUrl, schema: WORKER_SCHEMA, logger: silentLogger() });
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`
      grant usage on schema ${WORKER_SCHEMA} to ringside_service;
      grant select, insert, update, delete on all tables in schema ${WORKER_SCHEMA} to ringside_service;
      grant usage, select on all sequences in schema ${WORKER_SCHEMA} to ringside_service;
      grant execute on all functions in schema ${WORKER_SCHEMA} to ringside_service;
      -- graphile-worker enables row-level security on its tables (no policies: owner only). The
      -- queue is not tenant data, and the service role works it as a whole.
      do $$
      declare
        t regclass;
      begin
        for t in select c.oid::regclass from pg_class c
                  where c.relnamespace = '${WORKER_SCHEMA}'::regnamespace and c.relkind = 'r' and c.relrowsecurity
                    and not exists (select from pg_policy p where p.polrelid = c.oid and p.polname = 'ringside_service_works_queue')
        loop
          execute format('create policy ringside_service_works_queue on %s for all to ringside_service using (true) with check (true)', t);
        end loop;
      end
      $$;
    `);
  } finally {
    await client.end();
  }
}

function silentLogger() {
  // graphile-worker logs migrations at info level; migrateDatabase has its own log.
  return new Logger(() => () => {});
}
