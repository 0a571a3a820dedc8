// The call list's filters and page, read from the URL by the load function and by the page.
export const PER_PAGE = 25;
export const KEYS = ['direction', 'call_type', 'contact_id', 'case_id', 'date_from', 'date_to', 'q', 'tag'] as const;
export type Filters = Record<(typeof KEYS)[number], string>;

/** The URL's query: page.url's is read-only, a load function's is not. */
type Query = Pick<URLSearchParams, 'get'>;

export function filtersOf(search: Query): Filters {
  return Object.fromEntries(KEYS.map((k) => [k, search.get(k) ?? ''])) as Filters;
}

export function pageOf(search: Query): number {
  return Math.max(1, Number(search.get('page') ?? 1) || 1);
}

/** A day picked in the filters, as the instant it starts (or, for the upper bound, ends) locally. */
export function toIso(date: string, endOfDay: boolean): string | undefined {
  if (!date) return undefined;
  const d = new Date(`${date}T00:00:00`);
  if (endOfDay) d.setDate(d.getDate() + 1);
  return d.toISOString();
}
