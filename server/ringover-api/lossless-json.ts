// Ringover's ids are unsigned 64-bit integers. The API sends them as strings today, but a bare JSON
// number beyond 2^53 would be rounded by JSON.parse and two calls could merge: every integer too
// large for a double is kept as its exact decimal text instead (Node 24's JSON.parse gives revivers
// the source text of each primitive).
type ReviverContext = { source?: string };
type Reviver = (this: unknown, key: string, value: unknown, context?: ReviverContext) => unknown;

const keepBigIntegers: Reviver = (_key, value, context) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source)
    ? context.source
    : value;

export function parseJsonLosslessly(text: string): unknown {
  return JSON.parse(text, keepBigIntegers as Parameters<typeof JSON.parse>[1]);
}
