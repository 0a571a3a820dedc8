// The list is loaded from the URL's filters and page, and again when the live connection reports a
// call (app:calls) or a callback opened or closed, which a row shows (app:work); see +layout.svelte.
import { api, query, type CallPage, type CallStats } from '#lib/api.ts';
import { startOfToday } from '#lib/format.ts';
import { PER_PAGE, filtersOf, pageOf, toIso } from './list.ts';

export async function load({ url, fetch, depends }) {
  depends('app:calls', 'app:work');
  const filters = filtersOf(url.searchParams);
  const params = {
    ...filters,
    date_from: toIso(filters.date_from, false),
    date_to: toIso(filters.date_to, true),
    page: pageOf(url.searchParams),
    per_page: PER_PAGE,
  };
  // The list and today's figures in parallel. A failed reload keeps the rows already shown, under an
  // error, rather than an error page; failed figures show as dashes.
  const [calls, stats] = await Promise.all([
    api<CallPage>(`/api/v1/ringover/calls${query(params)}`, {}, fetch).catch(() => null),
    api<CallStats>(`/api/v1/ringover/stats?date_from=${encodeURIComponent(startOfToday())}`, {}, fetch).catch(
      () => null,
    ),
  ]);
  return { calls, stats, failed: calls === null };
}
