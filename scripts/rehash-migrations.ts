// Bootstrap tool, only while nothing is deployed: recomputes graphile-migrate's hash headers after a
// committed migration was edited by hand. Once a database outside your machine has run a migration,
// never edit it: write db/migrations/current.sql and `npx graphile-migrate commit` instead (.gmrc).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { calculateHash } = require('graphile-migrate/dist/hash') as {
  calculateHash: (body: string, previous: string | null) => string;
};
const { parseMigrationText, serializeMigration } = require('graphile-migrate/dist/migration') as {
  parseMigrationText: (
    path: string,
    text: string,
    strict: boolean,
  ) => { headers: Record<string, string | null>; body: string };
  serializeMigration: (body: string, headers: Record<string, string | null>) => string;
};

const folder = join(import.meta.dirname, '..', 'db', 'migrations', 'committed');
let previous: string | null = null;
for (const file of readdirSync(folder)
  .filter((f) => /^\d+(-[-_a-zA-Z0-9]*)?\.sql$/.test(f))
  .sort()) {
  const path = join(folder, file);
  const { headers, body } = parseMigrationText(path, readFileSync(path, 'utf8'), false);
  const hash = calculateHash(body, previous);
  const text = serializeMigration(body, {
    Previous: previous ?? '-',
    Hash: hash,
    Message: headers.Message ?? file.replace(/^\d+-?|\.sql$/g, ''),
  });
  writeFileSync(path, text);
  console.log(`${file}  ${hash}`);
  previous = hash;
}
