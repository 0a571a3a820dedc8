// Issue 13, finding 7: the call list is grouped by day, named as people say it.
import { describe, it, expect } from 'vitest';
import { dayLabel, groupByDay } from '../../web/src/lib/calls/days.ts';

const now = new Date(2026, 11, 2, 10, 0); // 2 December 2026, 10:00 local time
const at = (d: number, h: number) => new Date(2026, 11, d, h, 0).toISOString();
const words = { today: "Aujourd'hui", yesterday: 'Hier' };

describe('groupByDay', () => {
  const days = groupByDay(
    [
      { id: 'a', occurred_at: at(2, 9) },
      { id: 'b', occurred_at: at(2, 0) },
      { id: 'c', occurred_at: at(1, 23) },
      { id: 'd', occurred_at: new Date(2026, 10, 27, 8, 0).toISOString() },
    ],
    now,
  );

  it('groups consecutive calls of the same local day, newest first', () => {
    expect(days.map((d) => [d.key, d.items.map((i) => i.id)])).toEqual([
      ['2026-12-02', ['a', 'b']],
      ['2026-12-01', ['c']],
      ['2026-11-27', ['d']],
    ]);
  });

  it('names today and yesterday, and older days by their date in the regional locale', () => {
    expect(days.map((d) => dayLabel(d, 'fr-BE', words))).toEqual(["Aujourd'hui", 'Hier', 'vendredi 27 novembre 2026']);
    expect(dayLabel(days[2]!, 'en-GB', { today: 'Today', yesterday: 'Yesterday' })).toMatch(
      /^Friday,? 27 November 2026$/,
    );
  });
});
