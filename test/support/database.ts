// A database of its own for one test file, cloned from the migrated template, with the same pools
// the server uses and a few fixture builders. Fixtures are written as the owner with the tenant set:
// row-level security is forced, so a non-superuser owner must name its tenant. A superuser (the
// embedded cluster's owner is one) bypasses row-level security whatever it forces, so isolation is
// tested as the application roles, never through this pool.
import { inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createPools, guardConnections, type DatabasePools } from '../../server/db/pools.ts';
import { inTransaction } from '../../server/db/transactions.ts';

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appPassword: string;
  owner: pg.Pool;
  pools: DatabasePools;
  createTenant(opts?: {
    name?: string;
    slug?: string;
    region?: string;
    /** AI processing (tenant_settings.ai_enabled): on unless a test says otherwise, as the AI tests expect. */
    ai?: boolean;
  }): Promise<{ id: string; slug: string; webhookSecret: string }>;
  createUser(
    tenantId: string,
    opts?: { email?: string; password?: string; role?: string },
  ): Promise<{ id: string; email: string; password: string }>;
  createContact(
    tenantId: string,
    c: { first_name?: string; last_name?: string; company?: string; phone_e164?: string | null; created_at?: string },
  ): Promise<string>;
  createCase(
    tenantId: string,
    c: { reference: string; title?: string; status?: string; opened_at?: string; contactIds?: string[] },
  ): Promise<string>;
  /** Runs SQL as the owner with the tenant set. */
  asOwnerFor<T>(tenantId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const appPassword = inject('appPassword');
  const name = `ringside_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject('templateDatabase')}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const ownerUrl = url.toString();
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 5 });
  // pool.end() resolves before its sessions are gone, and drop() then terminates them (57P01): that
  // error must not be an unhandled 'error' event failing the run.
  guardConnections(owner);
  const pools = createPools(ownerUrl, appPassword);
  let counter = 0;

  const asOwnerFor = <T>(tenantId: string, work: (client: pg.PoolClient) => Promise<T>) =>
    inTransaction(owner, { 'app.current_tenant': tenantId }, work);

  return {
    name,
    ownerUrl,
    appPassword,
    owner,
    pools,
    asOwnerFor,
    async createTenant(opts = {}) {
      counter += 1;
      const slug = opts.slug ?? `firm-${counter}-${randomBytes(3).toString('hex')}`;
      const { rows } = await owner.query('select * from app_private.create_tenant($1, $2, $3, $4)', [
        opts.name ?? `Cabinet ${counter}`,
        slug,
        opts.region ?? 'BE',
        opts.ai ?? true,
      ]);
      return { id: rows[0].id, slug: rows[0].slug, webhookSecret: rows[0].webhook_secret };
    },
    async createUser(tenantId, opts = {}) {
      counter += 1;
      const email = opts.email ?? `user${counter}-${randomBytes(3).toString('hex')}@example.be`;
      const password = opts.password ?? 'correct horse battery';
      const { rows } = await owner.query('select app_private.create_user($1, $2, $3, $4, $5) as id', [
        tenantId,
        email,
        password,
        `User ${counter}`,
        opts.role ?? 'staff',
      ]);
      return { id: rows[0].id, email, password };
    },
    createContact(tenantId, c) {
      return asOwnerFor(tenantId, async (client) => {
        const { rows } = await client.query(
          `insert into app_public.contacts (tenant_id, first_name, last_name, company, phone_e164, created_at)
           values ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now())) returning id`,
          [
            tenantId,
            c.first_name ?? null,
            c.last_name ?? null,
            c.company ?? null,
            c.phone_e164 ?? null,
            c.created_at ?? null,
          ],
        );
        return rows[0].id as string;
      });
    },
    createCase(tenantId, c) {
      return asOwnerFor(tenantId, async (client) => {
        const { rows } = await client.query(
          `insert into app_public.cases (tenant_id, reference, title, status, opened_at)
           values ($1, $2, $3, $4, coalesce($5::timestamptz, now())) returning id`,
          [tenantId, c.reference, c.title ?? `Dossier ${c.reference}`, c.status ?? 'open', c.opened_at ?? null],
        );
        for (const contactId of c.contactIds ?? []) {
          await client.query(
            'insert into app_public.case_contacts (tenant_id, case_id, contact_id) values ($1, $2, $3)',
            [tenantId, rows[0].id, contactId],
          );
        }
        return rows[0].id as string;
      });
    },
    async drop() {
      await pools.close();
      await owner.end();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}
