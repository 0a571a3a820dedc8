// Secrets a newcomer should not have to invent: generated once and kept under the data directory
// (.data/secrets.json, mode 0600) unless given by the environment.
// The file is made 0600 even when it already existed (an older version wrote it world-readable by
// umask). The data directory itself is made 0700, except when running as root: the embedded
// PostgreSQL then runs as a separate system user (server/db/embedded.ts) that must reach .data/pg.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  jwtSecret: string;
  appPassword: string;
}

export function localSecrets(dataDir: string, given: { jwtSecret?: string; appPassword?: string }): LocalSecrets {
  const path = join(dataDir, 'secrets.json');
  const stored: Partial<LocalSecrets> = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  const secrets = {
    jwtSecret: stored.jwtSecret ?? randomBytes(32).toString('hex'),
    appPassword: stored.appPassword ?? randomBytes(18).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() !== 0) chmodSync(dataDir, 0o700);
  if (stored.jwtSecret !== secrets.jwtSecret || stored.appPassword !== secrets.appPassword) {
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  chmodSync(path, 0o600);
  return { jwtSecret: given.jwtSecret ?? secrets.jwtSecret, appPassword: given.appPassword ?? secrets.appPassword };
}
