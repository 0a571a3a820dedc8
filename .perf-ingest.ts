// scratch: PG CPU per ingest on one connection (not committed)
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { parseRingoverDelivery } from './server/webhooks/ringover-payload.ts';
import { databaseFacts } from './server/webhooks/facts.ts';
import { roleUrl } from './server/db/migrate.ts';
const env = Object.fromEntries(readFileSync('/tmp/perf/env', 'utf8').trim().split(' ').map((kv) => kv.split(/=(.*)/s).slice(0, 2)));
const { appPassword } = JSON.parse(readFileSync('/work/main/.data/secrets.json', 'utf8'));
const url = roleUrl(env.ROOT + '/ringside', 'ringside_service', appPassword);
const client = new pg.Client({ connectionString: process.env.SU ? env.ROOT + '/ringside' : url });
await client.connect();
if (process.env.SU) {
  await client.query(`load 'auto_explain'`);
  await client.query(`set auto_explain.log_min_duration = '${process.env.SU}ms'; set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice; set auto_explain.log_analyze = on; set role ringside_service`);
  client.on('notice', (n) => { if (String(n.message).length < 20000) console.log(String(n.message).slice(0, 3000)); });
}
const N = Number(process.argv[2] ?? 1000);
const pid = (await client.query('select pg_backend_pid() as p')).rows[0].p;
const ticks = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
let seed = Number(process.argv[3] ?? 1);
const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
const bodies = Array.from({ length: N }, (_, i) => {
  const r = rnd();
  const event = r < 0.7 ? 'call.answered' : r < 0.9 ? 'call.missed' : 'voicemail';
  const n = 1 + Math.floor(rnd() * 12000);
  const num = '+32470' + String(n).padStart(6, '0');
  const end = Date.now() - 60000;
  return { call_id: `pb-${process.pid}-${i}`, event, direction: 'inbound', caller_number: num, callee_number: '+3222001100',
    duration_seconds: event === 'call.answered' ? 60 : 0, recording_url: event === 'voicemail' ? `https://rec.example.invalid/v/${i}.mp3` : undefined,
    started_at: new Date(end - 90000).toISOString(), ended_at: new Date(end).toISOString() };
});
const t0 = ticks(); const w0 = performance.now();
for (const b of bodies) {
  const text = JSON.stringify(b);
  const p = parseRingoverDelivery(JSON.parse(text));
  if (!p.ok || p.delivery.kind !== 'call') throw new Error('bad');
  const d = p.delivery;
  await client.query({ name: 'ingest', text: 'select * from app_hidden.ingest_ringover_delivery($1,$2,$3,$4,$5,$6,$7,$8)',
    values: [env.TID, d.callId, d.event, d.attempt, d.sentAt, databaseFacts(d.facts, 'BE'), text, { 'content-type': 'application/json' }] });
  if (process.env.SEQ) await client.query('select * from app_hidden.sequence_live_events()');
}
const w1 = performance.now(); const t1 = ticks();
console.log(`N=${N} pg cpu ${((t1 - t0) * 10 / N).toFixed(3)} ms/ingest, wall ${((w1 - w0) / N).toFixed(3)} ms/ingest`);
await client.end();
