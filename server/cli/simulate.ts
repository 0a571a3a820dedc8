// npm run simulate -- [--url U] [--tenant T] [--calls N] [--rate R] [--secret S] [--format ringover|compact]
// Plays realistic Ringover call lifecycles against a running server. By default exactly as Ringover
// sends them (--format ringover): 19/20-digit call and channel ids as bare JSON numbers, its JWT
// (HS512, claims {url, payload}) in X-Ringover-Webhook-Signature, unset times as 0, durations as
// strings ("2:34", "41s"), the recording behind private_record_link, tags and a comment added after
// some calls. --format compact sends the architecture document's compact form, HMAC-signed.
// ringing → answered → hangup → record_available, some missed, some voicemail, some outbound, now
// and then a retry (attempt 2) or a delivery out of order. Lifecycles are compressed in time.
import { parseArgs } from 'node:util';
import { randomInt, randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { readRuntime } from '../db/local.ts';
import { signHmac, signRingoverJwt } from '../webhooks/signature.ts';
import { bareNumber, randomRingoverId } from '../webhooks/ringover-wire.ts';
import { DEMO_TENANT_SLUG } from '../demo/seed.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    tenant: { type: 'string' },
    calls: { type: 'string' },
    rate: { type: 'string' },
    secret: { type: 'string' },
    format: { type: 'string' },
  },
});
const config = loadConfig();
const runtime = readRuntime(config.DATA_DIR);
const baseUrl = (values.url ?? runtime?.serverUrl ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
const tenantKey = values.tenant ?? DEMO_TENANT_SLUG;
const calls = Number(values.calls ?? 5);
const rate = Number(values.rate ?? 1);
const format = values.format ?? 'ringover';
if (!(Number.isInteger(calls) && calls > 0) || !(rate > 0) || !['ringover', 'compact'].includes(format)) {
  console.error(
    '--calls must be a positive integer, --rate a positive number (calls per second), --format ringover or compact',
  );
  process.exit(2);
}
const target = `${baseUrl}/api/v1/webhooks/ringover/${encodeURIComponent(tenantKey)}`;

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
       where t.slug = $1::citext or t.id::text = $1`,
      [tenantKey],
    );
    if (!rows[0]) throw new Error(`no tenant "${tenantKey}"`);
    return rows[0].webhook_secret;
  } finally {
    await client.end();
  }
}

// Ringover writes numbers as bare international digits.
const KNOWN = ['32470123456', '32478987654', '33612345678', '3226471234', '32495112233'];
const FIRM = '3222345678';
const TAGS = [
  { tag_id: 12, name: 'Urgent', color: '#e53935' },
  { tag_id: 13, name: 'Nouveau client', color: '#1e88e5' },
  { tag_id: 14, name: 'Facturation', color: '#43a047' },
];
const unknownNumber = () => `32${randomInt(470, 499)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clock = (seconds: number) =>
  `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
const atom = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, '+00:00');

type Kind = 'answered' | 'missed' | 'voicemail' | 'outbound';
interface Call {
  id: string;
  channel: string;
  kind: Kind;
  external: string;
  start: number;
  talk: number;
  recording: string;
}

function newCall(): Call {
  const id = randomRingoverId(19);
  return {
    id,
    channel: randomRingoverId(20),
    kind: (['answered', 'answered', 'answered', 'missed', 'voicemail', 'outbound'] as const)[randomInt(0, 6)]!,
    external: randomInt(0, 10) < 7 ? KNOWN[randomInt(0, KNOWN.length)]! : unknownNumber(),
    start: Date.now() / 1000,
    talk: randomInt(20, 400),
    recording: `${baseUrl}/demo-recordings/${id}.mp3`,
  };
}

/** Ringover's own deliveries for a call, ids as bare numbers. */
function ringoverLifecycle(c: Call): object[] {
  const outbound = c.kind === 'outbound';
  const ids = { call_id: bareNumber(c.id), channel_id: bareNumber(c.channel) };
  const base = {
    id: randomUUID(),
    ...ids,
    start_time: c.start,
    start_date_time_atom: atom(Math.floor(c.start)),
    answered_time: 0,
    hangup_time: 0,
    direction: outbound ? 'outbound' : 'inbound',
    from_number: outbound ? FIRM : c.external,
    to_number: outbound ? c.external : FIRM,
    user_id: 120034,
    is_internal: false,
    is_anonymous: 0,
    is_ivr: outbound ? 0 : 1,
    ivr: outbound
      ? null
      : {
          name: 'Accueil cabinet',
          number: FIRM,
          scenario: { scenario_id: 8812, ivr_id: 311, name: 'Heures de bureau', scenario_type: 'IVR' },
        },
    user: { user_id: 120034, firstname: 'Claire', lastname: 'Martin', email: 'demo@ringside.local', photo: '' },
  };
  const call = (event: string, data: object) => ({
    resource: 'call',
    event,
    timestamp: Date.now() / 1000,
    attempt: 1,
    data: { ...base, status: event, ...data },
  });
  const after = (event: string, data: object) => ({
    resource: 'aftercall',
    event,
    timestamp: Date.now() / 1000,
    attempt: 1,
    data: { ...ids, ...data },
  });
  const answered = c.start + 5;
  const ended = answered + c.talk;
  switch (c.kind) {
    case 'missed':
      return [call('ringing', {}), call('missed', { hangup_time: c.start + 25, reason: 'OUT_PLANNING' })];
    case 'voicemail':
      return [
        call('ringing', {}),
        call('voicemail', { hangup_time: c.start + 60, duration_in_seconds: '40' }),
        after('voicemail_available', {
          voicemail_link: c.recording,
          private_voicemail_link: null,
          voicemail_duration: '40s',
        }),
      ];
    default: {
      const deliveries: object[] = [
        call('ringing', {}),
        call('answered', { answered_time: answered, answered_date_time_atom: atom(Math.floor(answered)) }),
        call('hangup', {
          answered_time: answered,
          hangup_time: ended,
          hangup_date_time_atom: atom(Math.floor(ended)),
          duration_in_seconds: c.talk + 5,
          answering_machine_detection: 'HUMAN',
          record: null,
          private_record: null,
        }),
        after('record_available', {
          record_link: null,
          private_record_link: c.recording,
          record_duration: clock(c.talk),
        }),
      ];
      if (randomInt(0, 2) === 0)
        deliveries.push(after('tags_updated', { tags: TAGS.filter(() => randomInt(0, 2) === 0).slice(0, 2) }));
      if (randomInt(0, 3) === 0)
        deliveries.push(after('comments_updated', { comments: 'Rappeler pour les pièces du dossier' }));
      return deliveries;
    }
  }
}

/** The architecture document's compact form: one delivery per call. */
function compactLifecycle(c: Call): object[] {
  const outbound = c.kind === 'outbound';
  const common = {
    call_id: c.id,
    direction: outbound ? 'outbound' : 'inbound',
    caller_number: outbound ? FIRM : c.external,
    callee_number: outbound ? c.external : FIRM,
    started_at: new Date(c.start * 1000).toISOString(),
  };
  if (c.kind === 'missed')
    return [{ event: 'call.missed', ...common, ended_at: new Date((c.start + 25) * 1000).toISOString() }];
  if (c.kind === 'voicemail')
    return [{ event: 'voicemail', ...common, duration_seconds: 40, recording_url: c.recording }];
  return [
    {
      event: 'call.answered',
      ...common,
      duration_seconds: c.talk,
      recording_url: c.recording,
      ended_at: new Date((c.start + 5 + c.talk) * 1000).toISOString(),
    },
  ];
}

async function send(secret: string, delivery: object): Promise<string> {
  const body = JSON.stringify(delivery);
  const signature: Record<string, string> =
    format === 'ringover'
      ? { 'x-ringover-webhook-signature': signRingoverJwt(secret, target, body) }
      : { 'x-ringover-signature': signHmac(secret, Buffer.from(body)) };
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signature },
    body,
  });
  return `${res.status} ${(await res.text()).slice(0, 200)}`;
}

const secret = await findSecret();
console.error(`simulating ${calls} call(s) at ${rate}/s against ${baseUrl} (tenant ${tenantKey}, ${format} format)`);
const running: Promise<void>[] = [];
for (let i = 0; i < calls; i++) {
  const call = newCall();
  running.push(
    (async () => {
      const deliveries = format === 'ringover' ? ringoverLifecycle(call) : compactLifecycle(call);
      // Now and then Ringover delivers the last two out of order, or retries one.
      if (deliveries.length > 2 && randomInt(0, 5) === 0) deliveries.push(...deliveries.splice(-2, 1));
      if (format === 'ringover' && randomInt(0, 4) === 0) deliveries.push({ ...deliveries[0]!, attempt: 2 });
      for (const delivery of deliveries) {
        const answer = await send(secret, delivery);
        console.log(`${call.id} ${(delivery as { event: string }).event.padEnd(19)} → ${answer}`);
        await sleep(randomInt(300, 1200));
      }
    })(),
  );
  await sleep(1000 / rate);
}
await Promise.all(running);
