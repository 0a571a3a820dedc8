// The CSV of confirmed time: what Excel in BE/FR needs (BOM, `;`, CRLF), RFC 4180 quoting, and no
// cell that Excel would run as a formula (a description is staff- or AI-written text, and the AI
// summarises what a caller said).
import { describe, it, expect } from 'vitest';
import { timeEntriesCsv } from '../../server/work/time-export.ts';

const row = (description: string) => ({
  date: '2026-11-02',
  case_reference: '2026/É-01',
  staff: 'Hélène Lefèvre',
  minutes: 12,
  description,
});

describe('timeEntriesCsv', () => {
  it('starts with a BOM and a header, separates with ; and ends lines with CRLF', () => {
    expect(timeEntriesCsv([row('Réunion')])).toBe(
      '\uFEFFdate;case_reference;staff;minutes;description\r\n2026-11-02;2026/É-01;Hélène Lefèvre;12;Réunion\r\n',
    );
  });

  it('quotes fields holding separators, quotes or line breaks', () => {
    const line = timeEntriesCsv([row('a;b "c"\nd')]).split('\r\n')[1];
    expect(line).toBe('2026-11-02;2026/É-01;Hélène Lefèvre;12;"a;b ""c""\nd"');
  });

  it.each(['=HYPERLINK("http://x")', '+32 470', '-1', '@SUM(A1)'])('neutralises a formula: %s', (text) => {
    const cell = timeEntriesCsv([row(text)])
      .split('\r\n')[1]!
      .split(';')
      .slice(4)
      .join(';');
    expect(cell.replace(/^"/, '').startsWith("'")).toBe(true);
  });
});
