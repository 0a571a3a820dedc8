// The listening audit and the recording term (issue 12), through the real server on a real port and
// a local recording host on 127.0.0.1 that honours Range: every play or download writes one audit row
// per user, call, session and action, with the ranges asked and the bytes sent; admins read the trail
// at GET /api/v1/audit, staff get 403; past the firm's recording term the proxy answers 410 with the
// reason, unless the call's case is on legal hold.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';
import { asStaff } from '../../server/db/transactions.ts';

const AUDIO = Buffer.from('0123456789abcdefghij'); // 20 bytes
let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let upstream: Server;
let tenant: { id: string };
let admin: { id: string };
let staff: { id: string };
let adminToken: string;
let staffToken: string;
let counter = 0;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Number(range[2]) : AUDIO.length - 1;
      res.writeHead(206, {
        'content-type': 'audio/mpeg',
        'content-length': String(end - start + 1),
        'content-range': `bytes ${start}-${end}/${AUDIO.length}`,
      });
      res.end(AUDIO.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(AUDIO.length) });
    res.end(AUDIO);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  db = await createTestDatabase();
  tenant = await db.createTenant();
  admin = await db.createUser(tenant.id, { role: 'admin' });
  staff = await db.createUser(tenant.id);
  server = await startTestServer(db, { RECORDING_ALLOWED_HOSTS: '127.0.0.1' });
  adminToken = (await server.app.tokens.issue({ userId: admin.id, tenantId: tenant.id, role: 'admin' })).token;
  staffToken = (await server.app.tokens.issue({ userId: staff.id, tenantId: tenant.id, role: 'staff' })).token;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
  upstream?.close();
});

async function recordedCall(): Promise<string> {
  counter += 1;
  const port = (upstream.address() as AddressInfo).port;
  const result = await ingest(db.pools.service, tenant.id, `audit-${counter}`, 'hangup', {
    ...inboundLifecycle().hangup,
    recording_url: `http://127.0.0.1:${port}/call-${counter}.mp3`,
  });
  return result.event_id;
}

const play = async (callId: string, token: string, opts: { range?: string; download?: boolean } = {}) => {
  const res = await fetch(
    `${server.url}/api/v1/ringover/calls/${callId}/recording${opts.download ? '?download' : ''}`,
    {
      headers: { authorization: `Bearer ${token}`, ...(opts.range ? { range: opts.range } : {}) },
    },
  );
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
};

const audit = async (token: string, query = '') => {
  const res = await fetch(`${server.url}/api/v1/audit${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
};

describe('the listening audit', () => {
  it('writes one row per user, call and session for a play, gathering its Range requests and bytes', async () => {
    const call = await recordedCall();
    expect((await play(call, staffToken)).body).toEqual(AUDIO);
    expect((await play(call, staffToken, { range: 'bytes=0-3' })).status).toBe(206);
    expect((await play(call, staffToken, { range: 'bytes=10-' })).body.toString()).toBe('abcdefghij');

    const { status, body } = await audit(adminToken, `?call_id=${call}`);
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({
      action: 'recording_play',
      user_id: staff.id,
      call_id: call,
      details: { requests: 3, bytes: 20 + 4 + 10, ranges: ['bytes=0-3', 'bytes=10-'] },
    });
    expect(Date.parse(body.items[0].at)).not.toBeNaN();
  });

  it('writes a download apart from a play, and another session apart from the first', async () => {
    const call = await recordedCall();
    await play(call, staffToken, { download: true });
    await play(call, staffToken);
    const secondSession = (await server.app.tokens.issue({ userId: staff.id, tenantId: tenant.id, role: 'staff' }))
      .token;
    await play(call, secondSession);

    const { body } = await audit(adminToken, `?call_id=${call}`);
    expect(body.total).toBe(3);
    expect(body.items.map((i: any) => i.action).sort()).toEqual([
      'recording_download',
      'recording_play',
      'recording_play',
    ]);
    const downloads = await audit(adminToken, `?call_id=${call}&action=recording_download&user_id=${staff.id}`);
    expect(downloads.body).toMatchObject({ total: 1, items: [{ details: { requests: 1, bytes: 20, ranges: [] } }] });
  });

  it('answers staff 403 and an invalid query 422, and filters by date', async () => {
    expect(await audit(staffToken)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const invalid = await audit(adminToken, '?call_id=nope&per_page=1000');
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.map((d: any) => d.path).sort()).toEqual(['call_id', 'per_page']);
    expect((await audit(adminToken, '?date_to=2000-01-01')).body).toEqual({ items: [], total: 0 });
    const recent = await audit(adminToken, `?date_from=${new Date(Date.now() - 3_600_000).toISOString()}&per_page=1`);
    expect(recent.body.items).toHaveLength(1);
    expect(recent.body.total).toBeGreaterThan(1);
  });

  it('is invisible to staff in the database too, and staff cannot write it', async () => {
    const rows = await asStaff(db.pools.staff, { tenantId: tenant.id, userId: staff.id, role: 'staff' }, async (c) => {
      const read = await c.query('select count(*)::int as n from app_public.audit_events');
      const write = await c
        .query(`insert into app_public.audit_events (action, user_id) values ('settings_changed', $1)`, [staff.id])
        .then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        );
      return { read: read.rows[0].n, write };
    });
    expect(rows).toEqual({ read: 0, write: '42501' });
  });

  it('audits setting changes by an admin, and a staff member changes nothing', async () => {
    const asRole = (role: 'admin' | 'staff', id: string) =>
      asStaff(db.pools.staff, { tenantId: tenant.id, userId: id, role }, (c) =>
        c.query('update app_public.tenant_settings set retention_ai_days = $1', [role === 'admin' ? 365 : 1]),
      );
    expect((await asRole('staff', staff.id)).rowCount).toBe(0);
    expect((await asRole('admin', admin.id)).rowCount).toBe(1);
    const { body } = await audit(adminToken, '?action=settings_changed');
    expect(body).toMatchObject({
      total: 1,
      items: [{ user_id: admin.id, details: { changes: { retention_ai_days: { from: null, to: 365 } } } }],
    });
  });
});

describe('the recording term', () => {
  it("refuses a recording past the firm's term with 410 and the reason, except under legal hold", async () => {
    const call = await recordedCall();
    await db.asOwnerFor(tenant.id, async (c) => {
      await c.query('update app_public.tenant_settings set retention_recordings_days = 30');
      await c.query(`update app_public.interaction_events set occurred_at = now() - interval '31 days' where id = $1`, [
        call,
      ]);
    });
    const res = await fetch(`${server.url}/api/v1/ringover/calls/${call}/recording`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(410);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('recording_expired');
    expect(body.error.message).toMatch(
      /^The firm keeps recordings 30 days after the call: this one was available until \d{4}-/,
    );
    expect((await audit(adminToken, `?call_id=${call}`)).body.total, 'a refused request is not a listening').toBe(0);

    const caseId = await db.createCase(tenant.id, { reference: 'HOLD-1' });
    await db.asOwnerFor(tenant.id, async (c) => {
      await c.query('update app_public.cases set legal_hold = true where id = $1', [caseId]);
      await c.query('update app_public.interaction_events set case_id = $2 where id = $1', [call, caseId]);
    });
    expect((await play(call, adminToken)).status).toBe(200);
  });
});
