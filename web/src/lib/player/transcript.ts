// Which transcript segment is being heard: segments are sorted by start time; the current one is the
// last that has started, as long as it has not ended (silences between segments highlight nothing).

export interface Segment {
  start: number;
  end: number;
  text: string;
}

/** Keeps well-formed segments, sorted by start. */
export function cleanSegments(raw: unknown): Segment[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (s): s is Segment =>
        !!s &&
        typeof s.start === 'number' &&
        typeof s.end === 'number' &&
        typeof s.text === 'string' &&
        s.end >= s.start,
    )
    .map((s) => ({ start: s.start, end: s.end, text: s.text.trim() }))
    .sort((a, b) => a.start - b.start);
}

/** The index of the segment playing at `time` seconds, or -1. Binary search: O(log n) per frame. */
export function activeSegmentIndex(segments: readonly Segment[], time: number): number {
  let low = 0;
  let high = segments.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (segments[mid]!.start <= time) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (found === -1) return -1;
  return time < segments[found]!.end ? found : -1;
}

/** Where a skip of `delta` seconds lands, kept inside the recording. */
export function skipTarget(current: number, delta: number, duration: number): number {
  const end = Number.isFinite(duration) && duration > 0 ? duration : Number.POSITIVE_INFINITY;
  return Math.min(Math.max(0, current + delta), end);
}

export const SPEEDS = [0.5, 1, 1.5, 2] as const;
