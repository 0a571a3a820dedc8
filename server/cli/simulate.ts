// npm run simulate -- [--url U] [--tenant T] [--calls N] [--rate R] [--secret S]
// Plays realistic Ringover call lifecycles against a running server, signed as Ringover signs them:
// ringing → answered → hangup → record_available, some missed, some voicemail, some outbound,
// now and then a retry (attempt 2) or a delivery out of order. Lifecycles are compressed in time.
import { parseArgs } from 'node:util';
import { randomInt, randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { readRuntime } from '../db/local.ts';
import { signHmac } from '../webhooks/signature.ts';
import { DEMO_TENANT_SLUG } from '../demo/seed.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' }, tenant: { type: 'string' }, calls: { type: 'string' }, rate: { type: 'string' }, secret: { type: 'string' },
  },
});
const config = loadConfig();
const runtime = readRuntime(config.DATA_DIR);
const baseUrl = (values.url ?? runtime?.serverUrl ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
const tenantKey = values.tenant ?? DEMO_TENANT_SLUG;
const calls = Number(values.calls ?? 5);
const rate = Number(values.rate ?? 1);
if (!(Number.isInteger(calls) && calls > 0) || !(rate > 0)) {
  console.error('--calls must be a positive integer and --rate a positive number (calls per second)');
  process.exit(2);
}

async function findSecret(): Promise<string> {
  if (values.secret) return values.secret;
  if (config.RINGOVER_WEBHOOK_SECRET) return config.RINGOVER_WEBHOOK_SECRET;
  const ownerUrl = config.DATABASE_URL ?? runtime?.ownerUrl;
  if (!ownerUrl) throw new Error('no webhook secret: pass --secret, or start the server with npm start first');
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select s.webhook_secret from app_public.tenants t join app_private.tenant_secrets s on s.tenant_id = t.id
       where t.slug = $1::citext or t.id::text = $1`, [tenantKey]);
    if (!rows[0]) throw new Error(`no tenant "${tenantKey}"`);
    return rows[0].webhook_secret;
  } finally {
    await client.end();
  }
}

// Ringover writes numbers as bare international digits.
const KNOWN = ['32470123456', '32478987654', '33612345678', '3226471234', '32495112233'];
const FIRM = '3222345678';
const unknownNumber = () => `32${randomInt(470, 499)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lifecycle(callId: string) {
  const kind = ['answered', 'answered', 'answered', 'missed', 'voicemail', 'outbound'][randomInt(0, 6)]!;
  const external = randomInt(0, 10) < 7 ? KNOWN[randomInt(0, KNOWN.length)]! : unknownNumber();
  const outbound = kind === 'outbound';
  const start = Date.now() / 1000;
  const talk = randomInt(20, 400);
  const base = {
    call_id: callId, id: randomUUID(), channel_id: String(randomInt(10000, 99999)), start_time: start,
    direction: outbound ? 'outbound' : 'inbound', from_number: outbound ? FIRM : external, to_number: outbound ? external : FIRM,
    is_internal: false, is_anonymous: false, is_ivr: false,
    user: { user_id: '120034', firstname: 'Claire', lastname: 'Martin', email: 'demo@ringside.local' },
  };
  const call = (event: string, data: object) => ({ resource: 'call', event, timestamp: Date.now() / 1000, attempt: 1, data: { ...base, ...data } });
  const after = (event: string, data: object) => ({ resource: 'aftercall', event, timestamp: Date.now() / 1000, attempt: 1, data: { call_id: callId, ...data } });
  const recording = `${baseUrl}/demo-recordings/${callId}.mp3`;
  switch (kind) {
    case 'missed':
      return [call('ringing', { status: 'ringing' }), call('missed', { hangup_time: start + 25, status: 'missed', reason: 'no_answer' })];
    case 'voicemail':
      return [call('ringing', {}), call('voicemail', { hangup_time: start + 60, duration_in_seconds: 40 }), after('voicemail_available', { voicemail_link: recording, voicemail_duration: 40 })];
    default:
      return [
        call('ringing', {}),
        call('answered', { answered_time: start + 5 }),
        call('hangup', { answered_time: start + 5, hangup_time: start + 5 + talk, duration_in_seconds: talk, record: null }),
        after('record_available', { record_link: recording, record_duration: talk }),
      ];
  }
}

async function send(secret: string, delivery: object): Promise<string> {
  const body = JSON.stringify(delivery);
  const res = await fetch(`${baseUrl}/api/v1/webhooks/ringover/${encodeURIComponent(tenantKey)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ringover-signature': signHmac(secret, Buffer.from(body)) },
    body,
  });
  return `${res.status} ${(await res.text()).slice(0, 200)}`;
}

const secret = await findSecret();
console.error(`simulating ${calls} call(s) at ${rate}/s against ${baseUrl} (tenant ${tenantKey})`);
const running: Promise<void>[] = [];
for (let i = 0; i < calls; i++) {
  const callId = String(6_000_000_000 + randomInt(0, 999_999_999));
  running.push((async () => {
    const deliveries = lifecycle(callId);
    // Now and then Ringover delivers the last two out of order, or retries one.
    if (deliveries.length > 2 && randomInt(0, 5) === 0) deliveries.push(...deliveries.splice(-2, 1));
    if (randomInt(0, 4) === 0) deliveries.push({ ...deliveries[0]!, attempt: 2 });
    for (const delivery of deliveries) {
      const answer = await send(secret, delivery);
      console.log(`${callId} ${(delivery as { event: string }).event.padEnd(19)} → ${answer}`);
      await sleep(randomInt(300, 1200));
    }
  })());
  await sleep(1000 / rate);
}
await Promise.all(running);
