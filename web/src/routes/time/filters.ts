// The time page's filters, in the URL: mine unless ?everyone; from the month's first day unless ?from
// says otherwise (?from= with nothing: no lower bound); ?to, ?case.
export function monthStart(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-01`;
}

export function timeFilters(search: Pick<URLSearchParams, 'get' | 'has'>) {
  return {
    mine: !search.has('everyone'),
    from: search.get('from') ?? monthStart(),
    to: search.get('to') ?? '',
    caseId: search.get('case') ?? '',
  };
}
