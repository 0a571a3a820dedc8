// What the recording proxy asks before it serves audio (issue 12): whether the call's recording is
// still within the firm's retention term (else 410 with the reason), and the listening audit — one
// row per user, call, session and action, written before a byte leaves, so no recording is served
// unaudited. Both run as the service role with the request's tenant: the user and session come from
// the session the server verified, never from the client.
import type { Request } from 'express';
import type pg from 'pg';
import { asServiceFor } from '../db/transactions.ts';
import { HttpError } from '../http/errors.ts';

export class RecordingCustody {
  private readonly pool: pg.Pool;
  constructor(servicePool: pg.Pool) {
    this.pool = servicePool;
  }

  /** Throws a 410 when the recording's retention term is over (and its case is not on legal hold). */
  async admit(req: Request): Promise<void> {
    const { staff, callId } = identify(req);
    const refusal = await asServiceFor(this.pool, staff.tenantId, async (client) => {
      const { rows } = await client.query('select app_hidden.recording_refusal($1) as reason', [callId]);
      return rows[0].reason as string | null;
    });
    if (refusal) throw new HttpError(410, 'recording_expired', refusal);
  }

  /** Records this request of a play (or a download, `?download`): the Range asked and the bytes about to be sent. */
  async audit(req: Request, bytes: number | null): Promise<void> {
    const { staff, callId } = identify(req);
    const action = req.query.download !== undefined ? 'recording_download' : 'recording_play';
    await asServiceFor(this.pool, staff.tenantId, (client) =>
      client.query('select app_hidden.audit_recording($1, $2, $3, $4, $5, $6)', [
        callId,
        staff.userId,
        staff.sessionId,
        action,
        req.get('range') ?? null,
        bytes,
      ]),
    );
  }
}

function identify(req: Request) {
  // The calls router validated the id (a uuid) and requireStaff the session before the proxy runs.
  if (!req.staff || typeof req.params.id !== 'string') throw new Error('recording custody needs a staff request');
  return { staff: req.staff, callId: req.params.id };
}
