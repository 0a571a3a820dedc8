// Demo data for an empty database, so that a newcomer's first `npm start` shows a firm with staff,
// contacts, cases and a few past calls. The calls go through the real ingestion function.
import pg from 'pg';
import { inTransaction } from '../db/transactions.ts';

export const DEMO_LOGIN = { email: 'demo@ringside.local', password: 'ringside-demo' };
export const DEMO_TENANT_SLUG = 'cabinet-martin';

export interface DemoTenant {
  id: string;
  slug: string;
  webhookSecret: string;
}

const CONTACTS = [
  { key: 'marie', first_name: 'Marie', last_name: 'Dupont', phone: '+32470123456', email: 'marie.dupont@example.be' },
  { key: 'jean', first_name: 'Jean', last_name: 'Peeters', phone: '+32478987654', email: 'jean.peeters@example.be' },
  {
    key: 'sophie',
    first_name: 'Sophie',
    last_name: 'Lambert',
    phone: '+33612345678',
    email: 'sophie.lambert@example.fr',
  },
  { key: 'dubois', company: 'Dubois Construction SA', phone: '+3226471234' },
  { key: 'luc', first_name: 'Luc', last_name: 'Janssens', phone: '+32495112233' },
] as const;

const CASES = [
  { reference: '2026/042', title: 'Succession Dupont', status: 'open', daysAgo: 40, contacts: ['marie'] },
  {
    reference: '2026/051',
    title: 'Peeters c/ Immo Invest — bail commercial',
    status: 'in_progress',
    daysAgo: 20,
    contacts: ['jean'],
  },
  { reference: '2025/118', title: 'Peeters — divorce', status: 'closed', daysAgo: 300, contacts: ['jean'] },
  {
    reference: '2026/063',
    title: 'Dubois Construction — recouvrement',
    status: 'open',
    daysAgo: 7,
    contacts: ['dubois'],
  },
  {
    reference: '2026/070',
    title: 'Lambert — litige transfrontalier',
    status: 'open',
    daysAgo: 3,
    contacts: ['sophie'],
  },
] as const;

/** Creates the demo tenant when the database has no tenant at all; null when it already has some. */
export async function seedDemo(ownerUrl: string, serviceUrl: string): Promise<DemoTenant | null> {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    const { rows: existing } = await owner.query('select count(*)::int as n from app_public.tenants');
    if (existing[0].n > 0) return null;
    await owner.query('begin');
    const { rows } = await owner.query('select * from app_private.create_tenant($1, $2, $3, $4)', [
      'Cabinet Martin & Associés',
      DEMO_TENANT_SLUG,
      'BE',
      true, // AI on for the demo tenant (issue 12)
    ]);
    const tenant = {
      id: rows[0].id as string,
      slug: rows[0].slug as string,
      webhookSecret: rows[0].webhook_secret as string,
    };
    await owner.query('select app_private.create_user($1, $2, $3, $4, $5)', [
      tenant.id,
      DEMO_LOGIN.email,
      DEMO_LOGIN.password,
      'Claire Martin',
      'admin',
    ]);
    await owner.query("select set_config('app.current_tenant', $1, true)", [tenant.id]);
    const contactIds = new Map<string, string>();
    for (const c of CONTACTS) {
      const { rows: inserted } = await owner.query(
        'insert into app_public.contacts (tenant_id, first_name, last_name, company, phone_e164, email) values ($1, $2, $3, $4, $5, $6) returning id',
        [
          tenant.id,
          'first_name' in c ? c.first_name : null,
          'last_name' in c ? c.last_name : null,
          'company' in c ? c.company : null,
          c.phone,
          'email' in c ? c.email : null,
        ],
      );
      contactIds.set(c.key, inserted[0].id);
    }
    for (const k of CASES) {
      const { rows: inserted } = await owner.query(
        `insert into app_public.cases (tenant_id, reference, title, status, opened_at) values ($1, $2, $3, $4, now() - make_interval(days => $5)) returning id`,
        [tenant.id, k.reference, k.title, k.status, k.daysAgo],
      );
      for (const key of k.contacts) {
        await owner.query(
          'insert into app_public.case_contacts (tenant_id, case_id, contact_id, role) values ($1, $2, $3, $4)',
          [tenant.id, inserted[0].id, contactIds.get(key), 'client'],
        );
      }
    }
    await owner.query('commit');
    await seedPastCalls(serviceUrl, tenant.id);
    return tenant;
  } catch (error) {
    await owner.query('rollback').catch(() => {});
    throw error;
  } finally {
    await owner.end();
  }
}

async function seedPastCalls(serviceUrl: string, tenantId: string): Promise<void> {
  const service = new pg.Pool({ connectionString: serviceUrl, max: 1 });
  const firm = { number: '+3222345678', display: '+32 2 234 56 78' };
  const user = { id: '120034', name: 'Claire Martin', email: DEMO_LOGIN.email };
  const ago = (hours: number, plusSeconds = 0) =>
    new Date(Date.now() - hours * 3600_000 + plusSeconds * 1000).toISOString();
  const calls: Array<{ id: string; event: string; facts: Record<string, unknown> }> = [
    {
      id: 'demo-1001',
      event: 'hangup',
      facts: {
        direction: 'inbound',
        caller_number: '+32470123456',
        caller_e164: '+32470123456',
        caller_display: '+32 470 12 34 56',
        callee_number: firm.number,
        callee_e164: firm.number,
        ringover_user: user,
        started_at: ago(26),
        answered_at: ago(26, 5),
        ended_at: ago(26, 187),
        duration_seconds: 182,
      },
    },
    {
      id: 'demo-1002',
      event: 'missed',
      facts: {
        direction: 'inbound',
        caller_number: '+32478987654',
        caller_e164: '+32478987654',
        caller_display: '+32 478 98 76 54',
        callee_number: firm.number,
        started_at: ago(5),
        ended_at: ago(5, 25),
      },
    },
    {
      id: 'demo-1003',
      event: 'voicemail',
      facts: {
        direction: 'inbound',
        caller_number: '+33612345678',
        caller_e164: '+33612345678',
        caller_display: '+33 6 12 34 56 78',
        callee_number: firm.number,
        started_at: ago(3),
        ended_at: ago(3, 41),
        duration_seconds: 41,
      },
    },
    {
      id: 'demo-1004',
      event: 'hangup',
      facts: {
        direction: 'outbound',
        caller_number: firm.number,
        callee_number: '+3226471234',
        callee_e164: '+3226471234',
        callee_display: '+32 2 647 12 34',
        ringover_user: user,
        started_at: ago(2),
        answered_at: ago(2, 8),
        ended_at: ago(2, 302),
        duration_seconds: 294,
      },
    },
    {
      id: 'demo-1005',
      event: 'hangup',
      facts: {
        direction: 'inbound',
        caller_number: '+32499001122',
        caller_e164: '+32499001122',
        caller_display: '+32 499 00 11 22',
        callee_number: firm.number,
        ringover_user: user,
        started_at: ago(1),
        answered_at: ago(1, 4),
        ended_at: ago(1, 64),
        duration_seconds: 60,
      },
    },
  ];
  try {
    for (const call of calls) {
      await inTransaction(service, {}, (client) =>
        client.query('select app_hidden.ingest_ringover_delivery($1, $2, $3, 1, null, $4, $5, $6)', [
          tenantId,
          call.id,
          call.event,
          call.facts,
          JSON.stringify({ demo: true, ...call }),
          { source: 'demo' },
        ]),
      );
    }
  } finally {
    await service.end();
  }
}
