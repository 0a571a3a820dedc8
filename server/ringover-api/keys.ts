// Each tenant's Ringover API key, through the narrow functions of 000016 (the service role has no
// SELECT on the table). The key itself never leaves this module except into the client.
import type pg from 'pg';

export interface ApiKey {
  apiKey: string;
  version: number;
  status: 'valid' | 'invalid';
}

export interface ApiKeyState {
  tenant: string;
  status: 'valid' | 'invalid';
  invalid_since?: string;
  invalid_reason?: string;
  last_success_at?: string;
}

export async function loadApiKey(service: pg.Pool, tenantId: string): Promise<ApiKey | null> {
  const { rows } = await service.query('select api_key, version, status from app_hidden.ringover_api_key($1)', [
    tenantId,
  ]);
  const row = rows[0];
  return row ? { apiKey: row.api_key, version: row.version, status: row.status } : null;
}

/** Records Ringover's verdict on a key version; returns the new state when it changed. */
export async function recordKeyAnswer(
  service: pg.Pool,
  tenantId: string,
  version: number,
  verdict: { valid: true } | { valid: false; reason: string },
): Promise<{ status: string; invalid_since: Date | null; invalid_reason: string | null; changed: boolean } | null> {
  const { rows } = await service.query('select * from app_hidden.record_ringover_api_key_answer($1, $2, $3, $4)', [
    tenantId,
    version,
    verdict.valid,
    verdict.valid ? null : verdict.reason,
  ]);
  return rows[0] ?? null;
}

export async function tenantsToReconcile(service: pg.Pool): Promise<string[]> {
  const { rows } = await service.query('select tenant_id from app_hidden.ringover_api_keys_to_reconcile()');
  return rows.map((r) => r.tenant_id as string);
}

export async function apiKeyStates(service: pg.Pool): Promise<ApiKeyState[]> {
  const { rows } = await service.query('select * from app_hidden.ringover_api_key_states()');
  return rows.map((r) => ({
    tenant: r.tenant_slug,
    status: r.status,
    ...(r.invalid_since ? { invalid_since: new Date(r.invalid_since).toISOString() } : {}),
    ...(r.invalid_reason ? { invalid_reason: r.invalid_reason } : {}),
    ...(r.last_success_at ? { last_success_at: new Date(r.last_success_at).toISOString() } : {}),
  }));
}

/** What /readyz shows: how many keys, and which are refused since when and why. Never the keys. */
export async function apiKeyReadiness(service: pg.Pool) {
  const states = await apiKeyStates(service);
  return {
    keys: states.length,
    valid: states.filter((s) => s.status === 'valid').length,
    invalid: states
      .filter((s) => s.status === 'invalid')
      .map(({ tenant, invalid_since, invalid_reason }) => ({ tenant, since: invalid_since, reason: invalid_reason })),
  };
}
