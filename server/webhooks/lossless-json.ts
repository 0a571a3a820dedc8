// JSON as Ringover writes it, read without losing digits. Its call and channel ids are unsigned
// 64-bit integers sent as bare JSON numbers; JSON.parse rounds anything beyond 2^53
// (7534779999276888538 becomes 7534779999276888000), which would merge or split calls. Node 24's
// JSON.parse hands a reviver the source text of every primitive (the `context` argument of the
// JSON.parse source text access proposal), so no extra library is needed.

type ReviverContext = { source?: string };
type Reviver = (this: unknown, key: string, value: unknown, context?: ReviverContext) => unknown;
const parseWith = JSON.parse as (text: string, reviver: Reviver) => unknown;

const INTEGER_LITERAL = /^-?\d+$/;
/** Only an integer of 16 digits or more can exceed 2^53 (9,007,199,254,740,992). */
const LONG_DIGIT_RUN = /\d{16}/;

/**
 * Parses JSON, turning every integer literal too large for a double into its exact decimal text.
 * Smaller numbers stay numbers; ids are read as text downstream either way.
 * Throws SyntaxError as JSON.parse does.
 */
export function parseJsonLosslessly(text: string): unknown {
  // Without 16 digits in a row nothing can be rounded: the plain parse is exact, and several times faster.
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  return parseWith(text, (_key, value, context) =>
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    INTEGER_LITERAL.test(context.source)
      ? context.source
      : value,
  );
}

/** A JSON number kept as written, for comparing two documents exactly. */
class JsonNumber {
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
  /** Two numbers are the same when they denote the same value: integers by their exact digits, others as doubles. */
  sameAs(other: JsonNumber): boolean {
    if (INTEGER_LITERAL.test(this.source) && INTEGER_LITERAL.test(other.source)) {
      return BigInt(this.source) === BigInt(other.source);
    }
    return Number(this.source) === Number(other.source);
  }
}

/** Parses JSON keeping every number as a JsonNumber (for exact comparison, not for use). */
export function parseJsonExactly(text: string): unknown {
  return parseWith(text, (_key, value, context) =>
    typeof value === 'number' && context?.source !== undefined ? new JsonNumber(context.source) : value,
  );
}

/** Deep equality of two documents from parseJsonExactly: same types, same keys, same values; key order does not matter. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a instanceof JsonNumber || b instanceof JsonNumber) {
    return a instanceof JsonNumber && b instanceof JsonNumber && a.sameAs(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    return (
      keysA.length === keysB.length &&
      keysA.every(
        (k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return a === b;
}
