// Writing JSON as Ringover writes it, for the tools that play Ringover (simulate, bench, tests): its
// 64-bit ids are bare JSON numbers beyond 2^53, which no JS number can hold. Node 24's JSON.rawJSON
// puts the exact digits in the output.
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** A 64-bit id (decimal text) that JSON.stringify writes as a bare number. */
export function bareNumber(digits: string): unknown {
  if (!/^\d+$/.test(digits)) throw new Error(`not a decimal id: ${digits}`);
  return rawJSON(digits);
}

/** A random unsigned id of `digits` digits (19 for call ids, 20 for channel ids), as decimal text. */
export function randomRingoverId(digits: 19 | 20): string {
  const max = digits === 20 ? 18446744073709551615n : 9999999999999999999n;
  const min = 10n ** BigInt(digits - 1);
  const bytes = crypto.getRandomValues(new BigUint64Array(1))[0]!;
  return String(min + (bytes % (max - min + 1n)));
}
