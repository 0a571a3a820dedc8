import { describe, it, expect } from 'vitest';
import { activeSegmentIndex, cleanSegments, skipTarget } from '../../web/src/lib/player/transcript.ts';

const segments = cleanSegments([
  { start: 4, end: 7.5, text: ' Oui, je vous écoute. ' },
  { start: 0, end: 3.2, text: 'Cabinet Martin, bonjour.' },
  { start: 8, end: 12, text: 'Je vous rappelle demain.' },
  { start: 'x', end: 1, text: 'broken' },
  null,
]);

describe('transcript sync', () => {
  it('keeps well-formed segments, sorted by start, trimmed', () => {
    expect(segments.map((s) => s.text)).toEqual([
      'Cabinet Martin, bonjour.',
      'Oui, je vous écoute.',
      'Je vous rappelle demain.',
    ]);
    expect(cleanSegments(undefined)).toEqual([]);
  });

  it('highlights the segment being heard', () => {
    expect(activeSegmentIndex(segments, 0)).toBe(0);
    expect(activeSegmentIndex(segments, 3.1)).toBe(0);
    expect(activeSegmentIndex(segments, 4)).toBe(1);
    expect(activeSegmentIndex(segments, 11.99)).toBe(2);
  });

  it('highlights nothing in a silence, before the first or after the last segment', () => {
    expect(activeSegmentIndex(segments, 3.5)).toBe(-1);
    expect(activeSegmentIndex(segments, 7.8)).toBe(-1);
    expect(activeSegmentIndex(segments, 12)).toBe(-1);
    expect(activeSegmentIndex(segments, -1)).toBe(-1);
    expect(activeSegmentIndex([], 1)).toBe(-1);
  });

  it('finds the segment in a long transcript', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ start: i * 2, end: i * 2 + 1.5, text: `s${i}` }));
    expect(activeSegmentIndex(many, 12_345.2)).toBe(6172);
    expect(activeSegmentIndex(many, 12_345.8)).toBe(-1);
  });

  it('keeps skips inside the recording', () => {
    expect(skipTarget(5, -10, 60)).toBe(0);
    expect(skipTarget(55, 10, 60)).toBe(60);
    expect(skipTarget(20, 10, 60)).toBe(30);
    expect(skipTarget(20, 10, Number.NaN)).toBe(30);
  });
});
