// npm run admin -- ai:reprocess --call ID [--tenant T] [--force]
// Queues a call's AI processing again. ID is the call's id (uuid) or its Ringover call id (then
// --tenant may be needed when several tenants have that id). Without --force, only the steps that
// are not completed run again (after adding an API key, or once a provider is back); with --force,
// every step is redone (tasks already created are kept, never doubled).
// Runs as the migration owner, like the other admin commands (app_private.reprocess_call_ai).
import type pg from 'pg';

export interface ReprocessResult {
  event_id: string;
  tenant_id: string;
  call_id: string | null;
  job_id: number;
  force: boolean;
}

export async function aiReprocess(
  owner: pg.Client | pg.PoolClient | pg.Pool,
  opts: { call: string; tenantId?: string | null; force?: boolean },
): Promise<ReprocessResult> {
  const { rows } = await owner.query('select * from app_private.reprocess_call_ai($1, $2, $3)', [
    opts.call,
    opts.tenantId ?? null,
    opts.force === true,
  ]);
  const row = rows[0];
  return {
    event_id: row.event_id,
    tenant_id: row.tenant_id,
    call_id: row.call_id,
    job_id: Number(row.job_id),
    force: opts.force === true,
  };
}
