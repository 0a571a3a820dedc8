// Applies db/migrations with graphile-migrate, then gives the runtime login roles their password.
// Migrations are idempotent to run: graphile-migrate records what it applied and takes an advisory
// lock, so several instances starting together migrate once.
import { migrate, Logger } from 'graphile-migrate';
// graphile-migrate keeps its pool 200 ms after use, and exits the process (exit 1) on any error of
// that pool: a database that stops or restarts within those 200 ms would kill us. We end it at once.
import { clearAllPools } from 'graphile-migrate/dist/pgReal.js';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { installWorkerSchema } from '../worker/schema.ts';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../db/migrations', import.meta.url));
const LOGIN_ROLES = ['ringside_service', 'ringside_authenticator'] as const;
export type LoginRole = (typeof LOGIN_ROLES)[number];

export async function migrateDatabase(
  ownerUrl: string,
  appPassword: string,
  log: (message: string) => void = () => {},
): Promise<void> {
  try {
    await migrate({
      connectionString: ownerUrl,
      migrationsFolder: MIGRATIONS_FOLDER,
      logger: new Logger(() => (level, message) => log(`[${level}] ${message}`)),
    });
  } finally {
    clearAllPools();
  }
  // graphile-worker's queue, which our triggers add jobs to (see server/worker/schema.ts).
  await installWorkerSchema(ownerUrl);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    for (const role of LOGIN_ROLES) {
      // DDL takes no bind parameters; escapeLiteral is the driver's quoting for exactly this.
      await client.query(`alter role ${role} password ${client.escapeLiteral(appPassword)}`);
    }
  } finally {
    await client.end();
  }
}

/** The URL a runtime role connects with: the owner's host, port and database, the role's name. */
export function roleUrl(ownerUrl: string, role: LoginRole, password: string): string {
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}
