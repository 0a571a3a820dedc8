// The same fixtures in both databases: 10,000 contacts +32470000000 … +32470009999 (the numbers the
// traffic matches), each with one open case, the n-th opened n seconds ago; nothing else.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { BASE_NUMBER, SEEDED_CONTACTS } from './traffic.ts';

/** The peer's fixed tenant (its webhook has no tenant in the URL: it is TENANT_ID from the environment). */
export const PEER_TENANT_ID = '11111111-2222-4333-8444-555555555555';

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** ringside, already migrated: one tenant (region BE) and its contacts and cases. */
export function seedRingside(ownerUrl: string): Promise<{ id: string; slug: string; webhookSecret: string }> {
  return withClient(ownerUrl, async (client) => {
    const { rows } = await client.query("select * from app_private.create_tenant('Bench Firm', 'bench', 'BE')");
    const tenant = { id: rows[0].id as string, slug: rows[0].slug as string, webhookSecret: rows[0].webhook_secret };
    await client.query('begin');
    await client.query("select set_config('app.current_tenant', $1, true)", [tenant.id]);
    await client.query(
      `with c as (
         insert into app_public.contacts (tenant_id, first_name, last_name, phone_e164)
         select $1, 'Bench', 'Contact ' || n, '+' || ($2::bigint + n) from generate_series(0, $3 - 1) n
         returning id, phone_e164),
       k as (
         insert into app_public.cases (tenant_id, reference, title, status, opened_at)
         select $1, 'B/' || n, 'Bench case ' || n, 'open', now() - make_interval(secs => n) from generate_series(0, $3 - 1) n
         returning id, reference)
       insert into app_public.case_contacts (tenant_id, case_id, contact_id)
       select $1, k.id, c.id from k join c on c.phone_e164 = '+' || ($2::bigint + split_part(k.reference, '/', 2)::int)`,
      [tenant.id, BASE_NUMBER.toString(), SEEDED_CONTACTS],
    );
    await client.query('commit');
    await client.query('analyze');
    return tenant;
  });
}

/** The peer: its schema (fastapi_seed/schema.sql), its tenant, the same contacts and cases. */
export function seedPeer(url: string): Promise<void> {
  const schema = readFileSync(new URL('./fastapi_seed/schema.sql', import.meta.url), 'utf8');
  return withClient(url, async (client) => {
    await client.query(schema);
    await client.query('begin');
    await client.query("insert into tenants (id, name) values ($1, 'Bench tenant')", [PEER_TENANT_ID]);
    await client.query(
      `with c as (
         insert into contacts (tenant_id, name, phone_e164)
         select $1, 'Bench Contact ' || n, '+' || ($2::bigint + n) from generate_series(0, $3 - 1) n
         returning id, phone_e164),
       k as (
         insert into cases (tenant_id, title, status, opened_at)
         select $1, 'Bench case ' || n, 'open', now() - make_interval(secs => n) from generate_series(0, $3 - 1) n
         returning id, title)
       insert into case_contacts (case_id, contact_id)
       select k.id, c.id from k join c on c.phone_e164 = '+' || ($2::bigint + split_part(k.title, ' ', 3)::int)`,
      [PEER_TENANT_ID, BASE_NUMBER.toString(), SEEDED_CONTACTS],
    );
    await client.query('commit');
    await client.query('analyze');
  });
}
