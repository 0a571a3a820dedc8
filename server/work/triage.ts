// The triage inbox over REST (GET /api/v1/ringover/calls?unlinked=1): the calls waiting for a
// contact, in the call list's shape, with the numbers they group into (app_public.triage_numbers).
import type pg from 'pg';

export async function unlinkedCalls(client: pg.PoolClient, page: number, perPage: number) {
  const calls = (limit: number, offset: number) =>
    client.query('select total, call from app_hidden.list_unlinked_calls($1, $2)', [limit, offset]);
  const { rows } = await calls(perPage, (page - 1) * perPage);
  // A page past the end is empty but still says how many calls wait.
  const total = rows.length > 0 ? Number(rows[0].total) : Number((await calls(1, 0)).rows[0]?.total ?? 0);
  const numbers = await client.query(
    `select phone_e164, number_display, calls, ambiguous, last_call_at, last_call_id, candidate_contact_ids
       from app_public.triage_numbers() limit 100`,
  );
  return { items: rows.map((r) => r.call), total, numbers: numbers.rows };
}
