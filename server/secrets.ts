// Secrets a newcomer should not have to invent: generated once and kept under the data directory
// (.data/secrets.json, mode 0600) unless given by the environment.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  if (stored.jwtSecret !== secrets.jwtSecret || stored.appPassword !== secrets.appPassword) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return { jwtSecret: given.jwtSecret ?? secrets.jwtSecret, appPassword: given.appPassword ?? secrets.appPassword };
}
