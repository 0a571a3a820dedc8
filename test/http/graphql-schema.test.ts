import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { SCHEMA_SDL_FILE, servedSchemaSDL } from '../../server/graphql/sdl.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
});

afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('the committed GraphQL schema (db/schema.graphql)', () => {
  it('is the schema /graphql serves over the migrated database', async () => {
    const served = await servedSchemaSDL(server.graphql);
    const committed = readFileSync(SCHEMA_SDL_FILE, 'utf8');
    // Compared line by line, so that a failure shows the lines that differ.
    expect(
      committed.split('\n'),
      'db/schema.graphql differs from the schema PostGraphile builds: run `npm run db:schema` and commit it',
    ).toEqual(served.split('\n'));
  });

  it('documents the API from the database comments and keeps secrets out of it', () => {
    const committed = readFileSync(SCHEMA_SDL_FILE, 'utf8');
    expect(committed).toContain('A firm using ringside.');
    for (const hidden of ['webhookSecret', 'passwordHash', 'recordingUrl', 'LiveEvent'])
      expect(committed, hidden).not.toMatch(new RegExp(`\\b${hidden}\\b`));
  });
});
