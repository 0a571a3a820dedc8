// Issue 13, finding 10: server errors showed in English inside the French form. Every error code
// the server can send (found in its source, so a new one cannot slip by) has a message in French
// and in English.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_MESSAGES } from '../../web/src/lib/error-codes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(ROOT, dir, f), 'utf8'));
}

/** Codes thrown to staff: REST HttpError/sendError, GraphQL SafeError's `code`. */
function serverCodes(): Set<string> {
  const codes = new Set<string>();
  const patterns = [
    /new HttpError\(\s*\d+,\s*'([A-Za-z_]+)'/g,
    /sendError\(\s*res,\s*\d+,\s*'([A-Za-z_]+)'/g,
    // GraphQL's SafeError extensions, written in capitals.
    /\bcode:\s*'([A-Z][A-Z_]+)'/g,
  ];
  for (const text of [
    ...sources('server/http'),
    ...sources('server/auth'),
    ...sources('server/calls'),
    ...sources('server/graphql'),
    ...sources('server/recordings'),
  ])
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) codes.add(m[1]!);
  return codes;
}

describe('server error codes in the staff UI', () => {
  it('finds the codes it checks (the scan itself works)', () => {
    const codes = serverCodes();
    expect(codes).toContain('INVALID_PHONE_NUMBER');
    expect(codes).toContain('not_found');
    expect(codes.size).toBeGreaterThan(8);
  });

  it('translates every code the server sends', () => {
    const missing = [...serverCodes()].filter((code) => !(code in ERROR_MESSAGES));
    expect(missing, 'codes without a message in web/src/lib/error-codes.ts').toEqual([]);
  });

  it('has each message in French and in English', () => {
    const dictionary = readFileSync(join(ROOT, 'web/src/lib/i18n.svelte.ts'), 'utf8');
    const untranslated = [...new Set(Object.values(ERROR_MESSAGES))].filter(
      (key) => dictionary.split(`'${key}':`).length - 1 !== 2,
    );
    expect(untranslated, 'keys not defined exactly once per language').toEqual([]);
  });
});
