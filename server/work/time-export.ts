// The export of confirmed billable time, for the firm's accounting or billing software: CSV that
// Excel opens correctly in BE/FR (UTF-8 with a byte-order mark, `;` between fields, since `,` is the
// decimal separator there) and the same rows as JSON.

export interface TimeExportRow {
  date: string;
  case_reference: string;
  staff: string;
  minutes: number;
  description: string;
}

const BOM = '\uFEFF';
const HEADER = ['date', 'case_reference', 'staff', 'minutes', 'description'] as const;

/** One CSV field: quoted when it holds a separator, a quote or a line break (RFC 4180). */
function field(value: string | number): string {
  const text = String(value);
  // A leading =, +, - or @ would make Excel evaluate the cell as a formula: prefix it with a quote.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function timeEntriesCsv(rows: TimeExportRow[]): string {
  const lines = [HEADER.join(';'), ...rows.map((r) => HEADER.map((key) => field(r[key])).join(';'))];
  return BOM + lines.join('\r\n') + '\r\n';
}
