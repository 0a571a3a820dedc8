// The call list grouped by day, newest first, each day named as people say it: "Aujourd'hui",
// "Hier", then the date in the reader's regional locale ("lundi 30 novembre").

export interface Day<T> {
  /** yyyy-mm-dd in the reader's time zone: a stable key. */
  key: string;
  /** 0 today, 1 yesterday, more: older (negative for a clock running late). */
  daysAgo: number;
  items: T[];
}

function localKey(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function midnight(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Consecutive items of the same local day, in the order given (the list is already newest first). */
export function groupByDay<T extends { occurred_at: string }>(items: readonly T[], now: Date = new Date()): Day<T>[] {
  const days: Day<T>[] = [];
  for (const item of items) {
    const at = new Date(item.occurred_at);
    const key = localKey(at);
    const last = days.at(-1);
    if (last?.key === key) last.items.push(item);
    else days.push({ key, daysAgo: Math.round((midnight(now) - midnight(at)) / 86_400_000), items: [item] });
  }
  return days;
}

/** A day's heading: the caller passes the words for today and yesterday in the reader's language. */
export function dayLabel(
  day: Pick<Day<unknown>, 'key' | 'daysAgo'>,
  locale: string,
  words: { today: string; yesterday: string },
): string {
  if (day.daysAgo === 0) return words.today;
  if (day.daysAgo === 1) return words.yesterday;
  const [y, m, d] = day.key.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
    new Date(y!, m! - 1, d!),
  );
}
