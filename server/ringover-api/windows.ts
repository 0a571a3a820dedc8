// Ringover's /calls answers for start_date..end_date at most 15 days apart: a longer period is read
// as consecutive windows (each end is the next start; a call on the boundary read twice is one
// delivery, deduplicated).
export const MAX_WINDOW_MS = 15 * 24 * 60 * 60 * 1000;

export interface Window {
  start: Date;
  end: Date;
}

export function callWindows(since: Date, until: Date, maxMs = MAX_WINDOW_MS): Window[] {
  if (!(since.getTime() < until.getTime())) throw new RangeError('since must be before until');
  const windows: Window[] = [];
  for (let start = since.getTime(); start < until.getTime(); start += maxMs) {
    windows.push({ start: new Date(start), end: new Date(Math.min(start + maxMs, until.getTime())) });
  }
  return windows;
}
