// The call is loaded before the page shows and again when the live connection reports a change to a
// call or its callback, or (re)connects: the layout calls invalidate('app:calls') / ('app:work').
// An unknown call is a 404 page.
import { error } from '@sveltejs/kit';
import { api, ApiError, type CallDetail } from '#lib/api.ts';

export async function load({ params, depends }) {
  depends('app:calls', 'app:work');
  try {
    return { call: await api<CallDetail>(`/api/v1/ringover/calls/${params.id}`) };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) error(404, 'call not found');
    throw e;
  }
}
