import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseJsonLosslessly, parseJsonExactly, sameJson } from '../../server/webhooks/lossless-json.ts';

describe('parseJsonLosslessly', () => {
  it('turns integers beyond 2^53 into their exact digits and leaves every other value as JSON.parse reads it', () => {
    const text =
      '{"id":16390226718014117149,"neg":-9007199254740993,"small":42,"frac":1795449000.207314,"exp":1e21,"s":"7","a":[18446744073709551615,null,true]}';
    expect(parseJsonLosslessly(text)).toEqual({
      id: '16390226718014117149',
      neg: '-9007199254740993',
      small: 42,
      frac: 1795449000.207314,
      exp: 1e21,
      s: '7',
      a: ['18446744073709551615', null, true],
    });
  });

  it('reads the smallest unsafe integer (16 digits) exactly, and a body without one as JSON.parse does', () => {
    expect(parseJsonLosslessly('{"id":9007199254740993,"max":9007199254740991}')).toEqual({
      id: '9007199254740993',
      max: 9007199254740991,
    });
    const plain = '{"call_id":"123","n":999999999999999,"at":"2026-12-02T02:47:00.123Z","x":[1.5,-2]}';
    expect(parseJsonLosslessly(plain)).toEqual(JSON.parse(plain));
  });

  it('throws SyntaxError on what is not JSON, as JSON.parse does', () => {
    expect(() => parseJsonLosslessly('{"a":')).toThrow(SyntaxError);
  });

  it('keeps any unsigned 64-bit integer exactly (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
        const value = (parseJsonLosslessly(`{"n":${n}}`) as { n: unknown }).n;
        expect(String(value)).toBe(n.toString());
      }),
      { numRuns: 500 },
    );
  });
});

describe('sameJson over parseJsonExactly', () => {
  const same = (a: string, b: string) => sameJson(parseJsonExactly(a), parseJsonExactly(b));

  it('ignores key order and spacing, and compares numbers by value (1.0 is 1, 1e2 is 100)', () => {
    expect(same('{"a":1,"b":[1.0,{"c":"x"}]}', '{ "b": [1, {"c": "x"}], "a": 1e0 }')).toBe(true);
    expect(same('{"n":100}', '{"n":1e2}')).toBe(true);
  });

  it('tells apart 64-bit ids a double cannot, a number from a string, and a missing key from null', () => {
    expect(same('{"id":7534779999276888538}', '{"id":7534779999276888539}')).toBe(false);
    expect(same('{"id":7534779999276888538}', '{"id":"7534779999276888538"}')).toBe(false);
    expect(same('{"a":null}', '{}')).toBe(false);
    expect(same('[1,2]', '[2,1]')).toBe(false);
  });
});
