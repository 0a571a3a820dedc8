import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('migrations', () => {
  it('create our schemas (the three of the data model, and app_limits for the shared rate-limit counters) and nothing of ours in public', async () => {
    const { rows } = await db.owner.query(`select nspname from pg_namespace where nspname like 'app_%' order by 1`);
    expect(rows.map((r) => r.nspname)).toEqual(['app_hidden', 'app_limits', 'app_private', 'app_public']);
    const ours = await db.owner.query(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'v', 'm') `,
    );
    expect(ours.rows).toEqual([]);
  });
});
